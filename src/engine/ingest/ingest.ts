import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { articleFilesOf } from '../corpus/article-files.js';
import { fsyncPath, writeFileAtomic } from '../fs/atomic-write.js';
import { cleanLine } from './clean-metadata.js';
import type { SourceMeta } from '../types.js';
import { articleId } from './article-id.js';
import { urlKey } from '../corpus/article-identity.js';
import type { CorpusCache } from '../corpus/corpus-cache.js';
import { catalogEntriesOf, catalogMatches, hasOtherArticle, type CatalogEntry } from './corpus-catalog.js';
import { sweepStaleTemps, withCorpusLock } from './corpus-lock.js';
import { markPending, unmarkPending } from './pending-changes.js';
import type { ExtractBudget } from './document-budget.js';
import { MAX_DOCUMENT_BYTES, type ExtractedArticle } from './extract-article.js';
import { extractInWorker, type BudgetedArticle } from './extract-in-worker.js';
import { runOffThread } from './article-pipeline.js';
import { fetchUrl, type FetchUrlOptions } from './fetch-url.js';
import { ingestError } from './ingest-error.js';
import { sameSite } from './same-site.js';
import type { Bytes } from '../workers/byte-transfer.js';

export interface IngestInput {
  url?: string;
  /** An uploaded file: its bytes whole, or in the pieces they were downloaded in. */
  file?: { name: string; data: Bytes };
  /**
   * A moderator's explicit consent to replace an article whose text came from another source
   * (an upload declaring its URL, a page redirected from its address). Without it that is refused.
   */
  replace?: boolean;
}

export type IngestStep = 'fetch' | 'extract' | 'write';

export interface IngestDeps {
  corpusDir: string;
  /** Fetch limits and, for tests only, `allowHosts`. */
  fetch?: FetchUrlOptions;
  /** Attachment size cap. Default 5 MB. */
  maxFileBytes?: number;
  /** Extraction bounds (time, memory, shape, passages); defaults in document-budget.ts. */
  budget?: Partial<ExtractBudget>;
  onProgress?: (step: IngestStep) => void;
  /** What corpus files held when last read, so the duplicate check reads only changed files. */
  corpusCache?: CorpusCache;
}

export type IngestStatus = 'added' | 'updated' | 'duplicate';

export interface IngestResult {
  /** Id of the article now in the corpus (for a duplicate: the one already there). */
  id: string;
  title: string;
  status: IngestStatus;
  source: SourceMeta;
  /** For a duplicate: what matched ("url" or "text"). */
  matchedBy?: 'url' | 'text';
  /** Corpus file written (absent for a duplicate). */
  file?: string;
  /** Length of the article text in characters. */
  chars: number;
  /** For an update: the article as it was before (the result's `source` is after). */
  previous?: SourceMeta;
  /** True when an article from another source was replaced on purpose (`replace`). */
  replaced?: boolean;
}

/**
 * Adds one article to the corpus from a URL or an attachment, in the article file format.
 * Fetching and extraction run unlocked; the duplicate check and the write hold the corpus
 * lock, so concurrent ingests both land and never add the same article twice. The caller
 * then brings the index up to date (`engine.reindex()` embeds only the new chunks).
 *
 * @example await ingest({ url: 'https://site.example/a' }, { corpusDir: 'corpus' })
 *   // { id: 'stargate-openai-softbank-3f9c2a1b', title: 'Stargate…', status: 'added', source: {…}, file: 'corpus/…md', chars: 2841 }
 * @throws IngestError (see ingest-error.ts for codes)
 */
