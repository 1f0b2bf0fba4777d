/**
 * Extraction worker (started by extract-in-worker.ts): the cheap shape checks, then the parse
 * (Readability, pdf.js…), then the passage count, all off the calling thread and under its budget.
 * Receives the document's bytes in pieces (joined here, not on the calling thread), posts `PARSING` when the parse starts (its wall-time budget runs from then), then one
 * `ExtractReply`, and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { textHash } from '../corpus/article-identity.js';
import { findArticleText } from '../corpus/clean.js';
import { chunkArticle } from '../text/chunk.js';
import { PARSING, checkHtmlShape, checkPdfShape, countWords, tooComplex, tooManyPassages, tooManyWords, wordCeiling, type ExtractBudget } from './document-budget.js';
import type { ExtractedArticle, RawDocument } from './extract-article.js';
import { IngestError, type IngestErrorCode } from './ingest-error.js';
import { lowerThreadPriority } from '../workers/background-priority.js';
import { receiveBytes } from '../workers/byte-transfer.js';

export interface ExtractRequest {
  /** The document without its bytes, which follow as messages (byte-transfer.ts). */
  doc: Omit<RawDocument, 'data'>;
  /** How many bytes follow. */
  bytes: number;
  maxBytes: number;
  budget: ExtractBudget;
}

export type ExtractReply =
  | { ok: true; article: ExtractedArticle; passages: number; textSpans: number; textHash: string }
  | { ok: false; refusal: { code: IngestErrorCode; message: string; params: Readonly<Record<string, unknown>> } }
  | { ok: false; crash: string };

// A parse of seconds must not take CPU from the thread that serves people.
lowerThreadPriority();
const { doc: meta, bytes, maxBytes, budget } = workerData as ExtractRequest;
const doc: RawDocument = { ...meta, data: await receiveBytes(parentPort!, bytes) };
parentPort!.postMessage(await run());

async function run(): Promise<ExtractReply> {
  try {
    const data = doc.data;
    if (data.length <= maxBytes) {
      if (isPdf(data)) checkPdfShape(data, budget);
      else {
        const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
        // Plain text or Markdown (no markup): its words are the article's, so count them now
        // rather than after seconds of paragraph splitting.
        if (checkHtmlShape(raw, budget).elements === 0) {
          const words = countWords(raw);
          if (words > wordCeiling(budget.maxPassages)) throw tooManyWords(words, budget.maxPassages);
        }
      }
    }
    // Loaded after the shape checks: the parsers (pdf.js above all) take a while to import.
    const { extractArticle } = await import('./extract-article.js');
    parentPort!.postMessage(PARSING);
    const article = await extractArticle(doc, { maxBytes });
    return { ok: true, article, ...countPassages(article, budget.maxPassages), textHash: textHash(article.text) };
  } catch (error) {
    if (error instanceof IngestError) return { ok: false, refusal: { code: error.code, message: error.message, params: error.params } };
    // A parser recursing once per nesting level; the depth check should have caught it first.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      const refusal = tooComplex('depth', budget.maxDepth);
      return { ok: false, refusal: { code: refusal.code, message: refusal.message, params: refusal.params } };
    }
    return { ok: false, crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function isPdf(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, Math.min(1024, data.byteLength)).includes('%PDF-');
}

/**
 * Passages the article will be cut into (as the index cuts it), refusing past the cap, and the
 * spans the cleaning keeps (none: nothing to ingest).
 */
function countPassages(article: ExtractedArticle, max: number): { passages: number; textSpans: number } {
  const words = countWords(article.text);
  if (words > wordCeiling(max)) throw tooManyWords(words, max);
  const kept = findArticleText(article.text, { title: article.title, publisher: article.publisher });
  const chunks = chunkArticle({
    id: 'new',
    title: article.title,
    publisher: article.publisher,
    url: article.canonicalUrl,
    date: article.date,
    language: article.language,
    text: article.text,
    hash: '',
    kept,
  }).length;
  if (chunks > max) throw tooManyPassages(chunks, max);
  return { passages: chunks, textSpans: kept.length };
}
