import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { Embedder } from '../embed/embedder.js';
import { loadCorpus, type LoadedCorpus } from '../corpus/load-corpus.js';
import { isArticleFileName } from '../corpus/article-file.js';
import type { CorpusCache } from '../corpus/corpus-cache.js';
import { createError, EngineError } from '../errors.js';
import { ANALYZER_VERSION, analyze, analyzeBoth } from '../text/analyze.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../text/chunk.js';
import type { Article, IndexProgress, IndexReport, SourceMeta } from '../types.js';
import { withId, withoutId } from './article-digest.js';
import type { ArticleWrite, EmbeddingStash, IndexMeta, IndexStore, RebuildSpace } from './store.js';

export interface BuildOptions {
  corpusDir: string;
  store: IndexStore;
  /** Loads the embedder; a rejection makes the build lexical-only, with a warning. Null: lexical-only by choice. */
  loadEmbedder: (() => Promise<Embedder>) | null;
  /** Ignore the existing index and embed everything again (resuming an unfinished rebuild). */
  rebuild?: boolean;
  /**
   * Only these articles changed (an ingest or a removal): only their files are read. Articles
   * whose file appeared or vanished since the store last saw them are brought level too (a crashed
   * ingest); edits to other files by hand wait for a full build.
   */
  articles?: readonly string[];
  /** What corpus files held when last read: a full build then reads only files changed since. */
  corpusCache?: CorpusCache;
  onProgress?: (p: IndexProgress) => void;
}

export const sourceOf = (a: Article): SourceMeta => ({
  id: a.id, title: a.title, publisher: a.publisher, author: a.author ?? null, url: a.url, date: a.date, language: a.language,
});

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

const sameMeta = (a: IndexMeta | null, b: IndexMeta | null) => JSON.stringify(a) === JSON.stringify(b);

