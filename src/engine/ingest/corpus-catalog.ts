import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isArticleFileName, parseArticleFile } from '../corpus/article-file.js';
import { fingerprints, type CorpusCache } from '../corpus/corpus-cache.js';
import { factsOf } from '../corpus/corpus-file-facts.js';
import { readCorpusFile } from '../corpus/read-corpus-file.js';
import type { SourceMeta } from '../types.js';

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
    const print = prints[i] ?? null;
    let facts = print ? cache!.lookup(name, print) : null;
    if (!facts) {
      try {
        facts = factsOf(parseArticleFile(await readCorpusFile(corpusDir, name), extname(name).toLowerCase()));
      } catch {
        // Unreadable files are the loader's to report; they cannot be duplicates of anything.
        continue;
      }
      if (print) cache!.remember(name, print, facts);
    }
    const id = basename(name, extname(name));
    entries.push({ meta: { id, ...facts.meta }, path: join(corpusDir, name), textHash: facts.textHash, urlKey: facts.urlKey });
  }
  return entries;
}
