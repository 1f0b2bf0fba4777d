import { readdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Embedder } from '../embed/embedder.js';
import { loadCorpus, type LoadedCorpus } from '../corpus/load-corpus.js';
import { isArticleFileName } from '../corpus/article-file.js';
import type { CorpusCache } from '../corpus/corpus-cache.js';
import { createError, EngineError } from '../errors.js';
import { ANALYZER_VERSION, analyze, analyzeBoth } from '../text/analyze.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../text/chunk.js';
import type { Article, IndexProgress, IndexReport, SourceMeta } from '../types.js';
import type { ArticleWrite, IndexMeta, IndexStore, RebuildSpace } from './store.js';

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

/** Passages embedded and committed together: a killed build redoes at most one batch. */
const BATCH_PASSAGES = 64;

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
  const stored = await target.articleIds();
  let corpus: LoadedCorpus;
  let gone: string[];
  if (options.articles && !rebuild) {
    const names = await corpusNames(options.corpusDir);
    const wantedIds = new Set([...options.articles, ...[...names.keys()].filter((id) => !stored.has(id))]);
    corpus = await loadCorpus(options.corpusDir, { only: wantedIds, ...(options.corpusCache ? { cache: options.corpusCache } : {}) });
    gone = [...stored].filter((id) => !names.has(id) || (wantedIds.has(id) && !corpus.articles.some((a) => a.id === id)));
  } else {
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

  // Chunk, analyse, embed and commit in batches of about BATCH_PASSAGES passages.
  const prepared = changed.map(prepareArticle);
  const total = prepared.reduce((n, a) => n + a.passages.length, 0);
  let done = 0;
  let waiting = 0;
  onProgress?.({ phase: 'embed', done, total });
  for (let i = 0; i < prepared.length; ) {
    const batch: ArticleWrite[] = [];
    let size = 0;
    while (i < prepared.length && (batch.length === 0 || size + prepared[i]!.passages.length <= BATCH_PASSAGES)) {
      size += prepared[i]!.passages.length;
      batch.push(prepared[i++]!);
    }
    if (embedder) {
      const flat = batch.flatMap((a) => a.passages.map((p) => ({ p, title: a.source.title })));
      const vectors = await embedder.embedPassages(flat.map(({ p, title }) => passageText(title, p.passage.text)));
      flat.forEach(({ p }, j) => (p.vector = vectors[j] ?? null));
    } else if (meta.model) {
      waiting += size;
    }
    await target.commit({ meta, upsert: batch });
    done += size;
    onProgress?.({ phase: 'embed', done, total });
  }

  // Passages left unembedded by a build without the model are embedded now.
  if (embedder) {
    for (;;) {
      const pending = await target.pendingVectors(BATCH_PASSAGES);
      if (pending.length === 0) break;
      const vectors = await embedder.embedPassages(pending.map((p) => passageText(p.title, p.text)));
      await target.commit({ vectors: pending.map((p, j) => ({ id: p.id, vector: vectors[j]! })) });
      const articleId = (id: string) => id.slice(0, id.lastIndexOf('#'));
      for (const p of pending) if (!embedded.includes(articleId(p.id))) embedded.push(articleId(p.id));
    }
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

/** Article ids of the corpus folder by file name, without reading the files. */
async function corpusNames(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw createError('CORPUS_MISSING', dir);
  }
  return new Map(names.filter(isArticleFileName).map((name) => [basename(name, extname(name)), name]));
}
