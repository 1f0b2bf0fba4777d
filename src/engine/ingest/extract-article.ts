import { parseHTML } from 'linkedom';
import { parse as parseYaml } from 'yaml';
import { cleanLine, cleanOptional, cleanText, cleanUrl, METADATA_MAX } from './clean-metadata.js';
import { decodeText } from './decode-text.js';
import { htmlToText } from './html-to-text.js';
import { formatBytes, ingestError, type Subject } from './ingest-error.js';
import { normalizeDate, normalizeLanguage, pageMetadata } from './page-metadata.js';
import { pdfToText, type PdfContent } from './pdf-to-text.js';
import { sniffDocument } from './sniff-type.js';

/** An article ready to be written: metadata the document states (null otherwise) and its text. */
export interface ExtractedArticle {
  title: string;
  /** True when the document has no title and the first sentence of the text stands in. */
  titleFromText: boolean;
  publisher: string | null;
  /** Byline as the document states it (several authors joined by ", "), or null. */
  author: string | null;
  /** Canonical URL the page declares, or null; the caller decides whether to fall back to the fetched URL. */
  canonicalUrl: string | null;
  date: string | null;
  language: string | null;
  /** Paragraphs separated by blank lines. */
  text: string;
  kind: 'html' | 'markdown' | 'text' | 'pdf';
}

export interface RawDocument {
  data: Uint8Array;
  /** Content-Type media type when the document came over HTTP. */
  mime?: string | null;
  charset?: string | null;
  /** File name of an attachment; only used to tell Markdown from plain text. */
  name?: string | null;
  /** Where the document came from, to resolve relative canonical links. */
  url?: string | null;
}

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const TITLE_MAX: number = METADATA_MAX.title;

/**
 * Turns document bytes (HTML page, PDF, Markdown or plain-text file) into an article. The type
 * is decided by the bytes, never by the name; binaries and empty documents are refused.
 *
 * @example await extractArticle({ data: htmlBytes, mime: 'text/html', url: 'https://site.example/a' })
 *   // { title: 'Stargate…', publisher: 'Le Quotidien', canonicalUrl: '…', date: '2025-01-22', language: 'fr', text: '…', kind: 'html' }
 * @throws IngestError TOO_LARGE, NOT_A_DOCUMENT, EMPTY_DOCUMENT
 */
export async function extractArticle(doc: RawDocument, options: { maxBytes?: number } = {}): Promise<ExtractedArticle> {
  const subject: Subject = doc.name ? { file: cleanLine(doc.name, 100) } : { url: doc.url ? cleanLine(doc.url, 300) : 'the document' };
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  if (doc.data.length > maxBytes) {
    throw ingestError('TOO_LARGE', { ...subject, limit: formatBytes(maxBytes) });
  }
  const sniffed = await sniffDocument(doc.data, { mime: doc.mime ?? null, name: doc.name ?? null });
  if (!sniffed.document) {
    throw ingestError('NOT_A_DOCUMENT', { ...subject, detected: sniffed.detected });
  }
  let article: ExtractedArticle;
  if (sniffed.kind === 'pdf') {
    article = fromPdf(await pdfToText(doc.data, subject));
  } else {
    const source = decodeText(doc.data, { charset: doc.charset ?? null, html: sniffed.kind === 'html' });
    article = sniffed.kind === 'html' ? fromHtml(source, doc.url ?? null) : fromText(source, sniffed.kind);
  }
  if (!article.text.trim()) throw ingestError('EMPTY_DOCUMENT', subject.file !== undefined ? { file: subject.file } : {});
  return article;
}

/**
 * The one place where an extracted article's strings are made safe: metadata cleaned and
 * capped (see clean-metadata.ts), control characters out of the text.
 */
function cleaned(article: ExtractedArticle): ExtractedArticle {
  return {
    ...article,
    title: cleanLine(article.title, METADATA_MAX.title),
    publisher: cleanOptional(article.publisher, METADATA_MAX.publisher),
    author: cleanOptional(article.author, METADATA_MAX.author),
    canonicalUrl: cleanUrl(article.canonicalUrl),
    text: cleanText(article.text),
  };
}

/** HTML page → article. Metadata is read before any cleaning touches <head> or JSON-LD. */
export function fromHtml(html: string, url: string | null): ExtractedArticle {
  const { document } = parseHTML(html);
  const meta = pageMetadata(document as unknown as Document, url);
  const publisher = cleanOptional(meta.publisher, METADATA_MAX.publisher);
  const declared = cleanOptional(meta.title, METADATA_MAX.title * 4);
  const pageTitle = declared ? cleanOptional(stripSiteSuffix(declared, publisher), METADATA_MAX.title) : null;
  const text = cleanText(htmlToText(html, pageTitle));
  const title = pageTitle ?? titleFromText(text);
  return cleaned({
    title: clip(title ?? ''),
    titleFromText: pageTitle === null,
    publisher,
    author: meta.author,
    canonicalUrl: meta.canonicalUrl,
    date: meta.date,
    language: meta.language,
    text,
    kind: 'html',
  });
}

