import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArticleFile, serializeArticleFile } from '../corpus/article-file.js';
import { findArticleText } from '../corpus/clean.js';
import type { CorpusCache, CorpusFileFacts } from '../corpus/corpus-cache.js';
import { factsOf } from '../corpus/corpus-file-facts.js';
import { loadCorpus, type LoadedCorpus } from '../corpus/load-corpus.js';
import type { ArticleWrite } from '../index/store.js';
import { prepareArticle } from '../index/prepare-article.js';
import { chunkArticle } from '../text/chunk.js';
import { fillCatalogFromFile } from './catalog-fill.js';
import { sweepNow } from './corpus-lock.js';
import type { SourceMeta } from '../types.js';

/**
 * The CPU work of one ingest or removal, as jobs a worker thread runs (article-pipeline.ts): each
 * parses YAML, cleans, chunks or analyses a whole article (or lists the corpus folder, or reads
 * every file of it to fill a missing catalog), which on
 * a bot's event loop was its longest stall of an ingest (tens of milliseconds the first time,
 * hundreds for a long article).
 * Plain data in and out, so a job runs the same on the calling thread when no worker can start.
 */
export type ArticleJob =
  | { kind: 'load'; corpusDir: string; names: readonly string[]; only: readonly string[]; remembers: boolean }
  | { kind: 'file'; meta: Omit<SourceMeta, 'id'> & { title_descriptive?: boolean }; body: string }
  | { kind: 'count'; corpusDir: string; id: string }
  | { kind: 'sweep'; corpusDir: string }
  | { kind: 'catalog'; corpusDir: string; cachePath: string };

/** A cache row the job's read would have written: the calling thread writes it (it owns the database handle). */
export interface Remembered {
  name: string;
  fingerprint: string;
  facts: CorpusFileFacts;
}

export interface LoadedArticles {
  corpus: LoadedCorpus;
  /** Every loaded article chunked and analysed (`prepareArticle`), in `corpus.articles` order. */
  prepared: ArticleWrite[];
  remembered: Remembered[];
}

export interface ArticleFile {
  content: string;
  facts: CorpusFileFacts;
}

export type ArticleJobResult<J extends ArticleJob> = J extends { kind: 'load' }
  ? LoadedArticles
  : J extends { kind: 'file' }
    ? ArticleFile
    : J extends { kind: 'sweep' }
      ? string[]
      : J extends { kind: 'catalog' }
        ? void
        : number;

/** Runs one job where it is called (in the worker, or on the calling thread as a fallback). */
export async function runArticleJob(job: ArticleJob): Promise<LoadedArticles | ArticleFile | number | string[] | void> {
  if (job.kind === 'load') {
    const remembered: Remembered[] = [];
    const corpus = await loadCorpus(job.corpusDir, {
      only: new Set(job.only),
      names: job.names,
      ...(job.remembers ? { cache: recorder(remembered) } : {}),
    });
    return { corpus, prepared: corpus.articles.map(prepareArticle), remembered };
  }
  if (job.kind === 'file') {
    const content = serializeArticleFile(job.meta, job.body);
    // Read back as the loader will read the file: the duplicate check compares exactly that.
    return { content, facts: factsOf(parseArticleFile(content, '.md')) };
  }
  // A look at every name of the folder (20 000 at 100k passages: ~50 ms of callbacks): the worker's, not the event loop's.
  if (job.kind === 'sweep') return sweepNow(job.corpusDir);
  // A missing catalog's first fill: every file the corpus cache does not know is read and parsed.
  if (job.kind === 'catalog') return fillCatalogFromFile(job.corpusDir, job.cachePath);
  return countPassages(job.corpusDir, job.id);
}

/**
 * A cache that knows nothing and records what the loader would remember: the loader fingerprints
 * the files before reading them, and the rows go back to the thread that owns the cache.
 */
function recorder(rows: Remembered[]): CorpusCache {
  return {
    lookup: () => null,
    remember: (name, fingerprint, facts) => void rows.push({ name, fingerprint, facts }),
    forget: () => undefined,
    close: () => undefined,
    catalog: null,
    path: null,
  };
}

/** Chunks of an article as the index builds them (same cleaning and chunker); 0 when its file is gone. */
async function countPassages(corpusDir: string, id: string): Promise<number> {
  try {
    const parsed = parseArticleFile(await readFile(join(corpusDir, `${id}.md`), 'utf8'), '.md');
    const kept = findArticleText(parsed.body, { title: parsed.meta.title, publisher: parsed.meta.publisher });
    return chunkArticle({ id, ...parsed.meta, text: parsed.body, hash: parsed.hash, kept }).length;
  } catch {
    // Removed or replaced meanwhile by another change: nothing of it to count.
    return 0;
  }
}
