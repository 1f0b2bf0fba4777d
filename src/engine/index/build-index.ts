import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Embedder } from '../embed/embedder.js';
import { articleFilesOf } from '../corpus/article-files.js';
import { loadCorpus, type LoadedCorpus } from '../corpus/load-corpus.js';
import type { CorpusCache, CorpusFileFacts } from '../corpus/corpus-cache.js';
import { createError, EngineError } from '../errors.js';
import { runOffThread } from '../ingest/article-pipeline.js';
import { clearPending, readPending, type PendingMarks } from '../ingest/pending-changes.js';
import { ANALYZER_VERSION } from '../text/analyze.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../text/chunk.js';
import type { Article, IndexProgress, IndexReport } from '../types.js';
import { knownVectors, type KnownVectors } from './known-vectors.js';
import { prepareArticle } from './prepare-article.js';
import type { ArticleWrite, EmbeddingStash, IndexMeta, IndexStore, RebuildSpace } from './store.js';

// Where they lived before they had a module of their own (the article pipeline's worker imports that alone).
export { prepareArticle, sourceOf } from './prepare-article.js';

export interface BuildOptions {
  corpusDir: string;
  store: IndexStore;
  /** Loads the embedder; a rejection makes the build lexical-only, with a warning. Null: lexical-only by choice. */
  loadEmbedder: (() => Promise<Embedder>) | null;
  /** Ignore the existing index and embed everything again (resuming an unfinished rebuild). */
  rebuild?: boolean;
  /**
   * Only these articles changed (an ingest or a removal): only their files are read, and those of
   * articles an unfinished update marked (see pending-changes.ts: a killed or failed ingest), so
   * the cost follows the change, not the size of the corpus folder. Files edited, added or
   * removed by hand wait for a full build.
   */
  articles?: readonly string[];
  /** What corpus files held when last read: a full build then reads only files changed since. */
  corpusCache?: CorpusCache;
  onProgress?: (p: IndexProgress) => void;
}

/** What the embedder sees of a chunk: the title gives context the passage often lacks. */
export const passageText = (title: string, text: string) => `${title}\n${text}`;

/** Passages committed together, their articles whole (an article is never committed without its vectors). */
const BATCH_PASSAGES = 64;
/**
 * Passages per model call: one job of an embedding thread (the embedder's job size), so the
 * vectors of each job are stashed the moment the model returns them.
 */
const EMBED_CALL = 4;
/** Model calls waiting or running at once: enough to keep the most threads the pool starts (four) busy. */
const CALLS_IN_FLIGHT = 4;

/** Stash key of an embedded text: the same text embedded by the same model gives the same vector. */
export const embeddingKey = (text: string) => createHash('sha256').update(text).digest('base64url');

/** A turn of the event loop, between pages of a long synchronous job. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const sameMeta = (a: IndexMeta | null, b: IndexMeta | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Brings the store up to date with `corpusDir`: unchanged articles stay as they are, changed and
 * new ones are chunked, analysed and embedded, removed ones leave — each in small committed
 * batches, so a killed build resumes where it stopped. A rebuild (asked, or needed: other
 * chunker, analyzer or model, an unreadable index) fills a fresh space that replaces the live
 * one when complete; until then the old index keeps answering.
 */
export async function buildIndex(options: BuildOptions): Promise<IndexReport> {
  const { store } = options;
  // One writer at a time, across processes too; queued behind another writer for as long as it
  // lives (its work can take minutes), a dead one is taken over.
  return store.withWriteLock(
    async () => {
      await store.sweep();
      return buildLocked(options);
    },
    { onWait: (holder) => options.onProgress?.({ phase: 'wait', done: 0, total: 0, ...(holder ? { holderPid: holder.pid } : {}) }) },
  );
}

