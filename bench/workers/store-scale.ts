/**
 * Worker for the store scale section. Phase "build": writes a synthetic coverage of `passages`
 * passages through the index store seam (a rebuild space, committed in batches, published), with
 * an empty placeholder file per article in the corpus folder so targeted updates see them.
 * Phase "serve": a fresh process opens the engine on it and measures cold start to first answer,
 * ask latencies, serving RSS, one-article ingest and removal (through `engine.reindex`, as
 * `/ingest` does) and the longest event-loop stall during those and during a reload.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeBertModel } from '../../scripts/model/bert-onnx.js';
import { TINY_PRESET } from '../../scripts/model/presets.js';
import { serializeArticleFile } from '../../src/engine/corpus/article-file.js';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/engine/index/create-store.js';
import type { IndexMeta } from '../../src/engine/index/store.js';
import { ANALYZER_VERSION } from '../../src/engine/text/analyze.js';
import { CHUNKER_VERSION } from '../../src/engine/text/chunk.js';
import { progress, workerMain } from '../lib/child.js';
import { createRng } from '../lib/rng.js';
import { msSince, percentile, rssMb } from '../lib/stats.js';
import { loadSentencePool, syntheticBatches, syntheticQuestions, syntheticVectors } from '../lib/synthetic-store.js';
import type { VectorDistribution } from '../lib/vectors.js';

export interface StoreScaleInput {
  /** 'cold': only the cold start to the first answer (a second serving variant, side by side). */
  phase: 'build' | 'serve' | 'cold';
  passages: number;
  /** False: a lexical-only store (no model, no vectors), served in lexical mode. */
  vectors?: boolean;
  dim: number;
  /** Synthetic vector distribution (default clustered, embedding-like; uniform is HNSW's worst case). */
  distribution?: VectorDistribution;
  /** Seed coverage the sentences come from. */
  seedCorpus: string;
  /** Folder of this size: corpus/, index/ and the bench model. */
  dir: string;
  questions: number;
  /**
   * Build phase: carry on an unfinished build in `dir` (a killed one: its rebuild space keeps every
   * committed batch) instead of starting over; the same seeded coverage, its committed batches skipped.
   */
  resume?: boolean;
  /**
   * The questions to ask, made by the parent (from the same sentence pool): the serving process
   * must not spend its cold start analysing the seed coverage, a cost of the bench, not of the engine.
   */
  askQuestions?: string[];
}

export interface StoreBuildOutput {
  passages: number;
  articles: number;
  buildMs: number;
  /** Of which the publish: the vector checkpoint and the space's first lexical checkpoint. */
  publishMs?: number;
  peakRssMb: number;
  diskMb: number;
}

export interface StoreColdOutput {
  coldStartMs: number;
  /** CPU time of all the process's threads from its start to the first answer. */
  coldStartCpuMs?: number;
  /** RSS right after the first answer. */
  coldStartRssMb?: number;
  /** The process's GLIBC_TUNABLES (the parent sets glibc.malloc.hugetlb=1 or =0). */
  glibcTunables?: string | null;
}

export interface StoreServeOutput extends StoreColdOutput {
  /** From the process's start until the index was wholly in memory (`engine.loadFully()`, after the first answer). */
  inMemoryMs?: number;
  servingRssMb: number;
  askP50Ms: number;
  askMinusModelP50Ms: number;
  lexicalP50Ms: number;
  ingestMs: number;
  ingestPassages: number;
  removeMs: number;
  ingestStallMs: number;
  /** The process's first ingest (round 0): code not yet compiled, threads not yet started. */
  firstIngestStallMs: number;
  removeStallMs: number;
  reloadMs: number;
  reloadStallMs: number;
}

/** A 384-dimension, one-layer model: e5-small's vector size at a fraction of its compute (queries only). */
export const BENCH_MODEL = 'depeche/bench-384';

async function ensureModel(dir: string): Promise<string> {
  const models = path.join(dir, 'models');
  if (!existsSync(path.join(models, BENCH_MODEL, 'onnx', 'model_quantized.onnx'))) {
    await writeBertModel(path.join(models, BENCH_MODEL), { ...TINY_PRESET.options, hidden: 384, heads: 6, intermediate: 768 });
  }
  return models;
}

function diskMb(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const st = statSync(path.join(dir, String(name)));
    if (st.isFile()) bytes += st.size;
  }
  return bytes / (1024 * 1024);
}

