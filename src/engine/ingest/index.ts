/** Public API of the ingest path, for the CLI and bot adapters. */
export { createIngestService } from './ingest-service.js';
export type { CoverageChange, IngestService, IngestServiceOptions, LiveIngestProgress, LiveIngestResult } from './ingest-service.js';
export { ingest, removeArticle } from './ingest.js';
export type { IngestDeps, IngestInput, IngestResult, IngestStatus, IngestStep } from './ingest.js';
export { IngestError, ingestError, INGEST_MESSAGES, isIngestError } from './ingest-error.js';
export type { IngestErrorCode, IngestErrorParams } from './ingest-error.js';
export { allowHostsFromEnv, fetchUrl, FETCH_DEFAULTS } from './fetch-url.js';
export type { FetchUrlOptions, FetchedDocument } from './fetch-url.js';
export { MAX_DOCUMENT_BYTES } from './extract-article.js';
