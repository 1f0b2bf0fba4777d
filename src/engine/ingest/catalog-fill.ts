import { opendir } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CorpusCache } from '../corpus/corpus-cache.js';
import { startModuleWorker } from '../workers/module-worker.js';
import { readCatalog } from './corpus-catalog.js';

/** Up to this many folder entries the catalog is filled in place: a thread would cost more than the work. */
const SMALL_FOLDER = 256;

/**
 * Fills the cache's catalog index from a full read of `corpusDir`: in place for a small folder
 * (a bounded amount of work), on a worker thread otherwise (see `fillCatalogInWorker`).
 */
export async function fillCatalog(corpusDir: string, cache: CorpusCache): Promise<void> {
  if (cache.path && !(await holdsAtMost(corpusDir, SMALL_FOLDER))) return fillCatalogInWorker(corpusDir, cache.path);
  await fillCatalogHere(corpusDir, cache);
}

/** The fill itself, on the calling thread: the worker's job, and a small folder's. */
export async function fillCatalogHere(corpusDir: string, cache: CorpusCache): Promise<void> {
  const catalog = cache.catalog;
  if (!catalog) throw new Error('the corpus cache cannot hold the catalog');
  // Taken before the listing: rows an ingest writes meanwhile are newer than what it lists.
  const since = catalog.stamp();
  const rows = new Map((await readCatalog(corpusDir, cache)).map((e) => [basename(e.path), { textHash: e.textHash, urlKey: e.urlKey }]));
  await catalog.sync(corpusDir, rows, since);
  if (!cache.catalog?.complete(corpusDir)) throw new Error('the catalog could not be written');
}

/** Whether the folder has at most `limit` entries, read entry by entry and left at the first past it. */
async function holdsAtMost(dir: string, limit: number): Promise<boolean> {
  const handle = await opendir(dir);
  let n = 0;
  try {
    for await (const _ of handle) if (++n > limit) return false;
    return true;
  } finally {
    await handle.close().catch(() => undefined); // closed already when the loop ran to its end
  }
}

/** One fill per corpus and cache file at a time in this process: concurrent callers share it. */
const running = new Map<string, Promise<void>>();

/**
 * Fills the catalog index of the corpus cache at `cachePath` from a full read of `corpusDir`
 * (listing, `stat` and cache lookup per file, reading the files the cache does not know), on a
 * worker thread: at 200 000 articles that is tens of seconds the bot's event loop never sees.
 * Its rows are written through the worker's own connection; the caller's connection reads them.
 *
 * @example await fillCatalogInWorker('corpus', 'embeddings/corpus-files.db')
 */
export function fillCatalogInWorker(corpusDir: string, cachePath: string): Promise<void> {
  const key = `${corpusDir}\n${cachePath}`;
  const known = running.get(key);
  if (known) return known;
  const fill = new Promise<void>((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, './catalog-fill-worker', { workerData: { corpusDir, cachePath } });
    worker.once('message', (reply: { ok: true } | { ok: false; error: string }) => {
      if (reply.ok) resolve();
      else reject(new Error(`catalog fill failed: ${reply.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`catalog fill worker exited (${code})`)));
  }).finally(() => running.delete(key));
  running.set(key, fill);
  return fill;
}