async function buildLocked(options: BuildOptions): Promise<IndexReport> {
  const { store, onProgress } = options;
  const notes: string[] = [];
  onProgress?.({ phase: 'load', done: 0, total: 1 });

  let previous: IndexMeta | null = null;
  let unreadable = false;
  try {
    previous = await store.meta();
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    notes.push(`${err.message.split(' Run ')[0]} Rebuilding.`);
    unreadable = true;
  }

  let embedder: Embedder | null = null;
  let modelError: string | null = null;
  try {
    embedder = options.loadEmbedder ? await options.loadEmbedder() : null;
  } catch (err) {
    modelError = (err as Error).message;
  }
  const model = embedder ? { id: embedder.modelId, dimension: embedder.dimension } : null;
  const wanted: IndexMeta = { chunkerVersion: CHUNKER_VERSION, analyzerVersion: ANALYZER_VERSION, model };

  let rebuild = options.rebuild === true || unreadable || !previous;
  let upgraded = false;
  if (previous && !rebuild) {
    if (previous.chunkerVersion !== CHUNKER_VERSION || previous.analyzerVersion !== ANALYZER_VERSION) {
      rebuild = true;
      upgraded = true;
    } else if (model && !sameMeta({ ...previous, model }, previous)) {
      // Another model (or the first one for a lexical-only index): every passage needs a vector.
      rebuild = true;
    }
  }
  // Without the model, an index that has vectors keeps them (losing them would cost a full
  // re-embed); new passages wait for the model.
  const meta: IndexMeta = !rebuild && previous ? { ...wanted, model: model ?? previous.model } : wanted;
  // Changes an earlier update left unindexed (killed, failed): brought level by this one too.
  const pending = await readPending(options.corpusDir);
  // Passages cut or analysed by the new version whose text an old one had keep its vector, when
  // the model is the same: the upgrade costs what it changed, not a re-embedding of the index.
  const known = upgraded && model && sameMeta({ ...previous!, model }, previous) ? await knownVectors(store, (title, text) => embeddingKey(passageText(title, text))) : null;
  const target: IndexStore | RebuildSpace = rebuild ? await store.rebuild(meta) : store;
  let corpus: LoadedCorpus;
  let gone: string[];
  let changed: Article[];
  let embedded: string[];
  let waiting: number;

  try {
    const result = await fill(options, { target, meta, embedder, held: known, pending, named: options.articles && !rebuild ? options.articles : null });
    onProgress?.({ phase: 'write', done: 0, total: 1 });
    if (rebuild) await (target as RebuildSpace).publish();
    onProgress?.({ phase: 'write', done: 1, total: 1 });
    ({ corpus, gone, changed, waiting } = result);
    embedded = result.embedded;
  } catch (err) {
    // The previous index keeps answering; the space keeps what it committed for the next
    // rebuild to resume, and gives back its vector builder and database handle now.
    if (rebuild) await (target as RebuildSpace).abandon().catch(() => undefined);
    throw err;
  } finally {
    await known?.close();
  }
  // Every change the marks named is in the index now.
  await clearPending(options.corpusDir, pending.marks);

  if (upgraded) {
    const kept = known ? ` ${known.found} of its ${(await store.counts()).passages} passages kept their vectors (same text, same model); the others were embedded again.` : '';
    const versions = [
      ...(previous!.chunkerVersion !== CHUNKER_VERSION ? [`chunker v${previous!.chunkerVersion} → v${CHUNKER_VERSION}`] : []),
      ...(previous!.analyzerVersion !== ANALYZER_VERSION ? [`analyzer v${previous!.analyzerVersion} → v${ANALYZER_VERSION}`] : []),
    ];
    notes.unshift(`This version cuts or analyses passages differently (${versions.join(', ')}): the index was rebuilt from the corpus folder.${kept}`);
  }
  if (modelError) {
    if (!meta.model) notes.push(`${modelError} Built a lexical-only index.`);
    else if (changed.length === 0 && gone.length === 0) notes.push(`${modelError} Kept the index as it is.`);
    else notes.push(`${modelError} Kept the vectors there are.`);
  }
  if (waiting > 0) notes.push(`${waiting} new passages wait for the model to be embedded (lexical search finds them meanwhile).`);
  const counts = await store.counts();
  const report: IndexReport = { articles: counts.articles, chunks: counts.passages, embedded, removed: gone, skipped: corpus.skipped };
  if (notes.length > 0) report.warning = notes.join(' ');
  if (modelError) report.modelError = modelError;
  return report;
}

interface Filled {
  corpus: LoadedCorpus;
  gone: string[];
  changed: Article[];
  embedded: string[];
  waiting: number;
}

/**
 * Reads the corpus (whole, or only the named and marked articles), then commits what changed
 * into `target`: removals first, then the changed articles chunked, analysed and embedded in
 * batches of about BATCH_PASSAGES passages.
 */
