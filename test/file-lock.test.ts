import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockBusyError, lockHolder, withFileLock, type LockOwner } from '../src/engine/fs/file-lock.js';
import { parseOwner, processStart, selfOwner } from '../src/engine/fs/lock-owner.js';

// Real processes contending for one lock file: the child takes the lock in a loop or holds it.
const CHILD = resolve(import.meta.dirname, 'fixtures/lock/lock-child.ts');
const REPO = resolve(import.meta.dirname, '..');

let dir: string;
let lockPath: string;
const children = new Set<ChildProcess>();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-lock-'));
  lockPath = join(dir, '.write.lock');
});
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  rmSync(dir, { recursive: true, force: true });
});

function child(args: string[]): { proc: ChildProcess; lines: (match: RegExp) => Promise<string> } {
  // node --import tsx, not the tsx binary: a kill must reach the process holding the lock.
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = (match: RegExp) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const line = out.split('\n').find((l) => match.test(l));
        if (line !== undefined) done(line);
        return line !== undefined;
      };
      if (check()) return;
      proc.stdout!.on('data', check);
      proc.on('exit', (code) => setImmediate(() => check() || fail(new Error(`child exited (${code}) without ${match}: ${err.slice(-1500)}`))));
    });
  return { proc, lines };
}

/** A record as another process would write it, with fields overridden. */
function record(overrides: Partial<LockOwner>): string {
  return JSON.stringify({ ...selfOwner('someone-else'), ...overrides });
}

