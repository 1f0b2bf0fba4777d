import { byteLength, sendBytes, type Bytes } from '../workers/byte-transfer.js';
import { startModuleWorker } from '../workers/module-worker.js';
import { DEFAULT_EXTRACT_BUDGET, PARSING, type ExtractBudget } from './document-budget.js';
import type { ExtractedArticle, RawDocument } from './extract-article.js';
import type { ExtractReply, ExtractRequest } from './extract-worker.js';
import { IngestError, ingestError, type IngestErrorCode } from './ingest-error.js';

/** A document to extract, its bytes whole or in the pieces they arrived in (joined in the worker, never here). */
export interface DocumentBytes extends Omit<RawDocument, 'data'> {
  data: Bytes;
}

export interface BudgetedArticle extends ExtractedArticle {
  /** Passages the article will be cut into (within `budget.maxPassages`). */
  passages: number;
  /** Spans of article text the cleaning keeps (`findArticleText`): 0 when nothing is left to ingest. */
  textSpans: number;
  /** `textHash` of the text, what the duplicate check compares (hashing a long text took tens of ms of the event loop). */
  textHash: string;
}

/**
 * Starting a thread and loading the parsers, before the parse: not the page's doing, and slow on a
 * busy machine (seconds under load), so it is bounded apart from the parse's own wall time.
 */
const START_MS = 60_000;

/** Extractions running at once in this process; more wait (each may use `heapMb`). */
const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];

/**
 * `extractArticle` in a worker thread of its own, under `budget`: shape checks first (elements,
 * nesting, PDF pages and inflated streams), then the parse with a heap limit and a wall-time
 * limit (the worker is stopped when it passes either), then the passage cap. The calling thread
 * (a bot's event loop) only hands the bytes over, a small piece per turn, and waits. Every overrun is an IngestError whose code and params say which
 * bound: TOO_COMPLEX, EXTRACT_TIMEOUT, EXTRACT_MEMORY, TOO_MANY_PASSAGES.
 *
 * @example await extractInWorker({ data, mime: 'text/html', url }, { maxBytes: Infinity })
 *   // { title: 'Stargate…', text: '…', kind: 'html', passages: 14, … }
 */
export async function extractInWorker(
  doc: DocumentBytes,
  options: { maxBytes: number; budget?: Partial<ExtractBudget> },
): Promise<BudgetedArticle> {
  const budget: ExtractBudget = { ...DEFAULT_EXTRACT_BUDGET, ...options.budget };
  if (running >= MAX_RUNNING) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    const { data, ...meta } = doc;
    return await runWorker({ doc: meta, bytes: byteLength(data), maxBytes: options.maxBytes, budget }, data);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runWorker(request: ExtractRequest, data: Bytes): Promise<BudgetedArticle> {
  const { budget } = request;
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, './extract-worker', {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: budget.heapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timeout = () => settle(() => reject(ingestError('EXTRACT_TIMEOUT', { seconds: budget.wallMs / 1000 })));
    let timer = setTimeout(timeout, START_MS);
    worker.on('message', (reply: ExtractReply | typeof PARSING) => {
      if (reply === PARSING) {
        clearTimeout(timer);
        timer = setTimeout(timeout, budget.wallMs);
        return;
      }
      settle(() => {
        if (reply.ok) resolve({ ...reply.article, passages: reply.passages, textSpans: reply.textSpans, textHash: reply.textHash });
        else if ('refusal' in reply) reject(new IngestError(reply.refusal.code as IngestErrorCode, reply.refusal.message, { params: reply.refusal.params }));
        else reject(new Error(`extraction failed: ${reply.crash}`));
      });
    });
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(ingestError('EXTRACT_MEMORY', { megabytes: budget.heapMb }));
        } else reject(error);
      }),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`the extraction worker stopped (exit code ${code})`))));
    // The bytes follow in pieces (see byte-transfer.ts); a worker stopped early stops the sending.
    sendBytes(worker, data, () => settled).catch((error: Error) => settle(() => reject(error)));
  });
}
