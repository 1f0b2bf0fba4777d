import { ANALYZER_VERSION } from '../../text/analyze.js';
import { DEFAULT_LEXICAL_OPTIONS, prefixOf, type LexicalSnapshot } from '../bm25.js';
import { HEADER } from './forward-index.js';
import { ensureLength } from './growable.js';
import { pairArrays, PairKeys, StringKeys } from './key-dictionary.js';

/** The scratch space of a passage's title terms, after the four key spaces. */
const TITLE = 4;

/**
 * Builds the compacted snapshot of many passages added in one go (the first lexical checkpoint
 * of a rebuild) in one linear pass, the same snapshot `createLexicalIndex()` would give after
 * `addAnalysed` of each passage in the same order then `snapshot()`: keys interned in the same
 * order, postings sorted by passage, forward records alike. The index's own path keeps a plain-array
 * delta that it folds every 32k passages, each fold copying everything sealed before: at a million
 * passages that was about 30 minutes of one core. Here each passage's keys go once into the
 * forward arena (which the snapshot holds anyway) with their frequencies beside, and the postings
 * are laid out from it at the end.
 */
export class BulkSnapshotBuilder {
  private readonly terms = new StringKeys();
  private readonly words = new StringKeys();
  private readonly prefixes = new StringKeys();
  private readonly bigrams = new PairKeys();
  private readonly prefixLength = DEFAULT_LEXICAL_OPTIONS.prefixLength;
  /** Prefix id per term id (-1: none, -2: not looked up yet), as the index remembers it. */
  private termPrefix = new Int32Array(1024).fill(-2);
  private readonly ids: string[] = [];
  private lengths = new Uint32Array(1024);
  private titleLengths = new Uint32Array(1024);
  /** Forward records, one after the other (what the snapshot keeps), and where each starts. */
  private forward = new Uint32Array(1 << 16);
  private forwardOffsets = new Uint32Array(1024);
  private forwardEnd = 0;
  /** Frequency of each forward entry (body tf; title tf for title-only terms), aligned with `forward`. */
  private tfs = new Uint16Array(1 << 16);
  /** Forward position and title frequency of body terms that are in the title too (few per passage). */
  private titleHits = new Uint32Array(1024);
  private titleHitCount = 0;
  /**
   * Per key space (terms, words, bigrams, prefixes, then the title's terms): frequency in the
   * current passage and the passage that last touched each key.
   */
  private readonly scratch = [0, 1, 2, 3, TITLE].map(() => ({ count: new Uint32Array(1024), stamp: new Int32Array(1024).fill(-1) }));

  get size(): number {
    return this.ids.length;
  }

  /** Adds one passage from its analysed body and title; ids must be distinct. */
  add(id: string, terms: readonly string[], words: readonly string[], titleTerms: readonly string[] | null): void {
    const ord = this.ids.length;
    this.ids.push(id);
    this.lengths = ensureLength(this.lengths, ord + 1);
    this.titleLengths = ensureLength(this.titleLengths, ord + 1);
    this.lengths[ord] = terms.length;
    this.titleLengths[ord] = titleTerms?.length ?? 0;

    const sequence: number[] = new Array<number>(terms.length);
    for (let i = 0; i < terms.length; i++) sequence[i] = this.terms.intern(terms[i]!);
    const titleIds: number[] = [];
    for (const t of titleTerms ?? []) titleIds.push(this.terms.intern(t));
    const body = this.distinct(0, sequence, ord);
    // Title frequencies, keyed by term id, for this passage only.
    const titleKeys = this.distinct(TITLE, titleIds, ord);
    const titleOnly = titleKeys.filter((k) => this.scratch[0]!.stamp[k] !== ord);
    const wordKeys: number[] = new Array<number>(words.length);
    for (let i = 0; i < words.length; i++) wordKeys[i] = this.words.intern(words[i]!);
    const wordIds = this.distinct(1, wordKeys, ord);
    const pairs: number[] = [];
    for (let i = 1; i < sequence.length; i++) pairs.push(this.bigrams.intern(sequence[i - 1]!, sequence[i]!));
    const bigramIds = this.distinct(2, pairs, ord);
    const prefixIds: number[] = [];
    for (const t of sequence) {
      const p = this.prefixOfTerm(t);
      if (p >= 0) prefixIds.push(p);
    }
    const prefixKeys = this.distinct(3, prefixIds, ord);

    const length = HEADER + body.length + titleOnly.length + wordIds.length + bigramIds.length + prefixKeys.length;
    const start = this.forwardEnd;
    this.forward = ensureLength(this.forward, start + length);
    this.tfs = ensureLength(this.tfs, start + length);
    this.forwardOffsets = ensureLength(this.forwardOffsets, ord + 2);
    const f = this.forward;
    f[start] = body.length;
    f[start + 1] = titleOnly.length;
    f[start + 2] = wordIds.length;
    f[start + 3] = bigramIds.length;
    f[start + 4] = prefixKeys.length;
    let at = start + HEADER;
    const put = (keys: readonly number[], counts: Uint32Array) => {
      for (const k of keys) {
        f[at] = k;
        this.tfs[at] = clampTf(counts[k]!);
        at++;
      }
    };
    const counts = this.scratch.map((s) => s.count);
    const titleStamp = this.scratch[TITLE]!.stamp;
    for (const k of body) {
      if (titleStamp[k] === ord) {
        this.titleHits = ensureLength(this.titleHits, this.titleHitCount * 2 + 2);
        this.titleHits[this.titleHitCount * 2] = at;
        this.titleHits[this.titleHitCount * 2 + 1] = clampTf(counts[TITLE]![k]!);
        this.titleHitCount++;
      }
      f[at] = k;
      this.tfs[at] = clampTf(counts[0]![k]!);
      at++;
    }
    put(titleOnly, counts[TITLE]!);
    put(wordIds, counts[1]!);
    put(bigramIds, counts[2]!);
    put(prefixKeys, counts[3]!);
    this.forwardEnd = at;
    this.forwardOffsets[ord + 1] = at;
  }

