import { createIngestService, type IngestService } from '../engine/ingest/index.js';
import type { Engine } from '../engine/types.js';
import type { Logger } from './logger.js';

export interface CoverageIngestOptions {
  corpusDir: string;
  /** Named in the log when a write there fails. */
  indexDir?: string;
  /** TESTS ONLY: hosts exempt from the address policy (`INGEST_ALLOW_HOSTS`). */
  allowHosts: readonly string[];
  logger: Logger;
  /** Passage cap per ingested article (`MAX_PASSAGES_PER_ARTICLE`); the default when absent. */
  maxPassages?: number;
}

/**
 * The bot's one ingest service over its live engine: every change that lands is logged as an
 * audit line ("coverage changed": who, what, which article), and the engine answers from it at once.
 *
 * @example createCoverageIngest(engine, { corpusDir: 'corpus', allowHosts: [], logger })
 */
export function createCoverageIngest(engine: Pick<Engine, 'reindex' | 'source'>, options: CoverageIngestOptions): IngestService {
  if (options.allowHosts.length > 0) {
    options.logger.warn({ allowHosts: options.allowHosts }, 'INGEST_ALLOW_HOSTS is set: /ingest may fetch these internal hosts (tests only)');
  }
  return createIngestService(engine, {
    corpusDir: options.corpusDir,
    indexDir: options.indexDir,
    fetch: { allowHosts: options.allowHosts },
    ...(options.maxPassages ? { budget: { maxPassages: options.maxPassages } } : {}),
    onChange: (change) => options.logger.info({ ...change }, 'coverage changed'),
  });
}
