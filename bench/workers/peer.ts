/**
 * Worker: the peer a TypeScript developer would pick: LangChain.js `HNSWLib` vector store with
 * `HuggingFaceTransformersEmbeddings` (@huggingface/transformers 3), on Dépêche's chunks and model.
 * LangChain defaults are kept (batch 512, hnswlib M=16 / efConstruction=200 / ef=10) — that is what
 * the peer gives out of the box.
 */
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { prefixesFor } from '../../src/engine/embed/prefixes.js';
import { progress, workerMain } from '../lib/child.js';
import type { ModelChoice } from '../lib/model-choice.js';
import { createPeerEmbeddings } from '../lib/peer-embeddings.js';
import { loadBenchChunks } from '../lib/coverage.js';
import { msSince, peakRssMb, percentile, rssMb } from '../lib/stats.js';
import { exactTopK, recallWithTies, type VectorSet } from '../lib/vectors.js';
import type { DepecheOutput, Timing } from './depeche.js';

export interface PeerInput extends ModelChoice {
  corpusDir: string;
  saveDir: string;
  k: number;
  questions: string[];
  warmup: string[];
  exact: boolean;
}

export interface PeerOutput {
  build: DepecheOutput['build'];
  query: { search: Timing; rssMb: number } | null;
  exact: { recallAtK: number; k: number } | null;
}

const timing = (times: number[]): Timing => ({ p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), n: times.length });

async function run(input: PeerInput): Promise<PeerOutput> {
  const t0 = process.hrtime.bigint();
  // Same texts as Dépêche embeds, with the same model prefixes (the peer would need them too).
  const { articles, chunks } = await loadBenchChunks(input.corpusDir);
  const prefixes = prefixesFor(input.model);
  const embeddings = await createPeerEmbeddings(input);
  // The peer's texts: prefix + Dépêche's chunk text.
  const texts = chunks.map((c) => prefixes.passage + c.text);
  // Load the model first (counted in totalS, not in the embedding rate), as Dépêche's 'embed' phase starts after its load.
  await embeddings.embedQuery('chargement');
  const embedStart = process.hrtime.bigint();
  const store = await HNSWLib.fromTexts(texts, chunks.map((c) => ({ id: c.id })), embeddings);
  const embedS = msSince(embedStart) / 1000;
  await store.save(input.saveDir);
  const totalS = msSince(t0) / 1000;
  const build = { articles, chunks: chunks.length, totalS, embedS, chunksPerS: chunks.length / embedS, peakRssMb: peakRssMb() };
  progress(`peer build: ${chunks.length} chunks, ${build.chunksPerS.toFixed(1)} chunks/s, ${totalS.toFixed(1)} s in all`);
  if (input.questions.length === 0) return { build, query: null, exact: null };

  for (const q of input.warmup) await store.similaritySearch(prefixes.query + q, input.k);
  const times: number[] = [];
  for (const q of input.questions) {
    const t = process.hrtime.bigint();
    await store.similaritySearch(prefixes.query + q, input.k);
    times.push(msSince(t));
  }
  const query = { search: timing(times), rssMb: rssMb() };
  progress(`peer similaritySearch p50 ${query.search.p50Ms.toFixed(1)} ms`);

  let exact: PeerOutput['exact'] = null;
  if (input.exact) {
    const index = store.index;
    const labels = index.getIdsList();
    const dim = index.getNumDimensions();
    const base: VectorSet = { dim, count: labels.length, data: new Float32Array(labels.length * dim) };
    labels.forEach((label, i) => base.data.set(index.getPoint(label), i * dim));
    const k = Math.min(input.k * 2, labels.length);
    let recall = 0;
    const rowOf = new Map(labels.map((label, i) => [label, i]));
    for (const q of input.questions) {
      const v = await embeddings.embedQuery(prefixes.query + q);
      // The store's own search (LangChain leaves hnswlib's ef at its default, 10).
      const found = index.searchKnn(v, k).neighbors.map((label) => rowOf.get(label) ?? -1);
      recall += recallWithTies(base, v, found, exactTopK(base, v, k));
    }
    exact = { recallAtK: recall / input.questions.length, k };
  }
  return { build, query, exact };
}

workerMain(run);
