import { analyze } from '../text/analyze.js';
import { idf, withinOneEdit } from './bm25.js';
import type { TermWeight } from '../answer/highlight.js';

/** What the coverage says about a term: how much it weighs, and whether the coverage uses it at all. */
export interface TermStats {
  /** Inverse document frequency over the chunks; unknown terms get the highest weight. */
  weight: TermWeight;
  /** Whether the coverage uses the term, or a word one typo away from it (five letters or more). */
  known: (term: string) => boolean;
}

/**
 * Term statistics over the chunks, so that highlighting and abstention weigh "Abilene" far
 * above "annoncé". Unknown terms get the highest weight: a question word the coverage never
 * uses is strong evidence it does not answer.
 */
export function createTermStats(texts: string[]): TermStats {
  return createTermStatsFromTerms(texts.map((t) => analyze(t)));
}

/** The same, from texts already analysed (a persisted lexical index holds their terms). */
export function createTermStatsFromTerms(termLists: Iterable<readonly string[]>): TermStats {
  const df = new Map<string, number>();
  let n = 0;
  for (const terms of termLists) {
    n++;
    for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const unseen = idf(0.5, Math.max(n, 1));
  const knownCache = new Map<string, boolean>();
  return {
    weight: (term) => {
      const d = df.get(term);
      return d ? idf(d, n) : unseen;
    },
    known: (term) => {
      if (df.has(term)) return true;
      let k = knownCache.get(term);
      if (k === undefined) {
        k = term.length >= 5 && !/^\d/.test(term) && [...df.keys()].some((c) => Math.abs(c.length - term.length) <= 1 && withinOneEdit(term, c));
        if (knownCache.size > 10_000) knownCache.clear();
        knownCache.set(term, k);
      }
      return k;
    },
  };
}