/** Chunks and analyses an article: everything the store keeps of it but the vectors. */
export function prepareArticle(a: Article): ArticleWrite {
  return {
    source: sourceOf(a),
    hash: a.hash,
    titleTerms: a.title.trim() ? analyze(a.title) : [],
    passages: chunkArticle(a, DEFAULT_CHUNK_OPTIONS).map((c) => ({
      passage: { ...c, original: a.text.slice(c.range.start, c.range.end) },
      terms: analyzeBoth(c.text),
      vector: null,
    })),
  };
}

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
  if (previous && !rebuild) {
    if (previous.chunkerVersion !== CHUNKER_VERSION || previous.analyzerVersion !== ANALYZER_VERSION) {
      notes.push('chunker or analyzer changed: rebuilding');
      rebuild = true;
    } else if (model && !sameMeta({ ...previous, model }, previous)) {
      // Another model (or the first one for a lexical-only index): every passage needs a vector.
      rebuild = true;
    }
  }
  // Without the model, an index that has vectors keeps them (losing them would cost a full
  // re-embed); new passages wait for the model.
  const meta: IndexMeta = !rebuild && previous ? { ...wanted, model: model ?? previous.model } : wanted;
  const target: IndexStore | RebuildSpace = rebuild ? await store.rebuild(meta) : store;

  // The corpus: whole, or only the named articles and files that appeared or vanished.
  let corpus: LoadedCorpus;
  let gone: string[];
  const named = options.articles && !rebuild ? new Set(options.articles) : null;
  const names = named ? await corpusNames(options.corpusDir) : null;
  // When the folder's ids and the stored ones differ by the named articles at most (the store's
  // digest says so), only those are read and compared: no listing of every stored id.
  const storedNamed = named ? await target.articles([...named]) : null;
  if (named && names && storedNamed && (await onlyNamedDiffer(store, names, named, storedNamed))) {
    corpus = await loadCorpus(options.corpusDir, { only: named, names: [...named].flatMap((id) => names.get(id) ?? []), ...(options.corpusCache ? { cache: options.corpusCache } : {}) });
    gone = [...storedNamed.keys()].filter((id) => !names.has(id) || !corpus.articles.some((a) => a.id === id));
  } else if (named && names) {
    const stored = await target.articleIds();
    const wantedIds = new Set([...named, ...[...names.keys()].filter((id) => !stored.has(id))]);
    corpus = await loadCorpus(options.corpusDir, { only: wantedIds, ...(options.corpusCache ? { cache: options.corpusCache } : {}) });
    gone = [...stored].filter((id) => !names.has(id) || (wantedIds.has(id) && !corpus.articles.some((a) => a.id === id)));
  } else {
    const stored = await target.articleIds();
    // Files unchanged since they were read for this very version of the article stay unread.
    const before = options.corpusCache ? await target.articles() : null;
    corpus = await loadCorpus(options.corpusDir, {
      ...(before ? { cache: options.corpusCache, unchanged: (id: string, hash: string) => before.get(id)?.hash === hash } : {}),
    });
    if (corpus.articles.length + corpus.unchanged.length === 0) throw createError('CORPUS_EMPTY', options.corpusDir);
    const present = new Set([...corpus.articles.map((a) => a.id), ...corpus.unchanged]);
    gone = [...stored].filter((id) => !present.has(id));
  }

  const known = await target.articles(corpus.articles.map((a) => a.id));
  const changed = corpus.articles.filter((a) => known.get(a.id)?.hash !== a.hash);
  const embedded = changed.map((a) => a.id);
  if (gone.length > 0) await target.commit({ meta, remove: gone });

  // Chunk and analyse, then embed and commit in batches of about BATCH_PASSAGES passages. The
  // model works on the next batch while one commits; its vectors are stashed as they come.
  const prepared = changed.map(prepareArticle);
  const batches = inBatches(prepared);
  const total = prepared.reduce((n, a) => n + a.passages.length, 0);
  let done = 0;
  let waiting = 0;
  const stopped = { now: false };
  const progress = (passages: number) => {
    done += passages;
    onProgress?.({ phase: 'embed', done, total });
  };
  const embedBatch = (batch: ArticleWrite[]): Promise<Float32Array[]> | null => {
    if (!embedder) return null;
    const running = embedDurably(embedder, target.stash, batchTexts(batch), progress, stopped);
    running.catch(() => undefined); // awaited once the batch before it is committed
    return running;
  };
  onProgress?.({ phase: 'embed', done, total });
  try {
    let embedding = batches.length > 0 ? embedBatch(batches[0]!) : null;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const vectors = await embedding;
      embedding = b + 1 < batches.length ? embedBatch(batches[b + 1]!) : null;
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
        const vectors = await embedDurably(embedder, target.stash, texts, () => undefined, stopped);
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

  onProgress?.({ phase: 'write', done: 0, total: 1 });
  if (rebuild) await (target as RebuildSpace).publish();
  onProgress?.({ phase: 'write', done: 1, total: 1 });

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

/** Articles in groups of about BATCH_PASSAGES passages (an article longer than that alone). */
function inBatches(articles: ArticleWrite[]): ArticleWrite[][] {
  const batches: ArticleWrite[][] = [];
  for (let i = 0; i < articles.length; ) {
    const batch: ArticleWrite[] = [];
    let size = 0;
    while (i < articles.length && (batch.length === 0 || size + articles[i]!.passages.length <= BATCH_PASSAGES)) {
      size += articles[i]!.passages.length;
      batch.push(articles[i++]!);
    }
    batches.push(batch);
  }
  return batches;
}

const batchTexts = (batch: ArticleWrite[]) => batch.flatMap((a) => a.passages.map((p) => passageText(a.source.title, p.passage.text)));

/**
 * Vectors of `texts`, in order: those the stash holds (from a killed build) are not computed
 * again; the others go to the model in calls of EMBED_CALL, each call's vectors stashed in the
 * very turn the model returns them. A kill then loses only the calls the model is computing.
 * Each distinct text is embedded once. `progress` gets the passages done as they are.
 */
async function embedDurably(
  embedder: Embedder,
  stash: EmbeddingStash | undefined,
  texts: readonly string[],
  progress: (passages: number) => void,
  stopped: { now: boolean },
): Promise<Float32Array[]> {
  const keys = texts.map(embeddingKey);
  const found = stash?.get(keys) ?? new Map<string, Float32Array>();
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

/**
 * Whether the corpus folder's article ids and the stored ones differ by `named` articles at most:
 * the digest of the folder's ids without the named ones against the store's digest without the
 * named ones it holds. False when the store keeps no digest.
 */
async function onlyNamedDiffer(store: IndexStore, names: Map<string, string>, named: Set<string>, storedNamed: Map<string, unknown>): Promise<boolean> {
  if (!store.articleDigest) return false;
  let folder = 0;
  let i = 0;
  for (const id of names.keys()) {
    if (!named.has(id)) folder = withId(folder, id);
    if ((++i & 16383) === 0) await turn();
  }
  let stored = await store.articleDigest();
  for (const id of storedNamed.keys()) stored = withoutId(stored, id);
  return folder === stored;
}

/** Article ids of the corpus folder by file name, without reading the files. */
async function corpusNames(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw createError('CORPUS_MISSING', dir);
  }
  // In slices with a turn of the event loop between them: a large coverage has 100 000s of files.
  const out = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (isArticleFileName(name)) out.set(basename(name, extname(name)), name);
    if ((i & 8191) === 8191) await turn();
  }
  return out;
}
