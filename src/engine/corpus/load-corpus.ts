import { readdir } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import type { Article } from '../types.js';
import { createError } from '../errors.js';
import { isArticleFileName, parseArticleFile } from './article-file.js';
import { findArticleText } from './clean.js';
import { fingerprints, type CorpusCache, type CorpusFileFacts } from './corpus-cache.js';
import { factsOf } from './corpus-file-facts.js';
import { readCorpusFile } from './read-corpus-file.js';

export interface LoadedCorpus {
  articles: Article[];
  /** Files that could not be used, with the reason; they never stop the others from loading. */
  skipped: { file: string; reason: string }[];
  /** Ids of articles left unread because the cache showed them unchanged (see `unchanged`). */
  unchanged: string[];
}

export interface LoadCorpusOptions {
  /** Read only these article ids. */
  only?: ReadonlySet<string>;
  /** The file names to consider, when the caller listed the folder already (the folder is then not listed again). */
  names?: readonly string[];
  /** What files held when last read (see corpus-cache.ts); read files are remembered there. */
  cache?: CorpusCache;
  /**
   * With `cache`: whether an article whose file is unchanged since it was cached, holding content
   * of this hash, can be left unread (the index already has that version of it).
   */
  unchanged?: (id: string, hash: string) => boolean;
  /** Told the facts of every file whose facts are known once it is looked at (read, or unchanged in the cache). */
  onFacts?: (name: string, facts: CorpusFileFacts) => void;
}

/** What an article id (a file name's stem) may be. */
export const ARTICLE_ID = /^[\w.-]{1,120}$/;

/**
 * Reads every article file of `dir` (sorted by name; the file name stem is the article id),
 * or only those whose id is in `only`.
 * @example await loadCorpus('corpus') // { articles: [{ id: '000_dcb9…', title, text, kept, … }], skipped: [], unchanged: [] }
 */
export async function loadCorpus(dir: string, options: LoadCorpusOptions = {}): Promise<LoadedCorpus> {
  let names: string[];
  try {
    // An update of a few articles reads only their files.
    names = (options.names ? [...options.names] : await readdir(dir)).sort().filter((n) => isArticleFileName(n) && (!options.only || options.only.has(stem(n))));
  } catch {
    throw createError('CORPUS_MISSING', dir);
  }
  const { cache } = options;
  const prints = cache ? await fingerprints(dir, names) : [];
  const articles: Article[] = [];
  const skipped: LoadedCorpus['skipped'] = [];
  const unchanged: string[] = [];
  const ids = new Set<string>();
  for (const [i, name] of names.entries()) {
    const id = stem(name);
    try {
      if (!ARTICLE_ID.test(id)) throw new Error('file name must be letters, digits, "_", "-" or "."');
      if (ids.has(id)) throw new Error(`another file already has the id "${id}"`);
      const print = prints[i] ?? null;
      const known = print && options.unchanged ? cache!.lookup(name, print) : null;
      if (known && options.unchanged!(id, known.hash)) {
        options.onFacts?.(name, known);
        ids.add(id);
        unchanged.push(id);
        continue;
      }
      const parsed = parseArticleFile(await readCorpusFile(dir, name), extname(name).toLowerCase());
      const facts = print || options.onFacts ? factsOf(parsed) : null;
      // Before the cleaning check: the duplicate check compares such a file too.
      if (facts) options.onFacts?.(name, facts);
      const kept = findArticleText(parsed.body, { title: parsed.meta.title, publisher: parsed.meta.publisher });
      if (kept.length === 0) throw new Error('no article text left after cleaning');
      if (print) cache!.remember(name, print, facts!);
      ids.add(id);
      articles.push({ id, ...parsed.meta, text: parsed.body, hash: parsed.hash, kept });
    } catch (err) {
      skipped.push({ file: name, reason: (err as Error).message });
    }
  }
  return { articles, skipped, unchanged };
}

const stem = (name: string) => basename(name, extname(name));