async function fill(
  options: BuildOptions,
  job: { target: IndexStore | RebuildSpace; meta: IndexMeta; embedder: Embedder | null; held: KnownVectors | null; pending: PendingMarks; named: readonly string[] | null },
): Promise<Filled> {
  const { target, meta, embedder, held, onProgress } = { ...job, onProgress: options.onProgress };
  let corpus: LoadedCorpus;
  let gone: string[];
  /** Articles prepared already (a named update's, on the worker); the others are prepared here as the batches go. */
  let preparedOf: Map<string, ArticleWrite> | null = null;
  if (job.named) {
    // What a named update needs: the named articles' files and the articles an unfinished
    // update marked. Nothing else in the folder is looked at (see pending-changes.ts);
    // files edited, added or removed by hand are brought level by a full update.
    const named = new Set([...job.named, ...job.pending.ids]);
    const files = await namedFiles(options.corpusDir, named);
    // Read, cleaned, chunked and analysed on the article worker: in a bot this was the longest
    // stall of an ingest (the first one above all, its code not yet compiled), and it grows with
    // the article. The cache rows its read yields are written here, where the cache is open.
    const loaded = await runOffThread({ kind: 'load', corpusDir: options.corpusDir, names: files, only: [...named], remembers: Boolean(options.corpusCache) });
    for (const row of loaded.remembered) options.corpusCache?.remember(row.name, row.fingerprint, row.facts);
    corpus = loaded.corpus;
    preparedOf = new Map(loaded.prepared.map((p) => [p.source.id, p]));
    const present = new Set(corpus.articles.map((a) => a.id));
    gone = [...(await target.articles([...named])).keys()].filter((id) => !present.has(id));
  } else {
    const stored = await target.articleIds();
    // Files unchanged since they were read for this very version of the article stay unread.
    const before = options.corpusCache ? await target.articles() : null;
    // The duplicate check's catalog index is brought level with the folder as well: files added,
    // edited or removed by hand are caught here, as the index catches them (see catalog-index.ts).
    const catalog = options.corpusCache?.catalog ?? null;
    const since = catalog?.stamp() ?? 0;
    const rows = new Map<string, { textHash: string; urlKey: string | null }>();
    corpus = await loadCorpus(options.corpusDir, {
      ...(before ? { cache: options.corpusCache, unchanged: (id: string, hash: string) => before.get(id)?.hash === hash } : {}),
      ...(catalog ? { onFacts: (name: string, f: CorpusFileFacts) => void rows.set(name, { textHash: f.textHash, urlKey: f.urlKey }) } : {}),
    });
    await catalog?.sync(options.corpusDir, rows, since, turn);
    if (corpus.articles.length + corpus.unchanged.length === 0) throw createError('CORPUS_EMPTY', options.corpusDir);
    const present = new Set([...corpus.articles.map((a) => a.id), ...corpus.unchanged]);
    gone = [...stored].filter((id) => !present.has(id));
  }

  const known = await target.articles(corpus.articles.map((a) => a.id));
  const changed = corpus.articles.filter((a) => known.get(a.id)?.hash !== a.hash);
  const embedded = changed.map((a) => a.id);
  if (gone.length > 0) await target.commit({ meta, remove: gone });

  // Counted first, prepared as the batches go: at a million passages a rebuild would otherwise
  // hold every changed article chunked and analysed before its first commit.
  const prepare = (a: Article) => preparedOf?.get(a.id) ?? prepareArticle(a);
  const total = changed.reduce((n, a) => n + (preparedOf?.get(a.id)?.passages.length ?? chunkArticle(a, DEFAULT_CHUNK_OPTIONS).length), 0);
  const batches = preparedBatches(changed, BATCH_PASSAGES, prepare)[Symbol.iterator]();
  let done = 0;
  let waiting = 0;
  const stopped = { now: false };
  const progress = (passages: number) => {
    done += passages;
    onProgress?.({ phase: 'embed', done, total });
  };
  const embedBatch = (batch: ArticleWrite[]): Promise<Float32Array[]> | null => {
    if (!embedder) return null;
    const running = embedDurably(embedder, target.stash, batchTexts(batch), progress, stopped, held);
    running.catch(() => undefined); // awaited once the batch before it is committed
    return running;
  };
  onProgress?.({ phase: 'embed', done, total });
  try {
    // The model works on the next batch while one commits; its vectors are stashed as they come.
    let next = batches.next();
    let embedding = next.done ? null : embedBatch(next.value);
    while (!next.done) {
      const batch = next.value;
      const vectors = await embedding;
      next = batches.next();
      embedding = next.done ? null : embedBatch(next.value);
      const size = batch.reduce((n, a) => n + a.passages.length, 0);
      if (vectors) {
        let j = 0;
        for (const a of batch) for (const p of a.passages) p.vector = vectors[j++] ?? null;
      } else if (meta.model) {
        waiting += size;
      }
      await target.commit({ meta, upsert: batch });
      if (vectors) target.stash?.drop(batchTexts(batch).map(embeddingKey));
      else progress(size);
    }

    // Passages left unembedded by a build without the model are embedded now.
    if (embedder) {
      for (;;) {
        const pending = await target.pendingVectors(BATCH_PASSAGES);
        if (pending.length === 0) break;
        const texts = pending.map((p) => passageText(p.title, p.text));
        const vectors = await embedDurably(embedder, target.stash, texts, () => undefined, stopped, held);
        await target.commit({ vectors: pending.map((p, j) => ({ id: p.id, vector: vectors[j]! })) });
        target.stash?.drop(texts.map(embeddingKey));
        const articleId = (id: string) => id.slice(0, id.lastIndexOf('#'));
        for (const p of pending) if (!embedded.includes(articleId(p.id))) embedded.push(articleId(p.id));
      }
      // What a build killed between a commit and its drop left behind.
      if (total > 0) target.stash?.clear();
    }
  } finally {
    stopped.now = true;
  }
  return { corpus, gone, changed, embedded, waiting };
}

