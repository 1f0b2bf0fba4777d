import { loadCorpus } from '../../src/engine/corpus/load-corpus.js';
import type { ArticleWrite, StoredPassage } from '../../src/engine/index/store.js';
import { analyze, analyzeBoth } from '../../src/engine/text/analyze.js';
import { splitSentences } from '../../src/engine/text/sentences.js';
import { normalize } from './vectors.js';
import { createRng, type Rng } from './rng.js';

/**
 * A synthetic coverage written straight through the index store seam, for sizes no model could
 * embed here: articles of recombined real sentences (analysed once each, so a million passages
 * cost no re-analysis) and clustered unit vectors (a shared direction, topic centres, noise).
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

/** Clustered unit vectors, made one at a time (a million never sit in memory at once). */
export function clusteredVectors(dim: number, clusters: number, seed: number): () => Float32Array {
  const rng = createRng(seed);
  const unit = () => {
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = rng.gaussian();
    normalize(v);
    return v;
  };
  const shared = unit();
  const centres = Array.from({ length: clusters }, unit);
  return () => {
    const c = centres[rng.int(clusters)]!;
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = 0.6 * shared[i]! + c[i]! + 0.35 * rng.gaussian() / Math.sqrt(dim) * 8;
    normalize(v);
    return v;
  };
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

/** Questions a reader of the coverage might ask: eight-word stretches of its sentences. */
export function syntheticQuestions(pool: SentencePool, count: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const words = pool.sentences[rng.int(pool.sentences.length)]!.text.split(/\s+/);
    const start = rng.int(Math.max(1, words.length - 8));
    return `${words.slice(start, start + 8).join(' ')} ?`;
  });
}
