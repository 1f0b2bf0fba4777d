import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isAlive, LockBusyError, withFileLock, type FileLockOptions } from '../fs/file-lock.js';
import { IngestError } from './ingest-error.js';

/** Lock file name; a dot file, so the corpus loader never reads it as an article. */
export const LOCK_FILE = '.ingest.lock';

/**
 * Runs `fn` while holding the corpus write lock: calls in this process queue up in order,
 * and other processes (CLI ingest next to a running bot) are kept out by the lock file (see
 * withFileLock). Hold it only for the duplicate check and the write, never for an index update:
 * waiters wait as long as the holder lives, so what it covers must stay short.
 *
 * @example await withCorpusLock('corpus', async () => writeArticle(...))
 * @throws IngestError LOCKED when `waitMs` is set and a live holder keeps the lock past it
 */
export async function withCorpusLock<T>(corpusDir: string, fn: () => Promise<T>, options: Pick<FileLockOptions, 'waitMs' | 'onWait'> = {}): Promise<T> {
  try {
    return await withFileLock(join(resolve(corpusDir), LOCK_FILE), fn, { ...options, purpose: 'corpus' });
  } catch (error) {
    if (error instanceof LockBusyError) throw new IngestError('LOCKED', 'Another ingest or removal is writing the corpus; try again in a moment.');
    throw error;
  }
}

/**
 * Removes temporary files (`<name>.tmp-<pid>-<time>`, see writeFileAtomic) left in the
 * corpus by a process that died mid-write. Call it while holding the lock.
 */
export async function sweepStaleTemps(corpusDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(corpusDir)) {
    const pid = /\.tmp-(\d+)-\d+$/.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    await rm(join(corpusDir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
