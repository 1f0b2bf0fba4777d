import zlib from 'node:zlib';
import { DEFAULT_CHUNK_OPTIONS } from '../text/chunk.js';
import { ingestError, type ComplexityMeasure, type IngestError } from './ingest-error.js';

/**
 * What one extraction may cost. Readability's time grows much faster than the page (600 nested
 * <div>s: 9 s; 12 000 ordinary elements: 6 s, on 2 cores), pdf.js inflates streams into memory the
 * heap limit does not see, and every passage is a model call: so each is bounded before or while
 * extracting, and an overrun is a refusal that says which bound, never an unexpected error.
 */
export interface ExtractBudget {
  /** Wall time of the parse in the worker (thread start-up and parser loading are bounded apart). */
  wallMs: number;
  /** V8 heap of the extraction worker (`resourceLimits.maxOldGenerationSizeMb`). */
  heapMb: number;
  /** HTML: start tags. */
  maxElements: number;
  /** HTML: elements nested inside each other (ones whose end tag is optional do not count). */
  maxDepth: number;
  /** PDF: pages, counted from the page objects. */
  maxPdfPages: number;
  /** PDF: bytes all compressed streams inflate to. */
  maxPdfInflatedBytes: number;
  /** Passages the article may become (each is a model call, and the index is written under the corpus lock). */
  maxPassages: number;
}

/** The worker's word that the shape checks passed and the parsers are loaded: `wallMs` runs from here. */
export const PARSING = 'parsing';

export const DEFAULT_EXTRACT_BUDGET: Readonly<ExtractBudget> = Object.freeze({
  wallMs: 15_000,
  heapMb: 512,
  maxElements: 20_000,
  maxDepth: 200,
  maxPdfPages: 300,
  maxPdfInflatedBytes: 64 * 1024 * 1024,
  maxPassages: 400,
});

export function tooComplex(measure: ComplexityMeasure, limit: number): IngestError {
  return ingestError('TOO_COMPLEX', { measure, limit });
}

// Elements that never nest (void) or whose end tag may be left out (the parser closes them).
const NO_NESTING = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param', 'keygen',
  'p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'colgroup', 'caption', 'rt', 'rp',
]);
// Their content is text, not markup, up to their end tag.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'template', 'iframe', 'noembed', 'noframes', 'plaintext']);

/**
 * One linear pass over the markup, before any parser sees it: counts start tags and the deepest
 * nesting, and throws TOO_COMPLEX at the first bound passed.
 * @example checkHtmlShape('<div><div><p>a</div></div>', { maxElements: 100, maxDepth: 1 }) // throws: nested more than 1 deep
 */
export function checkHtmlShape(html: string, budget: Pick<ExtractBudget, 'maxElements' | 'maxDepth'>): { elements: number; depth: number } {
  const tag = /<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>|<!--[\s\S]*?-->/g;
  const open: string[] = [];
  let elements = 0;
  let deepest = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = m[2]?.toLowerCase();
    if (!name) continue; // a comment
    if (m[1]) {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
      continue;
    }
    if (++elements > budget.maxElements) throw tooComplex('elements', budget.maxElements);
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = tag.lastIndex;
      tag.lastIndex = close.exec(html)?.index ?? html.length;
      continue;
    }
    if (m[3] || NO_NESTING.has(name)) continue;
    open.push(name);
    if (open.length > deepest) {
      deepest = open.length;
      if (deepest > budget.maxDepth) throw tooComplex('depth', budget.maxDepth);
    }
  }
  return { elements, depth: deepest };
}

/**
 * PDF bounds, checked on the raw bytes before pdf.js reads them: page objects, and what the
 * Flate streams inflate to (inflated here with a ceiling, so a 1 MB stream that would become
 * 1 GB stops at the ceiling). Streams pdf.js finds some other way are left to the wall-time bound.
 */
export function checkPdfShape(data: Uint8Array, budget: Pick<ExtractBudget, 'maxPdfPages' | 'maxPdfInflatedBytes'>): { pages: number; inflatedBytes: number } {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text = bytes.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  if (pages > budget.maxPdfPages) throw tooComplex('pdf-pages', budget.maxPdfPages);
  let inflatedBytes = 0;
  const streamStart = /stream\r?\n/g;
  for (let m = streamStart.exec(text); m; m = streamStart.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    streamStart.lastIndex = end + 'endstream'.length;
    const dictionary = text.slice(Math.max(0, text.lastIndexOf('obj', m.index)), m.index);
    if (!/\/FlateDecode|\/Fl\b/.test(dictionary)) continue;
    const left = budget.maxPdfInflatedBytes - inflatedBytes;
    try {
      inflatedBytes += zlib.inflateSync(bytes.subarray(start, end), { maxOutputLength: left + 1, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooComplex('pdf-inflated-bytes', budget.maxPdfInflatedBytes);
      // A damaged stream: pdf.js decides what it makes of it.
      continue;
    }
    if (inflatedBytes > budget.maxPdfInflatedBytes) throw tooComplex('pdf-inflated-bytes', budget.maxPdfInflatedBytes);
  }
  return { pages, inflatedBytes };
}

/**
 * Words in `text` (runs of non-space characters), in one pass without building strings: a regex
 * match over 5 MB takes 1.5 s, this loop a few milliseconds.
 * @example countWords(' Le  conseil a voté.\n') // 4
 */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/**
 * Words past which a text cannot fit `maxPassages` passages of at most `maxWords` (300) words:
 * a huge text is refused on its word count, without cleaning and cutting it first.
 * @example wordCeiling(400) // 120000
 */
export function wordCeiling(maxPassages: number): number {
  return maxPassages * DEFAULT_CHUNK_OPTIONS.maxWords;
}

export function tooManyPassages(passages: number, limit: number): IngestError {
  return ingestError('TOO_MANY_PASSAGES', { passages, limit });
}

export function tooManyWords(words: number, limit: number): IngestError {
  return ingestError('TOO_MANY_PASSAGES', { words, wordLimit: wordCeiling(limit), limit });
}
