import { join } from 'node:path';
import { createError, EngineError } from '../../errors.js';
import type { Statement } from 'better-sqlite3';
import { createLexicalIndex, type LexicalIndex, type StagedPassage } from '../../search/bm25.js';
import type { TermStats } from '../../search/term-weights.js';
import type { SourceMeta } from '../../types.js';
import type { IndexMeta, StoredPassage, StoreReader, StoreView, VectorHit } from '../store.js';
import { ensureLength, restoredCapacity } from '../../search/lexical/growable.js';
import type { VectorIndex } from '../vector-index.js';
import { withFreshVectors } from './fresh-vectors.js';
import { createLiveTermStats, type LiveTermStats } from './live-term-stats.js';
import { readLexicalCheckpoint } from './lexical-checkpoint.js';
import { LEXICAL_SETTING, type LexicalCheckpointRef } from './lexical-fold.js';
import { blobVector, DB_FILE, lastSeq, openSpaceDb, readSetting, splitTerms, type Checkpoint, type SpaceDb } from './space-db.js';
import { spaceMeta } from './space-writes.js';
import { StoredSources } from './stored-sources.js';
import { loadSpaceVectors, VectorLogGap } from './space-vectors.js';
import { slicer, yieldNow, type Pause } from './time-slice.js';
import { closeVectors, loadVectors } from './staged-vectors.js';

/** Where a reader finds the live space: the generation folder `current.json` names. */
export interface SpaceLocator {
  /** The live generation's folder name, or null when there is none (throws INDEX_CORRUPT / INDEX_STALE). */
  live(): string | null;
  dir(generation: string): string;
}

/** More changed articles than this since the last view: load the new state whole, in the background. */
const DELTA_LIMIT = 2000;
const LOAD_BATCH = 500;
/** The same for the background read of article metadata after a load. */
const FILL_SLICE_MS = 5;

/** Everything a reader holds of one space; a delta is indexed hidden in slices, then shown in one synchronous step. */
interface ReaderState {
  generation: string;
  db: SpaceDb;
  meta: IndexMeta;
  seq: number;
  checkpoint: Checkpoint | null;
  /** Read by id when an answer needs them, all of them in the background after the load. */
  sources: StoredSources;
  /**
   * Vector label of each passage by the lexical index's ordinal (-1: none), and ordinal + 1 by
   * label (0: none): typed arrays, the checkpoint's labels copied with room to grow, where a Map
   * by passage id (a million strings at load) used to be. The reader's index never folds, so ordinals hold.
   */
  labelOf: Int32Array;
  ordOfLabel: Int32Array;
  passageCount: number;
  lexical: LexicalIndex;
  stats: LiveTermStats;
  vectors: VectorIndex | null;
  /** Set when a delta met a vector the log no longer has: the next refresh loads whole. */
  stale: boolean;
  /** Passages read lately (answers keep reading the same few); entries of changed articles leave. */
  cache: Map<string, StoredPassage>;
  /** The lexical checkpoint this state started from (null: indexed from the passages). */
  lexicalRef: LexicalCheckpointRef | null;
  /** Prepared once per state: preparing a statement per ask costs more than the ask's own reads. */
  passageById: Statement;
  termsById: Statement;
  view: StoreView | null;
}

const CACHED_PASSAGES = 2000;
const POINTER_TTL_MS = 250;

interface PassageRow {
  id: string;
  article_id: string;
  terms: string;
  words: string;
  label: number | null;
}

/**
 * The local backend's reader: loads a space once (in batches, yielding to the event loop; the
 * HNSW file is read on hnswlib's own thread), then follows the change log, applying only the
 * articles changed since, one change set at a time (asks meanwhile answer from the state before
 * it; see applyChanges). A rebuilt space (another generation) is loaded in the background while
 * the previous view keeps answering, then swapped in whole.
 */
