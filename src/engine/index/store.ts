/**
 * The index store seam: everything the engine keeps about the coverage (articles, their
 * passages, the passages' analysed terms and their vectors) behind asynchronous interfaces,
 * so a backend can be swapped (the local SQLite + hnswlib one, LanceDB, …) without the engine,
 * the bench or the scripts knowing any label, path or file format.
 *
 * - The **write side** (`IndexStore`) commits changes one article at a time, atomically:
 *   a reader sees a whole change or none of it. `articles()` is what a writer diffs the corpus
 *   against. `rebuild()` fills a fresh space that replaces the live one only on `publish()`,
 *   and resumes an unfinished one, so a killed rebuild embeds nothing twice.
 * - The **read side** (`StoreReader.refresh()` → `StoreView`) is what asks read: a view of one
 *   committed state; `refresh()` moves it to the latest state applying only what changed since
 *   (or loading in the background when a rebuild replaced everything), never blocking the caller
 *   for long.
 *
 * Passage ids are strings (`${articleId}#${ordinal}`); vectors are unit `Float32Array`s.
 * Backends must pass the contract suite in test/store-contract.ts.
 */
import type { LexicalHit, LexicalIndex } from '../search/bm25.js';
import type { TermStats } from '../search/term-weights.js';
import type { Chunk, SourceMeta } from '../types.js';

/** What an index was built with; a reader refuses a store built otherwise (see engine.ts). */
export interface IndexMeta {
  chunkerVersion: number;
  analyzerVersion: number;
  /** Null: built without a model (lexical search only). */
  model: { id: string; dimension: number } | null;
}

/** A passage as stored: the chunk plus its span of the body as written (for links that must match the page). */
export interface StoredPassage extends Chunk {
  original: string;
}

/** A passage's analysed body, so no reader analyses it again. */
export interface PassageTerms {
  /** Stemmed terms, in order. */
  terms: string[];
  /** Unstemmed (folded) words, in order. */
  words: string[];
}

/** One article to add or replace, with everything about its passages. */
export interface ArticleWrite {
  source: SourceMeta;
  /** Content hash from the corpus loader, to skip unchanged articles. */
  hash: string;
  /** Analysed title (BM25F title field); empty when the article has none. */
  titleTerms: string[];
  /** In ordinal order. `vector` is null when there is no model (lexical-only) or it is missing for now. */
  passages: { passage: StoredPassage; terms: PassageTerms; vector: Float32Array | null }[];
}

/** What a writer needs to know about a stored article. */
export interface ArticleState {
  id: string;
  hash: string;
  source: SourceMeta;
  passages: number;
  /** Passages without a vector (built while the model was away). */
  unembedded: number;
}

/** One atomic change. Order inside: `meta`, `remove`, `upsert`, `vectors`. */
export interface StoreChange {
  /** Sets what the store is built with (first commit of a build or rebuild). */
  meta?: IndexMeta;
  /** Article ids to drop with their passages and vectors; unknown ids are ignored. */
  remove?: string[];
  /** Articles to add, or replace whole when their id is stored. */
  upsert?: ArticleWrite[];
  /** Vectors for stored passages that had none (embedded later). */
  vectors?: { id: string; vector: Float32Array }[];
}

/**
 * Durable scratch for embeddings the model returned whose articles are not committed yet (an
 * article is committed whole, with every vector): a build killed meanwhile resumes from them
 * instead of computing them again. Keyed by the embedded text (see `embeddingKey`), valid for the
 * model of the space it belongs to. Synchronous on purpose: `put` is durable when it returns, in
 * the same turn of the event loop that received the vectors, so no finished vector ever waits in
 * memory behind a long step.
 */
export interface EmbeddingStash {
  put(entries: readonly { key: string; vector: Float32Array }[]): void;
  /** The stashed vectors of these keys (absent keys are missing from the map). */
  get(keys: readonly string[]): Map<string, Float32Array>;
  drop(keys: readonly string[]): void;
  clear(): void;
}

