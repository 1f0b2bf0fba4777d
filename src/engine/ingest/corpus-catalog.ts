import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ARTICLE_EXTENSIONS, parseArticleFile } from '../corpus/article-file.js';
import { readCorpusFile } from '../corpus/read-corpus-file.js';
import type { SourceMeta } from '../types.js';
import { sha256 } from './article-id.js';

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
 * Files the loader would skip are skipped here too.
 */
export async function readCatalog(corpusDir: string): Promise<CatalogEntry[]> {
  const names = (await readdir(corpusDir)).sort();
  const entries: CatalogEntry[] = [];
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext) || name.startsWith('.') || /^readme/i.test(name)) continue;
    const path = join(corpusDir, name);
    try {
      const parsed = parseArticleFile(await readCorpusFile(corpusDir, name), ext);
      const id = basename(name, extname(name));
      entries.push({ meta: { id, ...parsed.meta }, path, textHash: textHash(parsed.body), urlKey: urlKey(parsed.meta.url) });
    } catch {
      // Unreadable files are the loader's to report; they cannot be duplicates of anything.
    }
  }
  return entries;
}

/**
 * Identity of a text for duplicate detection: Unicode-normalized, whitespace collapsed,
 * typographic apostrophes folded, so re-extractions that only differ in spacing match.
 */
export function textHash(text: string): string {
  return sha256(text.normalize('NFC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim());
}

/**
 * Identity of a URL for duplicate detection: scheme, "www.", fragment and trailing slash
 * do not make a different article.
 *
 * @example urlKey('https://www.site.example/a/#top') // 'site.example/a'
 */
export function urlKey(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, '');
    const port = u.port ? `:${u.port}` : '';
    const path = u.pathname.replace(/\/+$/, '');
    return `${host}${port}${path}${u.search}`;
  } catch {
    return null;
  }
}
