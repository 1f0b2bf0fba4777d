import { startModuleWorker } from '../workers/module-worker.js';

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
