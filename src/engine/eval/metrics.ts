/** What happened to one question in one run. */
export interface QuestionOutcome {
  id: string;
  lang: string;
  /** The coverage does not answer it: the right outcome is to abstain. */
  expectAbstain: boolean;
  abstained: boolean;
  /** 1-based rank of the first hit among the returned passages, null when none (or abstained). */
  rank: number | null;
  /** Whether the answer line (direct answer) holds an expected phrase from an expected source; null when not answerable or abstained. */
  answerRight?: boolean | null;
  /** Whether the highlighted sentences of the first passage hold an expected phrase (from an expected source). */
  highlightRight?: boolean | null;
  /** The answer line as given (null when none), for reading misses. */
  answerText?: string | null;
  latencyMs: number;
  /** Set when the engine refused the question. */
  error?: string;
}

export interface Summary {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Share of answerable questions with a hit in the first 1 / 3 / 5 passages; null when there are none. */
  hitAt1: number | null;
  hitAt3: number | null;
  hitAt5: number | null;
  mrr: number | null;
  /** Share of answerable questions whose answer line holds an expected phrase (abstained or no line: a miss). */
  answerAt1: number | null;
  /** Share of answerable questions whose first passage's highlights hold an expected phrase. */
  highlightAt1: number | null;
  /**
   * Answerable questions answered with an answer line (not abstained on, line not withheld): what
   * a member reads first, so how often it is shown and how often it is right when shown are what
   * the line's confidence trades (answer/pick-answer.ts).
   */
  linesShown: number;
  /** Of the answer lines shown, the share that hold an expected phrase; null when none was shown. */
  rightWhenShown: number | null;
  /** Of the questions abstained on, the share that should have been; null when none was abstained on. */
  abstentionPrecision: number | null;
  /** Of the questions that should be abstained on, the share that was; null when there are none. */
  abstentionRecall: number | null;
  /** Answerable questions abstained on (each one a lost answer). */
  falseAbstentions: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/**
 * Share of ranks at or under `k` (null ranks are misses).
 * @example hitAt([1, 3, null, 2], 2) // 0.5
 */
export function hitAt(ranks: (number | null)[], k: number): number | null {
  return ratio(ranks.filter((r) => r !== null && r <= k).length, ranks.length);
}

/**
 * Mean reciprocal rank; a miss counts 0.
 * @example meanReciprocalRank([1, 2, null]) // 0.5
 */
export function meanReciprocalRank(ranks: (number | null)[]): number | null {
  return ratio(ranks.reduce<number>((s, r) => s + (r ? 1 / r : 0), 0), ranks.length);
}

/**
 * Abstention precision and recall, treating "should abstain" as the positive class.
 * @example abstention([{expectAbstain:true,abstained:true},{expectAbstain:false,abstained:true}]) // { precision: 0.5, recall: 1 }
 */
export function abstention(outcomes: Pick<QuestionOutcome, 'expectAbstain' | 'abstained'>[]): { precision: number | null; recall: number | null } {
  const truePos = outcomes.filter((o) => o.expectAbstain && o.abstained).length;
  return {
    precision: ratio(truePos, outcomes.filter((o) => o.abstained).length),
    recall: ratio(truePos, outcomes.filter((o) => o.expectAbstain).length),
  };
}

/**
 * Nearest-rank percentile (p in 0–100); null on an empty list.
 * @example percentile([10, 20, 30, 40], 50) // 20
 */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** All figures for a set of outcomes; hit@n is null for n above `k`, the passages asked for. Pure. */
export function summarize(outcomes: QuestionOutcome[], k = 5): Summary {
  const answerable = outcomes.filter((o) => !o.expectAbstain);
  const ranks = answerable.map((o) => o.rank);
  const { precision, recall } = abstention(outcomes);
  const latencies = outcomes.filter((o) => !o.error).map((o) => o.latencyMs);
  const shown = answerable.filter((o) => !o.abstained && o.answerText != null);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: outcomes.length - answerable.length,
    hitAt1: hitAt(ranks, 1),
    hitAt3: k >= 3 ? hitAt(ranks, 3) : null,
    hitAt5: k >= 5 ? hitAt(ranks, 5) : null,
    mrr: meanReciprocalRank(ranks),
    answerAt1: ratio(answerable.filter((o) => o.answerRight === true).length, answerable.length),
    highlightAt1: ratio(answerable.filter((o) => o.highlightRight === true).length, answerable.length),
    linesShown: shown.length,
    rightWhenShown: ratio(shown.filter((o) => o.answerRight === true).length, shown.length),
    abstentionPrecision: precision,
    abstentionRecall: recall,
    falseAbstentions: answerable.filter((o) => o.abstained).length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
  };
}

/** Summaries overall and per language (languages in first-seen order). */
export function summarizeByLanguage(outcomes: QuestionOutcome[], k = 5): { overall: Summary; byLang: Record<string, Summary> } {
  const langs = [...new Set(outcomes.map((o) => o.lang))];
  return {
    overall: summarize(outcomes, k),
    byLang: Object.fromEntries(langs.map((l) => [l, summarize(outcomes.filter((o) => o.lang === l), k)])),
  };
}