async function build(input: StoreScaleInput): Promise<StoreBuildOutput> {
  const pool = await loadSentencePool(input.seedCorpus);
  const corpusDir = path.join(input.dir, 'corpus');
  const indexDir = path.join(input.dir, 'index');
  if (!input.resume) rmSync(input.dir, { recursive: true, force: true });
  mkdirSync(corpusDir, { recursive: true });
  const withVectors = input.vectors !== false;
  if (withVectors) await ensureModel(input.dir);
  const meta: IndexMeta = { chunkerVersion: CHUNKER_VERSION, analyzerVersion: ANALYZER_VERSION, model: withVectors ? { id: BENCH_MODEL, dimension: input.dim } : null };
  const store = createStore({ backend: 'local', indexDir });
  const rng = createRng(11);
  const vector = withVectors ? syntheticVectors(input.distribution ?? 'clustered', input.dim, input.passages, 7) : null;
  let peak = rssMb();
  let passages = 0;
  let articles = 0;
  let publishMs = 0;
  const t0 = process.hrtime.bigint();
  await store.withWriteLock(async () => {
    const space = await store.rebuild(meta);
    // Commits are whole batches: a resumed build skips as many articles as its space holds.
    let skip = input.resume ? (await space.counts()).articles : 0;
    if (skip > 0) progress(`resuming after ${skip} committed articles`);
    let nextReport = 0;
    for (const batch of syntheticBatches(pool, rng, input.passages, vector)) {
      if (skip > 0) {
        skip -= batch.length;
        articles += batch.length;
        passages += batch.reduce((n, a) => n + a.passages.length, 0);
        if (skip < 0) throw new Error('the unfinished build does not end on a batch of this coverage');
        continue;
      }
      for (const a of batch) {
        articles++;
        passages += a.passages.length;
        writeFileSync(path.join(corpusDir, `${a.source.id}.md`), '');
      }
      await space.commit({ meta, upsert: batch });
      peak = Math.max(peak, rssMb());
      if (passages >= nextReport) {
        progress(`${passages} passages written (${Math.round(passages / (msSince(t0) / 1000))}/s, ${Math.round(rssMb())} MB)`);
        nextReport += Math.max(10_000, input.passages / 10);
      }
    }
    progress('publishing (vector and lexical checkpoints)');
    const p0 = process.hrtime.bigint();
    await space.publish();
    publishMs = msSince(p0);
  });
  const buildMs = msSince(t0);
  peak = Math.max(peak, rssMb());
  await store.close();
  return { passages, articles, buildMs, publishMs, peakRssMb: peak, diskMb: diskMb(indexDir) };
}

/** A serving process's start: engine on the store, first answer; what it cost from the process's start. */
async function coldStart(input: StoreScaleInput) {
  const t0 = process.hrtime.bigint();
  const modelDir = path.join(input.dir, 'models');
  const corpusDir = path.join(input.dir, 'corpus');
  const indexDir = path.join(input.dir, 'index');
  const questions = input.askQuestions ?? syntheticQuestions(await loadSentencePool(input.seedCorpus), input.questions, 5);
  const withVectors = input.vectors !== false;
  const engine = await createEngine({ corpusDir, indexDir, model: withVectors ? BENCH_MODEL : 'none', modelDir: withVectors ? modelDir : null, cacheDir: null, mode: withVectors ? 'hybrid' : 'lexical', k: 5 }, { preloadModel: true });
  await engine.ask(questions[0]!);
  // From this process's start (Node, imports, engine, index load, model, first answer).
  const coldFromStart = process.uptime() * 1000;
  // CPU of every thread of this process meanwhile: what the cold start costs, whatever else the shared machine runs.
  const cpu = process.cpuUsage();
  const coldCpuMs = (cpu.user + cpu.system) / 1000;
  const cold: StoreColdOutput = { coldStartMs: coldFromStart, coldStartCpuMs: coldCpuMs, coldStartRssMb: rssMb(), glibcTunables: process.env.GLIBC_TUNABLES ?? null };
  progress(`cold start to first answer ${(coldFromStart / 1000).toFixed(1)} s (engine ${(msSince(t0) / 1000).toFixed(1)} s), CPU ${(coldCpuMs / 1000).toFixed(1)} s, RSS ${Math.round(cold.coldStartRssMb!)} MB, load average ${loadavg()[0]!.toFixed(1)}, GLIBC_TUNABLES=${cold.glibcTunables ?? ''}`);
  return { engine, questions, corpusDir, indexDir, cold };
}

