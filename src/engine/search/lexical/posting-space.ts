import type { FilePostings, PostingRun } from './file-postings.js';

/**
 * The postings of one key space: for each key id, the passages (dense ordinals) holding it and
 * how often. Most postings sit in one compact run of typed arrays (CSR: `offsets[key]` ..
 * `offsets[key + 1]` into `docs`/`tfs`), sealed; what was added since sits in a small delta of
 * plain arrays until the next `seal`. Removed passages are not cut out of the postings at once:
 * the index keeps a tombstone per ordinal, and `seal` drops them (amortised compaction).
 * Document frequencies are kept exact at every change, so scores never see a removed passage.
 */
export class PostingSpace {
  offsets: Uint32Array = new Uint32Array(1);
  docs: Int32Array = new Int32Array(0);
  tfs: Uint16Array = new Uint16Array(0);
  /** Title frequencies beside body ones (the stemmed-term space of BM25F); null elsewhere. */
  titleTfs: Uint16Array | null;
  /** Key → flat [ordinal, tf, (title tf)] added since the last seal. */
  readonly delta = new Map<number, number[]>();
  deltaEntries = 0;
  /**
   * Live passages per key, as a change over the sealed run's counts: small (the keys changed
   * since the last seal), so restoring a sealed space computes nothing per key.
   */
  private readonly dfChange = new Map<number, number>();
  /** Set when the sealed run stays in a checkpoint file (`docs`/`tfs` are then empty until `seal`). */
  private file: FilePostings | null = null;

  constructor(withTitle: boolean) {
    this.titleTfs = withTitle ? new Uint16Array(0) : null;
  }

  /** Width of one delta entry. */
  get stride(): number {
    return this.titleTfs ? 3 : 2;
  }

  get sealedKeys(): number {
    return this.offsets.length - 1;
  }

  dfOf(key: number): number {
    const sealed = key < this.offsets.length - 1 ? this.offsets[key + 1]! - this.offsets[key]! : 0;
    return sealed + (this.dfChange.get(key) ?? 0);
  }

  /** The sealed postings of `key` (a sealed key): from memory, or read from the checkpoint file. */
  run(key: number): PostingRun {
    const start = this.offsets[key]!;
    const end = this.offsets[key + 1]!;
    if (this.file) return this.file.run(start, end);
    return { docs: this.docs, tfs: this.tfs, titleTfs: this.titleTfs, from: start, to: end };
  }

  /** A posting of `ord`; `counted` false leaves the key's document frequency to a later `count` (a staged passage). */
  add(key: number, ord: number, tf: number, titleTf = 0, counted = true): void {
    let list = this.delta.get(key);
    if (!list) this.delta.set(key, (list = []));
    if (this.titleTfs) list.push(ord, clampTf(tf), clampTf(titleTf));
    else list.push(ord, clampTf(tf));
    this.deltaEntries++;
    if (counted) this.count(key);
  }

  /** One more live passage holds `key`. */
  count(key: number): void {
    this.dfChange.set(key, (this.dfChange.get(key) ?? 0) + 1);
  }

  /** One passage holding `key` left (its postings stay, tombstoned, until the next seal). */
  drop(key: number): void {
    this.dfChange.set(key, (this.dfChange.get(key) ?? 0) - 1);
  }

  /**
   * Rebuilds the sealed run from the live sealed postings plus the delta: `remap[ord]` is the
   * passage's new ordinal, or -1 when it was removed. Remapping keeps ordinals increasing, so
   * every key's postings stay sorted.
   */
  seal(keyCount: number, remap: Int32Array): void {
    if (this.file) {
      // A fold rewrites every posting: the file's come into memory first.
      ({ docs: this.docs, tfs: this.tfs, titleTfs: this.titleTfs } = this.file.readAll());
      this.file = null;
    }
    const stride = this.stride;
    const offsets = new Uint32Array(keyCount + 1);
    const sealedKeys = this.sealedKeys;
    for (let k = 0; k < sealedKeys; k++) {
      let live = 0;
      for (let i = this.offsets[k]!, end = this.offsets[k + 1]!; i < end; i++) if (remap[this.docs[i]!]! >= 0) live++;
      offsets[k + 1] = live;
    }
    for (const [k, list] of this.delta) {
      let live = 0;
      for (let j = 0; j < list.length; j += stride) if (remap[list[j]!]! >= 0) live++;
      offsets[k + 1]! += live;
    }
    for (let k = 0; k < keyCount; k++) offsets[k + 1]! += offsets[k]!;
    const total = offsets[keyCount]!;
    const docs = new Int32Array(total);
    const tfs = new Uint16Array(total);
    const titleTfs = this.titleTfs ? new Uint16Array(total) : null;
    const next = offsets.slice(0, keyCount);
    for (let k = 0; k < sealedKeys; k++) {
      let at = next[k]!;
      for (let i = this.offsets[k]!, end = this.offsets[k + 1]!; i < end; i++) {
        const ord = remap[this.docs[i]!]!;
        if (ord < 0) continue;
        docs[at] = ord;
        tfs[at] = this.tfs[i]!;
        if (titleTfs) titleTfs[at] = this.titleTfs![i]!;
        at++;
      }
      next[k] = at;
    }
    for (const [k, list] of this.delta) {
      let at = next[k]!;
      for (let j = 0; j < list.length; j += stride) {
        const ord = remap[list[j]!]!;
        if (ord < 0) continue;
        docs[at] = ord;
        tfs[at] = list[j + 1]!;
        if (titleTfs) titleTfs[at] = list[j + 2]!;
        at++;
      }
      next[k] = at;
    }
    this.offsets = offsets;
    this.docs = docs;
    this.tfs = tfs;
    this.titleTfs = titleTfs;
    this.delta.clear();
    this.deltaEntries = 0;
    this.dfChange.clear();
  }

  /** A sealed space restored from a snapshot (no delta, no tombstones). */
  static sealed(offsets: Uint32Array, docs: Int32Array, tfs: Uint16Array, titleTfs: Uint16Array | null): PostingSpace {
    const space = new PostingSpace(titleTfs !== null);
    space.offsets = offsets;
    space.docs = docs;
    space.tfs = tfs;
    space.titleTfs = titleTfs;
    return space;
  }

  /** A sealed space whose postings stay in a checkpoint file, read per key (`offsets` resident). */
  static onFile(offsets: Uint32Array, file: FilePostings): PostingSpace {
    const space = new PostingSpace(file.columns.titleTfs !== null);
    space.offsets = offsets;
    space.file = file;
    return space;
  }
}

/** Counts past 65 535 in one passage cannot happen with bounded passages; saturate rather than wrap. */
const clampTf = (tf: number) => (tf > 0xffff ? 0xffff : tf);
