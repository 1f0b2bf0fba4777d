import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { IngestDeps } from '../../src/engine/ingest/ingest.js';
import { startPageServer, type PageServer } from '../fixtures/ingest/page-server.js';

export interface IngestScene {
  /** The local page server, shared by the file's tests. */
  readonly server: PageServer;
  /** An empty corpus folder, new for each test. */
  readonly corpusDir: string;
  /** Ingest dependencies over that folder, fetching only from the page server. */
  readonly deps: IngestDeps;
}

/**
 * Registers the hooks of an ingest test file: one page server for the file, a fresh corpus folder
 * per test. Call at the top of the file. `resolve` makes every host name resolve where a test says.
 */
export function ingestScene(prefix: string, fetch: Omit<NonNullable<IngestDeps['fetch']>, 'allowHosts'> = {}): IngestScene {
  let server: PageServer | null = null;
  let corpusDir: string | null = null;
  beforeAll(async () => {
    server = await startPageServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    corpusDir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    if (corpusDir) await rm(corpusDir, { recursive: true, force: true });
  });
  return {
    get server() {
      return server!;
    },
    get corpusDir() {
      return corpusDir!;
    },
    get deps(): IngestDeps {
      return { corpusDir: corpusDir!, fetch: { allowHosts: ['127.0.0.1'], ...fetch } };
    },
  };
}
