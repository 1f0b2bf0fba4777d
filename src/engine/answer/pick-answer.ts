import { LINE_CONFIDENCE } from './answer-line-model.js';
import type { LineCandidate } from './line-features.js';

/**
 * How the answer line is chosen across the leading passages. Measured on the dev sets with
 * scripts/tune-answer.ts (docs/quality.md, "Answers"); only that script changes them, to measure.
 */
export const ANSWER_WEIGHTS = {
  /** Passages read for the answer line, from the first shown. */
  depth: 3,
  /** Taken off a sentence's score per rank its passage stands below the first. */
  rankPenalty: 0.1,
  /** Added per other article (up to two) that states the same answer on the same topic (corroboration.ts). */
  corroboration: 0.1,
};

/**
 * What the line's confidence reads of the pick, in the order of the model's weights: how it
 * won, what it is, where it stands. General signals; none is written for a question.
 */
export const PICK_FEATURES = [
  /** The winning value (score, less the rank penalty, plus corroboration). */
  'value',
  /** How far ahead of the best other sentence (another text) it is; 1 when alone. */
  'margin',
  'share',
  /** It holds the kind of answer asked for. */
  'fits',
  /** The question says no kind of answer ("Que fait… ?"). */
  'kindless',
  /** Its passage's rank (0–2) and first-stage score over the first passage's. */
  'rank',
  'firstStage',
  /** How many sentences were candidates, over 10. */
  'candidates',
  'previousShare',
  'nextShare',
  /** Share of its terms the question and title lack: what it adds. */
  'novelty',
  /** Its length in tokens, on a log scale (1 at 50 tokens). */
  'length',
] as const;

/** A logistic model over `PICK_FEATURES`, as scripts/train-answer-line.ts writes it. */
export interface LineConfidence {
  /** Each feature is centred and scaled as in training before its weight applies. */
  mean: readonly number[];
  scale: readonly number[];
  weights: readonly number[];
  bias: number;
  /** Below this probability that the pick holds the answer, no line is shown (the passages still come). */
  threshold: number;
}

export interface PickedLine {
  passage: number;
  sentence: number;
  /** The model's probability that this sentence holds the answer. */
  confidence: number;
}

/** The value that ranks candidates: the sentence's score, less a little per rank down, plus corroboration. */
export function lineValue(c: LineCandidate): number {
  const W = ANSWER_WEIGHTS;
  return c.score - W.rankPenalty * c.passage + W.corroboration * Math.min(2, c.corroboration);
}

/**
 * The best candidate and what the confidence model reads of it; null without candidates. Pure.
 * @example rankLine(candidates) // { best: { passage: 1, sentence: 0, … }, features: [1.4, 0.3, …] }
 */
export function rankLine(candidates: readonly LineCandidate[]): { best: LineCandidate; features: number[] } | null {
  let best: LineCandidate | null = null;
  let value = -Infinity;
  for (const c of candidates) {
    const v = lineValue(c);
    if (v > value) (best = c), (value = v);
  }
  if (!best) return null;
  let second = -Infinity;
  for (const c of candidates) if (c.text !== best.text) second = Math.max(second, lineValue(c));
  const f: Record<(typeof PICK_FEATURES)[number], number> = {
    value,
    margin: second === -Infinity ? 1 : Math.min(1, value - second),
    share: best.share,
    fits: best.fits ? 1 : 0,
    kindless: best.kindless ? 1 : 0,
    rank: best.passage,
    firstStage: best.firstStage,
    candidates: candidates.length / 10,
    previousShare: best.previousShare,
    nextShare: best.nextShare,
    novelty: best.novelty,
    length: Math.log1p(best.tokens) / Math.log1p(50),
  };
  return { best, features: PICK_FEATURES.map((name) => f[name]) };
}

/**
 * The probability the model gives a pick of holding the answer. Pure.
 * @example lineConfidence(LINE_CONFIDENCE, rankLine(candidates)!.features) // 0.62
 */
export function lineConfidence(model: LineConfidence, features: readonly number[]): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * ((features[j]! - model.mean[j]!) / model.scale[j]!);
  return 1 / (1 + Math.exp(-z));
}

/**
 * The sentence that answers, across the leading passages: the best value; and whether to
 * show it at all: below the model's threshold the line is more likely wrong than worth
 * reading, and there is none (the passages still come). Pure but for the training script's
 * recorder (`recordLineCandidates`), which only reads the candidates.
 * @example pickAnswer(lineCandidates(q, passages, corroboration)) // { passage: 1, sentence: 0, confidence: 0.71 }
 */
export function pickAnswer(candidates: readonly LineCandidate[], model: LineConfidence = LINE_CONFIDENCE): PickedLine | null {
  recorder?.(candidates);
  const ranked = rankLine(candidates);
  if (!ranked) return null;
  const confidence = lineConfidence(model, ranked.features);
  return confidence >= model.threshold ? { passage: ranked.best.passage, sentence: ranked.best.sentence, confidence } : null;
}

let recorder: ((candidates: readonly LineCandidate[]) => void) | null = null;

/** For scripts/train-answer-line.ts only: sees every answer line's candidates (null stops). */
export function recordLineCandidates(fn: ((candidates: readonly LineCandidate[]) => void) | null): void {
  recorder = fn;
}
