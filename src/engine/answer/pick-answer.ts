import type { SentenceScore } from './highlight.js';

/**
 * How the answer line is chosen across the leading passages. Measured on the dev sets with
 * scripts/tune-answer.ts (docs/quality.md, "Answers"); only that script changes them, to measure.
 */
export const ANSWER_WEIGHTS = {
  /** Passages read for the answer line, from the first shown. */
  depth: 3,
  /** Taken off a sentence's score per rank its passage stands below the first. */
  rankPenalty: 0.1,
  /** Below this share of the question's terms, no sentence is trusted: no answer line (the passages still come). */
  minShare: 0.2,
  /** Added per other article (up to two) that states the same answer on the same topic (corroboration.ts). */
  corroboration: 0.1,
};

/**
 * The sentence that answers, across the leading passages (scores in passage order): the best
 * score, less a little per rank down. null when no sentence holds enough of the question. Pure.
 * @example pickAnswer([[{ index: 0, score: 0.4, share: 0.4, fits: false }], [{ index: 0, score: 0.9, share: 0.8, fits: true }]]) // { passage: 1, sentence: 0 }
 */
export function pickAnswer(
  passages: readonly SentenceScore[][],
  corroboration: (passage: number, sentence: number) => number = () => 0,
): { passage: number; sentence: number } | null {
  const W = ANSWER_WEIGHTS;
  let best: { passage: number; sentence: number; value: number } | null = null;
  passages.slice(0, W.depth).forEach((scores, passage) => {
    for (const s of scores) {
      if (s.share < W.minShare) continue;
      const value = s.score - W.rankPenalty * passage + (W.corroboration ? W.corroboration * Math.min(2, corroboration(passage, s.index)) : 0);
      if (!best || value > best.value) best = { passage, sentence: s.index, value };
    }
  });
  return best ? { passage: (best as { passage: number }).passage, sentence: (best as { sentence: number }).sentence } : null;
}
