import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, utimes, writeFile, link } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isStale, parseOwner, selfOwner, type LockOwner } from './lock-owner.js';

export type { LockOwner } from './lock-owner.js';
export { isAlive } from './lock-owner.js';

const chains = new Map<string, Promise<unknown>>();
/** Lock files this process holds now, by nonce (a record of ours not in here is a leftover). */
const held = new Set<string>();
/** Lock paths this process has swept for crash leftovers already. */
const swept = new Set<string>();

/** How often a holder touches its lock file, and how old a touch may be before an owner we cannot check counts as gone. */
export const HEARTBEAT_MS = 2_000;
export const STALE_AFTER_MS = 60_000;

/** Raised when another live process holds the lock past the wait the caller set. */
export class LockBusyError extends Error {
  readonly holder: LockOwner | null;
  constructor(path: string, holder: LockOwner | null) {
    super(`${path} is held by another process${holder ? ` (pid ${holder.pid})` : ''}`);
    this.name = 'LockBusyError';
    this.holder = holder;
  }
}

export interface FileLockOptions {
  /**
   * Give up (LockBusyError) when a live holder still has the lock after this long. Default:
   * wait as long as the holder is alive, however long its work takes — a dead one is taken over.
   */
  waitMs?: number;
  /** Called when the lock is found held by someone else, and again whenever the holder changes. */
  onWait?: (holder: LockOwner | null) => void;
  /** Stops waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** What the holder is doing, recorded for whoever waits ("ingest", "index"). */
  purpose?: string;
  /** Tests only: staleness of owners that can only be judged by their heartbeat. */
  staleAfterMs?: number;
  /**
   * Who removes what crashed acquisitions left beside the lock (temporary records, takeover
   * guards): 'here' (default) lists the lock's folder on this process's first acquisition;
   * 'caller' where that folder is large (the corpus folder: 200 000 names at a million passages,
   * listed as one array: ~300 ms of one turn plus a GC pause, bench/README.md session 8) and the
   * caller looks at its names elsewhere, off the
   * event loop (`removeLockLeftover` per name: see corpus-lock.ts). Leftovers are litter only:
   * a stale lock or guard in the way is taken over when met, whoever sweeps.
   */
  leftovers?: 'here' | 'caller';
}

/**
 * Runs `fn` while holding the lock at `lockPath`. Calls in this process queue up in order;
 * other processes are kept out by a lock file that appears whole, with its owner inside: the
 * record (pid, process start time, pid namespace, nonce) is written to a temporary file first
 * and hard-linked into place, so there is never an empty or half-written lock. A lock whose
 * owner is gone — pid dead, or the pid now belongs to a process started at another time (pid
 * reuse after a crash or a container restart) — is taken over by renaming our record over it,
 * under a guard named after that stale record so that two takers cannot both win. While the
 * holder lives, waiters wait (see `waitMs`).
 * @example await withFileLock('embeddings/.write.lock', () => writeIndex(...), { onWait: (h) => say(`queued behind pid ${h?.pid}`) })
 * @throws LockBusyError when a live holder keeps the lock past `waitMs`
 */
export function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const key = resolve(lockPath);
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await acquireFileLock(key, options);
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

/** The current holder of a lock file, or null when it is free (or its record is unreadable). */
export async function lockHolder(lockPath: string): Promise<LockOwner | null> {
  const seen = await look(resolve(lockPath));
  return seen && seen.owner && !isStale(seen.owner, seen.mtimeMs, held, STALE_AFTER_MS) ? seen.owner : null;
}

