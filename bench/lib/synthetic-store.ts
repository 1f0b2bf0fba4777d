import { loadCorpus } from '../../src/engine/corpus/load-corpus.js';
import type { ArticleWrite, StoredPassage } from '../../src/engine/index/store.js';
import { analyze, analyzeBoth } from '../../src/engine/text/analyze.js';
import { splitSentences } from '../../src/engine/text/sentences.js';
import { vectorStream, type VectorDistribution } from './vectors.js';
import { createRng, type Rng } from './rng.js';

/**
 * A synthetic coverage written straight through the index store seam, for sizes no model could
 * embed here: articles of recombined real sentences (analysed once each, so a million passages
 * cost no re-analysis) and synthetic unit vectors (embedding-like by default, see `syntheticVectors`).
 */

interface Sentence {
  text: string;
  terms: string[];
  words: string[];
}

export interface SentencePool {
  sentences: Sentence[];
}

/** Every sentence of the seed coverage over 30 characters, analysed. */
export async function loadSentencePool(seedDir: string): Promise<SentencePool> {
  const { articles } = await loadCorpus(seedDir);
  const texts = articles.flatMap((a) => a.kept.flatMap((k) => splitSentences(a.text, k.start, k.end).map((r) => a.text.slice(r.start, r.end).replace(/\s+/g, ' ').trim())));
  const sentences = texts.filter((s) => s.length > 30).map((text) => ({ text, ...analyzeBoth(text) }));
  if (sentences.length === 0) throw new Error(`no sentences found in ${seedDir}`);
  return { sentences };
}

/** Topics of the clustered distribution: one per 200 passages up to this (each holds a ~49 KB basis). */
const MAX_TOPICS = 1000;

/**
 * The passage vectors of a synthetic coverage, made one at a time (a million never sit in memory
 * at once). `clustered`, the default, is `bench/lib/vectors.ts`'s embedding-like distribution (the
 * one the index scale curve uses): a shared direction, topic centres, low-rank variation inside a
 * topic, a little isotropic noise. `uniform` is independent unit vectors: the worst case for HNSW
 * (intrinsic dimension 384), which no embedding model produces; kept as `--vectors uniform`.
 *
 * Why not the generator this replaced (topic centre + 0.6 × shared direction + noise of norm ≈ 2.8):
 * its noise drowned the structure, so it was uniform in all but name — at 20k, mean cosine of two
 * random vectors 0.03 and of a query's nearest neighbour 0.28 (sentence embeddings: 0.5–0.8 and
 * ≥ 0.8) — and hnswlib built it at the uniform case's rate and recall: see bench/README.md.
 */
export function syntheticVectors(distribution: VectorDistribution, dim: number, passages: number, seed: number): () => Float32Array {
  return vectorStream(distribution, dim, Math.min(MAX_TOPICS, Math.max(8, Math.round(passages / 200))), seed);
}

/** Passages of about 200 words: 7–10 sentences. */
function passageOf(pool: SentencePool, rng: Rng, articleId: string, ordinal: number, offset: number): { passage: StoredPassage; terms: { terms: string[]; words: string[] } } {
  const count = 7 + rng.int(4);
  const picked = Array.from({ length: count }, () => pool.sentences[rng.int(pool.sentences.length)]!);
  let text = '';
  const sentences: StoredPassage['sentences'] = [];
  for (const s of picked) {
    if (text) text += ' ';
    sentences.push({ start: offset + text.length, end: offset + text.length + s.text.length, local: { start: text.length, end: text.length + s.text.length } });
    text += s.text;
  }
  return {
    passage: { id: `${articleId}#${ordinal}`, articleId, ordinal, text, range: { start: offset, end: offset + text.length }, sentences, original: text },
    terms: { terms: picked.flatMap((s) => s.terms), words: picked.flatMap((s) => s.words) },
  };
}

/** Article `i` of the synthetic coverage: 2–8 passages, a title from its first sentence. */
export function syntheticArticle(pool: SentencePool, rng: Rng, i: number, vector: (() => Float32Array) | null): ArticleWrite {
  const id = `syn_${String(i).padStart(7, '0')}`;
  const count = 2 + rng.int(7);
  const passages: ArticleWrite['passages'] = [];
  let offset = 0;
  for (let o = 0; o < count; o++) {
    const p = passageOf(pool, rng, id, o, offset);
    offset = p.passage.range.end + 2;
    passages.push({ ...p, vector: vector ? vector() : null });
  }
  const title = `Synthèse ${i + 1} : ${passages[0]!.passage.text.split(/\s+/).slice(0, 8).join(' ')}`;
  return { source: { id, title, publisher: null, url: null, date: null, language: 'fr' }, hash: `synthetic-${i}`, titleTerms: analyze(title), passages };
}

/** The synthetic coverage in commit-sized batches (about 400 passages), `passages` in all (the last article may pass it). */
export function* syntheticBatches(pool: SentencePool, rng: Rng, passages: number, vector: (() => Float32Array) | null): Generator<ArticleWrite[]> {
  let written = 0;
  let article = 0;
  while (written < passages) {
    const batch: ArticleWrite[] = [];
    for (let n = 0; n < 400 && written < passages; n += batch.at(-1)!.passages.length) {
      const a = syntheticArticle(pool, rng, article++, vector);
      batch.push(a);
      written += a.passages.length;
    }
    yield batch;
  }
}

/** Questions a reader of the coverage might ask: eight-word stretches of its sentences. */
export function syntheticQuestions(pool: SentencePool, count: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const words = pool.sentences[rng.int(pool.sentences.length)]!.text.split(/\s+/);
    const start = rng.int(Math.max(1, words.length - 8));
    return `${words.slice(start, start + 8).join(' ')} ?`;
  });
}
