import { corpusCachePath, openCorpusCache, type CorpusCache } from '../corpus/corpus-cache.js';
import { EngineError } from '../errors.js';
import { engineFolders, StorageError, toStorageError } from '../fs/storage-error.js';
import type { Engine, IndexProgress, IndexReport, SourceMeta } from '../types.js';
import { runOffThread, startArticleWorker } from './article-pipeline.js';
import { ingest, removeArticle, type IngestInput, type IngestResult, type IngestStep } from './ingest.js';
import type { ExtractBudget } from './document-budget.js';
import type { FetchUrlOptions } from './fetch-url.js';

export type LiveIngestProgress = { step: IngestStep } | { step: 'index'; progress: IndexProgress };

export interface LiveIngestResult extends IngestResult {
  /** Passages (chunks) the article has in the index now; 0 for a duplicate already indexed. */
  passages: number;
  report: IndexReport | null;
  /**
   * Set when the article landed in the corpus but the index update after it failed (a full
   * disk, a read-only index folder…): the article is kept and the next ingest or `npm run index`
   * indexes it. The error says why, in one line.
   */
  indexError?: Error;
}

/** One change to the coverage, for the audit log: who did what. */
export interface CoverageChange {
  action: 'ingest' | 'remove';
  actor: string;
  id: string;
  title: string;
  status: IngestResult['status'] | 'removed';
  url: string | null;
  /** For an update: the article before and after, so a replacement can be traced and undone. */
  before?: SourceMeta;
  after?: SourceMeta;
  /** True when an article from another source was replaced on purpose (`replace`). */
  replaced?: boolean;
}

export interface IngestServiceOptions {
  corpusDir: string;
  /** The index folder, to name it when a write there fails (full disk, read-only…). */
  indexDir?: string;
  fetch?: FetchUrlOptions;
  maxFileBytes?: number;
  /** Extraction bounds (time, memory, shape, passages per article); defaults in document-budget.ts. */
  budget?: Partial<ExtractBudget>;
  /** Called after every change that landed (not for duplicates or refusals). */
  onChange?: (change: CoverageChange) => void;
}

export interface IngestService {
  ingest(input: IngestInput, options?: { actor?: string; onProgress?: (p: LiveIngestProgress) => void }): Promise<LiveIngestResult>;
  remove(id: string, options?: { actor?: string; onProgress?: (p: LiveIngestProgress) => void }): Promise<{ source: SourceMeta; report: IndexReport }>;
  /** Brings the index level with the corpus (files edited by hand, an ingest whose update failed). */
  reindex(options?: { onProgress?: (p: LiveIngestProgress) => void }): Promise<IndexReport>;
}

/**
 * Ingest and removal against a live engine: change the corpus (locked, atomic), then let the
 * engine's incremental reindex embed only the new chunks, so the next `ask` sees them.
 * The corpus lock covers only the duplicate check and the write; the index update queues on
 * the index's own lock behind any other writer (a bot, another CLI ingest) for as long as that
 * one works, reported as an `index` step in the `wait` phase. Every reindex also takes up the
 * changes an earlier, failed or killed update left out (each change is marked in the corpus
 * before it is made, and unmarked once indexed: see pending-changes.ts).
 *
 * @example const service = createIngestService(engine, { corpusDir: config.corpusDir });
 *   await service.ingest({ url }, { actor: 'mod#1234' }) // { id, title, status: 'added', passages: 14, … }
 */
export function createIngestService(engine: Pick<Engine, 'reindex' | 'source'>, options: IngestServiceOptions): IngestService {
  // A refusal of the file system becomes one line naming the folder (StorageError); errors
  // without a path name the folder the work was writing.
  const storage = <T>(writing: 'corpus' | 'index', work: () => Promise<T>): Promise<T> =>
    work().catch((error: unknown) => {
      throw toStorageError(error, engineFolders(options, writing)) ?? error;
    });
  // `articles`: only the changed article's file is read (plus those of changes an earlier update
  // left unindexed, marked in the corpus: see pending-changes.ts): the cost follows the change.
  const reindex = (onProgress?: (p: LiveIngestProgress) => void, articles?: string[]) =>
    storage('index', () => engine.reindex((progress) => onProgress?.({ step: 'index', progress }), articles ? { articles } : undefined));
  // The duplicate check then reads only corpus files changed since the last one. Opened now, not
  // on the first ingest: in the bot that is start-up, not a moment members are waiting (30-80 ms).
  const cache: CorpusCache = openCorpusCache(options.indexDir ? corpusCachePath(options.indexDir) : null);
  // The thread that writes, loads, chunks and analyses ingested articles, started with the service
  // for the same reason (a few milliseconds of this thread, and its modules loaded before the first ingest).
  startArticleWorker();
  return {
    async ingest(input, { actor = 'unknown', onProgress } = {}) {
      const result = await storage('corpus', () =>
        ingest(input, {
          corpusDir: options.corpusDir,
          fetch: options.fetch,
          maxFileBytes: options.maxFileBytes,
          budget: options.budget,
          corpusCache: cache,
          onProgress: (step) => onProgress?.({ step }),
        }),
      );
      if (result.status === 'duplicate') {
        if (engine.source(result.id)) return { ...result, passages: 0, report: null };
        // In the corpus but not in the index (an earlier ingest landed its file, then its index
        // update failed or was killed): index it now rather than answer "already there".
        const report = await reindex(onProgress, [result.id]);
        return { ...result, passages: await countPassages(options.corpusDir, result.id), report };
      }
      options.onChange?.({
        action: 'ingest',
        actor,
        id: result.id,
        title: result.title,
        status: result.status,
        url: result.source.url,
        ...(result.previous ? { before: result.previous, after: result.source } : {}),
        ...(result.replaced ? { replaced: true } : {}),
      });
      try {
        const report = await reindex(onProgress, [result.id]);
        return { ...result, passages: await countPassages(options.corpusDir, result.id), report };
      } catch (error) {
        if (!isReportable(error)) throw error;
        return { ...result, passages: 0, report: null, indexError: error };
      }
    },

    async remove(id, { actor = 'unknown', onProgress } = {}) {
      const source = await storage('corpus', () => removeArticle(id, { corpusDir: options.corpusDir, corpusCache: cache }));
      options.onChange?.({ action: 'remove', actor, id, title: source.title, status: 'removed', url: source.url });
      const report = await reindex(onProgress, [id]);
      return { source, report };
    },

    reindex: ({ onProgress } = {}) => reindex(onProgress),
  };
}

/** Failures with a one-line message for people (not bugs): the landed article is reported with it. */
function isReportable(error: unknown): error is Error {
  return error instanceof EngineError || error instanceof StorageError;
}

/** Chunks of an article as the index builds them, counted on the article worker (article-jobs.ts). */
function countPassages(corpusDir: string, id: string): Promise<number> {
  return runOffThread({ kind: 'count', corpusDir, id });
}
