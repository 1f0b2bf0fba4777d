import { opendir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isAlive, LockBusyError, removeLockLeftover, withFileLock, type FileLockOptions } from '../fs/file-lock.js';
import { IngestError } from './ingest-error.js';

/** Lock file name; a dot file, so the corpus loader never reads it as an article. */
export const LOCK_FILE = '.ingest.lock';

/**
 * Runs `fn` while holding the corpus write lock: calls in this process queue up in order,
 * and other processes (CLI ingest next to a running bot) are kept out by the lock file (see
 * withFileLock). Hold it only for the duplicate check and the write, never for an index update:
 * waiters wait as long as the holder lives, so what it covers must stay short. Taking it never
 * lists the corpus folder: what crashed acquisitions left there is swept with the corpus's other
 * litter (`sweepStaleTemps`, off the event loop).
 *
 * @example await withCorpusLock('corpus', async () => writeArticle(...))
 * @throws IngestError LOCKED when `waitMs` is set and a live holder keeps the lock past it
 */
export async function withCorpusLock<T>(corpusDir: string, fn: () => Promise<T>, options: Pick<FileLockOptions, 'waitMs' | 'onWait'> = {}): Promise<T> {
  try {
    return await withFileLock(lockPathOf(corpusDir), fn, { ...options, purpose: 'corpus', leftovers: 'caller' });
  } catch (error) {
    if (error instanceof LockBusyError) throw new IngestError('LOCKED', 'Another ingest or removal is writing the corpus; try again in a moment.');
    throw error;
  }
}

const lockPathOf = (corpusDir: string) => join(resolve(corpusDir), LOCK_FILE);

/** Corpus folders this process swept already. */
const swept = new Set<string>();

/**
 * Removes temporary files (`<name>.tmp-<pid>-<time>`, see writeFileAtomic) left in the
 * corpus by a process that died mid-write, and what a process that died while taking the corpus
 * lock left beside it (see withFileLock's `leftovers`). Call it while holding the lock. Once per corpus
 * folder and process: a look at every name costs O(corpus) (200 000 names at a million
 * passages), and such files are only litter (never read as articles), not worth that per
 * ingest. The folder is read entry by entry, never as one array of every name. `sweep` does the
 * looking (an ingest passes one that runs on the article worker).
 */
export async function sweepStaleTemps(corpusDir: string, sweep: (corpusDir: string) => Promise<string[]> = sweepNow): Promise<string[]> {
  const key = resolve(corpusDir);
  if (swept.has(key)) return [];
  swept.add(key);
  return sweep(corpusDir);
}

/** The sweep itself, every time it is called (the article worker's job: see article-jobs.ts). */
export async function sweepNow(corpusDir: string): Promise<string[]> {
  const removed: string[] = [];
  const lockPath = lockPathOf(corpusDir);
  const dir = await opendir(corpusDir);
  for await (const entry of dir) {
    if (await removeLockLeftover(lockPath, entry.name)) {
      removed.push(entry.name);
      continue;
    }
    const pid = /\.tmp-(\d+)-\d+$/.exec(entry.name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    await rm(join(corpusDir, entry.name), { force: true });
    removed.push(entry.name);
  }
  return removed;
}
