import { rmSync } from 'node:fs';
import path from 'node:path';
import { corpusCachePath, openCorpusCache } from '../../src/engine/corpus/corpus-cache.js';
import { loadCorpus } from '../../src/engine/corpus/load-corpus.js';
import { readCatalog } from '../../src/engine/ingest/corpus-catalog.js';
import { writeSyntheticCorpus } from '../lib/coverage.js';

export interface CorpusScanRow {
  articles: number;
  /** A full `index` that reads and cleans every file (what it did before the cache, and does on a first run). */
  fullReadMs: number;
  /** A no-op `index` with the cache warm: a stat per file, nothing read. */
  noopCachedMs: number;
  /** An ingest's duplicate check reading every file (before the cache). */
  catalogMs: number;
  /** The same check with the cache warm. */
  catalogCachedMs: number;
}

export interface CorpusScanResult {
  rows: CorpusScanRow[];
}

const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

/**
 * What reading the corpus folder costs a no-op `index` and an ingest's duplicate check, without
 * and with the corpus cache, side by side on the same synthetic coverage (files in the page cache
 * for both sides: only parsing and cleaning differ, as on a warm machine).
 */
export async function runCorpusScan(options: { sizes: number[]; seedCorpus: string; workDir: string; verbose: boolean }): Promise<CorpusScanResult> {
  const rows: CorpusScanRow[] = [];
  for (const articles of options.sizes) {
    const dir = await writeSyntheticCorpus(options.seedCorpus, path.join(options.workDir, `corpus-scan-${articles}`), articles);
    const indexDir = path.join(options.workDir, `corpus-scan-${articles}-index`);
    // Files younger than 2 s are never trusted (see corpus-cache.ts): let them settle.
    await new Promise((r) => setTimeout(r, 2100));
    const cache = openCorpusCache(corpusCachePath(indexDir));
    try {
      await loadCorpus(dir, { cache, unchanged: () => true });
      const row: CorpusScanRow = {
        articles,
        fullReadMs: await time(() => loadCorpus(dir)),
        noopCachedMs: await time(() => loadCorpus(dir, { cache, unchanged: () => true })),
        catalogMs: await time(() => readCatalog(dir)),
        catalogCachedMs: await time(() => readCatalog(dir, cache)),
      };
      rows.push(row);
      if (options.verbose) process.stderr.write(`corpus ${articles} articles: ${JSON.stringify(row)}\n`);
    } finally {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(indexDir, { recursive: true, force: true });
    }
  }
  return { rows };
}
