import { idf } from '../../search/bm25.js';
import { createTermLookups, type TermStats } from '../../search/term-weights.js';

/** Term statistics kept level with a changing set of passages: add and remove one passage's terms. */
export interface LiveTermStats extends TermStats {
  add(terms: readonly string[]): void;
  remove(terms: readonly string[]): void;
}

/**
 * The same weights as `createTermStatsFromTerms` (document frequencies over passage bodies),
 * updated per passage instead of recomputed over the whole coverage; `initial` starts from
 * frequencies already counted (a lexical checkpoint holds them), and is then owned by the stats.
 */
export function createLiveTermStats(initial?: { df: Map<string, number>; passages: number }): LiveTermStats {
  const df = initial?.df ?? new Map<string, number>();
  let n = initial?.passages ?? 0;
  const lookups = createTermLookups(df);
  return {
    add(terms) {
      n++;
      for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
      lookups.clear();
    },
    remove(terms) {
      n--;
      for (const t of new Set(terms)) {
        const d = (df.get(t) ?? 0) - 1;
        if (d > 0) df.set(t, d);
        else df.delete(t);
      }
      lookups.clear();
    },
    weight(term) {
      const d = df.get(term);
      return d ? idf(d, Math.max(n, 1)) : idf(0.5, Math.max(n, 1));
    },
    known: lookups.known,
    knownName: lookups.knownName,
    extended: lookups.extended,
  };
}
