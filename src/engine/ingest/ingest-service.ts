import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArticleFile } from '../corpus/article-file.js';
import { findArticleText } from '../corpus/clean.js';
import { chunkArticle } from '../text/chunk.js';
import type { Engine, IndexProgress, IndexReport, SourceMeta } from '../types.js';
import { withCorpusLock } from './corpus-lock.js';
import { ingest, removeArticle, type IngestInput, type IngestResult, type IngestStep } from './ingest.js';
import type { FetchUrlOptions } from './fetch-url.js';

export type LiveIngestProgress = { step: IngestStep } | { step: 'index'; progress: IndexProgress };

export interface LiveIngestResult extends IngestResult {
  /** Passages (chunks) the article has in the index now; 0 for a duplicate. */
  passages: number;
  report: IndexReport | null;
}

/** One change to the coverage, for the audit log: who did what. */
export interface CoverageChange {
  action: 'ingest' | 'remove';
  actor: string;
  id: string;
  title: string;
  status: IngestResult['status'] | 'removed';
  url: string | null;
}

export interface IngestServiceOptions {
  corpusDir: string;
  fetch?: FetchUrlOptions;
  maxFileBytes?: number;
  /** Called after every change that landed (not for duplicates or refusals). */
  onChange?: (change: CoverageChange) => void;
}

export interface IngestService {
  ingest(input: IngestInput, options?: { actor?: string; onProgress?: (p: LiveIngestProgress) => void }): Promise<LiveIngestResult>;
  remove(id: string, options?: { actor?: string; onProgress?: (p: LiveIngestProgress) => void }): Promise<{ source: SourceMeta; report: IndexReport }>;
}

/**
 * Ingest and removal against a live engine: change the corpus (locked, atomic), then let the
 * engine's incremental reindex embed only the new chunks, so the next `ask` sees them.
 * The reindex takes the corpus lock again after the write released it (fetching for the next
 * ingest can proceed meanwhile); since every change is followed by a reindex, the last one
 * always sees the final corpus.
 *
 * @example const service = createIngestService(engine, { corpusDir: config.corpusDir });
 *   await service.ingest({ url }, { actor: 'mod#1234' }) // { id, title, status: 'added', passages: 14, … }
 */
export function createIngestService(engine: Pick<Engine, 'reindex'>, options: IngestServiceOptions): IngestService {
  return {
    async ingest(input, { actor = 'unknown', onProgress } = {}) {
      const result = await ingest(input, {
        corpusDir: options.corpusDir,
        fetch: options.fetch,
        maxFileBytes: options.maxFileBytes,
        onProgress: (step) => onProgress?.({ step }),
      });
      if (result.status === 'duplicate') return { ...result, passages: 0, report: null };
      options.onChange?.({ action: 'ingest', actor, id: result.id, title: result.title, status: result.status, url: result.source.url });
      const report = await reindexLocked(engine, options.corpusDir, onProgress);
      return { ...result, passages: await countPassages(options.corpusDir, result.id), report };
    },

    async remove(id, { actor = 'unknown', onProgress } = {}) {
      const source = await removeArticle(id, { corpusDir: options.corpusDir });
      options.onChange?.({ action: 'remove', actor, id, title: source.title, status: 'removed', url: source.url });
      const report = await reindexLocked(engine, options.corpusDir, onProgress);
      return { source, report };
    },
  };
}

/**
 * The index update runs under the corpus lock too: two processes (bot and CLI) updating one
 * index folder at once would otherwise race on its generations. Embedding can take a while,
 * so waiters are patient.
 */
function reindexLocked(engine: Pick<Engine, 'reindex'>, corpusDir: string, onProgress?: (p: LiveIngestProgress) => void): Promise<IndexReport> {
  return withCorpusLock(corpusDir, () => engine.reindex((progress) => onProgress?.({ step: 'index', progress })), { waitMs: REINDEX_WAIT_MS });
}

const REINDEX_WAIT_MS = 5 * 60_000;

/** Chunks of an article as the index builds them (same cleaning and chunker). */
async function countPassages(corpusDir: string, id: string): Promise<number> {
  try {
    const parsed = parseArticleFile(await readFile(join(corpusDir, `${id}.md`), 'utf8'), '.md');
    const kept = findArticleText(parsed.body, { title: parsed.meta.title, publisher: parsed.meta.publisher });
    return chunkArticle({ id, ...parsed.meta, text: parsed.body, hash: parsed.hash, kept }).length;
  } catch {
    // Removed or replaced meanwhile by another change: nothing of it to count.
    return 0;
  }
}
