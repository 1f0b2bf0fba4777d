/**
 * Worker: Dépêche's side. Builds the index of a corpus folder with `createEngine(...).reindex()`,
 * then times warm `ask` (question embedding, hybrid search, fusion, answer assembly).
 */
import { createEmbedder } from '../../src/engine/embed/embedder.js';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/engine/index/create-store.js';
import { progress, workerMain } from '../lib/child.js';
import { msSince, peakRssMb, percentile, rssMb } from '../lib/stats.js';
import { exactTopK, recallWithTies, type VectorSet } from '../lib/vectors.js';
import { depecheConfig, type ModelChoice } from '../lib/model-choice.js';

export interface DepecheInput extends ModelChoice {
  corpusDir: string;
  indexDir: string;
  k: number;
  /** Timed questions (already in distinct wordings); empty: build only. */
  questions: string[];
  warmup: string[];
  /** Also measure exact search and the dense side's recall against it. */
  exact: boolean;
  /** Index store backend (INDEX_BACKEND); default local. LanceDB keeps its tables in `<indexDir>/lancedb`. */
  backend?: string;
}

export interface Timing {
  p50Ms: number;
  p95Ms: number;
  n: number;
}

export interface DepecheOutput {
  build: { articles: number; chunks: number; totalS: number; embedS: number; chunksPerS: number; peakRssMb: number };
  query: {
    /** Full `ask`, each wording new to the query cache. */
    ask: Timing;
    /** The same questions again: query vector from the cache (= everything but the model). */
    askCached: Timing;
    /** `mode: 'lexical'`: BM25 + answer assembly, no model at all. */
    askLexical: Timing;
    rssMb: number;
    /** Passage ids of each timed question's answer (first pass), to compare backends. */
    answers: string[][];
  } | null;
  exact: { search: Timing; recallAtK: number; k: number } | null;
}

const timing = (times: number[]): Timing => ({ p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), n: times.length });

async function run(input: DepecheInput): Promise<DepecheOutput> {
  const config = { ...depecheConfig(input), indexBackend: input.backend ?? 'local' };
  const engine = await createEngine(config);
  let embedStart: bigint | null = null;
  let embedMs = 0;
  const t0 = process.hrtime.bigint();
  const report = await engine.reindex((p) => {
    if (p.phase === 'embed' && embedStart === null) embedStart = process.hrtime.bigint();
    if (p.phase === 'write' && embedStart !== null && embedMs === 0) embedMs = msSince(embedStart);
  });
  const totalS = msSince(t0) / 1000;
  if (report.embedded.length === 0) throw new Error(`nothing was embedded: ${input.indexDir} already held an up-to-date index`);
  if (report.warning) throw new Error(`index built without vectors: ${report.warning}`);
  const build = {
    articles: report.articles,
    chunks: report.chunks,
    totalS,
    embedS: embedMs / 1000,
    chunksPerS: report.chunks / (embedMs / 1000),
    peakRssMb: peakRssMb(),
  };
  progress(`dépêche build: ${report.chunks} chunks, ${build.chunksPerS.toFixed(1)} chunks/s while embedding, ${totalS.toFixed(1)} s in all`);
  if (input.questions.length === 0) {
    await engine.dispose();
    return { build, query: null, exact: null };
  }

  for (const q of input.warmup) await engine.ask(q);
  const answers: string[][] = [];
  const time = async (mode: 'hybrid' | 'lexical', keep = false) => {
    const times: number[] = [];
    for (const q of input.questions) {
      const t = process.hrtime.bigint();
      const answer = await engine.ask(q, { mode, k: input.k });
      times.push(msSince(t));
      if (keep) answers.push(answer.passages.map((p) => p.chunkId));
    }
    return timing(times);
  };
  const ask = await time('hybrid', true);
  const askCached = await time('hybrid');
  const askLexical = await time('lexical');
  const query = { ask, askCached, askLexical, rssMb: rssMb(), answers };
  progress(`dépêche ask p50 ${ask.p50Ms.toFixed(1)} ms (cached ${askCached.p50Ms.toFixed(1)}, lexical ${askLexical.p50Ms.toFixed(1)})`);
  await engine.dispose();

  return { build, query, exact: input.exact ? await exactSearch(input) : null };
}

/** Exact top-k over the stored vectors vs the HNSW index's answer: the dense side's recall limit. */
async function exactSearch(input: DepecheInput): Promise<DepecheOutput['exact']> {
  // The stored vectors, read through the index store seam (no file format known here).
  const store = createStore({ backend: input.backend ?? 'local', indexDir: input.indexDir });
  const reader = store.reader();
  const view = await reader.refresh();
  const ids = await view.passageIds();
  const vectors = await view.vectors(ids);
  const rows = ids.flatMap((id, i) => (vectors[i] ? [{ id, v: vectors[i] }] : []));
  const dim = view.meta.model!.dimension;
  const base: VectorSet = { dim, count: rows.length, data: new Float32Array(rows.length * dim) };
  rows.forEach((r, i) => base.data.set(r.v, i * dim));
  const embedder = await createEmbedder({ model: input.model, modelDir: input.modelDir, cacheDir: input.cacheDir });
  const queries = await embedder.embedQueries(input.questions);
  await embedder.dispose();
  const k = Math.min(input.k * 2, rows.length);
  const times: number[] = [];
  let recall = 0;
  const rowOf = new Map(rows.map((r, i) => [r.id, i]));
  for (const q of queries) {
    const t = process.hrtime.bigint();
    const exact = exactTopK(base, q, k);
    times.push(msSince(t));
    const found = (await view.searchVectors(q, k)).map((h) => rowOf.get(h.id) ?? -1);
    recall += recallWithTies(base, q, found, exact);
  }
  await reader.close();
  await store.close();
  return { search: timing(times), recallAtK: recall / queries.length, k };
}

workerMain(run);
