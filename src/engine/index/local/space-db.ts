import Database from 'better-sqlite3';
import type { IndexMeta } from '../store.js';
import type { HnswParams } from '../vector-index.js';

/**
 * One space of the local backend (the live index, or a rebuild in progress) is one SQLite
 * database in WAL mode — articles, passages with their analysed terms, the log of vectors added
 * since the last HNSW checkpoint, and a change log readers follow — plus checkpoint files beside it.
 * WAL lets readers in other processes read while one writer commits; every commit is one
 * transaction, so a crash leaves the last committed state.
 */
export const DB_FILE = 'index.db';
/** Bump when the tables change: an older space is reported stale and rebuilt. */
export const SCHEMA_VERSION = 1;

export type SpaceDb = Database.Database;

/** The checkpoint of the vectors: an HNSW file holding every vector of a label below `upTo`. */
export interface Checkpoint {
  file: string;
  upTo: number;
}

export interface SpaceSettings {
  meta: IndexMeta;
  hnsw: HnswParams;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, source TEXT NOT NULL, title_terms TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
  id TEXT PRIMARY KEY, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
  body TEXT NOT NULL, terms TEXT NOT NULL, words TEXT NOT NULL, label INTEGER
);
CREATE INDEX IF NOT EXISTS passages_by_article ON passages (article_id, ordinal);
CREATE INDEX IF NOT EXISTS passages_pending ON passages (id) WHERE label IS NULL;
CREATE TABLE IF NOT EXISTS vector_log (label INTEGER PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL);
`;

/** Opens (creating when asked) a space database. Throws when the file is not a database of ours. */
export function openSpaceDb(path: string, options: { create: boolean; readonly?: boolean }): SpaceDb {
  const db = new Database(path, { fileMustExist: !options.create, readonly: options.readonly ?? false });
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a process crash never loses a commit; power loss may drop the last ones, never corrupts.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    if (options.create) {
      db.exec(SCHEMA);
      db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    }
    const schema = db.prepare("SELECT value FROM settings WHERE key = 'schema'").pluck().get() as string | undefined;
    if (schema !== String(SCHEMA_VERSION)) throw new Error(`index schema ${schema ?? 'unknown'}, this version reads ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function readSetting<T>(db: SpaceDb, key: string): T | null {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as T);
}

export function writeSetting(db: SpaceDb, key: string, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}

/** Latest change number (0 for a space never changed). */
export function lastSeq(db: SpaceDb): number {
  let statement = lastSeqStatements.get(db);
  if (!statement) lastSeqStatements.set(db, (statement = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck()));
  return (statement.get() as number) ?? 0;
}

/** Readers ask for the latest change on every ask: the statement is prepared once per connection. */
const lastSeqStatements = new WeakMap<SpaceDb, Database.Statement>();

export const joinTerms = (terms: readonly string[]) => terms.join(' ');
export const splitTerms = (s: string): string[] => (s === '' ? [] : s.split(' '));

export const vectorBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
export function blobVector(b: Buffer): Float32Array {
  const copy = new Float32Array(b.byteLength / 4);
  new Uint8Array(copy.buffer).set(b);
  return copy;
}
