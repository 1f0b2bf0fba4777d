import type { AnswerKind } from '../text/answer-kind.js';
import { fitsKind } from '../text/answer-kind.js';
import type { QuestionTerm } from '../text/question-analysis.js';
import type { TermStats } from '../search/term-weights.js';
import { coverageOf } from './evidence.js';
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
  // Windows by their coverage, best first; the kind of answer is looked for only until one holds it.
  const windows: { coverage: number; parts: SentenceTerms[] }[] = [];
  for (const { title, sentences } of passages) {
    for (let i = 0; i < sentences.length; i++) {
      const parts = sentences[i + 1] ? [sentences[i]!, sentences[i + 1]!] : [sentences[i]!];
      const coverage = coverageOf(terms, [title, ...parts], stats);
      if (coverage > 0) windows.push({ coverage, parts });
    }
  }
  windows.sort((a, b) => b.coverage - a.coverage);
  const fits = new Map<SentenceTerms, boolean>();
  const holds = (s: SentenceTerms) => {
    let f = fits.get(s);
    if (f === undefined) fits.set(s, (f = fitsKind(s.tokens, s.text, kind, asked)));
    return f;
  };
  return windows.find((w) => w.parts.some(holds))?.coverage ?? 0;
}