export async function ingest(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  if (Boolean(input.url) === Boolean(input.file)) {
    throw ingestError('NO_INPUT', {});
  }
  const { article, fetchedUrl } = await extract(input, deps);
  const url = chooseUrl(article.canonicalUrl, fetchedUrl);
  const meta: Omit<SourceMeta, 'id'> = {
    title: article.title,
    publisher: article.publisher,
    author: article.author,
    url,
    date: article.date,
    language: article.language,
  };
  // Cleaned on the extraction worker (the same `findArticleText` on the same text, title and publisher).
  if (article.textSpans === 0) {
    throw ingestError('EMPTY_DOCUMENT', input.file ? { file: cleanLine(input.file.name, 100) } : {});
  }
  const hash = article.textHash;
  const keys = new Set([urlKey(url), urlKey(fetchedUrl), urlKey(input.url)].filter((k): k is string => k !== null));

  return withCorpusLock(deps.corpusDir, async () => {
    deps.onProgress?.('write');
    await sweepStaleTemps(deps.corpusDir, (corpusDir) => runOffThread({ kind: 'sweep', corpusDir }));
    // Only the files holding this text or one of these addresses: O(1) at any corpus size.
    const matches = await catalogMatches(deps.corpusDir, hash, [...keys], deps.corpusCache);
    const sameText = matches.find((e) => e.textHash === hash);
    if (sameText) return duplicate(sameText, sameText.urlKey !== null && keys.has(sameText.urlKey) ? 'url' : 'text', article);
    const sameUrl = matches.find((e) => e.urlKey !== null && keys.has(e.urlKey));
    if (sameUrl) {
      const old = sameUrl.meta;
      // A page fetched again from its own site is a new version of it. Any other text naming
      // that address (an upload's front matter, a page that redirected from it) would put words
      // under another outlet's name: only a moderator's explicit `replace` allows that.
      const sameSource = fetchedUrl !== null && old.url !== null && sameSite(old.url, fetchedUrl);
      if (!sameSource && !input.replace) {
        throw ingestError('NEEDS_REPLACE', { id: old.id, title: old.title, url: old.url ?? '' });
      }
      // The new version's text and title win; a fact the new page leaves unsaid keeps its old value.
      const merged = {
        ...meta,
        publisher: meta.publisher ?? old.publisher,
        author: meta.author ?? old.author ?? null,
        url: meta.url ?? old.url,
        date: meta.date ?? old.date,
        language: meta.language ?? old.language,
      };
      const file = await writeArticle(deps.corpusDir, old.id, merged, article, sameUrl.path, deps.corpusCache);
      return { ...result(old.id, merged, 'updated', file, article), previous: old, ...(sameSource ? {} : { replaced: true }) };
    }
    const id = await freshId(deps.corpusDir, meta.title, url ?? hash);
    const file = await writeArticle(deps.corpusDir, id, meta, article, null, deps.corpusCache);
    return result(id, meta, 'added', file, article);
  });
}

/**
 * Takes an article out of the corpus (all files carrying that id). The caller then runs
 * `engine.reindex()`, which drops its chunks from the index.
 *
 * @example await removeArticle('stargate-openai-softbank-3f9c2a1b', { corpusDir: 'corpus' }) // { id, title, … }
 * @throws IngestError NOT_FOUND, LAST_ARTICLE
 */
export async function removeArticle(id: string, deps: { corpusDir: string; corpusCache?: CorpusCache }): Promise<SourceMeta> {
  return withCorpusLock(deps.corpusDir, async () => {
    // Its own files by name, and one other article: never the whole folder (O(1) at any size).
    const matches = await catalogEntriesOf(deps.corpusDir, id, deps.corpusCache);
    const first = matches[0];
    if (!first) throw ingestError('NOT_FOUND', { id: cleanLine(id, 140) });
    if (!(await hasOtherArticle(deps.corpusDir, id, deps.corpusCache))) {
      // An empty corpus cannot be indexed: the index would keep serving the removed article.
      throw ingestError('LAST_ARTICLE', { id: first.meta.id, title: first.meta.title });
    }
    // Marked first: if this process dies before its index update, the next update drops it.
    await markPending(deps.corpusDir, first.meta.id);
    for (const entry of matches) await rm(entry.path, { force: true });
    fsyncPath(deps.corpusDir);
    // After the files: a row left by a crash here is found stale by the next check of it.
    for (const entry of matches) deps.corpusCache?.catalog?.drop(basename(entry.path));
    return first.meta;
  });
}

