import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real file-system failures for tests: a tiny tmpfs that fills up (ENOSPC), a read-only bind
 * mount (EROFS). Needs root (CAP_SYS_ADMIN); `canMount()` says whether this machine allows it.
 */
export function canMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `bytes` over `dir` (hiding what it held). */
export function mountTmpfs(dir: string, bytes: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
}

/** Makes `dir` read-only in place (bind mount of itself, remounted ro). */
export function makeReadOnly(dir: string): void {
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
}

export function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

/**
 * Fills the file system holding `dir` with `filler` until it refuses, leaving `pages` pages of
 * 4 KiB free (a second file that is written, then removed).
 */
export function fillDisk(dir: string, pages = 0): void {
  const pad = join(dir, 'pad');
  if (pages > 0) writeAll(pad, pages * 4096);
  writeAll(join(dir, 'filler'), Number.POSITIVE_INFINITY);
  if (pages > 0) rmSync(pad);
}

function writeAll(path: string, limit: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 120);
  try {
    for (let written = 0; written < limit; written += chunk.length) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}
