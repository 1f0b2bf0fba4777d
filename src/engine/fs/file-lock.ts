import { open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

const chains = new Map<string, Promise<unknown>>();

/** Raised when another live process holds the lock past the wait. */
export class LockBusyError extends Error {
  constructor(path: string) {
    super(`${path} is held by another process`);
    this.name = 'LockBusyError';
  }
}

/**
 * Runs `fn` while holding the lock at `lockPath`: calls in this process queue up in order, and
 * other processes are kept out by an exclusive lock file holding our pid. A lock left by a
 * process that died (crash, kill) is taken over.
 * @example await withFileLock('embeddings/.write.lock', () => writeIndex(...))
 * @throws LockBusyError when another live process holds the lock past `waitMs`
 */
export function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const key = resolve(lockPath);
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await acquireFileLock(key, options.waitMs ?? 30_000);
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
    if (Date.now() > deadline) throw new LockBusyError(path);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Whether a process with this pid exists (ours counts). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
