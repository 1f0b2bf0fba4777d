import type { StoredPassage, StoreView } from '../index/store.js';
import type { SearchMode } from '../types.js';
import type { LexicalQuery } from '../text/question-analysis.js';
import { diversify } from './diversify.js';
import type { FusionWeights } from './fusion-weights.js';
import { fuse, type RankedList } from './fuse.js';

/** What hybrid search reads of an index store's view. */
export type SearchableIndex = Pick<StoreView, 'lexical' | 'searchVectors' | 'passages' | 'searchText'>;

export interface SearchHit {
  chunk: StoredPassage;
  articleId: string;
  /** Fused score (reciprocal rank fusion). */
  score: number;
  /** BM25 score, when the lexical side found the chunk. */
  lexical: number | null;
  /** Cosine similarity, when the dense side found the chunk. */
  similarity: number | null;
}

export interface SearchRequest {
  /** The question as lexical search reads it: a text, or analysed once for the whole ask. */
  text: string | LexicalQuery;
  /**
   * The question's vector, or how to get it: called once the lexical side is done, so the worker
   * thread embeds while this thread waits. On 2 cores, work on this thread during an embedding slowed
   * the embedding by 2–6× that work's own time (onnxruntime spreads one inference over the cores), so
   * the lexical side goes first rather than alongside (bench/README.md, "ask overhead").
   */
  vector: Float32Array | null | (() => Promise<Float32Array | null>);
  mode: SearchMode;
  /** How many candidates each side contributes before fusion. */
  depth: number;
  /** How many leading hits the caller will read; only those are re-ordered for diversity. */
  limit?: number;
  /** Per model: see fusion-weights.ts. */
  weights: FusionWeights;
}

/** Fused hits fetched past `limit`, so diversity has others to move up in place of near-duplicates. */
const FETCH_MARGIN = 24;

/**
 * Lexical → dense → fuse → fetch the leading passages → diversify. Each side runs only if the
 * mode asks for it and it is available (no vectors, or a vector that resolved to null: lexical only). Only the passages that can
 * reach the page are read from the store.
 */
export async function hybridSearch(index: SearchableIndex, req: SearchRequest): Promise<SearchHit[]> {
  return rankHits(index, await retrieve(index, req), req.limit);
}

/** Lists of the two retrievers, by name (a hit's `lexical` and `similarity` are their scores). */
const LEXICAL = 'lexical';
const DENSE = 'dense';

/**
 * What each retriever finds for the question, best first: lexical, then dense. Everything after
 * (`rankHits`, the answer) depends only on these lists and the state of the index.
 */
export async function retrieve(index: SearchableIndex, req: SearchRequest): Promise<RankedList[]> {
  const { weights } = req;
  const lists: RankedList[] = [];
  if (req.mode !== 'dense') {
    // A backend with its own full-text search (LanceDB) ranks the lexical side itself.
    const hits = index.searchText ? await index.searchText(questionText(req.text), req.depth) : index.lexical.search(req.text, req.depth);
    lists.push({ name: LEXICAL, weight: weights.lexical, hits });
  }
  const vector = req.mode === 'lexical' ? null : typeof req.vector === 'function' ? await req.vector() : req.vector;
  if (vector) {
    const hits = (await index.searchVectors(vector, req.depth)).map((h) => ({ id: h.id, score: h.similarity }));
    lists.push({ name: DENSE, weight: weights.dense, hits });
  }
  return lists;
}

/**
 * The retrievers' lists fused, their leading passages read (those that can reach the first
 * `limit` hits, and a margin) and diversified.
 */
export async function rankHits(index: Pick<SearchableIndex, 'passages'>, lists: readonly RankedList[], limit?: number): Promise<SearchHit[]> {
  const scoresOf = (name: string) => new Map(lists.find((l) => l.name === name)?.hits.map((h) => [h.id, h.score]));
  const lexicalScores = scoresOf(LEXICAL);
  const similarities = scoresOf(DENSE);
  const fused = fuse(lists);
  const leading = fused.slice(0, limit === undefined ? fused.length : limit + FETCH_MARGIN);
  const passages = new Map((await index.passages(leading.map((f) => f.id))).map((p) => [p.id, p]));
  const hits = leading.flatMap((f) => {
    const chunk = passages.get(f.id);
    if (!chunk) return [];
    return [{ chunk, articleId: chunk.articleId, score: f.score, lexical: lexicalScores.get(f.id) ?? null, similarity: similarities.get(f.id) ?? null }];
  });
  return diversify(hits, undefined, limit);
}

/** The words a full-text engine that analyses text itself is given: the question (and the one it follows up on). */
function questionText(query: string | LexicalQuery): string {
  if (typeof query === 'string') return query;
  if ('question' in query && typeof query.question === 'string') {
    const context = (query as { context?: string | null }).context;
    return context ? `${query.question} ${context}` : query.question;
  }
  return query.words.join(' ');
}