export function createLocalReader(locator: SpaceLocator): StoreReader {
  let state: ReaderState | null = null;
  let loading: { generation: string; promise: Promise<ReaderState> } | null = null;
  let closed = false;
  /** The change set being applied (in slices), if any. */
  let applying: Promise<void> | null = null;

  const startLoad = (generation: string): Promise<ReaderState> => {
    if (loading?.generation === generation) return loading.promise;
    const mine: { generation: string; promise: Promise<ReaderState> } = {
      generation,
      promise: loadState(locator.dir(generation), generation).finally(() => {
        if (loading === mine) loading = null;
      }),
    };
    loading = mine;
    return mine.promise;
  };

  const swap = (next: ReaderState) => {
    if (closed) return release(next);
    const old = state;
    state = next;
    // Asks that started on the old view may still fetch passages from it for a moment.
    if (old && old !== next) setTimeout(() => release(old), 30_000).unref();
  };

  // Asks refresh on every question: the pointer file is read again only after POINTER_TTL_MS
  // (a rebuild is still seen well within the 2 s readers promise), unless the caller waits for it.
  let pointer: { generation: string | null; at: number } | null = null;
  const liveGeneration = (fresh: boolean): string | null => {
    const now = performance.now();
    if (fresh || !pointer || now - pointer.at > POINTER_TTL_MS) pointer = { generation: locator.live(), at: now };
    const { generation } = pointer;
    // Until there is an index, every refresh looks: the first commit must be seen at once.
    if (generation === null) pointer = null;
    return generation;
  };

  const reader: StoreReader = {
    async refresh(options = {}) {
      const generation = liveGeneration(options.wait === true);
      if (!generation) throw createError('INDEX_MISSING', locator.dir('').replace(/\/$/, ''));
      if (!state || ((state.generation !== generation || state.stale) && options.wait)) {
        swap(await startLoad(generation));
        return viewOf(state!);
      }
      if (state.generation !== generation || state.stale) {
        // Answer from the current view while the new one loads; swap when it is ready.
        void startLoad(generation).then(swap, () => undefined);
        return viewOf(state);
      }
      if (applying) {
        // One apply at a time (two would stage the same passages twice). Meanwhile asks answer
        // from the state as it was; a caller that waits for the latest state waits for it, then looks again.
        if (!options.wait) return viewOf(state);
        await applying.catch(() => undefined);
        return reader.refresh(options);
      }
      const seq = lastSeq(state.db);
      if (seq === state.seq) return viewOf(state);
      const changed = state.db.prepare('SELECT DISTINCT article_id FROM changes WHERE seq > ? LIMIT ?').pluck().all(state.seq, DELTA_LIMIT + 1) as string[];
      if (changed.length > DELTA_LIMIT) {
        state.stale = true;
        void startLoad(generation).then(swap, () => undefined);
        return viewOf(state);
      }
      const target = state;
      const mine = applyChanges(target, changed, seq, slicer(), () => closed || state !== target).finally(() => {
        if (applying === mine) applying = null;
      });
      applying = mine;
      // The caller that found the change gets it (an ask after another process's ingest answers from it).
      await mine;
      return viewOf(state ?? target);
    },
    async close() {
      closed = true;
      if (state) release(state);
      state = null;
    },
  };
  return reader;
}

function release(state: ReaderState): void {
  closeVectors(state.vectors);
  state.sources.close();
  state.lexical.close();
  state.db.close();
}

async function loadState(dir: string, generation: string): Promise<ReaderState> {
  for (let attempt = 0; ; attempt++) {
    let db: SpaceDb | null = null;
    try {
      db = openSpaceDb(join(dir, DB_FILE), { create: false });
      const state = await loadFrom(db, generation);
      // Served from now on: the sources an answer needs are read by id, the rest in the background.
      // Short slices: the fill runs beside asks and other loads, whose slices share the same turn of the loop.
      void state.sources.fill(slicer(FILL_SLICE_MS)).catch(() => undefined);
      return state;
    } catch (err) {
      db?.close();
      // A compaction replaced the checkpoint while we read it: read again.
      if (attempt < 3 && (err instanceof VectorLogGap || (err as NodeJS.ErrnoException).code === 'ENOENT' || /Cannot open|No such file/i.test(String(err)))) continue;
      if (err instanceof EngineError) throw err;
      throw createError('INDEX_CORRUPT', describeLoadError(err));
    }
  }
}

function describeLoadError(err: unknown): string {
  const text = String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 160);
  return text || 'unknown error';
}

