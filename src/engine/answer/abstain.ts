import type { SearchMode } from '../types.js';
import type { AnswerKind } from '../text/answer-kind.js';

/**
 * When to say "the coverage does not answer this". Signals, each with its own bar:
 * - `coverage`: the idf-weighted share of the question's content terms (question and
 *   answer-type words left out) found in one of the leading passages, title included;
 * - `unknownNameCoverage`: when the question names something the coverage never mentions
 *   ("Samsung"), the coverage must reach this higher bar;
 * - `unknownWordFocus`, `focusKindShare`: the question's focus (evidence.ts `focusTerms`: what it
 *   asks of its names) must be found where an unknown word or a date or figure asked puts it in doubt;
 * - `similarity`: cosine similarity of the best passage to the question (dense evidence),
 *   which depends on the model, hence one bar per model; null where not calibrated.
 * Calibrated with `npm run eval` on the seed dev set and PIAF; the numbers and why are in
 * docs/quality.md ("Abstention thresholds").
 */
export interface AbstainThresholds {
  coverage: number;
  unknownNameCoverage: number;
  /** When the question uses a word the coverage never does ("dividende", "mayor"), the coverage must reach this bar. */
  unknownWordCoverage: number;
  /**
   * For a question asking for a date or a figure (which a sentence plainly states or not): the
   * share of its coverage that must be reached next to one (`kindCoverage`), else it is taken
   * for a question the coverage only shares words with.
   */
  statedKindShare: number;
  /**
   * With a word the coverage never uses: the share of the question's focus (what it asks of its
   * names) that must be found, next to the kind of answer asked where it asks for one. Known names
   * weigh enough to carry `unknownWordCoverage` alone ("What is Elon Musk's favourite food?": 0.47,
   * focus 0.19). 0 turns it off.
   */
  unknownWordFocus: number;
  /**
   * For a date or a figure asked: the share of the focus found in a passage that must also be found
   * next to one. `statedKindShare` reads all the terms, so a name next to a date passes it while
   * what is asked of the name stands elsewhere ("Quand Oracle a-t-il été fondé ?": "Oracle" next to
   * a date, "fonds" away from any). 0 turns it off.
   */
  focusKindShare: number;
  similarity: number | null;
}

/**
 * Lexical-only mode, and models without a dense calibration. On the seed dev set, French
 * answerable questions reach coverage ≥ 0.56 and unanswerable ones ≤ 0.27: 0.3 sits in
 * the gap (nearer the unanswerable side: each point costs PIAF answers), and on PIAF it
 * abstains on 7 of 295 answerable questions (at 0.35: 14).
 * `unknownWordFocus` 0.3 and `focusKindShare` 0.25: on the tuned sets and PIAF half a, 0.2–0.5 and
 * 0.25–0.5 abstain alike; the lower ends are kept, nearer the side that costs answers (half b, read
 * side by side, loses answerable questions at 0.4 and at 0.5): docs/quality.md, "Session 8 — abstention".
 */
export const LEXICAL_THRESHOLD: AbstainThresholds = { coverage: 0.25, unknownNameCoverage: 0.7, unknownWordCoverage: 0.4, statedKindShare: 0.5, unknownWordFocus: 0.3, focusKindShare: 0.25, similarity: null };

const BY_MODEL: Record<string, AbstainThresholds> = {
  // Not calibrated on these machines (the model cannot be downloaded here): a prior from
  // e5's usual range, where answering passages score about 0.85 and unrelated ones 0.75–0.8.
  // Re-run `npm run eval` with the model and set it from the figures.
  'Xenova/multilingual-e5-small': { ...LEXICAL_THRESHOLD, similarity: 0.82 },
  // The generated test model's similarities follow shared word pieces, not meaning: no dense bar.
  'depeche/tiny-bert': LEXICAL_THRESHOLD,
};

export function thresholdsFor(modelId: string | null, mode: SearchMode): AbstainThresholds {
  if (mode === 'lexical' || !modelId) return LEXICAL_THRESHOLD;
  return BY_MODEL[modelId] ?? LEXICAL_THRESHOLD;
}

export interface Evidence {
  coverage: number;
  /** Names of the question the coverage never mentions. */
  unknownNames: string[];
  /** Other words of the question the coverage never uses. */
  unknownWords?: string[];
  /** Figures of the question the coverage never states. */
  unknownFigures?: string[];
  /**
   * The kind of answer asked for, and the coverage reached in a window of two sentences that
   * holds one (answer/kind-window.ts); null when the question asks for no kind.
   */
  kind?: AnswerKind;
  kindCoverage?: number | null;
  /** The coverage of the question's focus terms (evidence.ts `focusTerms`); null when it has none. */
  focusCoverage?: number | null;
  /** The same, in the two-sentence window holding the kind asked; null when no kind is asked or read. */
  kindFocusCoverage?: number | null;
  similarity: number | null;
}

/**
 * Abstains when there is no hit, when the question names something unknown to the coverage
 * without otherwise being well covered, or when neither side has enough evidence. Pure.
 * @example shouldAbstain({ coverage: 0.2, unknownNames: [], similarity: null }, LEXICAL_THRESHOLD) // true
 */
export function shouldAbstain(best: Evidence | null, t: AbstainThresholds): boolean {
  if (!best) return true;
  // A figure the coverage never states ("la population du Texas en 1900") is held to the bar of an unknown name.
  if ((best.unknownNames.length > 0 || (best.unknownFigures?.length ?? 0) > 0) && best.coverage < t.unknownNameCoverage) return true;
  // A word the coverage never uses must be outweighed where the answer would stand: next to the kind of answer asked.
  const near = best.kindCoverage ?? best.coverage;
  if ((best.unknownWords?.length ?? 0) > 0 && near < t.unknownWordCoverage) return true;
  // Known names do not outweigh an unknown word: what is asked of them must be found too.
  const focusNear = best.kindFocusCoverage ?? best.focusCoverage ?? null;
  if ((best.unknownWords?.length ?? 0) > 0 && focusNear !== null && focusNear < t.unknownWordFocus) return true;
  if ((best.kind === 'date' || best.kind === 'figure') && best.focusCoverage && best.kindFocusCoverage != null && best.kindFocusCoverage < t.focusKindShare * best.focusCoverage) return true;
  if ((best.kind === 'date' || best.kind === 'figure') && best.kindCoverage != null && best.kindCoverage < t.statedKindShare * best.coverage) return true;
  if (best.coverage >= t.coverage) return false;
  if (t.similarity !== null && best.similarity !== null && best.similarity >= t.similarity) return false;
  return true;
}
