import { accessSync, constants, statfsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, relative, resolve, isAbsolute } from 'node:path';

/**
 * A write or read of one of our folders refused by the system, by code: the disk is full, the
 * file system is read-only, the user may not write there, the disk fails. Parameters say which
 * folder (its path and its role) so each adapter can name it: the CLI prints the path and the
 * setting to change, the bot says it in the member's language by role (no server paths on Discord).
 */
export type StorageErrorCode = 'DISK_FULL' | 'DISK_QUOTA' | 'READ_ONLY' | 'NO_PERMISSION' | 'IO_ERROR';

/** What a folder is for, and the setting that moves it. */
export type FolderRole = 'corpus' | 'index' | 'data' | 'other';

export interface StorageErrorParams {
  /** The folder concerned, as configured (or the failing file's folder when it is none of ours). */
  folder: string;
  role: FolderRole;
  /** Environment variable that points at this folder, when there is one. */
  setting: string | null;
  /** The system user the process runs as (who needs the permission). */
  user: string;
}

const elsewhere = (p: StorageErrorParams) => (p.setting ? `, or set ${p.setting} to another folder` : '');

/** English one-liners: what the CLI prints and the log records. The bot has fr/en copies by role. */
export const STORAGE_MESSAGES: { [C in StorageErrorCode]: (p: StorageErrorParams) => string } = {
  DISK_FULL: (p) => `No space left on the disk of ${p.folder}: free some space there${p.setting ? `, or set ${p.setting} to a folder on another disk` : ''}, then run the command again.`,
  DISK_QUOTA: (p) => `Disk quota exceeded in ${p.folder}: free some space or raise ${p.user}'s quota, then run the command again.`,
  READ_ONLY: (p) => `${p.folder} is on a read-only file system: remount it read-write${elsewhere(p)}, then run the command again.`,
  NO_PERMISSION: (p) => `No permission to write in ${p.folder} as user ${p.user}: give that user write access (e.g. chown -R ${p.user} ${p.folder})${elsewhere(p)}.`,
  IO_ERROR: (p) => `Input/output error in ${p.folder}: the disk may be failing; check the system log (dmesg) before trying again.`,
};

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly params: Readonly<StorageErrorParams>;
  constructor(code: StorageErrorCode, params: StorageErrorParams, options?: { cause?: unknown }) {
    super(STORAGE_MESSAGES[code](params), options);
    this.name = 'StorageError';
    this.code = code;
    this.params = Object.freeze({ ...params });
  }
}

/** One of our folders, for naming it in messages. */
export interface KnownFolder {
  path: string;
  role: FolderRole;
  setting: string | null;
}

const BY_ERRNO: Record<string, StorageErrorCode> = {
  ENOSPC: 'DISK_FULL',
  EDQUOT: 'DISK_QUOTA',
  EROFS: 'READ_ONLY',
  EACCES: 'NO_PERMISSION',
  EPERM: 'NO_PERMISSION',
  EIO: 'IO_ERROR',
  SQLITE_FULL: 'DISK_FULL',
  SQLITE_IOERR: 'IO_ERROR',
};

/**
 * Turns a failure of the file system (Node errno errors; SQLite's codes; libraries that only say
 * "could not open/write" — hnswlib) into a StorageError naming the folder, or returns null when
 * the error is something else. The folder is the known one holding the failing path (else the
 * path's folder; else, for errors without a path, the first known folder).
 * @example toStorageError(err, [{ path: 'corpus', role: 'corpus', setting: 'CORPUS_DIR' }])
 *   // StorageError DISK_FULL: "No space left on the disk of corpus: free some space there, …"
 */
export function toStorageError(error: unknown, folders: readonly KnownFolder[]): StorageError | null {
  if (error instanceof StorageError) return error;
  if (!(error instanceof Error)) return null;
  const errno = error as NodeJS.ErrnoException & { dest?: string };
  const code = typeof errno.code === 'string' ? errno.code : '';
  const path = errno.path ?? errno.dest;
  const folder = folderOf(path, folders);
  let mapped = BY_ERRNO[code] ?? BY_ERRNO[code.replace(/_[A-Z]+$/, '')] ?? null;
  if (!mapped && (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || LIBRARY_IO.test(error.message))) {
    // No errno to go on: ask the folder itself what is wrong with it.
    mapped = diagnose(folder?.path ?? (path ? dirname(path) : null));
  }
  if (!mapped) return null;
  const known = folder ?? (path ? { path: dirname(path), role: 'other' as const, setting: null } : null);
  if (!known) return null;
  return new StorageError(mapped, { folder: known.path, role: known.role, setting: known.setting, user: currentUser() }, { cause: error });
}

/** How libraries without errno codes word a failed open or write (hnswlib: "Cannot open file"…). */
const LIBRARY_IO = /\b(cannot|could not|can't|failed to|unable to) (open|write|create)\b|\bwrite error\b/i;

function folderOf(path: string | undefined, folders: readonly KnownFolder[]): KnownFolder | null {
  if (!path) return folders[0] ?? null;
  const target = resolve(path);
  let best: KnownFolder | null = null;
  for (const folder of folders) {
    const rel = relative(resolve(folder.path), target);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    if (inside && (!best || resolve(folder.path).length > resolve(best.path).length)) best = folder;
  }
  return best;
}

/** What keeps us from writing in `folder`, checked on the spot; null when it looks writable. */
function diagnose(folder: string | null): StorageErrorCode | null {
  if (!folder) return null;
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return BY_ERRNO[code] ?? null;
  }
  try {
    const fs = statfsSync(folder);
    if (fs.bavail === 0) return 'DISK_FULL';
  } catch {
    // statfs unsupported here: nothing more to learn.
  }
  return null;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/**
 * The engine's folders, as the settings name them; `first` is the one named for errors that
 * carry no path (a failed `write` has none): the folder the failing work was writing.
 */
export function engineFolders(config: { corpusDir: string; indexDir?: string }, first: 'corpus' | 'index' = 'corpus'): KnownFolder[] {
  const folders: KnownFolder[] = [{ path: config.corpusDir, role: 'corpus', setting: 'CORPUS_DIR' }];
  if (config.indexDir) folders.push({ path: config.indexDir, role: 'index', setting: 'INDEX_DIR' });
  return first === 'index' ? folders.reverse() : folders;
}