async function loadFrom(db: SpaceDb, generation: string): Promise<ReaderState> {
  const seq = lastSeq(db);
  const meta = spaceMeta(db);
  if (!meta) throw createError('INDEX_MISSING', generation);
  const state: ReaderState = {
    generation,
    db,
    meta,
    seq,
    checkpoint: readSetting<Checkpoint>(db, 'checkpoint'),
    sources: new StoredSources(db),
    labelOf: new Int32Array(16).fill(-1),
    ordOfLabel: new Int32Array(16),
    passageCount: 0,
    lexical: createLexicalIndex(),
    stats: createLiveTermStats(),
    vectors: null,
    stale: false,
    cache: new Map(),
    lexicalRef: null,
    passageById: db.prepare('SELECT id, article_id, ordinal, body FROM passages WHERE id = ?'),
    termsById: db.prepare('SELECT terms FROM passages WHERE id = ?').pluck(),
    view: null,
  };
  // The vector checkpoint is read on hnswlib's own thread while this one loads the rest: at a
  // million passages that read is the longest part of a load. Which labels are live is known
  // only once the passages are, so the vectors' pruning waits for it.
  let liveReady!: (live: Uint8Array) => void;
  let liveFailed!: (err: unknown) => void;
  const live = new Promise<Uint8Array>((resolve, reject) => ((liveReady = resolve), (liveFailed = reject)));
  // Staged: the first answers search the checkpoint file while hnswlib reads it (staged-vectors.ts).
  const vectorsLoading = loadSpaceVectors(dbDir(db), db, live, { staged: true });
  vectorsLoading.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
  try {
    await loadPassagesAndSources(state);
    const bitmap = new Uint8Array(state.ordOfLabel.length);
    for (let label = 0; label < bitmap.length; label++) {
      if (state.ordOfLabel[label] !== 0) bitmap[label] = 1;
      if ((label & 65535) === 65535) await yieldNow();
    }
    liveReady(bitmap);
  } catch (err) {
    liveFailed(err);
    throw err;
  }
  const loaded = await vectorsLoading;
  // New vectors wait in an exact set beside the graph: an ingest never inserts into a million-vector graph itself.
  state.vectors = loaded?.vectors ? withFreshVectors(loaded.vectors) : null;
  // What changed while we read (rows read at different moments) is read again, consistently.
  const changed = db.prepare('SELECT DISTINCT article_id FROM changes WHERE seq > ?').pluck().all(seq) as string[];
  await applyChanges(state, changed, lastSeq(db), slicer());
  return state;
}

/** The passages: from the lexical checkpoint, or indexed one by one. (Article metadata is read on demand: see StoredSources.) */
async function loadPassagesAndSources(state: ReaderState): Promise<void> {
  if (!(await loadCheckpoint(state))) await loadPassages(state);
}

/**
 * Starts from the space's lexical checkpoint: typed arrays and lookup tables read in a few large
 * reads (nothing rebuilt key by key, unless the file predates stored tables), then the articles
 * changed since it re-indexed. False when there is none, or
 * the change log no longer reaches back to it (the caller indexes every passage instead).
 */
async function loadCheckpoint(state: ReaderState): Promise<boolean> {
  const { db } = state;
  const ref = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
  if (!ref) return false;
  const oldest = db.prepare('SELECT MIN(seq) FROM changes').pluck().get() as number | null;
  if (oldest !== null && oldest > ref.seq + 1) return false;
  const pause = slicer();
  const loaded = await readLexicalCheckpoint(join(dbDir(db), ref.file), { pause, postings: 'file' });
  state.lexical = loaded.index;
  // Read, not rebuilt: term frequencies and labels stay in the typed arrays the file was read into.
  state.stats = createLiveTermStats({ stored: { terms: loaded.terms, df: loaded.bodyDf, termId: loaded.termId }, passages: loaded.ids.length });
  state.lexicalRef = ref;
  const { labels } = loaded;
  // Both with room to grow (see restoredCapacity): an ingest's first passages after a load do not
  // copy them whole. The slots past the loaded ones stay untouched zero pages: a label slot is
  // written when its ordinal is made (applyChanges), before anything reads it.
  state.labelOf = new Int32Array(restoredCapacity(labels.length));
  let top = -1;
  for (let ord = 0; ord < labels.length; ord++) {
    state.labelOf[ord] = labels[ord]!;
    if (labels[ord]! > top) top = labels[ord]!;
    if ((ord & 65535) === 65535) await pause();
  }
  state.ordOfLabel = new Int32Array(restoredCapacity(top + 1));
  for (let ord = 0; ord < labels.length; ord++) {
    if (labels[ord]! >= 0) state.ordOfLabel[labels[ord]!] = ord + 1;
    if ((ord & 65535) === 65535) await pause();
  }
  state.passageCount = labels.length;
  await pause();
  const changed = db.prepare('SELECT DISTINCT article_id FROM changes WHERE seq > ?').pluck().all(ref.seq) as string[];
  await applyChanges(state, changed, state.seq, pause);
  return true;
}

