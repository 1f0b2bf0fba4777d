import { analyze } from '../text/analyze.js';
import { idf } from './bm25.js';
import type { TermWeight } from '../answer/highlight.js';

/**
 * Inverse document frequency of each analysed term over the chunks, so that highlighting
 * and abstention weigh "Abilene" far above "annoncé". Unknown terms get the highest weight:
 * a question word the coverage never uses is strong evidence it does not answer.
 */
export function createTermWeights(texts: string[]): TermWeight {
  const df = new Map<string, number>();
  for (const t of texts) for (const term of new Set(analyze(t))) df.set(term, (df.get(term) ?? 0) + 1);
  const n = texts.length;
  const unseen = idf(0.5, Math.max(n, 1));
  return (term) => {
    const d = df.get(term);
    return d ? idf(d, n) : unseen;
  };
}
