import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IngestError } from './ingest-error.js';

/** Lock file name; a dot file, so the corpus loader never reads it as an article. */
export const LOCK_FILE = '.ingest.lock';

const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the corpus write lock: calls in this process queue up in order,
 * and other processes (CLI ingest next to a running bot) are kept out by an exclusive lock
 * file holding our pid. A lock left by a process that died (crash, kill) is taken over.
 *
 * @example await withCorpusLock('corpus', async () => writeArticle(...))
 * @throws IngestError LOCKED when another live process holds the lock past `waitMs`
 */
export function withCorpusLock<T>(corpusDir: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const key = resolve(corpusDir);
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await acquireFileLock(join(key, LOCK_FILE), options.waitMs ?? 30_000);
    try {
      return await fn();
    } finally {
      await release();
    }
  });
  const tail = run.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}

async function acquireFileLock(path: string, waitMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  const stamp = `${process.pid}\n${Date.now()}\n`;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(stamp);
      await handle.sync();
      await handle.close();
      return async () => {
        // Only remove the lock if it is still ours.
        if ((await readFile(path, 'utf8').catch(() => '')) === stamp) await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(path, 'utf8').catch(() => null);
    if (holder !== null && !isAlive(Number(holder.split('\n')[0]))) {
      // Re-read right before removing, so we do not delete a lock just taken by someone else.
      if ((await readFile(path, 'utf8').catch(() => null)) === holder) await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new IngestError('LOCKED', 'Another ingest or removal is writing the corpus; try again in a moment.');
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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
