import type { SearchHit } from './hybrid-search.js';

/**
 * Second stage of retrieval: the leading hits re-ordered by how well their best sentence
 * answers (the question's rare terms close together, with the kind of answer asked for),
 * which passage-level BM25 cannot see. Measured on the dev sets (docs/quality.md, "Reranking").
 */
export const RERANK_WEIGHTS = {
  /** Hits re-ordered from the top; the rest keep their place below. */
  depth: 20,
  /** Weight of the best sentence's score against the first stage's (its score over the top hit's). */
  sentence: 0.4,
};

/**
 * Re-orders the first `depth` hits by their first-stage score (relative to the top hit's;
 * BM25 when lexical search found them all, as it spreads more than fused ranks)
 * plus `sentence` × the evidence of their best sentence. Hits past `depth` are untouched;
 * ties keep the first stage's order. Pure.
 * @example rerank(hits, (h) => bestSentenceScore(h)) // the same hits, the leading ones re-ordered
 */
export function rerank(hits: readonly SearchHit[], evidence: (hit: SearchHit) => number, weights = RERANK_WEIGHTS): SearchHit[] {
  if (weights.sentence === 0 || hits.length < 2) return [...hits];
  const head = hits.slice(0, weights.depth);
  const lexical = head.every((h) => h.lexical !== null);
  const first = (h: SearchHit) => (lexical ? h.lexical! : h.score);
  const top = Math.max(...head.map(first)) || 1;
  const scored = head.map((hit, rank) => ({ hit, rank, value: first(hit) / top + weights.sentence * evidence(hit) }));
  scored.sort((a, b) => b.value - a.value || a.rank - b.rank);
  return [...scored.map((s) => s.hit), ...hits.slice(weights.depth)];
}
