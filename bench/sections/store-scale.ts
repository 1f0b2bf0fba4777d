import path from 'node:path';
import { runWorker } from '../lib/child.js';
import type { VectorDistribution } from '../lib/vectors.js';
import type { StoreBuildOutput, StoreScaleInput, StoreServeOutput } from '../workers/store-scale.js';

export interface StoreScaleOptions {
  sizes: number[];
  /** Sizes built without vectors (lexical-only store and asks). */
  lexicalSizes?: number[];
  dim: number;
  /** Synthetic vector distribution (`--vectors`): clustered (embedding-like, default) or uniform (HNSW's worst case). */
  distribution?: VectorDistribution;
  seedCorpus: string;
  questions: number;
  workDir: string;
  verbose: boolean;
}

export interface StoreScaleRow extends StoreBuildOutput, Partial<StoreServeOutput> {
  passagesPerS: number;
  /** Built and served without vectors. */
  lexicalOnly?: boolean;
  /** Why serving could not be measured at this size, when it could not. */
  error?: string;
}

export interface StoreScaleResult {
  backend: string;
  dim: number;
  distribution?: VectorDistribution;
  questions: number;
  rows: StoreScaleRow[];
}

/**
 * The whole index store at growing sizes, on a synthetic coverage written through the seam:
 * each size built in one process and served in another (so RSS and cold start are the server's own).
 */
export async function runStoreScale(options: StoreScaleOptions): Promise<StoreScaleResult> {
  const rows: StoreScaleRow[] = [];
  const runs = [...options.sizes.map((passages) => ({ passages, vectors: true })), ...(options.lexicalSizes ?? []).map((passages) => ({ passages, vectors: false }))];
  for (const { passages, vectors } of runs) {
    const base: Omit<StoreScaleInput, 'phase'> = { passages, vectors, dim: options.dim, distribution: options.distribution ?? 'clustered', seedCorpus: options.seedCorpus, dir: path.join(options.workDir, `store-${passages}${vectors ? '' : '-lexical'}`), questions: options.questions };
    if (options.verbose) process.stderr.write(`store scale: ${passages} passages\n`);
    const heap = ['--max-old-space-size=16384'];
    let built: StoreBuildOutput;
    try {
      ({ result: built } = await runWorker<StoreBuildOutput>('store-scale', { ...base, phase: 'build' }, { verbose: options.verbose, nodeFlags: heap, timeoutMs: 60 * 60_000 }));
    } catch (err) {
      // A size that cannot be built here (time, memory) must not lose the other sizes' rows.
      rows.push({ passages, articles: 0, buildMs: 0, peakRssMb: 0, diskMb: 0, passagesPerS: 0, lexicalOnly: !vectors, error: `build: ${(err as Error).message.slice(0, 300)}` });
      continue;
    }
    const row: StoreScaleRow = { ...built, lexicalOnly: !vectors, passagesPerS: built.passages / (built.buildMs / 1000) };
    try {
      const { result: served } = await runWorker<StoreServeOutput>('store-scale', { ...base, phase: 'serve' }, { verbose: options.verbose, nodeFlags: heap, timeoutMs: 30 * 60_000 });
      Object.assign(row, served);
    } catch (err) {
      row.error = `serving: ${(err as Error).message.slice(0, 300)}`;
    }
    rows.push(row);
  }
  return { backend: 'local', dim: options.dim, distribution: options.distribution ?? 'clustered', questions: options.questions, rows };
}
