import { ANALYZER_VERSION, analyze, analyzeBoth, analyzeWords, thirdPluralStem } from '../text/analyze.js';
import { expandQuery as expandAcrossLanguages } from '../text/cross-lingual.js';
import type { LexicalQuery } from '../text/question-analysis.js';
import type { FilePostings } from './lexical/file-postings.js';
import { forwardLists, forwardRecord, MemoryForward, type ForwardSource } from './lexical/forward-index.js';
import { ensureLength, restoredCapacity } from './lexical/growable.js';
import { pairArrays, PairKeys, placePairs, StringKeys } from './lexical/key-dictionary.js';
import { stringHash, tableInSlices, tableSize } from './lexical/key-table.js';
import { PassageIds, type PackedIds } from './lexical/passage-ids.js';
import { PostingSpace } from './lexical/posting-space.js';

/**
 * Lexical search over chunks. BM25F over the chunk body and its article's title,
 * plus smaller bonuses that each paid on the French eval sets (scripts/tune-lexical.ts):
 * exact unstemmed words, adjacent query bigrams, shared 5-letter prefixes
 * ("risquent" ~ "risque"), and one-edit typo matches for words the coverage never uses.
 */

export interface LexicalDoc {
  id: string;
  text: string;
  /** Title of the chunk's article: context the chunk text itself often lacks. */
  title?: string;
}

export interface LexicalHit {
  id: string;
  score: number;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface LexicalIndexOptions {
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation. */
  b?: number;
  /** Weight of a title occurrence relative to a body occurrence (0 ignores titles). */
  titleWeight?: number;
  /** Weight of exact (unstemmed) word matches, on top of the stemmed match; 0 disables. */
  exactWeight?: number;
  /** Weight of query bigrams found adjacent in the chunk; 0 disables. */
  bigramWeight?: number;
  /** Weight of matches on the first `prefixLength` letters of a term; 0 disables. */
  prefixWeight?: number;
  prefixLength?: number;
  /** Weight of one-edit matches for query terms absent from the index (typos); 0 disables. */
  fuzzyWeight?: number;
}

export interface SearchSetup {
  /**
   * Turns a question into weighted terms. Defaults to the question's own terms plus,
   * for English questions, French renderings (src/engine/text/cross-lingual.ts).
   */
  expandQuery?: (query: string) => WeightedTerm[];
}

type ScoringOptions = Required<LexicalIndexOptions>;

/** Tuned on PIAF (French Wikipedia questions) and the seed dev set; see the tuning report. */
export const DEFAULT_LEXICAL_OPTIONS: Readonly<ScoringOptions> = Object.freeze({
  k1: 0.6,
  b: 0.5,
  titleWeight: 1,
  exactWeight: 0.5,
  bigramWeight: 0.5,
  prefixWeight: 0.2,
  prefixLength: 5,
  fuzzyWeight: 0.5,
});

export interface LexicalIndex {
  /**
   * Best `k` chunks for `query`, best first, ties by id; only chunks scoring above 0. The query
   * is a text, or a question analysed once for the whole ask (`analyseQuestion`).
   */
  search(query: string | LexicalQuery, k: number): LexicalHit[];
  /** Adds chunks; a chunk whose id is already indexed is replaced. */
  add(docs: LexicalDoc[]): void;
  /** Adds one chunk from its analysed body and title (what an index store keeps), replacing one of the same id. */
  addAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): void;
  /**
   * Indexes one chunk without making it visible: no search, lookup or statistic sees it until
   * `reveal` (a chunk of the same id stays what lookups find meanwhile). A reader indexes a long
   * article this way in slices, then shows it in one short step, so no ask sees half of it.
   */
  stageAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): StagedPassage;
  /** Makes staged chunks visible, as `addAnalysed` would have; the caller removed their previous versions first. */
  reveal(staged: readonly StagedPassage[]): void;
  /** Removes chunks by id; unknown ids are ignored. */
  remove(ids: Iterable<string>): void;
  has(id: string): boolean;
  /**
   * Dense ordinal of an indexed passage, and the passage at an ordinal (undefined once removed):
   * stable until the index folds (a reader's never does), so a reader keeps per-passage tables
   * (vector labels) in typed arrays by ordinal instead of Maps by id.
   */
  ordinal(id: string): number | undefined;
  idAt(ordinal: number): string | undefined;
  /** Ordinals handed out so far, live or not (tables by ordinal are this long). */
  readonly ordinals: number;
  /** The distinct stemmed body terms of an indexed chunk (in no particular order). */
  termsOf(id: string): readonly string[] | undefined;
  readonly size: number;
  /** Folds what was added and removed since the last fold into the compact postings (amortised; also done on its own). */
  compact(): void;
  /** The whole index as typed arrays and key lists (compacted first), for a binary checkpoint. */
  snapshot(): LexicalSnapshot;
  /** Releases what a restored index keeps open (its checkpoint file). */
  close(): void;
}