/** A passage waiting for its vector, with what the embedder needs. */
export interface PendingPassage {
  id: string;
  title: string;
  text: string;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** The write side of a store (and the catalogue a writer diffs against). One writer at a time: see `withWriteLock`. */
export interface IndexStore {
  /** Backend name, e.g. "local". */
  readonly backend: string;
  /** What the live state was built with; null when nothing was ever committed. */
  meta(): Promise<IndexMeta | null>;
  /** Stored articles by id: all of them, or those of `ids` that are stored. */
  articles(ids?: readonly string[]): Promise<Map<string, ArticleState>>;
  /** Ids of every stored article (cheaper than `articles()`). */
  articleIds(): Promise<Set<string>>;
  /** How many articles and passages are stored. */
  counts(): Promise<{ articles: number; passages: number }>;
  /** Up to `limit` passages without a vector, in a stable order. */
  pendingVectors(limit: number): Promise<PendingPassage[]>;
  /** Applies one change atomically. Throws (and applies nothing) on a vector of the wrong dimension. */
  commit(change: StoreChange): Promise<void>;
  /** Optional: without it, a killed build computes again the vectors of the batch it was on. */
  readonly stash?: EmbeddingStash;
  /**
   * A fresh space that replaces this store's live state on `publish()`; until then readers see the
   * old state. Resumes the unfinished rebuild of the same `meta` if there is one (its committed
   * articles are kept), otherwise starts empty.
   */
  rebuild(meta: IndexMeta): Promise<RebuildSpace>;
  /**
   * Runs `job` as the only writer of this store across processes, queued behind a live writer
   * (`onWait` tells whom we wait for, when known). Rejects with an EngineError INDEX_BUSY when
   * the backend gives up waiting.
   */
  withWriteLock<T>(job: () => Promise<T>, options?: { onWait?: (holder: { pid: number } | null) => void }): Promise<T>;
  /** A reader for serving asks. */
  reader(): StoreReader;
  /** Removes what crashed writers left behind (half-written files, abandoned spaces). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** A rebuild in progress: write into it like a store, then publish it. */
export interface RebuildSpace extends Pick<IndexStore, 'meta' | 'articles' | 'articleIds' | 'counts' | 'pendingVectors' | 'commit' | 'stash'> {
  /** Makes this space the live state, atomically. */
  publish(): Promise<void>;
  /**
   * Gives the space up without publishing it (a build that failed): frees what it holds in this
   * process (worker threads, database handles). What it committed stays, so the next rebuild of
   * the same meta resumes from it. The space is unusable afterwards; calling it twice is harmless.
   */
  abandon(): Promise<void>;
}

export interface StoreReader {
  /**
   * The view to serve from, up to date with the latest commit: the first call loads, later ones
   * apply only the changes since the previous view (or load a rebuilt store whole, off the
   * caller's critical path). Rejects with INDEX_MISSING when nothing was ever committed and
   * INDEX_CORRUPT when what is stored cannot be read. `wait`: when the state was replaced whole,
   * wait for it to load instead of answering from the previous view (a writer after its own rebuild).
   */
  refresh(options?: { wait?: boolean }): Promise<StoreView>;
  close(): Promise<void>;
}

/** One committed state, ready to search. */
export interface StoreView {
  /** Changes with every commit; equal versions are equal states. */
  readonly version: string;
  readonly meta: IndexMeta;
  /** Every article's source, by id. */
  readonly sources: ReadonlyMap<string, SourceMeta>;
  /** Passages in the view. */
  readonly passageCount: number;
  /** Passages holding a vector. */
  readonly vectorCount: number;
  /** BM25 over the passages (ids are passage ids). */
  readonly lexical: LexicalIndex;
  /**
   * The backend's own full-text search, when it has one (LanceDB); hybrid search then ranks the
   * lexical side with it instead of `lexical`, which still serves term statistics and checks.
   */
  searchText?(text: string, k: number): Promise<LexicalHit[]>;
  /** Term weights over the passages, for highlights and abstention. */
  readonly termStats: TermStats;
  /** Nearest passages by cosine similarity; [] when the view has no vectors. */
  searchVectors(vector: Float32Array, k: number): Promise<VectorHit[]>;
  /**
   * Brings into memory what the view still searches on disk (the local backend's vector index
   * after a load: its checkpoint file answers until hnswlib has read it) and resolves once done.
   * Searches never wait for it; absent when a backend has nothing of the kind.
   */
  loadVectors?(): Promise<void>;
  /** The passages with these ids, in the same order; ids no longer stored are left out. */
  passages(ids: readonly string[]): Promise<StoredPassage[]>;
  /**
   * The stemmed terms the index keeps for these passages' text (`PassageTerms.terms` joined by
   * spaces), by passage id, where the backend keeps them: answers take stems from there instead
   * of stemming the passages again.
   */
  passageTerms?(ids: readonly string[]): Promise<Map<string, string>>;
  /** Every passage id in the view (benchmarks and checks; not for serving). */
  passageIds(): Promise<string[]>;
  /** The stored vectors of these passages, null where a passage has none. */
  vectors(ids: readonly string[]): Promise<(Float32Array | null)[]>;
}

/** Settings every backend gets from `createStore`. */
export interface StoreConfig {
  backend: string;
  /** Folder the local backend keeps its files in (other backends may keep a marker or nothing there). */
  indexDir: string;
  /** LanceDB location (LANCEDB_URI): a folder or an object-store URI; default `<indexDir>/lancedb`. */
  lancedbUri?: string | null;
}