/**
 * The articles prepared (`prepare`, by default `prepareArticle`) in groups of about BATCH_PASSAGES
 * passages (an article longer than that alone), one group at a time as they are asked for: at most
 * the group being filled and the one article that did not fit in it are held beyond what the caller keeps.
 */
export function* preparedBatches(articles: Iterable<Article>, batchPassages = BATCH_PASSAGES, prepare = prepareArticle): Generator<ArticleWrite[]> {
  let batch: ArticleWrite[] = [];
  let size = 0;
  for (const a of articles) {
    const prepared = prepare(a);
    if (batch.length > 0 && size + prepared.passages.length > batchPassages) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(prepared);
    size += prepared.passages.length;
  }
  if (batch.length > 0) yield batch;
}

const batchTexts = (batch: ArticleWrite[]) => batch.flatMap((a) => a.passages.map((p) => passageText(a.source.title, p.passage.text)));

/**
 * Vectors of `texts`, in order: those the stash holds (from a killed build) or `held` holds (the
 * index being upgraded) are not computed again; the others go to the model in calls of
 * EMBED_CALL, each call's vectors stashed in the very turn the model returns them. A kill then loses only the calls the model is computing.
 * Each distinct text is embedded once. `progress` gets the passages done as they are.
 */
async function embedDurably(
  embedder: Embedder,
  stash: EmbeddingStash | undefined,
  texts: readonly string[],
  progress: (passages: number) => void,
  stopped: { now: boolean },
  held: KnownVectors | null = null,
): Promise<Float32Array[]> {
  const keys = texts.map(embeddingKey);
  const found = stash?.get(keys) ?? new Map<string, Float32Array>();
  if (held) for (const [key, vector] of await held.get(keys.filter((k) => !found.has(k)))) found.set(key, vector);
  for (const [key, vector] of found) if (vector.length !== embedder.dimension) found.delete(key);
  const uses = new Map<string, number>();
  const textOf = new Map<string, string>();
  keys.forEach((key, i) => {
    uses.set(key, (uses.get(key) ?? 0) + 1);
    textOf.set(key, texts[i]!);
  });
  const reused = keys.filter((key) => found.has(key)).length;
  if (reused > 0) progress(reused);
  const calls: string[][] = [];
  const missing = [...uses.keys()].filter((key) => !found.has(key));
  for (let i = 0; i < missing.length; i += EMBED_CALL) calls.push(missing.slice(i, i + EMBED_CALL));
  let next = 0;
  const run = async () => {
    while (next < calls.length && !stopped.now) {
      const call = calls[next++]!;
      const vectors = await embedder.embedPassages(call.map((key) => textOf.get(key)!));
      const entries = call.map((key, j) => ({ key, vector: vectors[j]! }));
      stash?.put(entries);
      for (const { key, vector } of entries) found.set(key, vector);
      progress(call.reduce((n, key) => n + uses.get(key)!, 0));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, calls.length) }, run));
  } catch (err) {
    stopped.now = true;
    throw err;
  }
  if (stopped.now && found.size < uses.size) throw new Error('the build stopped');
  return keys.map((key) => found.get(key)!);
}

/** The corpus files of these article ids, found by name without listing the folder. */
async function namedFiles(dir: string, ids: ReadonlySet<string>): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw createError('CORPUS_MISSING', dir);
  }
  const files: string[] = [];
  for (const id of ids) files.push(...(await articleFilesOf(dir, id)));
  return files;
}
