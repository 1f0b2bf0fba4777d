import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncPath } from '../fs/atomic-write.js';
import { withCorpusLock } from './corpus-lock.js';

/**
 * Corpus changes not indexed yet. An ingest or a removal marks the article's id here — one
 * empty file in `<corpus>/.pending/` — before it changes the article's file, while it holds the
 * corpus lock; the index update that brought that id level removes the mark. So an update of
 * named articles also takes up what a killed or failed update left behind (an article in the
 * corpus but not in the index, or the reverse) from this folder alone, without listing the
 * corpus folder: 200 000 names at a million passages, 0.3–1 s of `readdir` on this disk.
 *
 * A mark's name is `<id>@<pid>-<time>-<n>`: a later change of the same article leaves a mark of
 * its own, which an update that read the earlier one never removes. A dot folder, so the corpus
 * loader never takes it for an article.
 */
export const PENDING_DIR = '.pending';

/** The marks an update found: the ids to bring level, and the marks to remove once it has. */
export interface PendingMarks {
  ids: Set<string>;
  marks: string[];
}

let counter = 0;

/**
 * Marks `id` as changed in the corpus and not yet indexed; returns the mark (for `unmarkPending`
 * when the change fails). Call it holding the corpus lock, before changing the article's file.
 */
export async function markPending(corpusDir: string, id: string): Promise<string> {
  const dir = join(corpusDir, PENDING_DIR);
  await mkdir(dir, { recursive: true });
  const mark = `${id}@${process.pid}-${Date.now()}-${counter++}`;
  await writeFile(join(dir, mark), '');
  // Durable before the article's file changes: a crash never leaves the change without its mark.
  fsyncPath(dir);
  return mark;
}

/** Removes a mark whose change did not happen (its write failed). Call it holding the corpus lock. */
export async function unmarkPending(corpusDir: string, mark: string): Promise<void> {
  await rm(join(corpusDir, PENDING_DIR, mark), { force: true });
  await removeIfEmpty(corpusDir);
}

/**
 * The marks in the corpus folder. Read under the corpus lock when there are any: a mark is
 * written before its article's file, under that lock, so every mark read there has its change
 * done — an update never removes the mark of a change it could not have seen.
 */
export async function readPending(corpusDir: string): Promise<PendingMarks> {
  const list = async () => {
    try {
      return (await readdir(join(corpusDir, PENDING_DIR))).filter((m) => m.includes('@'));
    } catch {
      return [];
    }
  };
  const seen = await list();
  if (seen.length === 0) return { ids: new Set(), marks: [] };
  // A corpus folder the lock cannot be taken in (read-only) has no change in progress either.
  const marks = await withCorpusLock(corpusDir, list).catch(() => seen);
  return { ids: new Set(marks.map((m) => m.slice(0, m.lastIndexOf('@')))), marks };
}

/**
 * Removes marks an update brought level (the folder too when it empties), under the corpus lock.
 * Never fails the update that calls it: a mark left (a read-only corpus folder) costs the next
 * update a look at that one article again.
 */
export async function clearPending(corpusDir: string, marks: readonly string[]): Promise<void> {
  if (marks.length === 0) return;
  await withCorpusLock(corpusDir, async () => {
    for (const mark of marks) await rm(join(corpusDir, PENDING_DIR, mark), { force: true });
    await removeIfEmpty(corpusDir);
  }).catch(() => undefined);
}

async function removeIfEmpty(corpusDir: string): Promise<void> {
  try {
    await rmdir(join(corpusDir, PENDING_DIR));
  } catch {
    // Not empty (another change is pending) or gone already.
  }
}