/** Indexes every stored passage (a space without a lexical checkpoint: small, or written by an older version). */
async function loadPassages(state: ReaderState): Promise<void> {
  const { db } = state;
  const titles = new Map<string, string[]>();
  for (const a of db.prepare('SELECT id, title_terms FROM articles').iterate() as Iterable<{ id: string; title_terms: string }>) titles.set(a.id, splitTerms(a.title_terms));
  const passages = db.prepare('SELECT rowid, id, article_id, terms, words, label FROM passages WHERE rowid > ? ORDER BY rowid LIMIT ?');
  const pause = slicer();
  for (let after = 0; ; ) {
    const rows = passages.all(after, LOAD_BATCH) as (PassageRow & { rowid: number })[];
    for (const r of rows) {
      const title = titles.get(r.article_id);
      if (title) addPassage(state, r, title);
      await pause.maybe();
    }
    if (rows.length < LOAD_BATCH) break;
    after = rows[rows.length - 1]!.rowid;
    await pause();
  }
}

const dbDir = (db: SpaceDb) => db.name.replace(/[/\\][^/\\]+$/, '');

function addPassage(state: ReaderState, r: PassageRow, title: string[]): void {
  const terms = splitTerms(r.terms);
  state.lexical.addAnalysed(r.id, terms, splitTerms(r.words), title.length > 0 ? title : null);
  state.stats.add(terms);
  const ord = state.lexical.ordinal(r.id)!;
  state.labelOf = ensureLength(state.labelOf, ord + 1, -1);
  state.labelOf[ord] = r.label ?? -1;
  if (r.label !== null) {
    state.ordOfLabel = ensureLength(state.ordOfLabel, r.label + 1);
    state.ordOfLabel[r.label] = ord + 1;
  }
  state.passageCount++;
}

/**
 * Ordinals of an article's passages in the reader's index: its ids are `${articleId}#${i}` for i
 * from 0 (chunk ordinals, contiguous: an article is always written whole), looked up until one is missing.
 */
function ordinalsOf(state: ReaderState, articleId: string): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const ord = state.lexical.ordinal(`${articleId}#${i}`);
    if (ord === undefined) return out;
    out.push(ord);
  }
}

/**
 * Replaces what the reader holds of each changed article by what the space holds now. Read
 * first (one transaction), then the new passages are indexed hidden, in slices that yield to the
 * event loop (a long article is hundreds of passages, ~1 ms each: one step held a running bot
 * for 240–330 ms); then one short synchronous step removes the old versions and shows the new
 * ones, so no ask sees half an article. Vectors the reader already has are kept; new ones come
 * from the log. `gone()` says the state stopped being served meanwhile (what was staged stays hidden).
 */