/** A chunk indexed by `stageAnalysed`, waiting for `reveal`. */
export interface StagedPassage {
  readonly id: string;
  readonly ord: number;
}

/**
 * A compacted index as flat arrays: key lists per space, CSR postings per space, passage ids
 * with their lengths, and each passage's keys (the "forward" records that removal reads).
 * Spaces in order: stemmed terms (with title frequencies), exact words, bigrams, prefixes.
 */
export interface LexicalSnapshot {
  /** Analyzer that produced the terms; another version cannot be loaded (rebuild instead). */
  analyzer: number;
  options: ScoringOptions;
  terms: string[];
  words: string[];
  prefixes: string[];
  /** Bigram id → its first and second term ids. */
  bigramFirsts: Uint32Array;
  bigramSeconds: Uint32Array;
  spaces: SpacePostings[];
  ids: string[];
  lengths: Uint32Array;
  titleLengths: Uint32Array;
  forwardOffsets: Uint32Array;
  forward: Uint32Array;
}

export interface SpacePostings {
  offsets: Uint32Array;
  docs: Int32Array;
  tfs: Uint16Array;
  titleTfs: Uint16Array | null;
}

/** A space restored with its postings left in the checkpoint file (read per query key). */
export interface FileSpacePostings {
  offsets: Uint32Array;
  file: FilePostings;
}

/** Hash tables of a snapshot's keys (see key-table.ts), as a checkpoint stores them beside the keys. */
export interface KeyTables {
  terms: Uint32Array;
  words: Uint32Array;
  prefixes: Uint32Array;
  bigrams: Uint32Array;
}

/**
 * What a restore takes: a snapshot, whose spaces may stay in their checkpoint file, whose ids may
 * stay packed as read, and whose key tables come with it (a checkpoint written before they were
 * stored has none: they are built then, in slices).
 */
export type RestorableSnapshot = Omit<LexicalSnapshot, 'forward' | 'spaces' | 'ids'> & {
  forward: Uint32Array | null;
  spaces: (SpacePostings | FileSpacePostings)[];
  ids: string[] | PackedIds;
  tables?: KeyTables;
};

/**
 * Okapi BM25 weight of one term in one document (Lucene's idf, never negative).
 *
 * @example bm25(2, 3, 100, 120, 150, 1.2, 0.75) // → ≈ 4.78
 */
export function bm25(tf: number, df: number, n: number, dl: number, avgdl: number, k1: number, b: number): number {
  if (tf <= 0 || df <= 0 || n <= 0) return 0;
  return idf(df, n) * saturate(tf / lengthNorm(dl, avgdl, b), k1);
}

/** BM25 inverse document frequency, with the +1 inside the log so common terms still count a little. */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function lengthNorm(dl: number, avgdl: number, b: number): number {
  return avgdl > 0 ? 1 - b + (b * dl) / avgdl : 1;
}

function saturate(tf: number, k1: number): number {
  return (tf * (k1 + 1)) / (tf + k1);
}

/**
 * Creates a lexical index over chunks.
 *
 * @example
 * const index = createLexicalIndex([{ id: 'a#0', text: 'SoftBank a investi 4 milliards.', title: 'Nvidia' }]);
 * index.search('Combien SoftBank a-t-il investi ?', 5) // → [{ id: 'a#0', score: 2.1 }]
 */
export function createLexicalIndex(
  docs: LexicalDoc[] = [],
  options: LexicalIndexOptions = {},
  setup: SearchSetup = {},
): LexicalIndex {
  const index = new BM25Index({ ...DEFAULT_LEXICAL_OPTIONS, ...definedOnly(options) }, setup.expandQuery ?? expandAcrossLanguages);
  index.add(docs);
  return index;
}

/**
 * Restores a compacted index from a snapshot, building its key lookups in slices (`pause` is
 * awaited between slices, so a reader can yield to the event loop). `forward` serves the
 * passages' key records when they stay in the checkpoint file instead of memory.
 */