async function contend(processes: number, each: number, abandonEvery?: number) {
  const counter = join(dir, 'counter');
  writeFileSync(counter, '0');
  const extra = abandonEvery ? [String(abandonEvery)] : [];
  const workers = Array.from({ length: processes }, () => child(['loop', lockPath, counter, join(dir, 'inside'), String(each), ...extra]));
  await Promise.all(workers.map((w) => w.lines(/^READY$/)));
  // While they run, the lock file is read as often as we can: it must always hold a whole record.
  let reads = 0;
  let partial = 0;
  let running = true;
  const watcher = (async () => {
    while (running) {
      try {
        const text = readFileSync(lockPath, 'utf8');
        reads++;
        if (parseOwner(text) === null) partial++;
      } catch {
        // Free at this instant.
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const started = performance.now();
  for (const w of workers) w.proc.stdin!.end('go\n');
  const results = (await Promise.all(workers.map((w) => w.lines(/^\{/)))).map((l) => JSON.parse(l) as { overlaps: number; ms: number });
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await watcher;
  return { results, count: Number(readFileSync(counter, 'utf8')), seconds, reads, partial };
}

describe('withFileLock across processes', () => {
  it('lets exactly one of 4 processes × 1 000 acquisitions inside at a time, and the lock file is never empty', { timeout: 240_000 }, async () => {
    const run = await contend(4, 1000);
    expect(run.results.map((r) => r.overlaps)).toEqual([0, 0, 0, 0]);
    expect(run.count).toBe(4000);
    expect(run.reads).toBeGreaterThan(0);
    expect(run.partial).toBe(0);
    console.log(`file lock: 4 processes × 1000 acquisitions in ${run.seconds.toFixed(1)} s (${(4000 / run.seconds).toFixed(0)}/s), ${run.reads} lock-file reads, 0 partial`);
    // Nothing left behind: no lock, no temporary record, no takeover guard.
    expect(readdirSync(dir).sort()).toEqual(['counter']);
  });

  it('hands a lock abandoned by a "crashed" holder to exactly one of the processes waiting for it', { timeout: 240_000 }, async () => {
    // Every 10th holder leaves a dead pid's record behind: 4 × 30 takeovers raced by the others.
    const run = await contend(4, 300, 10);
    expect(run.results.map((r) => r.overlaps)).toEqual([0, 0, 0, 0]);
    expect(run.count).toBe(1200);
    expect(run.partial).toBe(0);
  });

  it('never takes the lock from a live holder, and queues behind it until it is gone', async () => {
    const holder = child(['hold', lockPath]);
    await holder.lines(/^HELD$/);
    const waits: (LockOwner | null)[] = [];
    const refused = await withFileLock(lockPath, async () => 'inside', { waitMs: 700, onWait: (h) => waits.push(h) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockBusyError);
    expect((refused as LockBusyError).holder?.pid).toBe(holder.proc.pid);
    expect(waits.map((h) => h?.pid)).toEqual([holder.proc.pid]);
    expect((await lockHolder(lockPath))?.pid).toBe(holder.proc.pid);

    // Without a deadline the wait lasts as long as the holder: here until it dies.
    let entered = false;
    const queued = withFileLock(lockPath, async () => {
      entered = true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(entered).toBe(false);
    holder.proc.kill('SIGKILL');
    await queued;
    expect(entered).toBe(true);
  });
});

describe('stale locks', () => {
  it('takes over a lock whose pid runs again, but as a process started at another time (pid reuse)', async () => {
    const alive = process.ppid;
    expect(processStart(alive)).not.toBeNull();
    writeFileSync(lockPath, record({ pid: alive, start: '1', nonce: 'before-the-crash' }));
    const waits: unknown[] = [];
    const got = await withFileLock(lockPath, async () => parseOwner(readFileSync(lockPath, 'utf8')), { waitMs: 2000, onWait: (h) => waits.push(h) });
    expect(got?.pid).toBe(process.pid);
    expect(waits).toEqual([]);
  });

  it('takes over a lock left by a killed process', async () => {
    const holder = child(['hold', lockPath]);
    await holder.lines(/^HELD$/);
    holder.proc.kill('SIGKILL');
    await new Promise((r) => holder.proc.once('exit', r));
    expect(await withFileLock(lockPath, async () => 'taken', { waitMs: 2000 })).toBe('taken');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over an older "pid, time" lock of a dead pid', async () => {
    writeFileSync(lockPath, '4194305\n0\n');
    expect(await withFileLock(lockPath, async () => 'taken', { waitMs: 2000 })).toBe('taken');
  });

  it('takes over a record of this very process that no acquisition of it holds (left by a failed release)', async () => {
    writeFileSync(lockPath, record({ nonce: 'leftover' }));
    expect(await withFileLock(lockPath, async () => 'taken', { waitMs: 2000 })).toBe('taken');
  });

  it('judges an owner it cannot check (another machine or container) by its heartbeat', async () => {
    writeFileSync(lockPath, record({ pid: 1, host: 'elsewhere', ns: 'another-namespace', start: '5' }));
    const busy = await withFileLock(lockPath, async () => 'inside', { waitMs: 300, staleAfterMs: 5_000 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LockBusyError);
    const old = new Date(Date.now() - 10_000);
    utimesSync(lockPath, old, old);
    expect(await withFileLock(lockPath, async () => 'taken', { waitMs: 2000, staleAfterMs: 5_000 })).toBe('taken');
  });

  it('treats an unreadable lock file (e.g. emptied by a power cut) as held until it is quiet', async () => {
    writeFileSync(lockPath, '');
    const busy = await withFileLock(lockPath, async () => 'inside', { waitMs: 300, staleAfterMs: 5_000 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LockBusyError);
    const old = new Date(Date.now() - 10_000);
    utimesSync(lockPath, old, old);
    expect(await withFileLock(lockPath, async () => 'taken', { waitMs: 2000, staleAfterMs: 5_000 })).toBe('taken');
  });

  it('keeps a held lock fresh with a heartbeat', { timeout: 20_000 }, async () => {
    const before = Date.now();
    await withFileLock(lockPath, async () => {
      const old = new Date(before - 60_000);
      utimesSync(lockPath, old, old);
      await new Promise((r) => setTimeout(r, 2600));
      expect(readdirSync(dir)).toEqual(['.write.lock']);
      const { mtimeMs } = statSync(lockPath);
      expect(mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    });
  });
});

describe('withFileLock in one process', () => {
  it('runs calls one after the other, in order', async () => {
    const order: string[] = [];
    const step = (name: string, ms: number) =>
      withFileLock(lockPath, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}-`);
      });
    await Promise.all([step('a', 30), step('b', 1), step('c', 10)]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('stops waiting when its signal aborts', async () => {
    writeFileSync(lockPath, record({ pid: process.ppid, start: processStart(process.ppid)!, nonce: 'parent' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 200);
    await expect(withFileLock(lockPath, async () => 1, { signal: controller.signal })).rejects.toThrow('shutting down');
  });
});
