import { idf } from '../../search/bm25.js';
import { createTermLookups, type TermStats } from '../../search/term-weights.js';

/** Term statistics kept level with a changing set of passages: add and remove one passage's terms. */
export interface LiveTermStats extends TermStats {
  add(terms: readonly string[]): void;
  remove(terms: readonly string[]): void;
  /** Passages added (positive) or removed (negative) at once: per term, how many more passages hold it. */
  change(terms: ReadonlyMap<string, number>, passages: number): void;
}

/**
 * Document frequencies a lexical checkpoint stores: by term id, with the lookup of a term's id
 * (the checkpoint's own table), so a reader starts from them without a Map of every term.
 */
export interface StoredFrequencies {
  /** Term of each id below `df.length`. */
  terms: readonly string[];
  df: Uint32Array;
  /** Id of a stored term (below `df.length`), or undefined. */
  termId(term: string): number | undefined;
}

/**
 * The same weights as `createTermStatsFromTerms` (document frequencies over passage bodies),
 * updated per passage instead of recomputed over the whole coverage; `initial` starts from
 * frequencies already counted (a lexical checkpoint holds them).
 */
export function createLiveTermStats(initial?: { stored: StoredFrequencies; passages: number }): LiveTermStats {
  const df = new LayeredFrequencies(initial?.stored ?? null);
  let n = initial?.passages ?? 0;
  const lookups = createTermLookups(df);
  return {
    add(terms) {
      n++;
      for (const t of new Set(terms)) df.change(t, 1);
      lookups.clear();
    },
    remove(terms) {
      n--;
      for (const t of new Set(terms)) df.change(t, -1);
      lookups.clear();
    },
    change(terms, passages) {
      n += passages;
      for (const [t, by] of terms) if (by !== 0) df.change(t, by);
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

/**
 * Live document frequencies as a read-only Map of the terms in use: the stored ones, read in
 * place, plus what changed since in a small Map. Iteration order differs from a Map filled
 * passage by passage; the lookups that iterate only ask whether some term matches.
 */
class LayeredFrequencies implements ReadonlyMap<string, number> {
  private readonly changes = new Map<string, number>();
  private count = 0;
  /** The terms in use, listed once per state of the frequencies: the typo lookups scan them all, and an array scans fastest. */
  private list: string[] | null = null;

  constructor(private readonly stored: StoredFrequencies | null) {
    if (stored) for (let id = 0; id < stored.df.length; id++) if (stored.df[id]! > 0) this.count++;
  }

  get size(): number {
    return this.count;
  }

  get(term: string): number | undefined {
    const d = this.storedDf(term) + (this.changes.get(term) ?? 0);
    return d > 0 ? d : undefined;
  }

  has(term: string): boolean {
    return this.get(term) !== undefined;
  }

  change(term: string, by: number): void {
    const before = this.get(term) ?? 0;
    const changed = (this.changes.get(term) ?? 0) + by;
    if (changed === 0) this.changes.delete(term);
    else this.changes.set(term, changed);
    this.list = null;
    const after = this.get(term) ?? 0;
    if (before === 0 && after > 0) this.count++;
    else if (before > 0 && after === 0) this.count--;
  }

  keys(): MapIterator<string> {
    return this.terms()[Symbol.iterator]() as unknown as MapIterator<string>;
  }

  private terms(): string[] {
    if (this.list) return this.list;
    const out: string[] = [];
    const s = this.stored;
    if (s) {
      const changed = this.changes.size > 0;
      for (let id = 0; id < s.df.length; id++) {
        const term = s.terms[id]!;
        if (s.df[id]! + (changed ? (this.changes.get(term) ?? 0) : 0) > 0) out.push(term);
      }
    }
    for (const [term, d] of this.changes) if (d > 0 && (s === null || s.termId(term) === undefined)) out.push(term);
    return (this.list = out);
  }

  *entries(): MapIterator<[string, number]> {
    for (const term of this.keys()) yield [term, this.get(term)!];
  }

  *values(): MapIterator<number> {
    for (const term of this.keys()) yield this.get(term)!;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [term, d] of this.entries()) fn(d, term, this);
  }

  private storedDf(term: string): number {
    const id = this.stored?.termId(term);
    return id === undefined ? 0 : this.stored!.df[id]!;
  }
}
