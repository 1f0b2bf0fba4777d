import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a lock, as recorded in the lock file. */
export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks after boot (/proc/<pid>/stat), null where there is no /proc. */
  start: string | null;
  /** Boot id and pid namespace: pids are only comparable inside one. Null where there is no /proc. */
  ns: string | null;
  host: string;
  /** Unique per acquisition: tells this record from any later one. */
  nonce: string;
  /** When the lock was taken (ms since the epoch). */
  since: number;
  purpose?: string;
}

let self: Pick<LockOwner, 'pid' | 'start' | 'ns' | 'host'> | null = null;

function selfIdentity(): Pick<LockOwner, 'pid' | 'start' | 'ns' | 'host'> {
  // Cached per pid: a forked child must not reuse its parent's identity.
  if (!self || self.pid !== process.pid) {
    self = { pid: process.pid, start: processStart(process.pid), ns: namespaceId(), host: hostname() };
  }
  return self;
}

/** The record a new acquisition of this process writes. */
export function selfOwner(nonce: string, purpose?: string): LockOwner {
  return { ...selfIdentity(), nonce, since: Date.now(), ...(purpose ? { purpose } : {}) };
}

/**
 * Reads a lock record: the JSON one, or the older "pid\ntime\n" (start, ns and nonce unknown).
 * Null for anything else — an empty file can still appear after a power cut.
 */
export function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.nonce !== 'string' || typeof value.host !== 'string') return null;
    return {
      pid: value.pid,
      start: typeof value.start === 'string' ? value.start : null,
      ns: typeof value.ns === 'string' ? value.ns : null,
      host: value.host,
      nonce: value.nonce,
      since: typeof value.since === 'number' ? value.since : 0,
      ...(typeof value.purpose === 'string' ? { purpose: value.purpose } : {}),
    };
  } catch {
    const legacy = /^(\d+)\n(\d+)\n?$/.exec(text);
    if (!legacy) return null;
    return { pid: Number(legacy[1]), start: null, ns: null, host: hostname(), nonce: `legacy-${legacy[1]}-${legacy[2]}`, since: Number(legacy[2]) };
  }
}

/**
 * Whether the owner of a lock is gone. Inside our own pid namespace this is exact: the pid must
 * run and have started when the record says (a reused pid has another start time). Elsewhere
 * (another machine or container, no /proc) the holder's heartbeat decides: its file's mtime,
 * touched every few seconds, must be younger than `staleMs`.
 * @param held nonces this process holds now (our own pid with any other nonce is a leftover), or
 *   null where they are not known (another thread of this process): every record of this very
 *   process then counts as live
 */
export function isStale(owner: LockOwner | null, mtimeMs: number, held: ReadonlySet<string> | null, staleMs: number): boolean {
  const quiet = Date.now() - mtimeMs > staleMs;
  if (!owner) return quiet;
  const me = selfIdentity();
  if (owner.ns !== null && owner.ns === me.ns && owner.start !== null) {
    if (owner.pid === me.pid) return owner.start !== me.start || (held !== null && !held.has(owner.nonce));
    const start = processStart(owner.pid);
    return start === null || start !== owner.start;
  }
  if (owner.host === me.host && owner.ns === null) {
    // An older record, or a machine without /proc: a dead pid is gone, and so is a quiet one
    // (a live pid with a stale heartbeat was reused); so is our own pid with a nonce we do not hold.
    if (owner.pid === me.pid) return held !== null && !held.has(owner.nonce);
    return !isAlive(owner.pid) || quiet;
  }
  return quiet;
}

/** Field 22 of /proc/<pid>/stat (start time in ticks after boot); null when the process does not run. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null; // zombie: dead, not yet reaped
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (ours counts). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function namespaceId(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return null;
  }
}
