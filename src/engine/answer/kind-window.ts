import type { AnswerKind } from '../text/answer-kind.js';
import { fitsKind } from '../text/answer-kind.js';
import type { QuestionTerm } from '../text/question-analysis.js';
import type { TermStats } from '../search/term-weights.js';
import { lexicalEvidence } from './evidence.js';
import type { SentenceTerms } from './sentence-terms.js';

/** A leading passage as the window search reads it: its title's analysis and its sentences'. */
export interface WindowPassage {
  title: SentenceTerms;
  sentences: readonly SentenceTerms[];
}

/**
 * How much of the question is found together with the kind of answer it asks for: the best
 * coverage (as `lexicalEvidence` counts it) of a window of two adjacent sentences, with the
 * article's title, where one of the two holds that kind (a date for "quand", a figure for
 * "combien"…). null when the question asks for no kind. An answering passage states the
 * answer next to the words of the question; a passage that only shares the question's words
 * ("Oracle" and "fonds" for "Quand Oracle a-t-il été fondé ?") has them away from any date. Pure.
 * @example kindWindowCoverage(terms, [{ title, sentences }], stats, 'date', asked) // 0.4
 */
export function kindWindowCoverage(
  terms: QuestionTerm[],
  passages: readonly WindowPassage[],
  stats: TermStats,
  kind: AnswerKind,
  asked: ReadonlySet<string>,
): number | null {
  if (kind === null) return null;
  const windows: SentenceTerms[][] = [];
  for (const { title, sentences } of passages) {
    const fits = sentences.map((s) => fitsKind(s.tokens, s.text, kind, asked));
    for (let i = 0; i < sentences.length; i++) {
      const next = sentences[i + 1];
      if (fits[i] || (next && fits[i + 1])) windows.push(next ? [title, sentences[i]!, next] : [title, sentences[i]!]);
    }
  }
  return windows.length ? lexicalEvidence(terms, windows, stats).coverage : 0;
}
