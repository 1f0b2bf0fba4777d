import type { SearchMode } from '../types.js';

/**
 * When to say "the coverage does not answer this". Two signals, each with its own bar:
 * - `coverage`: the weighted share of the question's terms found in the best passage
 *   (lexical evidence; names and figures weigh most);
 * - `similarity`: cosine similarity of the best passage to the question (dense evidence),
 *   which depends on the model, hence one bar per model.
 * Calibrated on the dev set; see README "Abstention thresholds".
 */
export interface AbstainThresholds {
  coverage: number;
  similarity: number | null;
}

/** Lexical-only mode and models we have no calibration for use the lexical bar alone. */
export const LEXICAL_THRESHOLD: AbstainThresholds = { coverage: 0.45, similarity: null };

const BY_MODEL: Record<string, AbstainThresholds> = {
  'Xenova/multilingual-e5-small': { coverage: 0.45, similarity: 0.82 },
};

export function thresholdsFor(modelId: string | null, mode: SearchMode): AbstainThresholds {
  if (mode === 'lexical' || !modelId) return LEXICAL_THRESHOLD;
  return BY_MODEL[modelId] ?? LEXICAL_THRESHOLD;
}

export interface Evidence {
  coverage: number;
  similarity: number | null;
}

/** Answers when either side has enough evidence; abstains when neither has. */
export function shouldAbstain(best: Evidence | null, t: AbstainThresholds): boolean {
  if (!best) return true;
  if (best.coverage >= t.coverage) return false;
  if (t.similarity !== null && best.similarity !== null && best.similarity >= t.similarity) return false;
  return true;
}
