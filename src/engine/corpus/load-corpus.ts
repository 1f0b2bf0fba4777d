import { readdir } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import type { Article } from '../types.js';
import { createError } from '../errors.js';
import { ARTICLE_EXTENSIONS, parseArticleFile } from './article-file.js';
import { findArticleText } from './clean.js';
import { readCorpusFile } from './read-corpus-file.js';

export interface LoadedCorpus {
  articles: Article[];
  /** Files that could not be used, with the reason; they never stop the others from loading. */
  skipped: { file: string; reason: string }[];
}

const ID_PATTERN = /^[\w.-]{1,120}$/;

/**
 * Reads every article file of `dir` (sorted by name; the file name stem is the article id),
 * or only those whose id is in `only`.
 * @example await loadCorpus('corpus') // { articles: [{ id: '000_dcb9…', title, text, kept, … }], skipped: [] }
 */
export async function loadCorpus(dir: string, options: { only?: ReadonlySet<string> } = {}): Promise<LoadedCorpus> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    throw createError('CORPUS_MISSING', dir);
  }
  const articles: Article[] = [];
  const skipped: LoadedCorpus['skipped'] = [];
  const ids = new Set<string>();
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext) || name.startsWith('.') || /^readme/i.test(name)) continue;
    const id = basename(name, extname(name));
    // An update of a few articles reads only their files.
    if (options.only && !options.only.has(id)) continue;
    try {
      if (!ID_PATTERN.test(id)) throw new Error('file name must be letters, digits, "_", "-" or "."');
      if (ids.has(id)) throw new Error(`another file already has the id "${id}"`);
      const parsed = parseArticleFile(await readCorpusFile(dir, name), ext);
      const kept = findArticleText(parsed.body, { title: parsed.meta.title, publisher: parsed.meta.publisher });
      if (kept.length === 0) throw new Error('no article text left after cleaning');
      ids.add(id);
      articles.push({ id, ...parsed.meta, text: parsed.body, hash: parsed.hash, kept });
    } catch (err) {
      skipped.push({ file: name, reason: (err as Error).message });
    }
  }
  return { articles, skipped };
}
