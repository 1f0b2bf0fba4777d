import { opendir, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isArticleFileName, parseArticleFile } from '../corpus/article-file.js';
import { articleFilesOf } from '../corpus/article-files.js';
import { fileFingerprint, fingerprints, type CorpusCache } from '../corpus/corpus-cache.js';
import { factsOf } from '../corpus/corpus-file-facts.js';
import { readCorpusFile } from '../corpus/read-corpus-file.js';
import type { SourceMeta } from '../types.js';
import { fillCatalog } from './catalog-fill.js';

/** One article file of the corpus, as the duplicate checks need it. */
export interface CatalogEntry {
  meta: SourceMeta;
  /** Absolute or corpus-relative path of the file. */
  path: string;
  /** Hash of the body with whitespace normalized (see `textHash`). */
  textHash: string;
  urlKey: string | null;
}

/**
 * Reads every article file of the corpus the way the loader names them (file stem = id).
 * Files the loader would skip are skipped here too. With a `cache`, only files changed since
 * they were last read are read: an ingest's duplicate check then costs a `stat` per article.
 */
export async function readCatalog(corpusDir: string, cache?: CorpusCache): Promise<CatalogEntry[]> {
  const names = (await readdir(corpusDir)).sort().filter(isArticleFileName);
  const prints = cache ? await fingerprints(corpusDir, names) : [];
  const entries: CatalogEntry[] = [];
  for (const [i, name] of names.entries()) {
    const entry = await entryOf(corpusDir, name, prints[i] ?? null, cache);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The catalog entries that hold the text of hash `textHash` or a URL of key in `urlKeys`, in
 * file-name order: what an ingest's duplicate check needs. With the cache's catalog index, two
 * indexed lookups and a read of each matching file (a row is checked against its file before it
 * is trusted, and mended when stale): O(1) whatever the size of the corpus, and the first time
 * (no catalog yet) the catalog is filled on the article worker. Without it (a cache in memory, a
 * cache file that failed), every file is looked at, as `readCatalog` does.
 */
export async function catalogMatches(corpusDir: string, textHash: string, urlKeys: readonly string[], cache?: CorpusCache): Promise<CatalogEntry[]> {
  const matching = (e: CatalogEntry) => e.textHash === textHash || (e.urlKey !== null && urlKeys.includes(e.urlKey));
  const catalog = cache?.catalog;
  if (catalog && cache.path && !catalog.complete(corpusDir)) {
    // Once per catalog (a store written before it, a cache file lost): the full read goes to the
    // article worker, whose connection writes the rows this one then reads.
    await fillCatalog(corpusDir, cache).catch(() => undefined);
  }
  const names = catalog?.complete(corpusDir) ? catalog.find(textHash, urlKeys) : null;
  if (!names || !cache?.catalog) return (await readCatalog(corpusDir, cache)).filter(matching);
  const entries: CatalogEntry[] = [];
  for (const name of names) {
    const entry = await entryOf(corpusDir, name, await fileFingerprint(corpusDir, name), cache);
    const row = catalog!.row(name);
    if (!entry) catalog!.drop(name);
    else if (row?.textHash !== entry.textHash || row.urlKey !== entry.urlKey) catalog!.put({ name, textHash: entry.textHash, urlKey: entry.urlKey });
    if (entry && matching(entry)) entries.push(entry);
  }
  return entries;
}

/**
 * The entries of article `id` alone: its files found by name, without listing the folder (a
 * removal costs O(1) whatever the size of the corpus).
 */
export async function catalogEntriesOf(corpusDir: string, id: string, cache?: CorpusCache): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const name of (await articleFilesOf(corpusDir, id)).sort()) {
    const entry = await entryOf(corpusDir, name, cache ? await fileFingerprint(corpusDir, name) : null, cache);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * Whether the corpus holds a readable article other than `id`. The folder is read entry by
 * entry and left at the first such article: O(1) in practice, never a listing of every name.
 */
export async function hasOtherArticle(corpusDir: string, id: string, cache?: CorpusCache): Promise<boolean> {
  const dir = await opendir(corpusDir);
  try {
    for await (const entry of dir) {
      const name = entry.name;
      if (!isArticleFileName(name) || basename(name, extname(name)) === id) continue;
      if (await entryOf(corpusDir, name, cache ? await fileFingerprint(corpusDir, name) : null, cache)) return true;
    }
    return false;
  } finally {
    await dir.close().catch(() => undefined); // closed already when the loop ran to its end
  }
}

/** One file's entry, from the cache while its fingerprint holds; null when it cannot be read as an article. */
async function entryOf(corpusDir: string, name: string, print: string | null, cache?: CorpusCache): Promise<CatalogEntry | null> {
  let facts = print ? cache!.lookup(name, print) : null;
  if (!facts) {
    try {
      facts = factsOf(parseArticleFile(await readCorpusFile(corpusDir, name), extname(name).toLowerCase()));
    } catch {
      // Unreadable files are the loader's to report; they cannot be duplicates of anything.
      return null;
    }
    if (print) cache!.remember(name, print, facts);
  }
  const id = basename(name, extname(name));
  return { meta: { id, ...facts.meta }, path: join(corpusDir, name), textHash: facts.textHash, urlKey: facts.urlKey };
}
