import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from '../embed/embedder.js';
import { LockBusyError, withFileLock } from '../fs/file-lock.js';
import { loadCorpus, type LoadedCorpus } from '../corpus/load-corpus.js';
import { createError, EngineError } from '../errors.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../text/chunk.js';
import type { Article, IndexProgress, IndexReport, SourceMeta } from '../types.js';
import { indexExists, readIndex, writeIndex, type IndexedChunk, type StoredIndex } from './index-store.js';
import type { Manifest } from './manifest.js';
import { createLexicalIndex, loadLexicalIndex, type LexicalIndex, type LexicalIndexJSON } from '../search/bm25.js';
import { createVectorIndex, DEFAULT_HNSW, type HnswParams, type VectorIndex } from './vector-index.js';

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  modelId: string;
  /** Loads the embedder; a rejection makes the build lexical-only, with a warning. Null: lexical-only by choice. */
  loadEmbedder: (() => Promise<Embedder>) | null;
  /** Ignore the existing index and embed everything again. */
  rebuild?: boolean;
  hnsw?: HnswParams;
  onProgress?: (p: IndexProgress) => void;
}

/** Lock file of index writers; a dot file beside the generations. */
export const WRITE_LOCK = '.write.lock';

export const sourceOf = (a: Article): SourceMeta => ({
  id: a.id, title: a.title, publisher: a.publisher, author: a.author ?? null, url: a.url, date: a.date, language: a.language,
});

/** What the embedder sees of a chunk: the title gives context the passage often lacks. */
export const passageText = (title: string, text: string) => `${title}\n${text}`;

function previousIndex(options: BuildOptions, notes: string[]): StoredIndex | null {
  if (options.rebuild || !indexExists(options.indexDir)) return null;
  try {
    const prev = readIndex(options.indexDir);
    if (prev.manifest.chunker.version !== CHUNKER_VERSION) {
      notes.push('chunker changed: rebuilding');
      return null;
    }
    return prev;
  } catch (err) {
    if (err instanceof EngineError) {
      notes.push(`${err.message.split(' Run ')[0]} Rebuilding.`);
      return null;
    }
    throw err;
  }
}

/**
 * Brings the index in `indexDir` up to date with `corpusDir`: unchanged articles keep their
 * chunks and vectors, changed and new ones are chunked and embedded, removed ones leave.
 * Writes a new generation atomically and returns it with a report.
 */
export async function buildIndex(options: BuildOptions): Promise<{ index: StoredIndex; report: IndexReport }> {
  // One writer at a time, across processes too (a CLI `index` next to a running bot): each
  // writer starts from the generation the previous one left, and none deletes another's work.
  await mkdir(options.indexDir, { recursive: true });
  try {
    // Queued behind another writer for as long as it lives (its work can take minutes); a dead one is taken over.
    return await withFileLock(join(options.indexDir, WRITE_LOCK), () => buildUnlocked(options), {
      purpose: 'index',
      onWait: (holder) => options.onProgress?.({ phase: 'wait', done: 0, total: 0, ...(holder ? { holderPid: holder.pid } : {}) }),
    });
  } catch (err) {
    if (err instanceof LockBusyError) throw createError('INDEX_BUSY', options.indexDir);
    throw err;
  }
}