async function serve(input: StoreScaleInput): Promise<StoreServeOutput> {
  const { engine, questions, corpusDir, indexDir, cold } = await coldStart(input);
  // The first answers search the vector checkpoint on file while hnswlib reads it; warm serving
  // is measured once it is in memory (as a bot's is, its warm-up questions having started that read).
  await engine.loadFully();
  const inMemoryMs = process.uptime() * 1000;
  progress(`index wholly in memory ${(inMemoryMs / 1000).toFixed(1)} s after the process started, RSS ${Math.round(rssMb())} MB`);

  const time = async (fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    return msSince(t);
  };
  const ask: number[] = [];
  const again: number[] = [];
  const lexical: number[] = [];
  for (const q of questions) {
    ask.push(await time(() => engine.ask(q)));
    // The same question again: its vector comes from the query cache, so this is the ask without the model.
    again.push(await time(() => engine.ask(q)));
    lexical.push(await time(() => engine.ask(q, { mode: 'lexical' })));
  }
  const servingRssMb = rssMb();
  progress(`ask p50 ${percentile(ask, 50).toFixed(1)} ms, without the model ${percentile(again, 50).toFixed(1)} ms, lexical ${percentile(lexical, 50).toFixed(1)} ms, RSS ${Math.round(servingRssMb)} MB`);

  // One article in and out, as /ingest and /remove do it (the bench model embeds its passages).
  const pool = await loadSentencePool(input.seedCorpus);
  const stall = async (fn: () => Promise<unknown>) => {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const ms = await time(fn);
    h.disable();
    return { ms, stallMs: h.max / 1e6 };
  };
  // Three rounds (another article each time): the machine is shared, so the median counts.
  const rounds: { ingest: { ms: number; stallMs: number }; remove: { ms: number; stallMs: number } }[] = [];
  let ingestPassages = 0;
  for (let round = 0; round < 3; round++) {
    const id = `zz_bench_ingest_${round}`;
    const body = pool.sentences.slice(round * 24, round * 24 + 24).map((s) => s.text).join(' ');
    writeFileSync(path.join(corpusDir, `${id}.md`), serializeArticleFile({ title: `Article ajouté pendant le banc ${round}`, publisher: null, url: null, date: null, language: 'fr' }, `${body}\n`));
    let passages = 0;
    // Whether it landed is read by id: engine.sources() sorts every source by title (seconds at
    // 200 000 articles), a cost of this check, not of the ingest, that earlier runs timed with it.
    if (engine.source(id)) throw new Error(`${id} is already indexed`);
    const ingest = await stall(async () => {
      const report = await engine.reindex(undefined, { articles: [id] });
      passages = report.chunks;
    });
    if (!engine.source(id)) throw new Error(`the ingest of ${id} did not land`);
    rmSync(path.join(corpusDir, `${id}.md`));
    const remove = await stall(async () => {
      const report = await engine.reindex(undefined, { articles: [id] });
      passages -= report.chunks;
    });
    if (round === 0) ingestPassages = passages;
    rounds.push({ ingest, remove });
    progress(`one-article ingest ${ingest.ms.toFixed(0)} ms (stall ${ingest.stallMs.toFixed(0)} ms), remove ${remove.ms.toFixed(0)} ms (stall ${remove.stallMs.toFixed(0)} ms)`);
  }
  const median = (pick: (r: (typeof rounds)[number]) => number) => percentile(rounds.map(pick), 50);
  const ingest = { ms: median((r) => r.ingest.ms), stallMs: median((r) => r.ingest.stallMs) };
  const remove = { ms: median((r) => r.remove.ms), stallMs: median((r) => r.remove.stallMs) };

  // A reload (what a reader does after a rebuild replaced the index), in the background of this process.
  const store = createStore({ backend: 'local', indexDir });
  const reader = store.reader();
  // Until the vectors are in memory too: a reader's load ends there.
  const reload = await stall(async () => (await reader.refresh()).loadVectors?.());
  await reader.close();
  await store.close();
  progress(`reload ${(reload.ms / 1000).toFixed(1)} s, longest stall ${reload.stallMs.toFixed(0)} ms`);
  await engine.dispose();
  return {
    ...cold,
    inMemoryMs,
    servingRssMb,
    askP50Ms: percentile(ask, 50),
    askMinusModelP50Ms: percentile(again, 50),
    lexicalP50Ms: percentile(lexical, 50),
    ingestMs: ingest.ms,
    ingestPassages,
    removeMs: remove.ms,
    ingestStallMs: ingest.stallMs,
    firstIngestStallMs: rounds[0]!.ingest.stallMs,
    removeStallMs: remove.stallMs,
    reloadMs: reload.ms,
    reloadStallMs: reload.stallMs,
  };
}

async function coldOnly(input: StoreScaleInput): Promise<StoreColdOutput> {
  const { engine, cold } = await coldStart(input);
  await engine.dispose();
  return cold;
}

workerMain<StoreScaleInput, StoreBuildOutput | StoreServeOutput | StoreColdOutput>((input) => (input.phase === 'build' ? build(input) : input.phase === 'cold' ? coldOnly(input) : serve(input)));