async function extract(input: IngestInput, deps: IngestDeps): Promise<{ article: BudgetedArticle; fetchedUrl: string | null }> {
  if (input.file) {
    deps.onProgress?.('extract');
    const article = await extractInWorker(
      { data: input.file.data, name: input.file.name },
      { maxBytes: deps.maxFileBytes ?? MAX_DOCUMENT_BYTES, budget: deps.budget },
    );
    return { article, fetchedUrl: null };
  }
  deps.onProgress?.('fetch');
  const fetched = await fetchUrl(input.url ?? '', deps.fetch);
  deps.onProgress?.('extract');
  const article = await extractInWorker(
    { data: fetched.chunks, mime: fetched.mime, charset: fetched.charset, url: fetched.url },
    { maxBytes: Number.POSITIVE_INFINITY, budget: deps.budget },
  );
  return { article, fetchedUrl: fetched.url };
}

/**
 * The URL to record: the page's canonical URL when it is on the very site we fetched (see
 * `sameSite`: a page cannot claim another site's or a parent domain's address), else the
 * address the text actually came from. A file has no fetched address: what its front
 * matter declares is the uploader's statement, which can add an article under that address
 * but never replace one there without `replace`.
 */
export function chooseUrl(canonical: string | null, fetched: string | null): string | null {
  if (!fetched) return canonical;
  if (canonical && sameSite(canonical, fetched)) return canonical;
  const u = new URL(fetched);
  u.hash = '';
  return u.toString();
}

/** A new id that no file of the corpus uses, even one the loader cannot read. */
async function freshId(corpusDir: string, title: string, identity: string): Promise<string> {
  // Looked up by name: no listing of the folder (200 000 names at a million passages).
  for (let length = 8; length <= 64; length += 8) {
    const id = articleId(title, identity, length);
    if ((await articleFilesOf(corpusDir, id)).length === 0) return id;
  }
  return articleId(title, `${identity}\n${Date.now()}`, 16);
}

/** Writes `<id>.md` atomically; an older file of the same id in another format goes after. */
async function writeArticle(
  corpusDir: string,
  id: string,
  meta: Omit<SourceMeta, 'id'>,
  article: ExtractedArticle,
  previousPath: string | null,
  cache?: CorpusCache,
): Promise<string> {
  const path = join(corpusDir, `${id}.md`);
  // Written and read back (YAML both ways) on the article worker, not on a bot's event loop.
  const { content, facts } = await runOffThread({ kind: 'file', meta: { ...meta, title_descriptive: article.titleFromText || undefined }, body: article.text });
  // Marked first: if this process dies before its index update, the next update indexes it.
  const mark = await markPending(corpusDir, id);
  // Its catalog row before the file too: a row whose write then fails is found stale when next
  // matched, while a file without a row would let its duplicate in.
  cache?.catalog?.put({ name: `${id}.md`, textHash: facts.textHash, urlKey: facts.urlKey });
  try {
    writeFileAtomic(path, content);
  } catch (err) {
    await unmarkPending(corpusDir, mark);
    throw err;
  }
  if (previousPath && previousPath !== path) {
    // Until this runs the loader sees `<id>.md` first and skips the old file as a repeat id.
    await rm(previousPath, { force: true });
    fsyncPath(corpusDir);
    cache?.catalog?.drop(basename(previousPath));
  }
  return path;
}

function duplicate(entry: CatalogEntry, matchedBy: 'url' | 'text', article: ExtractedArticle): IngestResult {
  return { id: entry.meta.id, title: entry.meta.title, status: 'duplicate', source: entry.meta, matchedBy, chars: article.text.length };
}

function result(id: string, meta: Omit<SourceMeta, 'id'>, status: IngestStatus, file: string, article: ExtractedArticle): IngestResult {
  return { id, title: meta.title, status, source: { id, ...meta }, file, chars: article.text.length };
}
