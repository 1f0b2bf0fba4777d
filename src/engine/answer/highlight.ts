import { analyze } from '../text/analyze.js';
import type { Range } from '../types.js';

/** Weight of a query term; rarer terms say more (the lexical index's idf, or 1). */
export type TermWeight = (term: string) => number;

export interface SentenceScore {
  index: number;
  score: number;
}

/**
 * Scores each sentence of a passage by the weighted share of the question's terms it holds.
 * Pure. Returns scores in sentence order.
 * @example scoreSentences('Son a promis 100 milliards', ['Il fait beau.', 'Son a promis 100 milliards.']) // [{index:0,score:0},{index:1,score:1}]
 */
export function scoreSentences(question: string, sentences: string[], weight: TermWeight = () => 1): SentenceScore[] {
  const terms = [...new Set(analyze(question))];
  const total = terms.reduce((n, t) => n + weight(t), 0);
  return sentences.map((s, index) => {
    if (total === 0) return { index, score: 0 };
    const have = new Set(analyze(s));
    const got = terms.reduce((n, t) => n + (have.has(t) ? weight(t) : 0), 0);
    return { index, score: got / total };
  });
}

/**
 * Picks the sentences to emphasize: the best one, plus a neighbour that scores nearly as
 * well (answers often span two sentences). Falls back to the first sentence when nothing
 * matches, so there is always something to point a link at.
 */
export function pickHighlights(scores: SentenceScore[], ranges: Range[]): { best: number; highlights: Range[] } {
  if (ranges.length === 0) return { best: -1, highlights: [] };
  const sorted = [...scores].sort((a, b) => b.score - a.score || a.index - b.index);
  const top = sorted[0];
  if (!top || top.score === 0) return { best: 0, highlights: [ranges[0]!] };
  const picked = [top.index];
  const second = sorted[1];
  if (second && second.score >= top.score * 0.8 && Math.abs(second.index - top.index) === 1) picked.push(second.index);
  picked.sort((a, b) => a - b);
  return { best: top.index, highlights: picked.map((i) => ranges[i]!) };
}
