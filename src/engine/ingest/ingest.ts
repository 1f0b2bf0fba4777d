import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeArticleFile } from '../corpus/article-file.js';
import { findArticleText } from '../corpus/clean.js';
import { fsyncPath, writeFileAtomic } from '../fs/atomic-write.js';
import type { SourceMeta } from '../types.js';
import { articleId } from './article-id.js';
import { readCatalog, textHash, urlKey, type CatalogEntry } from './corpus-catalog.js';
import { sweepStaleTemps, withCorpusLock } from './corpus-lock.js';
import { extractArticle, MAX_DOCUMENT_BYTES, type ExtractedArticle } from './extract-article.js';
import { fetchUrl, type FetchUrlOptions } from './fetch-url.js';
import { IngestError } from './ingest-error.js';

export interface IngestInput {
  url?: string;
  file?: { name: string; data: Uint8Array };
}

export type IngestStep = 'fetch' | 'extract' | 'write';

export interface IngestDeps {
  corpusDir: string;
  /** Fetch limits and, for tests only, `allowHosts`. */
  fetch?: FetchUrlOptions;
  /** Attachment size cap. Default 5 MB. */
  maxFileBytes?: number;
  onProgress?: (step: IngestStep) => void;
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
    throw new IngestError('NO_INPUT', 'Give exactly one URL or one file to ingest.');
  }
  const { article, fetchedUrl } = await extract(input, deps);
  const url = chooseUrl(article.canonicalUrl, fetchedUrl);
  const meta: Omit<SourceMeta, 'id'> = {
    title: article.title,
    publisher: article.publisher,
    url,
    date: article.date,
    language: article.language,
  };
  if (findArticleText(article.text, { title: meta.title, publisher: meta.publisher }).length === 0) {
    const what = input.file ? `File ${JSON.stringify(input.file.name)}` : 'The page';
    throw new IngestError('EMPTY_DOCUMENT', `${what} has no article text left after removing boilerplate.`);
  }
  const hash = textHash(article.text);
  const keys = new Set([urlKey(url), urlKey(fetchedUrl), urlKey(input.url)].filter((k): k is string => k !== null));

  return withCorpusLock(deps.corpusDir, async () => {
    deps.onProgress?.('write');
    await sweepStaleTemps(deps.corpusDir);
    const catalog = await readCatalog(deps.corpusDir);
    const sameText = catalog.find((e) => e.textHash === hash);
    if (sameText) return duplicate(sameText, sameText.urlKey !== null && keys.has(sameText.urlKey) ? 'url' : 'text', article);
    const sameUrl = catalog.find((e) => e.urlKey !== null && keys.has(e.urlKey));
    if (sameUrl) {
      // The new version's text and title win; a fact the new page leaves unsaid keeps its old value.
      const old = sameUrl.meta;
      const merged = {
        ...meta,
        publisher: meta.publisher ?? old.publisher,
        url: meta.url ?? old.url,
        date: meta.date ?? old.date,
        language: meta.language ?? old.language,
      };
      const file = await writeArticle(deps.corpusDir, old.id, merged, article, sameUrl.path);
      return result(old.id, merged, 'updated', file, article);
    }
    const id = freshId(meta.title, url ?? hash, await readdir(deps.corpusDir));
    const file = await writeArticle(deps.corpusDir, id, meta, article, null);
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
export async function removeArticle(id: string, deps: { corpusDir: string }): Promise<SourceMeta> {
  return withCorpusLock(deps.corpusDir, async () => {
    const catalog = await readCatalog(deps.corpusDir);
    const matches = catalog.filter((e) => e.meta.id === id);
    const first = matches[0];
    if (!first) throw new IngestError('NOT_FOUND', `No article with id ${JSON.stringify(id.slice(0, 140))}.`);
    if (matches.length === catalog.length) {
      // An empty corpus cannot be indexed: the index would keep serving the removed article.
      throw new IngestError('LAST_ARTICLE', `Not removing «${first.meta.title}»: it is the last article of the coverage.`);
    }
    for (const entry of matches) await rm(entry.path, { force: true });
    fsyncPath(deps.corpusDir);
    return first.meta;
  });
}

async function extract(input: IngestInput, deps: IngestDeps): Promise<{ article: ExtractedArticle; fetchedUrl: string | null }> {
  if (input.file) {
    deps.onProgress?.('extract');
    const article = await extractArticle(
      { data: input.file.data, name: input.file.name },
      { maxBytes: deps.maxFileBytes ?? MAX_DOCUMENT_BYTES },
    );
    return { article, fetchedUrl: null };
  }
  deps.onProgress?.('fetch');
  const fetched = await fetchUrl(input.url ?? '', deps.fetch);
  deps.onProgress?.('extract');
  const article = await extractArticle(
    { data: fetched.body, mime: fetched.mime, charset: fetched.charset, url: fetched.url },
    { maxBytes: Number.POSITIVE_INFINITY },
  );
  return { article, fetchedUrl: fetched.url };
}

/**
 * The URL to record: the page's canonical URL when it is on the site we fetched (a page
 * cannot claim another site's address and so overwrite that site's article), else the
 * address the text actually came from.
 */
export function chooseUrl(canonical: string | null, fetched: string | null): string | null {
  if (!fetched) return canonical;
  if (canonical && sameSite(canonical, fetched)) return canonical;
  const u = new URL(fetched);
  u.hash = '';
  return u.toString();
}

function sameSite(a: string, b: string): boolean {
  const site = (url: string) => new URL(url).hostname.replace(/^(www|m|amp|mobile)\./, '');
  const x = site(a);
  const y = site(b);
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** A new id that no file of the corpus uses, even one the loader cannot read. */
function freshId(title: string, identity: string, names: string[]): string {
  const taken = new Set(names.map((n) => n.replace(/\.[^.]*$/, '')));
  for (let length = 8; length <= 64; length += 8) {
    const id = articleId(title, identity, length);
    if (!taken.has(id)) return id;
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
): Promise<string> {
  const path = join(corpusDir, `${id}.md`);
  const content = serializeArticleFile({ ...meta, title_descriptive: article.titleFromText || undefined }, article.text);
  writeFileAtomic(path, content);
  if (previousPath && previousPath !== path) {
    // Until this runs the loader sees `<id>.md` first and skips the old file as a repeat id.
    await rm(previousPath, { force: true });
    fsyncPath(corpusDir);
  }
  return path;
}

function duplicate(entry: CatalogEntry, matchedBy: 'url' | 'text', article: ExtractedArticle): IngestResult {
  return { id: entry.meta.id, title: entry.meta.title, status: 'duplicate', source: entry.meta, matchedBy, chars: article.text.length };
}

function result(id: string, meta: Omit<SourceMeta, 'id'>, status: IngestStatus, file: string, article: ExtractedArticle): IngestResult {
  return { id, title: meta.title, status, source: { id, ...meta }, file, chars: article.text.length };
}
