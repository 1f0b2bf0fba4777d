import { analyze } from '../text/analyze.js';
import { idf, withinOneEdit } from './bm25.js';
import type { TermWeight } from '../answer/highlight.js';

/** What the coverage says about a term: how much it weighs, and whether the coverage uses it at all. */
export interface TermStats {
  /** Inverse document frequency over the chunks; unknown terms get the highest weight. */
  weight: TermWeight;
  /** Whether the coverage uses the term, or a word one typo away from it (five letters or more). */
  known: (term: string) => boolean;
  /** Whether the coverage uses a term that starts with this one (four letters or more): "pizz" in "pizzaiol". */
  extended: (term: string) => boolean;
  /**
   * For a name: whether the coverage uses that very term. No typo is forgiven here: the term one
   * typo away may be a word ("François" / "français", "Pérou" / "perdu"); evidence.ts forgives one
   * in a long name only where the passages found write a name that close.
   */
  knownName: (term: string) => boolean;
}

/**
 * Term statistics over the chunks, so that highlighting and abstention weigh "Abilene" far
 * above "annoncé". Unknown terms get the highest weight: a question word the coverage never
 * uses is strong evidence it does not answer.
 */
export function createTermStats(texts: string[]): TermStats {
  return createTermStatsFromTerms(texts.map((t) => analyze(t)));
}

/** The lookups of `TermStats` other than weights, over live document frequencies; `clear()` after they change. */
export function createTermLookups(df: ReadonlyMap<string, number>): Pick<TermStats, 'known' | 'extended' | 'knownName'> & { clear(): void } {
  const knownCache = new Map<string, boolean>();
  const extendedCache = new Map<string, boolean>();
  const remember = (cache: Map<string, boolean>, term: string, value: boolean) => {
    if (cache.size > 10_000) cache.clear();
    cache.set(term, value);
    return value;
  };
  const known = (term: string): boolean => {
    if (df.has(term)) return true;
    const k = knownCache.get(term);
    if (k !== undefined) return k;
    let near = false;
    if (term.length >= 5 && !/^\d/.test(term)) {
      for (const c of df.keys()) {
        if (Math.abs(c.length - term.length) <= 1 && withinOneEdit(term, c)) {
          near = true;
          break;
        }
      }
    }
    return remember(knownCache, term, near);
  };
  return {
    known,
    knownName: (term) => df.has(term),
    extended: (term) => {
      if (term.length < 4) return false;
      const e = extendedCache.get(term);
      if (e !== undefined) return e;
      let found = false;
      for (const c of df.keys()) {
        if (c.length > term.length && c.startsWith(term)) {
          found = true;
          break;
        }
      }
      return remember(extendedCache, term, found);
    },
    clear: () => {
      knownCache.clear();
      extendedCache.clear();
    },
  };
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
  const { known, knownName, extended } = createTermLookups(df);
  return {
    weight: (term) => {
      const d = df.get(term);
      return d ? idf(d, n) : unseen;
    },
    known,
    knownName,
    extended,
  };
}
