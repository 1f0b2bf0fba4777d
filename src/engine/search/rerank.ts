import { sentencesOf } from '../answer/sentence-terms.js';
import type { Token } from '../text/analyze.js';
import { isFigureWord } from '../text/answer-kind.js';
import type { AnalysedQuestion } from '../text/question-analysis.js';
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
  /**
   * Added to a hit one of whose sentences states a figure right before the noun "combien de"
   * counts (docs/quality.md, "Session 7 — retrieval": 0.1 lifts one PIAF half-a question into the
   * first three and moves nothing on half b; 0.2 and 0.4 cost half b an MRR point).
   */
  counted: 0.1,
};

/**
 * Re-orders the first `depth` hits by their first-stage score (relative to the top hit's;
 * BM25 when lexical search found them all, as it spreads more than fused ranks)
 * plus `sentence` × the evidence of their best sentence. Hits past `depth` are untouched;
 * ties keep the first stage's order. Pure.
 * @example rerank(hits, (h) => bestSentenceScore(h)) // the same hits, the leading ones re-ordered
 */
export function rerank(hits: readonly SearchHit[], evidence: (hit: SearchHit) => number, weights: Pick<typeof RERANK_WEIGHTS, 'depth' | 'sentence'> = RERANK_WEIGHTS): SearchHit[] {
  if (weights.sentence === 0 || hits.length < 2) return [...hits];
  const head = hits.slice(0, weights.depth);
  const lexical = head.every((h) => h.lexical !== null);
  const first = (h: SearchHit) => (lexical ? h.lexical! : h.score);
  const top = Math.max(...head.map(first)) || 1;
  const scored = head.map((hit, rank) => ({ hit, rank, value: first(hit) / top + weights.sentence * evidence(hit) }));
  scored.sort((a, b) => b.value - a.value || a.rank - b.rank);
  return [...scored.map((s) => s.hit), ...hits.slice(weights.depth)];
}

/**
 * The second stage's evidence for a "combien de X" question: the best sentence's score, plus
 * `counted` (on the scale of a hit's value) where one of the hit's sentences states a figure
 * right before X ("les treize colonies", "12 000 meules"): the count in the unit asked, which a
 * sentence with more of the question's words but another figure does not state. Any other
 * question gets `sentenceScore` itself.
 * @example rerank(hits, withStatedCount(analyseQuestion('Combien de colonies… ?'), scorer))
 */
export function withStatedCount(
  analysis: Pick<AnalysedQuestion, 'counted'>,
  sentenceScore: (hit: SearchHit) => number,
  weights: Pick<typeof RERANK_WEIGHTS, 'sentence' | 'counted'> = RERANK_WEIGHTS,
): (hit: SearchHit) => number {
  if (analysis.counted.length === 0 || weights.counted === 0 || weights.sentence === 0) return sentenceScore;
  const counted = new Set(analysis.counted);
  const bonus = weights.counted / weights.sentence;
  return (hit) => sentenceScore(hit) + (sentencesOf(hit.chunk).some((s) => statesCount(s, counted)) ? bonus : 0);
}

/** Tokens after a figure that may come before the noun it counts ("treize colonies", "12 000 des meules", "trois grandes villes"). */
const COUNT_REACH = 3;

/**
 * Whether a sentence states a figure with one of `counted`'s terms within COUNT_REACH tokens after it.
 * @example statesCount(analyseSentence('Les treize colonies se révoltent.'), new Set(['colon'])) // true
 */
export function statesCount(sentence: { tokens: readonly Token[]; at: readonly (readonly string[])[] }, counted: ReadonlySet<string>): boolean {
  const { tokens, at } = sentence;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'number' && !isFigureWord(t.text)) continue;
    for (let j = i + 1; j <= i + COUNT_REACH && j < at.length; j++) if (at[j]!.some((term) => counted.has(term))) return true;
  }
  return false;
}
