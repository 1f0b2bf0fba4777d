/**
 * Worker for scripts/vector-build.ts. Phase "build": a rebuild space of `passages` synthetic
 * passages with vectors, committed 400 passages at a time and published, through the vector
 * builder (`mode: builder`) or as before session 4 (`mode: checkpoints`: each checkpoint re-reads
 * the previous one and inserts the log anew, on a worker since session 8). No lexical checkpoint is folded, so the
 * time is the vectors' and the passages' own. Also writes `queries` vectors of the same
 * distribution, not indexed. Phase "serve": a fresh process loads the index, then measures RSS,
 * vector search p50 and recall@10 against exact search over the stored vectors.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalStore } from '../../src/engine/index/local/local-store.js';
import type { IndexMeta } from '../../src/engine/index/store.js';
import { ANALYZER_VERSION } from '../../src/engine/text/analyze.js';
import { CHUNKER_VERSION } from '../../src/engine/text/chunk.js';
import { progress, workerMain } from '../lib/child.js';
import { createRng } from '../lib/rng.js';
import { msSince, percentile, rssMb } from '../lib/stats.js';
import { loadSentencePool, syntheticBatches, syntheticVectors } from '../lib/synthetic-store.js';
import type { VectorDistribution } from '../lib/vectors.js';

export interface VectorBuildInput {
  phase: 'build' | 'serve';
  mode: 'builder' | 'checkpoints';
  passages: number;
  distribution: VectorDistribution;
  dim: number;
  queries: number;
  seedCorpus: string;
  dir: string;
}

export interface VectorBuildOutput {
  passages: number;
  buildMs: number;
  /** CPU of every thread of the process (the builder's worker included). */
  cpuMs: number;
  /** CPU of the writer's own thread (the rest is the builder's worker, GC and I/O threads). */
  mainThreadCpuMs: number;
  publishMs: number;
  peakRssMb: number;
}

export interface VectorServeOutput {
  loadMs: number;
  servingRssMb: number;
  searchP50Ms: number;
  recallAt10: number;
}

/** CPU ms of the calling thread (`process.threadCpuUsage`, Node ≥ 23.9; not in @types/node yet). */
function threadCpuMs(): number {
  const own = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  const u = own ? own.call(process) : process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const META = (dim: number): IndexMeta => ({ chunkerVersion: CHUNKER_VERSION, analyzerVersion: ANALYZER_VERSION, model: { id: 'bench/vectors', dimension: dim } });
const NO_FOLD = Number.MAX_SAFE_INTEGER;

async function build(input: VectorBuildInput): Promise<VectorBuildOutput> {
  rmSync(input.dir, { recursive: true, force: true });
  mkdirSync(input.dir, { recursive: true });
  const pool = await loadSentencePool(input.seedCorpus);
  const vector = syntheticVectors(input.distribution, input.dim, input.passages, 7);
  const rng = createRng(11);
  const store = createLocalStore({ indexDir: path.join(input.dir, 'index'), lexicalFoldMin: NO_FOLD, bulkVectors: input.mode === 'builder' });
  const meta = META(input.dim);
  let peak = rssMb();
  let passages = 0;
  let publishMs = 0;
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const t0 = process.hrtime.bigint();
  await store.withWriteLock(async () => {
    const space = await store.rebuild(meta);
    let nextReport = 0;
    for (const batch of syntheticBatches(pool, rng, input.passages, vector)) {
      for (const a of batch) passages += a.passages.length;
      await space.commit({ meta, upsert: batch });
      peak = Math.max(peak, rssMb());
      if (passages >= nextReport) {
        progress(`${input.mode}: ${passages} passages (${Math.round(passages / (msSince(t0) / 1000))}/s, ${Math.round(rssMb())} MB)`);
        nextReport += Math.max(5000, input.passages / 10);
      }
    }
    const p = process.hrtime.bigint();
    await space.publish();
    publishMs = msSince(p);
  });
  const buildMs = msSince(t0);
  const cpu = process.cpuUsage(cpu0);
  const mainThreadCpuMs = threadCpuMs() - main0;
  peak = Math.max(peak, rssMb());
  await store.close();
  // Queries: the next vectors of the same stream, never indexed.
  const queries = new Float32Array(input.queries * input.dim);
  for (let i = 0; i < input.queries; i++) queries.set(vector(), i * input.dim);
  writeFileSync(path.join(input.dir, 'queries.bin'), queries);
  return { passages, buildMs, cpuMs: (cpu.user + cpu.system) / 1000, mainThreadCpuMs, publishMs, peakRssMb: peak };
}

async function serve(input: VectorBuildInput): Promise<VectorServeOutput> {
  const buf = readFileSync(path.join(input.dir, 'queries.bin'));
  const queries = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const store = createLocalStore({ indexDir: path.join(input.dir, 'index') });
  const t0 = process.hrtime.bigint();
  const view = await store.reader().refresh();
  const loadMs = msSince(t0);
  const servingRssMb = rssMb();
  const q = (i: number) => queries.subarray(i * input.dim, (i + 1) * input.dim);
  const found: string[][] = [];
  const times: number[] = [];
  for (let i = 0; i < input.queries; i++) {
    const t = process.hrtime.bigint();
    const hits = await view.searchVectors(q(i), 10);
    times.push(msSince(t));
    found.push(hits.map((h) => h.id));
  }
  // Exact top-10 over every stored vector, read back a page at a time.
  const ids = await view.passageIds();
  const best = Array.from({ length: input.queries }, () => [] as { id: string; s: number }[]);
  for (let from = 0; from < ids.length; from += 4096) {
    const page = ids.slice(from, from + 4096);
    const vectors = await view.vectors(page);
    vectors.forEach((v, j) => {
      if (!v) return;
      for (let i = 0; i < input.queries; i++) {
        const query = q(i);
        let s = 0;
        for (let d = 0; d < input.dim; d++) s += v[d]! * query[d]!;
        const top = best[i]!;
        if (top.length === 10 && s <= top[9]!.s) continue;
        top.push({ id: page[j]!, s });
        top.sort((a, b) => b.s - a.s);
        if (top.length > 10) top.pop();
      }
    });
  }
  let recall = 0;
  for (let i = 0; i < input.queries; i++) {
    const truth = new Set(best[i]!.map((h) => h.id));
    recall += found[i]!.filter((id) => truth.has(id)).length / Math.max(1, truth.size);
  }
  await store.close();
  return { loadMs, servingRssMb, searchP50Ms: percentile(times, 50), recallAt10: recall / input.queries };
}

workerMain<VectorBuildInput, VectorBuildOutput | VectorServeOutput>((input) => (input.phase === 'build' ? build(input) : serve(input)));
