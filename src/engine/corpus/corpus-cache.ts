import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { SourceMeta } from '../types.js';
import { sqliteCatalog, type CatalogIndex } from './catalog-index.js';

/** What reading one article file tells: enough to index-check it and to find duplicates without reading it again. */
export interface CorpusFileFacts {
  /** Hash of the file's bytes (`parseArticleFile`'s): what the index compares. */
  hash: string;
  /** Whitespace-insensitive hash of the body (`textHash`): what duplicate checks compare. */
  textHash: string;
  urlKey: string | null;
  meta: Omit<SourceMeta, 'id'>;
}

/**
 * What each corpus file held when last read, trusted while the file's size, times and inode are
 * unchanged. It makes a no-op `index` and an ingest's duplicate check cost a `stat` per file
 * instead of reading and parsing every article (seconds at 10 000 articles, minutes at 100 000).
 * Edits by hand change the mtime or ctime, renames the inode, so a changed file is read again.
 *
 * The cache is only a shortcut: when its file cannot be opened or written (read-only or full
 * disk, another version), it forgets quietly and every file is read, as without it.
 */
export interface CorpusCache {
  lookup(name: string, fingerprint: string): CorpusFileFacts | null;
  remember(name: string, fingerprint: string, facts: CorpusFileFacts): void;
  forget(name: string): void;
  close(): void;
  /**
   * The catalog index (text hash / URL key → file) kept in the same SQLite file, for the
   * duplicate check; null in memory (another process's ingests would not show there) and once
   * the file failed (the check then reads the whole catalog, as without it).
   */
  readonly catalog: CatalogIndex | null;
  /** The SQLite file, for a worker thread to open its own connection; null in memory. */
  readonly path: string | null;
}

/** Bump when what `CorpusFileFacts` holds, or how a file is parsed, changes: older rows are then ignored. */
const FACTS_VERSION = 1;

/** A file changed this recently may change again within the clock's granularity, unseen: it is read, not trusted. */
const SETTLE_MS = 2000n;

/**
 * Identity of a file's current content for the cache: null for anything but a settled regular
 * file (links and pipes always go through the careful reader).
 */
export async function fileFingerprint(dir: string, name: string): Promise<string | null> {
  try {
    const s = await lstat(join(dir, name), { bigint: true });
    if (!s.isFile() || BigInt(Date.now()) - s.mtimeMs < SETTLE_MS || BigInt(Date.now()) - s.ctimeMs < SETTLE_MS) return null;
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch {
    return null;
  }
}

/** Fingerprints of `names` (in order), a few at a time so a large folder costs little wall time. */
export async function fingerprints(dir: string, names: readonly string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < names.length; i += 64) {
    out.push(...(await Promise.all(names.slice(i, i + 64).map((n) => fileFingerprint(dir, n)))));
  }
  return out;
}

/** Where an engine keeps its corpus cache: beside the index, never in the corpus folder (which holds articles only). */
export const corpusCachePath = (indexDir: string) => join(indexDir, 'corpus-files.db');

/** A cache kept in SQLite at `path`; without a path, or when it cannot be opened there, one that lives in memory. */
export function openCorpusCache(path: string | null): CorpusCache {
  if (path) {
    try {
      // Never creates the folder: with another backend, or before the first build, it stays in memory.
      if (existsSync(dirname(path))) return sqliteCache(path);
    } catch {
      // A read-only or full disk: the cache is a shortcut, never a reason to fail.
    }
  }
  return memoryCache();
}

function memoryCache(): CorpusCache {
  const rows = new Map<string, { fingerprint: string; facts: CorpusFileFacts }>();
  return {
    lookup: (name, fingerprint) => {
      const row = rows.get(name);
      return row?.fingerprint === fingerprint ? row.facts : null;
    },
    remember: (name, fingerprint, facts) => void rows.set(name, { fingerprint, facts }),
    forget: (name) => void rows.delete(name),
    close: () => rows.clear(),
    catalog: null,
    path: null,
  };
}

function sqliteCache(path: string): CorpusCache {
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    // A lost row only costs one more read of that file: no fsync per write.
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, version INTEGER NOT NULL, facts TEXT NOT NULL) WITHOUT ROWID');
  } catch (err) {
    db.close();
    throw err;
  }
  const get = db.prepare('SELECT fingerprint, version, facts FROM files WHERE name = ?');
  const put = db.prepare('INSERT OR REPLACE INTO files (name, fingerprint, version, facts) VALUES (?, ?, ?, ?)');
  const del = db.prepare('DELETE FROM files WHERE name = ?');
  let broken = false;
  const guard = <T>(fallback: T, fn: () => T): T => {
    if (broken) return fallback;
    try {
      return fn();
    } catch {
      // Disk full, database locked past the timeout, file removed under us: stop using it.
      broken = true;
      // Other processes must not trust a catalog this one could not keep up to date.
      try {
        catalog?.distrust();
      } catch {
        // The file refuses every write: they will fail on it too.
      }
      return fallback;
    }
  };
  let catalog: CatalogIndex | null = null;
  try {
    catalog = sqliteCatalog(db);
  } catch {
    catalog = null;
  }
  const guardedCatalog = catalog && guardCatalog(catalog, guard, () => broken);
  return {
    get catalog() {
      return broken ? null : guardedCatalog;
    },
    path,
    lookup: (name, fingerprint) =>
      guard(null, () => {
        const row = get.get(name) as { fingerprint: string; version: number; facts: string } | undefined;
        return row && row.fingerprint === fingerprint && row.version === FACTS_VERSION ? (JSON.parse(row.facts) as CorpusFileFacts) : null;
      }),
    remember: (name, fingerprint, facts) => guard(undefined, () => void put.run(name, fingerprint, FACTS_VERSION, JSON.stringify(facts))),
    forget: (name) => guard(undefined, () => void del.run(name)),
    close: () => guard(undefined, () => db.close()),
  };
}

/** The catalog behind the cache's guard: a failure stops its use (and its trust, for every process). */
function guardCatalog(catalog: CatalogIndex, guard: <T>(fallback: T, fn: () => T) => T, broken: () => boolean): CatalogIndex {
  return {
    complete: (corpusDir) => guard(false, () => catalog.complete(corpusDir)),
    find: (textHash, urlKeys) => guard([], () => catalog.find(textHash, urlKeys)),
    row: (name) => guard(null, () => catalog.row(name)),
    put: (row) => guard(undefined, () => catalog.put(row)),
    drop: (name) => guard(undefined, () => catalog.drop(name)),
    stamp: () => guard(0, () => catalog.stamp()),
    async sync(corpusDir, rows, since, pause) {
      if (broken()) return;
      try {
        await catalog.sync(corpusDir, rows, since, pause);
      } catch {
        guard(undefined, () => {
          throw new Error('catalog sync failed');
        });
      }
    },
    distrust: () => guard(undefined, () => catalog.distrust()),
  };
}