async function buildUnlocked(options: BuildOptions): Promise<{ index: StoredIndex; report: IndexReport }> {
  const notes: string[] = [];
  options.onProgress?.({ phase: 'load', done: 0, total: 1 });
  const corpus = await loadCorpus(options.corpusDir);
  if (corpus.articles.length === 0) throw createError('CORPUS_EMPTY', options.corpusDir);
  const prev = previousIndex(options, notes);

  let embedder: Embedder | null = null;
  let modelError: string | null = null;
  try {
    embedder = options.loadEmbedder ? await options.loadEmbedder() : null;
  } catch (err) {
    modelError = (err as Error).message;
  }
  const sameModel = !!embedder && !!prev?.manifest.model && prev.manifest.model.id === embedder.modelId && prev.manifest.model.dimension === embedder.dimension;
  const prevChunks = new Map((prev?.chunks ?? []).map((c) => [c.id, c]));
  // Reuse a previous article only if its vectors can be reused too (or there is no model to
  // make them): passages left unembedded by a build without the model are embedded now.
  const reusable = (a: Article) => {
    const old = prev?.manifest.articles[a.id];
    if (!old || old.hash !== a.hash) return false;
    if (!embedder) return true;
    return sameModel && old.chunks.every((id) => prevChunks.get(id)?.label !== null);
  };
  const articles: Manifest['articles'] = {};
  const chunks: IndexedChunk[] = [];
  const fresh: { chunk: IndexedChunk; title: string }[] = [];
  const rechunked = new Set<string>();
  const embedded: string[] = [];
  for (const a of corpus.articles) {
    if (reusable(a)) {
      const old = prev!.manifest.articles[a.id]!;
      articles[a.id] = { ...old, source: sourceOf(a) };
      for (const id of old.chunks) chunks.push(prevChunks.get(id)!);
      continue;
    }
    const made: IndexedChunk[] = chunkArticle(a, DEFAULT_CHUNK_OPTIONS).map((c) => ({ ...c, label: null, original: a.text.slice(c.range.start, c.range.end) }));
    articles[a.id] = { hash: a.hash, source: sourceOf(a), chunks: made.map((c) => c.id) };
    chunks.push(...made);
    fresh.push(...made.map((chunk) => ({ chunk, title: a.title })));
    for (const c of made) rechunked.add(c.id);
    embedded.push(a.id);
  }
  const removed = Object.keys(prev?.manifest.articles ?? {}).filter((id) => !articles[id]);

  // Nothing changed (same articles, same model or still none, lexical file present): keep the
  // live generation rather than writing an identical one.
  const sameVectors = embedder ? sameModel : true;
  if (prev && embedded.length === 0 && removed.length === 0 && sameVectors && prev.lexical) {
    if (modelError) notes.push(`${modelError} Kept the index as it is.`);
    return { index: prev, report: reportOf(corpus, chunks, embedded, removed, notes, modelError) };
  }

  let vectors: VectorIndex | null = null;
  let hnsw: Manifest['hnsw'] = null;
  let model: Manifest['model'] = embedder ? { id: embedder.modelId, dimension: embedder.dimension } : null;
  const keep = new Set(chunks.map((c) => c.id));
  const reembedded = new Set(fresh.map((f) => f.chunk.id));
  // Labels of passages that left or changed: marked deleted in the HNSW index.
  const goneLabels = (old: StoredIndex) => old.chunks.filter((c) => c.label !== null && (!keep.has(c.id) || reembedded.has(c.id))).map((c) => c.label!);
  if (!embedder && prev?.vectors && prev.manifest.model && prev.manifest.hnsw) {
    // No model this time: keep the vectors there are (losing them would cost a full re-embed);
    // new passages stay unembedded until a build with the model.
    vectors = prev.vectors;
    const gone = goneLabels(prev);
    vectors.remove(gone);
    hnsw = { ...prev.manifest.hnsw, deleted: [...prev.manifest.hnsw.deleted, ...gone] };
    model = prev.manifest.model;
    if (modelError) notes.push(`${modelError} Kept the vectors there are.`);
    if (fresh.length > 0) notes.push(`${fresh.length} new passages wait for the model to be embedded (lexical search finds them meanwhile).`);
  } else if (embedder) {
    const params = options.hnsw ?? prev?.manifest.hnsw ?? DEFAULT_HNSW;
    let nextLabel = 0;
    let deleted: number[] = [];
    if (sameModel && prev?.vectors && prev.manifest.hnsw) {
      vectors = prev.vectors;
      nextLabel = prev.manifest.hnsw.nextLabel;
      deleted = [...prev.manifest.hnsw.deleted];
      const gone = goneLabels(prev);
      vectors.remove(gone);
      deleted.push(...gone);
    } else {
      vectors = createVectorIndex(embedder.dimension, chunks.length, params);
      // New model (or none before): every chunk needs a vector.
      fresh.splice(0, fresh.length, ...chunks.map((chunk) => ({ chunk, title: articles[chunk.articleId]!.source.title })));
      embedded.splice(0, embedded.length, ...Object.keys(articles));
    }
    const total = fresh.length;
    options.onProgress?.({ phase: 'embed', done: 0, total });
    const batch = 32;
    for (let i = 0; i < total; i += batch) {
      const part = fresh.slice(i, i + batch);
      const vecs = await embedder.embedPassages(part.map((f) => passageText(f.title, f.chunk.text)));
      const labels = part.map(() => nextLabel++);
      vectors.add(vecs, labels);
      part.forEach((f, j) => (f.chunk.label = labels[j]!));
      options.onProgress?.({ phase: 'embed', done: Math.min(i + batch, total), total });
    }
    hnsw = { ...params, nextLabel, deleted };
  }

  const lexical = updateLexical(prev, chunks, rechunked, (id) => articles[id]!.source.title);

  options.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const index: StoredIndex = {
    generation: '',
    manifest: {
      format: 'depeche-index',
      version: 1,
      createdAt: new Date().toISOString(),
      chunker: { version: CHUNKER_VERSION, options: DEFAULT_CHUNK_OPTIONS },
      model,
      hnsw,
      articles,
      files: {},
    },
    chunks,
    vectors,
    lexical,
  };
  writeIndex(options.indexDir, index);
  options.onProgress?.({ phase: 'write', done: 1, total: 1 });
  if (modelError && !vectors) notes.push(`${modelError} Built a lexical-only index.`);
  return { index, report: reportOf(corpus, chunks, embedded, removed, notes, modelError) };
}

function reportOf(corpus: LoadedCorpus, chunks: IndexedChunk[], embedded: string[], removed: string[], notes: string[], modelError: string | null): IndexReport {
  const report: IndexReport = { articles: corpus.articles.length, chunks: chunks.length, embedded, removed, skipped: corpus.skipped };
  if (notes.length > 0) report.warning = notes.join(' ');
  if (modelError) report.modelError = modelError;
  return report;

}

/**
 * The lexical index of the new generation: the previous one minus the passages that left or
 * changed, plus the new ones, so only new text is analysed. Built whole when there is no usable
 * previous one (first build, analyzer changed).
 */
function updateLexical(prev: StoredIndex | null, chunks: IndexedChunk[], rechunked: Set<string>, titleOf: (articleId: string) => string): LexicalIndexJSON {
  const doc = (c: IndexedChunk) => ({ id: c.id, text: c.text, title: titleOf(c.articleId) });
  let index: LexicalIndex | null = null;
  try {
    if (prev?.lexical) index = loadLexicalIndex(prev.lexical);
  } catch {
    index = null;
  }
  if (!index) return createLexicalIndex(chunks.map(doc)).toJSON();
  const live = new Set(chunks.map((c) => c.id));
  index.remove((prev?.chunks ?? []).map((c) => c.id).filter((id) => !live.has(id) || rechunked.has(id)));
  index.add(chunks.filter((c) => rechunked.has(c.id)).map(doc));
  return index.toJSON();
}
