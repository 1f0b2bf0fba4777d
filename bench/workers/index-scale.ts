/**
 * Worker: builds one hnswlib-node index of `size` synthetic vectors with one (M, efConstruction)
 * and measures build time, memory, and search latency / recall@k for several efSearch values.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { progress, workerMain } from '../lib/child.js';
import { msSince, percentile, rssMb } from '../lib/stats.js';
import { exactTopK, generateVectors, recallAtK, row, type VectorDistribution } from '../lib/vectors.js';

export interface IndexScaleInput {
  size: number;
  dim: number;
  queries: number;
  k: number;
  distribution: VectorDistribution;
  seed: number;
  m: number;
  efConstruction: number;
  efSearch: number[];
  /** Folder of this bench run where the ground truth is shared between the children of one size. */
  truthDir: string;
}

export interface IndexScaleOutput {
  size: number;
  m: number;
  efConstruction: number;
  buildMs: number;
  rssDeltaMb: number;
  fileMb: number;
  /** Exact search timings (from the child that computed the ground truth for this size). */
  exact: { p50Ms: number; p95Ms: number };
  search: { efSearch: number; p50Ms: number; p95Ms: number; recall: number }[];
}

const { HierarchicalNSW } = hnswlib;

async function run(input: IndexScaleInput): Promise<IndexScaleOutput> {
  const { size, dim, queries: queryCount, k, distribution, seed } = input;
  const { base, queries } = generateVectors(distribution, size, queryCount, dim, seed);
  const { truth, exact } = groundTruth(input, base, queries);

  const rssBefore = rssMb();
  const index = new HierarchicalNSW('cosine', dim);
  const t0 = process.hrtime.bigint();
  index.initIndex(size, input.m, input.efConstruction, 100);
  for (let i = 0; i < size; i++) {
    index.addPoint(row(base, i), i);
    if (i > 0 && i % 20000 === 0) progress(`${size}: ${i} vectors added`);
  }
  const buildMs = msSince(t0);
  const rssDeltaMb = rssMb() - rssBefore;

  const dir = path.join(os.tmpdir(), `depeche-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.bin');
  index.writeIndexSync(file);
  const fileMb = statSync(file).size / (1024 * 1024);
  rmSync(dir, { recursive: true, force: true });

  const search: IndexScaleOutput['search'] = [];
  const queryRows = Array.from({ length: queries.count }, (_, i) => row(queries, i));
  for (const ef of input.efSearch) {
    index.setEf(ef);
    // Warm caches and the JIT before timing.
    for (let i = 0; i < Math.min(20, queryRows.length); i++) index.searchKnn(queryRows[i]!, k);
    const times: number[] = [];
    let recallSum = 0;
    for (let i = 0; i < queryRows.length; i++) {
      const t = process.hrtime.bigint();
      const res = index.searchKnn(queryRows[i]!, k);
      times.push(msSince(t));
      recallSum += recallAtK(res.neighbors, truth[i]!);
    }
    search.push({
      efSearch: ef,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      recall: recallSum / queryRows.length,
    });
  }
  return { size, m: input.m, efConstruction: input.efConstruction, buildMs, rssDeltaMb, fileMb, exact, search };
}

/** Exact top-k per query, cached on disk so each (M, efConstruction) child does not redo it. */
function groundTruth(
  input: IndexScaleInput,
  base: ReturnType<typeof generateVectors>['base'],
  queries: ReturnType<typeof generateVectors>['queries'],
): { truth: number[][]; exact: IndexScaleOutput['exact'] } {
  const key = `${input.distribution}-${input.size}-${input.queries}-${input.dim}-${input.k}-${input.seed}`;
  const file = path.join(input.truthDir, `truth-${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof groundTruth>;
  const times: number[] = [];
  const truth: number[][] = [];
  for (let i = 0; i < queries.count; i++) {
    const q = queries.data.subarray(i * queries.dim, (i + 1) * queries.dim);
    const t = process.hrtime.bigint();
    truth.push(exactTopK(base, q, input.k));
    times.push(msSince(t));
  }
  const result = { truth, exact: { p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) } };
  writeFileSync(file, JSON.stringify(result));
  return result;
}

workerMain(run);