export async function restoreLexicalIndex(
  snapshot: RestorableSnapshot,
  options: { forward?: ForwardSource; pause?: () => Promise<void>; setup?: SearchSetup; autoCompact?: boolean } = {},
): Promise<LexicalIndex> {
  if (snapshot.analyzer !== ANALYZER_VERSION) {
    throw new Error(`lexical index built by analyzer v${String(snapshot.analyzer)}, this is v${ANALYZER_VERSION}: rebuild it`);
  }
  const forward = options.forward ?? (snapshot.forward ? new MemoryForward(snapshot.forwardOffsets, snapshot.forward) : null);
  const count = Array.isArray(snapshot.ids) ? snapshot.ids.length : snapshot.ids.starts.length - 1;
  if (!forward || forward.count !== count || snapshot.spaces.length !== 4) throw new Error('lexical index file is incomplete');
  const index = new BM25Index({ ...DEFAULT_LEXICAL_OPTIONS, ...definedOnly(snapshot.options) }, options.setup?.expandQuery ?? expandAcrossLanguages, options.autoCompact ?? true);
  await index.restore(snapshot, forward, options.pause ?? (async () => undefined));
  return index;
}

function definedOnly(options: LexicalIndexOptions): LexicalIndexOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

/** Passages added (or removed) since the last fold past which the index folds on its own. */
const FOLD_MIN = 4096;
/**
 * Added passages past which it folds however large it is: the delta's plain arrays cost about
 * 10 kB a passage, so a million-passage build folds every 32k rather than doubling its delta.
 */
const FOLD_MAX = 32_768;
/** Keys restored between two calls of `pause` (which yields only once its own time slice is spent). */
const RESTORE_SLICE = 1024;

/**
 * BM25F with compact storage: every key (term, word, bigram, prefix) is an integer id, every
 * passage a dense ordinal; postings are typed arrays (see posting-space.ts); a passage's own key
 * lists live in one forward record, in memory or in the checkpoint file. No per-passage Map,
 * Set or string array is kept beyond its id.
 */
class BM25Index implements LexicalIndex {
  private terms = new StringKeys();
  private words = new StringKeys();
  private prefixes = new StringKeys();
  private bigrams = new PairKeys();
  private termSpace = new PostingSpace(true);
  private wordSpace = new PostingSpace(false);
  private bigramSpace = new PostingSpace(false);
  private prefixSpace = new PostingSpace(false);
  /** Passage id by ordinal and back (`alive` says which ordinals still count). */
  private ids = new PassageIds();
  private live = 0;
  private lengths: Uint32Array = new Uint32Array(16);
  private titleLengths: Uint32Array = new Uint32Array(16);
  private alive: Uint8Array = new Uint8Array(16);
  /** Forward records of ordinals below `sealedOrds`; later ones are in `deltaForward`. */
  private sealedForward: ForwardSource = new MemoryForward(new Uint32Array(1), new Uint32Array(0));
  private readonly deltaForward = new Map<number, Uint32Array>();
  private sealedOrds = 0;
  /** Prefix id per term id (-1: none, -2: not looked up yet). */
  private termPrefix: Int32Array = new Int32Array(16).fill(-2);
  private removedSinceFold = 0;
  /** Passages staged and not revealed yet: no fold meanwhile (it would drop them as removed). */
  private staged = 0;
  private totalLength = 0;
  private totalTitleLength = 0;
  /** Per-query scratch, reused: score accumulators by ordinal and the ordinals touched. */
  private acc: Float64Array = new Float64Array(16);
  private marked: Uint8Array = new Uint8Array(16);
  private touched: Int32Array = new Int32Array(16);
  private touchedCount = 0;
  /** Indexed term ids one edit from a query term the index lacks; cleared on every change. */
  private readonly near = new Map<string, number[]>();
  /** Hits of analysed questions asked again (analyses are memoized, so the same object); forgotten on every change. */
  private repeated = new WeakMap<LexicalQuery, { k: number; hits: LexicalHit[] }>();

