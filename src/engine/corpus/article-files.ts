import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTICLE_EXTENSIONS } from './article-file.js';
import { ARTICLE_ID } from './load-corpus.js';

/** Extensions in the spellings looked up by name (a full update, which lists the folder, finds any other). */
const BY_NAME = [...ARTICLE_EXTENSIONS, ...ARTICLE_EXTENSIONS.map((e) => e.toUpperCase())];

/**
 * The corpus files of article `id` (`<id>.md`, `<id>.txt`…), found by name without listing the
 * folder: O(1) whatever the size of the corpus (a listing of 200 000 names costs 0.3–1 s here).
 * [] for an id no article file can have.
 *
 * @example await articleFilesOf('corpus', '000_dcb9b5e2e5327193') // ['000_dcb9b5e2e5327193.md']
 */
export async function articleFilesOf(dir: string, id: string): Promise<string[]> {
  if (!ARTICLE_ID.test(id)) return [];
  const files: string[] = [];
  // One name per file: on a case-insensitive disk `x.md` and `x.MD` are the same file.
  const seen = new Set<string>();
  for (const ext of BY_NAME) {
    const name = `${id}${ext}`;
    try {
      const s = await lstat(join(dir, name));
      const inode = `${s.dev}:${s.ino}`;
      if (!seen.has(inode)) files.push(name);
      seen.add(inode);
    } catch {
      // No such file.
    }
  }
  return files;
}
