import { parentPort, workerData } from 'node:worker_threads';
import { openCorpusCache } from '../corpus/corpus-cache.js';
import { fillCatalogHere } from './catalog-fill.js';

/** Worker thread of `fillCatalogInWorker`: reads the whole catalog and syncs the index to it. */
const { corpusDir, cachePath } = workerData as { corpusDir: string; cachePath: string };
const cache = openCorpusCache(cachePath);
try {
  await fillCatalogHere(corpusDir, cache);
  parentPort!.postMessage({ ok: true });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err).slice(0, 2000) });
} finally {
  cache.close();
}
