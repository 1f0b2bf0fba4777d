import { basename } from 'node:path';
import { openCorpusCache, type CorpusCache } from '../corpus/corpus-cache.js';
import { runOffThread } from './article-pipeline.js';
import { readCatalog } from './corpus-catalog.js';

/** One fill per corpus and cache file at a time in this process: concurrent callers share it. */
const running = new Map<string, Promise<void>>();

/**
 * Fills the cache's catalog index from a full read of `corpusDir` (listing, `stat` and cache
 * lookup per file, reading and parsing the YAML of every file the cache does not know): an
 * article-worker job (article-jobs.ts), whose own connection writes the rows this one then reads.
 * Whatever the folder's size: 256 files the cache does not know were tens of milliseconds of a
 * bot's event loop, 200 000 tens of seconds. Only a cache in memory (no file another connection
 * could open) is filled on the calling thread.
 *
 * @example await fillCatalog('corpus', openCorpusCache('embeddings/corpus-files.db'))
 */
export function fillCatalog(corpusDir: string, cache: CorpusCache): Promise<void> {
  const cachePath = cache.path;
  if (!cachePath) return fillCatalogHere(corpusDir, cache);
  const key = `${corpusDir}\n${cachePath}`;
  const known = running.get(key);
  if (known) return known;
  const fill = runOffThread({ kind: 'catalog', corpusDir, cachePath }).finally(() => running.delete(key));
  running.set(key, fill);
  return fill;
}

/** The fill itself, where it is called: the article job's (with its own connection), or a cache in memory's. */
export async function fillCatalogHere(corpusDir: string, cache: CorpusCache): Promise<void> {
  const catalog = cache.catalog;
  if (!catalog) throw new Error('the corpus cache cannot hold the catalog');
  // Taken before the listing: rows an ingest writes meanwhile are newer than what it lists.
  const since = catalog.stamp();
  const rows = new Map((await readCatalog(corpusDir, cache)).map((e) => [basename(e.path), { textHash: e.textHash, urlKey: e.urlKey }]));
  await catalog.sync(corpusDir, rows, since);
  if (!cache.catalog?.complete(corpusDir)) throw new Error('the catalog could not be written');
}

/** The article job: the fill through a connection of its own to the cache file at `cachePath`. */
export async function fillCatalogFromFile(corpusDir: string, cachePath: string): Promise<void> {
  const cache = openCorpusCache(cachePath);
  try {
    await fillCatalogHere(corpusDir, cache);
  } finally {
    cache.close();
  }
}