async function applyChanges(state: ReaderState, articleIds: string[], seq: number, pause: Pause, gone: () => boolean = () => false): Promise<void> {
  const { db } = state;
  if (articleIds.length > 0) {
    const articleRow = db.prepare('SELECT source, title_terms FROM articles WHERE id = ?');
    const passageRows = db.prepare('SELECT id, article_id, terms, words, label FROM passages WHERE article_id = ? ORDER BY ordinal');
    const vectorRow = db.prepare('SELECT vector FROM vector_log WHERE label = ?').pluck();
    const read = db.transaction(() =>
      articleIds.map((id) => {
        const a = articleRow.get(id) as { source: string; title_terms: string } | undefined;
        const rows = a ? (passageRows.all(id) as PassageRow[]) : [];
        const fresh = new Map<number, Float32Array>();
        for (const r of rows) {
          if (r.label === null || state.vectors?.has(r.label)) continue;
          const blob = vectorRow.get(r.label) as Buffer | undefined;
          if (blob) fresh.set(r.label, blobVector(blob));
        }
        return { id, article: a, rows, fresh };
      }),
    )();
    // Staged: the passages' postings (hidden), and the term statistics' change, old versions out and new in.
    const termChange = new Map<string, number>();
    const tally = (terms: readonly string[], by: number) => {
      for (const t of new Set(terms)) termChange.set(t, (termChange.get(t) ?? 0) + by);
    };
    let passageChange = 0;
    const staged = read.map((change) => ({ ...change, old: ordinalsOf(state, change.id), passages: [] as StagedPassage[] }));
    for (const change of staged) {
      for (const ord of change.old) tally(state.lexical.termsOf(state.lexical.idAt(ord)!) ?? [], -1);
      passageChange -= change.old.length;
      if (!change.article) continue;
      const title = splitTerms(change.article.title_terms);
      for (const r of change.rows) {
        const terms = splitTerms(r.terms);
        const passage = state.lexical.stageAnalysed(r.id, terms, splitTerms(r.words), title.length > 0 ? title : null);
        change.passages.push(passage);
        tally(terms, 1);
        passageChange++;
        state.labelOf = ensureLength(state.labelOf, passage.ord + 1, -1);
        state.labelOf[passage.ord] = r.label ?? -1;
        const slice = pause.maybe();
        if (slice) {
          await slice;
          if (gone()) return;
        }
      }
    }
    // Shown: one synchronous step, short (counts and lookups, no indexing).
    for (const { id, article, rows, fresh, old, passages } of staged) {
      const keep = new Set(rows.flatMap((r) => (r.label === null ? [] : [r.label])));
      for (const ord of old) {
        const pid = state.lexical.idAt(ord)!;
        const label = state.labelOf[ord]!;
        state.cache.delete(pid);
        state.lexical.remove([pid]);
        if (label >= 0) {
          state.ordOfLabel[label] = 0;
          if (!keep.has(label)) state.vectors?.remove([label]);
        }
      }
      state.sources.delete(id);
      if (!article) continue;
      state.sources.set(id, JSON.parse(article.source) as SourceMeta);
      rows.forEach((r, i) => {
        if (r.label === null) return;
        state.ordOfLabel = ensureLength(state.ordOfLabel, r.label + 1);
        state.ordOfLabel[r.label] = passages[i]!.ord + 1;
        if (!state.vectors || state.vectors.has(r.label)) return;
        const v = fresh.get(r.label);
        if (v) state.vectors.add([v], [r.label]);
        else state.stale = true; // folded into a newer checkpoint: the next refresh loads whole
      });
    }
    state.lexical.reveal(staged.flatMap((c) => c.passages));
    state.stats.change(termChange, passageChange);
    state.passageCount += passageChange;
  }
  state.seq = seq;
  state.view = null;
}

/** The view of a state, made once per state version (asks between changes share it). */
function viewOf(state: ReaderState): StoreView {
  if (state.view) return state.view;
  state.view = {
    version: `${state.generation}:${state.seq}`,
    meta: state.meta,
    sources: state.sources,
    passageCount: state.passageCount,
    vectorCount: state.vectors?.size ?? 0,
    lexical: state.lexical,
    termStats: state.stats as TermStats,
    loadVectors: () => loadVectors(state.vectors),
    async searchVectors(vector: Float32Array, k: number): Promise<VectorHit[]> {
      if (!state.vectors) return [];
      return state.vectors.search(vector, k).flatMap((h) => {
        const ord = (state.ordOfLabel[h.label] ?? 0) - 1;
        const id = ord < 0 ? undefined : state.lexical.idAt(ord);
        return id === undefined ? [] : [{ id, similarity: h.similarity }];
      });
    },
    async passageIds() {
      const out: string[] = [];
      for (let ord = 0; ord < state.lexical.ordinals; ord++) {
        const id = state.lexical.idAt(ord);
        if (id !== undefined) out.push(id);
      }
      return out;
    },
    async vectors(ids) {
      return ids.map((id) => {
        const ord = state.lexical.ordinal(id);
        const label = ord === undefined ? -1 : (state.labelOf[ord] ?? -1);
        return label < 0 || !state.vectors?.has(label) ? null : state.vectors.vector(label);
      });
    },
    async passageTerms(ids: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const id of ids) {
        const terms = state.termsById.get(id) as string | undefined;
        if (terms !== undefined) out.set(id, terms);
      }
      return out;
    },
    async passages(ids: readonly string[]): Promise<StoredPassage[]> {
      const out: StoredPassage[] = [];
      for (const id of ids) {
        let p = state.cache.get(id);
        if (!p) {
          const r = state.passageById.get(id) as { id: string; article_id: string; ordinal: number; body: string } | undefined;
          if (!r) continue;
          p = { id: r.id, articleId: r.article_id, ordinal: r.ordinal, ...(JSON.parse(r.body) as Omit<StoredPassage, 'id' | 'articleId' | 'ordinal'>) };
          if (state.cache.size >= CACHED_PASSAGES) state.cache.delete(state.cache.keys().next().value!);
          state.cache.set(id, p);
        }
        out.push(p);
      }
      return out;
    },
  };
  return state.view;
}