/**
 * Markdown or plain text → article: the title is the first heading (or first short line);
 * other metadata stays null unless the file opens with YAML front matter stating it.
 */
export function fromText(source: string, kind: 'markdown' | 'text'): ExtractedArticle {
  const { front, body } = splitFrontMatter(cleanText(source.replace(/^\uFEFF/, '')));
  const lines = body.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const firstLine = first >= 0 ? (lines[first] ?? '').trim() : '';
  const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(firstLine)?.[1] ?? null;
  const shortLine = !heading && firstLine.length > 0 && firstLine.length <= 150 && !/[.!?…:;,]$/.test(firstLine) ? firstLine : null;
  const declaredTitle = str(front.title) ? cleanOptional(str(front.title), METADATA_MAX.title) : null;
  let titleLine = heading ?? (declaredTitle ? null : shortLine);
  const rest = titleLine !== null ? lines.slice(first + 1).join('\n') : body;
  let text = paragraphs(kind === 'markdown' ? stripMarkdown(rest) : rest);
  if (!text && titleLine !== null) {
    // A one-line document: the line is the text, not a title.
    text = paragraphs(kind === 'markdown' ? stripMarkdown(titleLine) : titleLine);
    titleLine = null;
  }
  const title = declaredTitle ?? (titleLine !== null ? (kind === 'markdown' ? stripMarkdown(titleLine) : titleLine) : null);
  return cleaned({
    title: clip(title ?? titleFromText(text) ?? ''),
    titleFromText: title === null,
    publisher: str(front.publisher),
    author: authorOf(front.author),
    canonicalUrl: httpUrl(str(front.url)),
    date: normalizeDate(str(front.date) ?? (front.date instanceof Date ? front.date.toISOString() : null)),
    language: normalizeLanguage(str(front.language)),
    text,
    kind,
  });
}

/** Front matter `author:` as a name or a list of names. */
function authorOf(value: unknown): string | null {
  const names = (Array.isArray(value) ? value : [value]).map(str).filter((n): n is string => n !== null);
  return names.length ? names.join(', ') : null;
}

/** PDF → article: its declared title and language; no publisher, URL or date (a PDF does not state them). */
export function fromPdf(pdf: PdfContent): ExtractedArticle {
  let text = pdf.text;
  let title = pdf.title;
  if (!title) {
    // A short first paragraph is the document's own heading.
    const [first = '', ...rest] = text.split('\n\n');
    if (first.length <= 150 && !/[.!?…:;,]$/.test(first) && rest.length > 0) {
      title = first;
      text = rest.join('\n\n');
    }
  } else if (text.split('\n\n')[0]?.trim() === title) {
    text = text.split('\n\n').slice(1).join('\n\n');
  }
  return cleaned({
    title: clip(title ?? titleFromText(text) ?? ''),
    titleFromText: title === null,
    publisher: null,
    author: null,
    canonicalUrl: null,
    date: null,
    language: pdf.language,
    text,
    kind: 'pdf',
  });
}

/** First sentence of the text, as a stand-in title (it is the text's own words, not a guess). */
export function titleFromText(text: string): string | null {
  const first = text.split('\n').find((l) => l.trim())?.trim();
  if (!first) return null;
  const sentence = /^.+?[.!?…](?=\s|$)/.exec(first)?.[0] ?? first;
  return clip(sentence, 120);
}

function splitFrontMatter(source: string): { front: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(source);
  if (!match) return { front: {}, body: source };
  try {
    const parsed: unknown = parseYaml(match[1] ?? '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return { front: parsed as Record<string, unknown>, body: source.slice(match[0].length) };
    }
  } catch {
    // Not YAML after all: treat the block as text.
  }
  return { front: {}, body: source };
}

/** Light Markdown → text: keeps words, drops markup that would show in quoted passages. */
function stripMarkdown(md: string): string {
  return md
    .replace(/^```.*$/gm, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}[ \t]+(.*?)[ \t]*#*$/gm, '$1')
    .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
    .replace(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+/gm, '')
    .replace(/^[ \t]*([-*_][ \t]*){3,}$/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<[^>\n]+>/g, '');
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/ *\n */g, '\n').trim())
    .filter(Boolean)
    .join('\n\n');
}

/**
 * "Budget voté | La Gazette" → "Budget voté" when the publisher is "La Gazette". Plain string
 * comparison: no regular expression is ever built from page data.
 */
export function stripSiteSuffix(title: string, publisher: string | null): string {
  if (!publisher || publisher.length >= title.length) return title;
  if (title.slice(-publisher.length).toLowerCase() !== publisher.toLowerCase()) return title;
  const head = title.slice(0, -publisher.length);
  const separator = /\s+[|–—:·-]\s+$/.exec(head);
  if (!separator) return title;
  const stripped = head.slice(0, separator.index).trim();
  return stripped || title;
}

function clip(text: string, max = TITLE_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // Cut between words when one ends near the limit.
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
