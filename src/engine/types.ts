/** Character range `[start, end)` into an article's original body text. */
export interface Range {
  start: number;
  end: number;
}

/** What is known about an article's source. Unknown fields are null, never guessed. */
export interface SourceMeta {
  id: string;
  title: string;
  publisher: string | null;
  /** Byline (author names joined by ", ") as the source states it, or null; absent in sources built before it existed. */
  author?: string | null;
  url: string | null;
  /** ISO date or month as the source gives it ("2024-12", "2025-01-21"), or null. */
  date: string | null;
  language: string | null;
}

export interface Article extends SourceMeta {
  /** Body text exactly as stored in the corpus file; every range points into it. */
  text: string;
  /** sha256 of metadata + body, used to detect changed articles. */
  hash: string;
  /** Spans of the body judged to be article text (boilerplate removed), in order. */
  kept: Range[];
}

/** A sentence: its range in the article body, and `local`, its range in the chunk's text. */
export interface Sentence extends Range {
  local: Range;
}

export interface Chunk {
  /** Stable id: `${articleId}#${ordinal}`. */
  id: string;
  articleId: string;
  ordinal: number;
  /** Cleaned text of the chunk (what is embedded and shown). */
  text: string;
  /** Range of the chunk in the article body. */
  range: Range;
  /** Sentence ranges in the article body, in order. */
  sentences: Sentence[];
}

export type SearchMode = 'hybrid' | 'lexical' | 'dense';

export interface ScoredChunk {
  chunk: Chunk;
  score: number;
}

/** A passage of an answer: a chunk, where it comes from, and which sentences answer. */
export interface Passage {
  chunkId: string;
  text: string;
  score: number;
  source: SourceMeta;
  /** Deep link to the best sentence (URL text fragment), the plain url, or null. */
  link: string | null;
  /** Ranges of the best-matching sentences, relative to `text`. */
  highlights: Range[];
}

export interface Disagreement {
  /** The figure the disagreeing sentences share, as written, e.g. "500 milliards"; `claims` give what each source says with it. */
  topic: string;
  claims: { value: string; chunkId: string; source: SourceMeta; sentence: string }[];
}

export interface Answer {
  question: string;
  abstained: boolean;
  mode: SearchMode;
  /** The single best sentence, or null when abstaining. */
  directAnswer: { text: string; chunkId: string; source: SourceMeta; link: string | null } | null;
  passages: Passage[];
  /** When abstaining: the nearest articles, as "you may look at". */
  suggestions: SourceMeta[];
  disagreements: Disagreement[];
  /** Non-fatal problems, e.g. "model unavailable: answered with lexical search only". */
  warnings: string[];
  /** Whether more passages are available past `offset + k`. */
  hasMore: boolean;
}

export interface AskOptions {
  k?: number;
  /** Skip the first `offset` passages ("more passages"). */
  offset?: number;
  mode?: SearchMode;
  /** Previous question in a conversation, used as context for a follow-up. */
  context?: string;
}

export interface IndexReport {
  articles: number;
  chunks: number;
  /** Articles indexed again in this run (new or changed: chunked and, when the model is there, embedded). */
  embedded: string[];
  removed: string[];
  skipped: { file: string; reason: string }[];
  /** Things worth telling whoever ran the update, in one line (model unavailable, rebuilt, …). */
  warning?: string;
  /** Why the model could not be used in this update, when it could not. */
  modelError?: string;
}

export interface IndexProgress {
  /** `wait`: queued behind another process updating the index (`holderPid`); it goes on once that one is done. */
  phase: 'load' | 'embed' | 'write' | 'wait';
  done: number;
  total: number;
  holderPid?: number;
}

export interface EngineConfig {
  /** Folder of article files (see corpus/README.md for the format). */
  corpusDir: string;
  /** Folder holding the persisted index (the local backend's files). */
  indexDir: string;
  /** Index store backend (`INDEX_BACKEND`): "local" (SQLite + hnswlib-node, the default) or another registered in index/create-store.ts. */
  indexBackend?: string;
  /** Where INDEX_BACKEND=lancedb keeps the index (`LANCEDB_URI`): a folder or an object-store URI; default `<indexDir>/lancedb`. */
  lancedbUri?: string | null;
  /** Model id, e.g. "Xenova/multilingual-e5-small". */
  model: string;
  /** Local folder of models (transformers.js layout `<dir>/<model id>/…`); disables downloads. */
  modelDir: string | null;
  /** Where downloaded models are cached. */
  cacheDir: string | null;
  /** transformers.js package running the model: @xenova/transformers 2 (default) or @huggingface/transformers 3. */
  embedRuntime?: 'xenova' | 'huggingface';
  /** Worker threads holding the model; default one per two cores, at most four. */
  embedWorkers?: number;
  /** Query vectors kept for repeated questions (default 256); 0 embeds every question (benchmarks of the bare embedding). */
  queryCacheSize?: number;
  /** A model load with no progress for this long fails (then answers are lexical, with a warning). Default 60 s. */
  modelLoadTimeoutMs?: number;
  /** An ingested article that would become more passages than this is refused. Default 400. */
  maxPassagesPerArticle?: number;
  /** Default search mode. `lexical` needs no model. */
  mode: SearchMode;
  /** Default number of passages per answer. */
  k: number;
}

/** The engine as adapters (CLI, bot) see it. Created by `createEngine(config)`. */
export interface Engine {
  /** Answers a question from the coverage. Throws `EngineError` (code `BAD_QUESTION`) on unusable input. */
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** Every article of the coverage, by title (French collation); the same frozen list until the coverage changes. */
  sources(): readonly SourceMeta[];
  source(id: string): SourceMeta | undefined;
  /**
   * Brings the index up to date with the corpus folder, embedding only new or changed articles.
   * `articles`: only these changed (an ingest, a removal) — their files alone are read.
   */
  reindex(onProgress?: (p: IndexProgress) => void, options?: { rebuild?: boolean; articles?: readonly string[] }): Promise<IndexReport>;
  /**
   * Loads the index and the model and runs one query through it, so the first member's
   * question is not the one that pays for it. Resolves to a warning when the model cannot be
   * loaded (answers will then be lexical), null otherwise.
   */
  warmUp(): Promise<string | null>;
  /**
   * Resolves once the index is wholly in memory: a vector index still searched on its file after
   * a cold start (the first answers do not wait for its read) is read now. Benchmarks call it
   * before measuring warm serving; a bot's warm-up questions start that read anyway.
   */
  loadFully(): Promise<void>;
  dispose(): Promise<void>;
}