  /** The snapshot of every passage added, with the postings of each key space laid out by key then passage. */
  snapshot(): LexicalSnapshot {
    const live = this.ids.length;
    const keyCounts = [this.terms.size, this.words.size, this.bigrams.size, this.prefixes.size];
    const offsets = keyCounts.map((n) => new Uint32Array(n + 1));
    const f = this.forward;
    const fo = this.forwardOffsets;
    // Which key space each segment of a record belongs to: body and title-only terms share the first.
    const SPACE_OF_SEGMENT = [0, 0, 1, 2, 3];
    for (let ord = 0; ord < live; ord++) {
      const start = fo[ord]!;
      let at = start + HEADER;
      for (let seg = 0; seg < HEADER; seg++) {
        const counts = offsets[SPACE_OF_SEGMENT[seg]!]!;
        for (const end = at + f[start + seg]!; at < end; at++) counts[f[at]! + 1]!++;
      }
    }
    for (const o of offsets) for (let k = 1; k < o.length; k++) o[k]! += o[k - 1]!;
    const spaces = offsets.map((o, space) => {
      const total = o[o.length - 1]!;
      return { offsets: o, docs: new Int32Array(total), tfs: new Uint16Array(total), titleTfs: space === 0 ? new Uint16Array(total) : null };
    });
    const next = offsets.map((o) => o.slice(0, o.length - 1));
    const tfs = this.tfs;
    const hits = this.titleHits;
    let hit = 0;
    for (let ord = 0; ord < live; ord++) {
      const start = fo[ord]!;
      let at = start + HEADER;
      for (let seg = 0; seg < HEADER; seg++) {
        const space = SPACE_OF_SEGMENT[seg]!;
        const s = spaces[space]!;
        const cursor = next[space]!;
        for (const end = at + f[start + seg]!; at < end; at++) {
          const to = cursor[f[at]!]!++;
          s.docs[to] = ord;
          if (seg === 1) {
            // Title-only terms: no body occurrence, their title frequency in the title column.
            s.titleTfs![to] = tfs[at]!;
            continue;
          }
          s.tfs[to] = tfs[at]!;
          if (seg === 0 && hit < this.titleHitCount && hits[hit * 2] === at) s.titleTfs![to] = hits[hit++ * 2 + 1]!;
        }
      }
    }
    const { firsts, seconds } = pairArrays(this.bigrams);
    return {
      analyzer: ANALYZER_VERSION,
      options: { ...DEFAULT_LEXICAL_OPTIONS },
      terms: this.terms.keys.slice(),
      words: this.words.keys.slice(),
      prefixes: this.prefixes.keys.slice(),
      bigramFirsts: firsts,
      bigramSeconds: seconds,
      spaces,
      ids: this.ids.slice(),
      lengths: this.lengths.slice(0, live),
      titleLengths: this.titleLengths.slice(0, live),
      forwardOffsets: this.forwardOffsets.slice(0, live + 1),
      forward: this.forward.slice(0, this.forwardEnd),
    };
  }

  /** Distinct keys of `ids` in order of first occurrence, their counts left in the space's scratch. */
  private distinct(space: number, ids: readonly number[], ord: number): number[] {
    const s = this.scratch[space]!;
    const out: number[] = [];
    for (const k of ids) {
      if (k >= s.stamp.length) {
        s.stamp = ensureLength(s.stamp, k + 1, -1);
        s.count = ensureLength(s.count, k + 1);
      }
      if (s.stamp[k] !== ord) {
        s.stamp[k] = ord;
        s.count[k] = 0;
        out.push(k);
      }
      s.count[k]!++;
    }
    return out;
  }

  private prefixOfTerm(term: number): number {
    if (term >= this.termPrefix.length) this.termPrefix = ensureLength(this.termPrefix, term + 1, -2);
    let p = this.termPrefix[term]!;
    if (p === -2) {
      const prefix = prefixOf(this.terms.keys[term]!, this.prefixLength);
      p = prefix === null ? -1 : this.prefixes.intern(prefix);
      this.termPrefix[term] = p;
    }
    return p;
  }
}

/** Counts past 65 535 in one passage cannot happen with bounded passages; saturate rather than wrap. */
const clampTf = (tf: number) => (tf > 0xffff ? 0xffff : tf);
