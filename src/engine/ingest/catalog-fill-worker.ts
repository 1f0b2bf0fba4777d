import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openCorpusCache } from '../corpus/corpus-cache.js';
import { readCatalog } from './corpus-catalog.js';

/** Worker thread of `fillCatalogInWorker`: reads the whole catalog and syncs the index to it. */
const { corpusDir, cachePath } = workerData as { corpusDir: string; cachePath: string };
const cache = openCorpusCache(cachePath);
try {
  const catalog = cache.catalog;
  if (!catalog) throw new Error('the corpus cache file cannot hold the catalog');
  // Taken before the listing: rows an ingest writes meanwhile are newer than what it lists.
  const since = catalog.stamp();
  const rows = new Map((await readCatalog(corpusDir, cache)).map((e) => [basename(e.path), { textHash: e.textHash, urlKey: e.urlKey }]));
  await catalog.sync(corpusDir, rows, since);
  if (!cache.catalog?.complete(corpusDir)) throw new Error('the catalog could not be written');
  parentPort!.postMessage({ ok: true });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err).slice(0, 2000) });
} finally {
  cache.close();
}