async function acquireFileLock(path: string, options: FileLockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + (options.waitMs ?? Number.POSITIVE_INFINITY);
  const staleMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const owner = selfOwner(randomBytes(8).toString('hex'), options.purpose);
  const tmp = `${path}.${owner.nonce}.tmp`;
  let lastHolder: string | null | undefined;
  try {
    // Inside the try: a write refused half-way (full disk) still has its file removed.
    await writeFile(tmp, JSON.stringify(owner));
    for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
      options.signal?.throwIfAborted();
      const attempt = await tryAcquire(path, tmp, owner.nonce, staleMs, 0);
      if (attempt.acquired) break;
      const holder = attempt.holder;
      if ((holder?.nonce ?? null) !== lastHolder) {
        lastHolder = holder?.nonce ?? null;
        options.onWait?.(holder);
      }
      if (Date.now() > deadline) throw new LockBusyError(path, holder);
      // Jitter keeps waiters from polling in lockstep.
      await sleep(delay * (0.5 + Math.random()), options.signal);
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  held.add(owner.nonce);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  if (options.leftovers !== 'caller' && !swept.has(path)) {
    swept.add(path);
    await sweepLeftovers(path, staleMs);
  }
  return async () => {
    clearInterval(heartbeat);
    held.delete(owner.nonce);
    // Only ever our own record: nobody takes over a live holder, so this is still ours.
    const seen = await look(path);
    if (seen?.owner?.nonce === owner.nonce) await unlink(path).catch(ignoreMissing);
  };
}

type Attempt = { acquired: true } | { acquired: false; holder: LockOwner | null };

/** Guards nest only when takers die mid-takeover, one level per such crash. */
const MAX_GUARD_DEPTH = 8;

/**
 * One try: link our record into place; if a stale owner is there, replace it — under the guard
 * `<path>.takeover-<its nonce>`, itself a lock taken the same way, re-checking under the guard
 * that the stale record is still the one in place before renaming ours over it.
 */
async function tryAcquire(path: string, tmp: string, nonce: string, staleMs: number, depth: number): Promise<Attempt> {
  for (;;) {
    try {
      await placeRecord(tmp, path);
      return { acquired: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = await look(path);
    if (!seen) continue;
    if (!isStale(seen.owner, seen.mtimeMs, held, staleMs)) return { acquired: false, holder: seen.owner };
    if (depth >= MAX_GUARD_DEPTH) throw new Error(`${path}: too many abandoned takeovers`);
    const guard = `${path}.takeover-${seen.key}`;
    const guarded = await tryAcquire(guard, tmp, nonce, staleMs, depth + 1);
    if (!guarded.acquired) return guarded;
    try {
      const again = await look(path);
      if (!again) continue;
      if (again.key !== seen.key) continue;
      const mine = `${tmp}.${depth}`;
      await link(tmp, mine);
      try {
        await rename(mine, path);
      } catch (error) {
        await unlink(mine).catch(() => undefined);
        throw error;
      }
      return { acquired: true };
    } finally {
      await unlink(guard).catch(ignoreMissing);
    }
  }
}

/** File systems without hard links (FAT, some network mounts) refuse link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Puts our record at `path` unless something is there (EEXIST): a hard link of the whole
 * temporary record, or where links are refused an exclusive create then write — whose brief
 * empty file readers treat as held (an unreadable record counts as live while fresh).
 */
async function placeRecord(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await writeFile(path, await readFile(tmp), { flag: 'wx' });
  }
}

interface Seen {
  owner: LockOwner | null;
  /** Identity of this record: its nonce, or for an unreadable one its inode and mtime. */
  key: string;
  mtimeMs: number;
}

async function look(path: string): Promise<Seen | null> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path, { bigint: true })]);
    const owner = parseOwner(text);
    const key = owner?.nonce ?? `u${info.ino}-${info.mtimeNs}`;
    return { owner, key, mtimeMs: Number(info.mtimeMs) };
  } catch (error) {
    ignoreMissing(error);
    return null;
  }
}

/** Temporary records and takeover guards left by processes that died while acquiring. */
async function sweepLeftovers(path: string, staleMs: number): Promise<void> {
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) await removeLeftover(path, name, held, staleMs);
}

/**
 * Whether `name`, in the folder of the lock at `lockPath`, is what an acquisition of that lock
 * leaves while it runs: its temporary record (`<lock>.<nonce>.tmp`, `….tmp.<depth>`) or a
 * takeover guard (`<lock>.takeover-<key>`).
 */
export function isLockLeftoverName(lockPath: string, name: string): boolean {
  return name.startsWith(`${basename(lockPath)}.`) && (name.endsWith('.tmp') || name.includes('.takeover-') || /\.tmp\.\d+$/.test(name));
}

/**
 * Removes `name` from the lock's folder when it is such a leftover and its owner is gone; true
 * when removed. For a caller that sweeps the folder itself (`leftovers: 'caller'`), from any
 * thread: records of this very process are kept there (which ones it holds is known only to the
 * thread that took them), as they are gone the moment its acquisition ends.
 */
export async function removeLockLeftover(lockPath: string, name: string): Promise<boolean> {
  return removeLeftover(resolve(lockPath), name, null, STALE_AFTER_MS);
}

async function removeLeftover(path: string, name: string, holds: ReadonlySet<string> | null, staleMs: number): Promise<boolean> {
  if (!isLockLeftoverName(path, name)) return false;
  const file = join(dirname(path), name);
  const seen = await look(file);
  if (!seen || !isStale(seen.owner, seen.mtimeMs, holds, staleMs)) return false;
  return unlink(file).then(
    () => true,
    () => false,
  );
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