  constructor(
    private readonly options: ScoringOptions,
    private readonly expandQuery: (query: string) => WeightedTerm[],
    /** Fold on its own as changes accumulate; a reader that must never stall folds never (it reloads instead). */
    private readonly autoCompact = true,
  ) {}

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.ordinal(id) !== undefined;
  }

  ordinal(id: string): number | undefined {
    const ord = this.ids.ord(id);
    return ord !== undefined && this.alive[ord] ? ord : undefined;
  }

  idAt(ord: number): string | undefined {
    return ord < this.ids.length && this.alive[ord] ? this.ids.at(ord) : undefined;
  }

  get ordinals(): number {
    return this.ids.length;
  }

  termsOf(id: string): readonly string[] | undefined {
    const ord = this.ordinal(id);
    if (ord === undefined) return undefined;
    const [body] = forwardLists(this.forwardOf(ord));
    return Array.from(body, (k) => this.terms.keys[k]!);
  }

  add(docs: LexicalDoc[]): void {
    const titleCache = new Map<string, string[]>();
    for (const doc of docs) {
      let title: string[] | null = null;
      if (doc.title !== undefined && doc.title.trim() !== '') {
        title = titleCache.get(doc.title) ?? analyze(doc.title);
        titleCache.set(doc.title, title);
      }
      const { terms, words } = analyzeBoth(doc.text);
      this.addAnalysed(doc.id, terms, words, title);
    }
  }

  addAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): void {
    this.changed();
    if (this.has(id)) this.remove([id]);
    this.count(this.index(id, terms, words, titleTerms, true));
    this.maybeCompact();
  }

  stageAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): StagedPassage {
    // Interning new keys is invisible (a key with no live passage scores nothing), as are
    // postings of an ordinal that is not alive: only the counts below wait for `reveal`.
    const ord = this.index(id, terms, words, titleTerms, false);
    this.staged++;
    return { id, ord };
  }

  reveal(staged: readonly StagedPassage[]): void {
    if (staged.length === 0) return;
    this.changed();
    for (const { id, ord } of staged) {
      this.eachKey(ord, (space, k) => space.count(k));
      this.ids.show(id, ord);
      this.count(ord);
    }
    this.staged -= staged.length;
    this.maybeCompact();
  }

  /** Every key a passage's forward record lists, with the posting space it lives in (to count or drop its document frequency). */
  private eachKey(ord: number, visit: (space: PostingSpace, key: number) => void): void {
    const [body, titleOnly, words, bigrams, prefixes] = forwardLists(this.forwardOf(ord));
    for (const k of body) visit(this.termSpace, k);
    for (const k of titleOnly) visit(this.termSpace, k);
    for (const k of words) visit(this.wordSpace, k);
    for (const k of bigrams) visit(this.bigramSpace, k);
    for (const k of prefixes) visit(this.prefixSpace, k);
  }

  /** A passage alive and in the totals (its keys' document frequencies are counted by the caller). */
  private count(ord: number): void {
    this.alive[ord] = 1;
    this.live++;
    this.totalLength += this.lengths[ord]!;
    this.totalTitleLength += this.titleLengths[ord]!;
  }

  /** Postings and forward record of a new ordinal, not alive yet; `counted`: its id and document frequencies count now. */
  private index(id: string, terms: string[], words: string[], titleTerms: string[] | null, counted: boolean): number {
    const ord = counted ? this.ids.push(id) : this.ids.stage(id);
    this.lengths = ensureLength(this.lengths, ord + 1);
    this.titleLengths = ensureLength(this.titleLengths, ord + 1);
    this.alive = ensureLength(this.alive, ord + 1);
    this.lengths[ord] = terms.length;
    this.titleLengths[ord] = titleTerms?.length ?? 0;

    const sequence = terms.map((t) => this.terms.intern(t));
    const bodyTf = countIds(sequence);
    const titleTf = countIds((titleTerms ?? []).map((t) => this.terms.intern(t)));
    const titleOnly: number[] = [];
    for (const [k, tf] of bodyTf) this.termSpace.add(k, ord, tf, titleTf.get(k) ?? 0, counted);
    for (const [k, tf] of titleTf) {
      if (bodyTf.has(k)) continue;
      this.termSpace.add(k, ord, 0, tf, counted);
      titleOnly.push(k);
    }
    const wordTf = countIds(words.map((w) => this.words.intern(w)));
    for (const [k, tf] of wordTf) this.wordSpace.add(k, ord, tf, 0, counted);
    const pairs: number[] = [];
    for (let i = 1; i < sequence.length; i++) pairs.push(this.bigrams.intern(sequence[i - 1]!, sequence[i]!));
    const bigramTf = countIds(pairs);
    for (const [k, tf] of bigramTf) this.bigramSpace.add(k, ord, tf, 0, counted);
    const prefixIds: number[] = [];
    for (const t of sequence) {
      const p = this.prefixOfTerm(t);
      if (p >= 0) prefixIds.push(p);
    }
    const prefixTf = countIds(prefixIds);
    for (const [k, tf] of prefixTf) this.prefixSpace.add(k, ord, tf, 0, counted);
    this.deltaForward.set(ord, forwardRecord([...bodyTf.keys()], titleOnly, [...wordTf.keys()], [...bigramTf.keys()], [...prefixTf.keys()]));
    return ord;
  }

  remove(ids: Iterable<string>): void {
    this.changed();
    for (const id of ids) {
      const ord = this.ordinal(id);
      if (ord === undefined) continue;
      this.eachKey(ord, (space, k) => space.drop(k));
      this.totalLength -= this.lengths[ord]!;
      this.totalTitleLength -= this.titleLengths[ord]!;
      this.alive[ord] = 0;
      this.live--;
      this.deltaForward.delete(ord);
      this.removedSinceFold++;
    }
    this.maybeCompact();
  }

  search(query: string | LexicalQuery, k: number): LexicalHit[] {
    const n = this.size;
    if (n === 0 || k <= 0) return [];
    if (typeof query === 'string') {
      if (query.trim() === '') return [];
      return this.searchQuery({ weighted: this.expandQuery(query), words: analyzeWords(query), terms: analyze(query) }, k);
    }
    const known = this.repeated.get(query);
    if (known && known.k >= k) return known.hits.slice(0, k);
    const hits = this.searchQuery(query, k);
    this.repeated.set(query, { k, hits });
    return hits.slice();
  }

  compact(): void {
    const count = this.ids.length;
    const remap = new Int32Array(count);
    let live = 0;
    for (let ord = 0; ord < count; ord++) remap[ord] = this.alive[ord] ? live++ : -1;
    this.termSpace.seal(this.terms.size, remap);
    this.wordSpace.seal(this.words.size, remap);
    this.bigramSpace.seal(this.bigrams.size, remap);
    this.prefixSpace.seal(this.prefixes.size, remap);
    const sealed = this.sealedForward;
    const offsets = new Uint32Array(live + 1);
    for (let ord = 0; ord < count; ord++) {
      const to = remap[ord]!;
      if (to < 0) continue;
      const length = ord < this.sealedOrds ? sealed.offsets[ord + 1]! - sealed.offsets[ord]! : this.deltaForward.get(ord)!.length;
      offsets[to + 1] = offsets[to]! + length;
    }
    const arena = new Uint32Array(offsets[live]!);
    // Sealed records move in runs of kept ordinals (one copy each; one in all when nothing was removed).
    for (let ord = 0; ord < this.sealedOrds; ) {
      if (remap[ord]! < 0) {
        ord++;
        continue;
      }
      let end = ord + 1;
      while (end < this.sealedOrds && remap[end]! >= 0) end++;
      sealed.copyRecords(ord, end, arena, offsets[remap[ord]!]!);
      ord = end;
    }
    for (const [ord, record] of this.deltaForward) if (remap[ord]! >= 0) arena.set(record, offsets[remap[ord]!]!);
    const ids: string[] = new Array<string>(live);
    const lengths = new Uint32Array(Math.max(16, live));
    const titleLengths = new Uint32Array(Math.max(16, live));
    for (let ord = 0; ord < count; ord++) {
      const to = remap[ord]!;
      if (to < 0) continue;
      ids[to] = this.ids.at(ord);
      lengths[to] = this.lengths[ord]!;
      titleLengths[to] = this.titleLengths[ord]!;
    }
    this.sealedForward.close?.();
    this.sealedForward = new MemoryForward(offsets, arena);
    this.deltaForward.clear();
    this.ids = PassageIds.of(ids);
    this.live = live;
    this.lengths = lengths;
    this.titleLengths = titleLengths;
    this.alive = new Uint8Array(Math.max(16, live)).fill(1, 0, live);
    this.sealedOrds = live;
    this.removedSinceFold = 0;
    this.changed();
  }

  snapshot(): LexicalSnapshot {
    this.compact();
    const forward = this.sealedForward as MemoryForward;
    const space = (s: PostingSpace): SpacePostings => ({ offsets: s.offsets, docs: s.docs, tfs: s.tfs, titleTfs: s.titleTfs });
    const { firsts, seconds } = pairArrays(this.bigrams);
    const live = this.ids.length;
    return {
      analyzer: ANALYZER_VERSION,
      options: { ...this.options },
      terms: this.terms.keys.slice(),
      words: this.words.keys.slice(),
      prefixes: this.prefixes.keys.slice(),
      bigramFirsts: firsts,
      bigramSeconds: seconds,
      spaces: [space(this.termSpace), space(this.wordSpace), space(this.bigramSpace), space(this.prefixSpace)],
      ids: Array.from({ length: live }, (_, ord) => this.ids.at(ord)),
      lengths: this.lengths.subarray(0, live),
      titleLengths: this.titleLengths.subarray(0, live),
      forwardOffsets: forward.offsets,
      forward: forward.arena,
    };
  }

  close(): void {
    this.sealedForward.close?.();
  }

  /**
   * Fills an empty index from a snapshot. Keys, pairs and ids are adopted with their stored hash
   * tables, so nothing is inserted key by key; a snapshot without tables (a checkpoint of an older
   * format) gets them built here, awaiting `pause` between slices.
   */
  async restore(s: RestorableSnapshot, forward: ForwardSource, pause: () => Promise<void>): Promise<void> {
    const tables = s.tables ?? (await keyTablesOf(s, pause));
    this.terms = StringKeys.sealed(s.terms, tables.terms);
    this.words = StringKeys.sealed(s.words, tables.words);
    this.prefixes = StringKeys.sealed(s.prefixes, tables.prefixes);
    this.bigrams = PairKeys.sealed(s.bigramFirsts, s.bigramSeconds, tables.bigrams);
    const [terms, words, bigrams, prefixes] = s.spaces.map((p) => ('file' in p ? PostingSpace.onFile(p.offsets, p.file) : PostingSpace.sealed(p.offsets, p.docs, p.tfs, p.titleTfs)));
    this.termSpace = terms!;
    this.wordSpace = words!;
    this.bigramSpace = bigrams!;
    this.prefixSpace = prefixes!;
    if (Array.isArray(s.ids)) {
      // An older checkpoint's ids, decoded: into a Map in slices, as before packed ids.
      for (let i = 0; i < s.ids.length; i += RESTORE_SLICE) {
        for (let ord = i; ord < Math.min(s.ids.length, i + RESTORE_SLICE); ord++) this.ids.push(s.ids[ord]!);
        await pause();
      }
    } else this.ids = PassageIds.packed(s.ids);
    const live = this.ids.length;
    this.live = live;
    // With room to grow (see restoredCapacity), copied a slice at a time with the totals.
    const capacity = restoredCapacity(live);
    this.lengths = new Uint32Array(capacity);
    this.titleLengths = new Uint32Array(capacity);
    for (let from = 0; from < live; from += RESTORE_SLICE * 64) {
      const to = Math.min(live, from + RESTORE_SLICE * 64);
      this.lengths.set(s.lengths.subarray(from, to), from);
      this.titleLengths.set(s.titleLengths.subarray(from, to), from);
      for (let ord = from; ord < to; ord++) {
        this.totalLength += s.lengths[ord]!;
        this.totalTitleLength += s.titleLengths[ord]!;
      }
      await pause();
    }
    this.alive = new Uint8Array(capacity).fill(1, 0, live);
    this.sealedForward = forward;
    this.sealedOrds = live;
  }

  /** Prefix id of a term id, or -1 when it has none; remembered per term (most terms recur). */
  private prefixOfTerm(term: number): number {
    this.termPrefix = ensureLength(this.termPrefix, term + 1, -2);
    let p = this.termPrefix[term]!;
    if (p === -2) {
      const prefix = prefixOf(this.terms.keys[term]!, this.options.prefixLength);
      p = prefix === null ? -1 : this.prefixes.intern(prefix);
      this.termPrefix[term] = p;
    }
    return p;
  }

  private changed(): void {
    this.near.clear();
    this.repeated = new WeakMap();
  }

  private forwardOf(ord: number): Uint32Array {
    return ord < this.sealedOrds ? this.sealedForward.record(ord) : this.deltaForward.get(ord)!;
  }

  private maybeCompact(): void {
    if (!this.autoCompact || this.staged > 0) return;
    const added = this.ids.length - this.sealedOrds;
    if (added > Math.max(FOLD_MIN, Math.min(this.sealedOrds, FOLD_MAX)) || this.removedSinceFold > Math.max(FOLD_MIN, this.size / 4)) this.compact();
  }

  private searchQuery(query: LexicalQuery, k: number): LexicalHit[] {
    const n = this.size;
    const queryTerms = mergeWeights(query.weighted);
    if (queryTerms.size === 0) return [];

    const o = this.options;
    const avgdl = this.totalLength / n;
    this.acc = ensureLength(this.acc, this.ids.length);
    this.marked = ensureLength(this.marked, this.ids.length);

    for (const [term, weight] of queryTerms) {
      const key = this.terms.id(term);
      if (key !== undefined && this.termSpace.dfOf(key) > 0) this.scoreTerm(key, weight, avgdl);
      else if (o.fuzzyWeight > 0) {
        for (const near of this.nearTerms(term)) this.scoreTerm(near, weight * o.fuzzyWeight, avgdl);
        // A verb's "-ent" plural the stemmer left whole ("dirigent"): its stem without the ending ("dirig").
        const plural = thirdPluralStem(term);
        const pluralKey = plural === null ? undefined : this.terms.id(plural);
        if (pluralKey !== undefined) this.scoreTerm(pluralKey, weight * o.fuzzyWeight, avgdl);
      }
    }
    if (o.exactWeight > 0) {
      for (const w of new Set(query.words)) {
        const key = this.words.id(w);
        if (key !== undefined) this.scoreKey(this.wordSpace, key, o.exactWeight, avgdl);
      }
    }
    if (o.bigramWeight > 0) {
      // Bigrams of the question's own terms only, not of its translations.
      const seen = new Set<number>();
      for (let i = 1; i < query.terms.length; i++) {
        const a = this.terms.id(query.terms[i - 1]!);
        const b = this.terms.id(query.terms[i]!);
        const key = a === undefined || b === undefined ? undefined : this.bigrams.id(a, b);
        if (key === undefined || seen.has(key)) continue;
        seen.add(key);
        this.scoreKey(this.bigramSpace, key, o.bigramWeight, avgdl);
      }
    }
    if (o.prefixWeight > 0) {
      const prefixes = new Map<string, number>();
      for (const [term, weight] of queryTerms) {
        const p = prefixOf(term, o.prefixLength);
        if (p !== null) prefixes.set(p, Math.max(prefixes.get(p) ?? 0, weight));
      }
      for (const [p, weight] of prefixes) {
        const key = this.prefixes.id(p);
        if (key !== undefined) this.scoreKey(this.prefixSpace, key, o.prefixWeight * weight, avgdl);
      }
    }
    return this.collect(k);
  }

  /** BM25F: body and title frequencies are length-normalised, weighted and summed, then saturated once. */
  private scoreTerm(key: number, weight: number, avgdl: number): void {
    const space = this.termSpace;
    const df = space.dfOf(key);
    if (df <= 0) return;
    const { k1, b, titleWeight } = this.options;
    const n = this.size;
    const avgtl = this.totalTitleLength / n;
    const w = weight * idf(df, n);
    const { alive, lengths, titleLengths } = this;
    const one = (ord: number, bodyTf: number, titleTf: number) => {
      if (!alive[ord]) return;
      let tf = bodyTf / lengthNorm(lengths[ord]!, avgdl, b);
      if (titleTf > 0 && titleWeight > 0) tf += (titleWeight * titleTf) / lengthNorm(titleLengths[ord]!, avgtl, b);
      if (tf > 0) this.bump(ord, w * saturate(tf, k1));
    };
    if (key < space.sealedKeys) {
      const { docs, tfs, titleTfs, from, to } = space.run(key);
      for (let i = from; i < to; i++) one(docs[i]!, tfs[i]!, titleTfs![i]!);
    }
    const list = space.delta.get(key);
    if (list) for (let j = 0; j < list.length; j += 3) one(list[j]!, list[j + 1]!, list[j + 2]!);
  }

  /** Plain BM25 of one body-only key (exact word, bigram, prefix), added into the scores. */
  private scoreKey(space: PostingSpace, key: number, weight: number, avgdl: number): void {
    const df = space.dfOf(key);
    if (df <= 0) return;
    const { k1, b } = this.options;
    const w = weight * idf(df, this.size);
    const { alive, lengths } = this;
    if (key < space.sealedKeys) {
      const { docs, tfs, from, to } = space.run(key);
      for (let i = from; i < to; i++) {
        const ord = docs[i]!;
        if (alive[ord]) this.bump(ord, w * saturate(tfs[i]! / lengthNorm(lengths[ord]!, avgdl, b), k1));
      }
    }
    const list = space.delta.get(key);
    if (!list) return;
    for (let j = 0; j < list.length; j += 2) {
      const ord = list[j]!;
      if (alive[ord]) this.bump(ord, w * saturate(list[j + 1]! / lengthNorm(lengths[ord]!, avgdl, b), k1));
    }
  }

  private bump(ord: number, score: number): void {
    if (!this.marked[ord]) {
      this.marked[ord] = 1;
      this.acc[ord] = 0;
      this.touched = ensureLength(this.touched, this.touchedCount + 1);
      this.touched[this.touchedCount++] = ord;
    }
    this.acc[ord]! += score;
  }

  /** The best `k` scored passages (score above 0, best first, ties by id); resets the scratch. */
  private collect(k: number): LexicalHit[] {
    const best: LexicalHit[] = [];
    const better = (x: LexicalHit, y: LexicalHit) => x.score > y.score || (x.score === y.score && x.id < y.id);
    for (let t = 0; t < this.touchedCount; t++) {
      const ord = this.touched[t]!;
      this.marked[ord] = 0;
      const score = this.acc[ord]!;
      if (!(score > 0)) continue;
      if (best.length === k && score < best[k - 1]!.score) continue;
      const hit = { id: this.ids.at(ord), score };
      if (best.length === k && !better(hit, best[k - 1]!)) continue;
      let at = best.length;
      while (at > 0 && better(hit, best[at - 1]!)) at--;
      best.splice(at, 0, hit);
      if (best.length > k) best.pop();
    }
    this.touchedCount = 0;
    return best;
  }

  /** Indexed terms one edit away, for words of five letters or more (shorter ones have too many neighbours). */
  private nearTerms(term: string): number[] {
    if (term.length < 5 || /^\d/.test(term)) return [];
    let out = this.near.get(term);
    if (out) return out;
    out = [];
    const keys = this.terms.keys;
    for (let id = 0; id < keys.length; id++) {
      if (this.termSpace.dfOf(id) > 0 && withinOneEdit(term, keys[id]!)) out.push(id);
    }
    // A question's unknown words come back (the same typo, the same name): the scan is remembered until the index changes.
    if (this.near.size > 10_000) this.near.clear();
    this.near.set(term, out);
    return out;
  }
}

/**
 * The hash tables of a snapshot's keys, built in slices awaiting `pause` between them: for a
 * snapshot that does not bring them (built in memory, or a checkpoint of an older format).
 */
export async function keyTablesOf(s: Pick<LexicalSnapshot, 'terms' | 'words' | 'prefixes' | 'bigramFirsts' | 'bigramSeconds'>, pause: () => Promise<void>): Promise<KeyTables> {
  const strings = (list: readonly string[]) => tableInSlices(list.length, (id) => stringHash(list[id]!), pause);
  const bigrams = new Uint32Array(tableSize(s.bigramFirsts.length));
  for (let id = 0; id < s.bigramFirsts.length; id += RESTORE_SLICE * 8) {
    placePairs(bigrams, s.bigramFirsts, s.bigramSeconds, id, Math.min(s.bigramFirsts.length, id + RESTORE_SLICE * 8));
    await pause();
  }
  return { terms: await strings(s.terms), words: await strings(s.words), prefixes: await strings(s.prefixes), bigrams };
}

function countIds(ids: readonly number[]): Map<number, number> {
  const tf = new Map<number, number>();
  for (const id of ids) tf.set(id, (tf.get(id) ?? 0) + 1);
  return tf;
}



/** First `length` letters of a word term; null for numbers and shorter words. */
export function prefixOf(term: string, length: number): string | null {
  if (term.length < length || /^\d/.test(term)) return null;
  return term.slice(0, length);
}


/** A term asked twice, or also reached through a translation, counts once at its strongest weight. */
function mergeWeights(terms: WeightedTerm[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { term, weight } of terms) if (weight > 0) out.set(term, Math.max(out.get(term) ?? 0, weight));
  return out;
}



/** Damerau–Levenshtein distance ≤ 1: one substitution, insertion, deletion or swap of neighbours ("dexu" ~ "deux"). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  // What differs is a[i .. a.length-j) against b[i .. b.length-j).
  const da = a.length - i - j;
  const db = b.length - i - j;
  if (da <= 1 && db <= 1) return true;
  return da === 2 && db === 2 && a[i] === b[i + 1] && a[i + 1] === b[i];
}
