import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createError, EngineError } from '../../errors.js';
import { fsyncPath, writeFileAtomic } from '../../fs/atomic-write.js';
import { LockBusyError, withFileLock } from '../../fs/file-lock.js';
import type { IndexMeta, IndexStore, RebuildSpace, StoreChange } from '../store.js';
import { createLocalReader } from './local-reader.js';
import { foldLexical, LEXICAL_SETTING, lexicalFoldDue, type LexicalCheckpointRef } from './lexical-fold.js';
import { DB_FILE, openSpaceDb, readSetting, type SpaceDb } from './space-db.js';
import { spaceStash } from './space-stash.js';
import { closeVectorBuilder, compactionDue, compactVectors, feedVectors, othersWriteInProgress, sweepSpace } from './space-vectors.js';
import { yieldNow } from './time-slice.js';
import { commitToSpace, spaceArticleIds, spaceArticleIdsPaged, spaceArticles, spaceCounts, spaceMeta, spacePending } from './space-writes.js';

/**
 * The local backend: SQLite (WAL) + hnswlib-node in one folder.
 *
 *   INDEX_DIR/current.json   {"generation": "gen-…", "previous": "gen-…"}: the live space
 *   INDEX_DIR/rebuild.json   the rebuild in progress, resumed by the next rebuild of the same settings
 *   INDEX_DIR/gen-…/index.db articles, passages + terms, vector log, change log
 *   INDEX_DIR/gen-…/vectors-N.hnsw  checkpoint of every vector with a label below N
 *
 * Updates go into the live space (one transaction each: O(article)); a rebuild fills a new space
 * and switches `current.json` with an atomic rename once complete.
 */
export const POINTER_FILE = 'current.json';
export const REBUILD_FILE = 'rebuild.json';
export const WRITE_LOCK = '.write.lock';
/** Change-log rows kept for readers that fall behind; one further behind loads whole. */
const CHANGES_KEPT = 50_000;
/** Passages from which a space gets a lexical checkpoint (below, indexing them at load is as quick). */
const LEXICAL_FOLD_MIN = 1000;

const GENERATION = /^gen-\d+$/;

interface Pointer {
  generation: string;
  previous?: string | null;
}

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The live generation, or null when there is none. INDEX_CORRUPT / INDEX_STALE when it cannot be used. */
export function liveGeneration(indexDir: string): string | null {
  let pointer: Pointer | null;
  try {
    pointer = readJson<Pointer>(join(indexDir, POINTER_FILE));
    if (pointer && (typeof pointer.generation !== 'string' || !GENERATION.test(pointer.generation))) throw new Error('bad pointer');
  } catch {
    throw createError('INDEX_CORRUPT', `${POINTER_FILE} is unreadable`);
  }
  if (!pointer) return null;
  const dir = join(indexDir, pointer.generation);
  if (!existsSync(join(dir, DB_FILE))) {
    if (existsSync(join(dir, 'manifest.json'))) throw createError('INDEX_STALE', 'it was written by an older version of Dépêche');
    throw createError('INDEX_CORRUPT', `${pointer.generation}/${DB_FILE} is missing`);
  }
  return pointer.generation;
}

const newGeneration = () => `gen-${String(Date.now())}${String(process.pid).padStart(7, '0')}`;

/**
 * A store's job that runs in the background, one at a time. A run that fails (a sweep took its
 * file, the space was replaced) is dropped: the job is tried again when next due.
 */
function backgroundJob(run: (dir: string, db: SpaceDb) => Promise<unknown>) {
  let current: Promise<void> | null = null;
  return {
    running: () => current !== null,
    start(dir: string, db: SpaceDb) {
      current = run(dir, db)
        .then(() => undefined, () => undefined)
        .finally(() => {
          current = null;
        });
    },
    /** Resolves when the run in progress, if any, is over. */
    settled: () => current ?? Promise.resolve(),
  };
}

/**
 * Opens the local store in `indexDir` (created on first commit).
 * @example const store = createLocalStore({ indexDir: 'embeddings' }); await store.commit({ meta, upsert: [article] });
 */
export function createLocalStore(options: {
  indexDir: string;
  lexicalFoldMin?: number;
  /** False: each checkpoint of a rebuild folds the last checkpoint file plus the log anew (O(coverage) each), as before session 4; on a worker since session 8 (kept for the side-by-side bench). */
  bulkVectors?: boolean;
}): IndexStore {
  const { indexDir } = options;
  const foldMin = options.lexicalFoldMin ?? LEXICAL_FOLD_MIN;
  const dirOf = (generation: string) => join(indexDir, generation);
  let open: { generation: string; db: SpaceDb } | null = null;

  /** The writer's connection to the live space; reopened when a rebuild replaced it. */
  const liveDb = (create: boolean): SpaceDb | null => {
    const generation = liveGeneration(indexDir);
    if (open && open.generation === generation) return open.db;
    open?.db.close();
    open = null;
    if (!generation) {
      if (!create) return null;
      const created = newGeneration();
      mkdirSync(dirOf(created), { recursive: true });
      const db = openSpaceDb(join(dirOf(created), DB_FILE), { create: true });
      fsyncPath(dirOf(created));
      writeFileAtomic(join(indexDir, POINTER_FILE), JSON.stringify({ generation: created, previous: null } satisfies Pointer));
      open = { generation: created, db };
      return db;
    }
    open = { generation, db: openSpaceDb(join(dirOf(generation), DB_FILE), { create: false }) };
    return open.db;
  };

  /**
   * The lexical fold in the background: the commit that made it due returns at once (a fold is
   * O(coverage): minutes at a million passages), the worker thread builds the new checkpoint from
   * one committed state, and the space points at it when it is written. Readers never wait for it
   * (they follow the change log meanwhile); `close` does. The vector compaction runs the same way,
   * for the same reason (about 90 s at 100k passages, inserted on a worker thread; readers read the
   * previous checkpoint and the log meanwhile).
   */
  const fold = backgroundJob(foldLexical);
  const compaction = backgroundJob(compactVectors);

  const afterCommit = async (dir: string, db: SpaceDb) => {
    if (!compaction.running() && compactionDue(db)) compaction.start(dir, db);
    if (!fold.running() && lexicalFoldDue(db, foldMin)) fold.start(dir, db);
    const seq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck().get() as number;
    if (seq % 1000 === 0) {
      // Readers re-index the changes since the lexical checkpoint: those stay.
      const folded = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING)?.seq ?? Infinity;
      db.prepare('DELETE FROM changes WHERE seq <= ?').run(Math.min(seq - CHANGES_KEPT, folded));
    }
  };

  const openRebuild = (meta: IndexMeta): { generation: string; db: SpaceDb } => {
    let marker: { generation: string; meta: IndexMeta } | null = null;
    try {
      marker = readJson(join(indexDir, REBUILD_FILE));
    } catch {
      marker = null;
    }
    if (marker && GENERATION.test(marker.generation) && JSON.stringify(marker.meta) === JSON.stringify(meta) && existsSync(join(dirOf(marker.generation), DB_FILE))) {
      try {
        const db = openSpaceDb(join(dirOf(marker.generation), DB_FILE), { create: false });
        const stored = spaceMeta(db);
        if (!stored || JSON.stringify(stored) === JSON.stringify(meta)) return { generation: marker.generation, db };
        db.close();
      } catch {
        // A damaged unfinished rebuild: start over.
      }
    }
    if (marker && GENERATION.test(marker.generation)) rmSync(dirOf(marker.generation), { recursive: true, force: true });
    const generation = newGeneration();
    mkdirSync(dirOf(generation), { recursive: true });
    const db = openSpaceDb(join(dirOf(generation), DB_FILE), { create: true });
    fsyncPath(dirOf(generation));
    writeFileAtomic(join(indexDir, REBUILD_FILE), JSON.stringify({ generation, meta }));
    return { generation, db };
  };

  /** Reads the live space; anything it cannot read (not a database, a damaged row) is "index unreadable". */
  const reading = <T>(read: (db: SpaceDb) => T, empty: T): Promise<T> => {
    try {
      const db = liveDb(false);
      return Promise.resolve(db ? read(db) : empty);
    } catch (err) {
      if (err instanceof EngineError) return Promise.reject(err);
      open?.db.close();
      open = null;
      return Promise.reject(createError('INDEX_CORRUPT', `${DB_FILE}: ${String((err as Error).message ?? err).split('\n')[0]!.slice(0, 120)}`));
    }
  };

  const store: IndexStore = {
    backend: 'local',
    meta: () => reading(spaceMeta, null),
    articles: (ids) => reading((db) => spaceArticles(db, ids), new Map()),
    async articleIds() {
      const db = await reading((d) => d, null);
      return db ? spaceArticleIdsPaged(db, yieldNow) : new Set<string>();
    },
    counts: () => reading(spaceCounts, { articles: 0, passages: 0 }),
    async pendingVectors(limit) {
      const db = liveDb(false);
      return db ? spacePending(db, limit) : [];
    },
    async commit(change: StoreChange) {
      mkdirSync(indexDir, { recursive: true });
      const db = liveDb(true)!;
      commitToSpace(db, change);
      await afterCommit(dirOf(open!.generation), db);
    },
    stash: spaceStash(() => liveDb(false)),
    async rebuild(meta): Promise<RebuildSpace> {
      mkdirSync(indexDir, { recursive: true });
      const { generation, db } = openRebuild(meta);
      const dir = dirOf(generation);
      let published = false;
      let abandoned = false;
      const usable = () => {
        if (published) throw new Error('this rebuild was published already');
        if (abandoned) throw new Error('this rebuild was abandoned');
        return db;
      };
      return {
        meta: async () => spaceMeta(usable()),
        articles: async (ids) => spaceArticles(usable(), ids),
        articleIds: async () => spaceArticleIds(usable()),
        counts: async () => spaceCounts(usable()),
        pendingVectors: async (limit) => spacePending(usable(), limit),
        stash: spaceStash(() => (published || abandoned ? null : db)),
        commit: async (change) => {
          commitToSpace(usable(), change.meta || spaceMeta(db) ? change : { ...change, meta });
          // A bulk build inserts into one live index on a worker thread as it commits (space-vectors.ts).
          if (options.bulkVectors !== false) await feedVectors(dir, db);
          if (compactionDue(db)) await compactVectors(dir, db);
        },
        publish: async () => {
          usable();
          if (!spaceMeta(db)) commitToSpace(db, { meta });
          // Readers then read one HNSW file instead of inserting every vector of the log, and one lexical checkpoint instead of indexing every passage.
          await compactVectors(dir, db);
          await closeVectorBuilder(db);
          if (lexicalFoldDue(db, foldMin)) await foldLexical(dir, db);
          db.close();
          published = true;
          let previous: string | null = null;
          try {
            previous = liveGeneration(indexDir);
          } catch {
            previous = null;
          }
          writeFileAtomic(join(indexDir, POINTER_FILE), JSON.stringify({ generation, previous } satisfies Pointer));
          rmSync(join(indexDir, REBUILD_FILE), { force: true });
          removeGenerations(indexDir, new Set([generation, previous ?? '']));
        },
        abandon: async () => {
          if (published || abandoned) return;
          abandoned = true;
          // The builder's worker holds the space's whole HNSW graph; the handle keeps the WAL open.
          // Both go even when one of them fails; rebuild.json stays, so the next rebuild resumes here.
          try {
            await closeVectorBuilder(db);
          } finally {
            db.close();
          }
        },
      };
    },
    async withWriteLock(job, lockOptions = {}) {
      mkdirSync(indexDir, { recursive: true });
      try {
        return await withFileLock(join(indexDir, WRITE_LOCK), job, { purpose: 'index', onWait: lockOptions.onWait });
      } catch (err) {
        if (err instanceof LockBusyError) throw createError('INDEX_BUSY', indexDir);
        throw err;
      }
    },
    reader() {
      return createLocalReader({ live: () => liveGeneration(indexDir), dir: dirOf });
    },
    async sweep() {
      if (!existsSync(indexDir)) return;
      let pointer: Pointer | null = null;
      let rebuilding: string | null = null;
      try {
        pointer = readJson<Pointer>(join(indexDir, POINTER_FILE));
      } catch {
        pointer = null;
      }
      try {
        rebuilding = readJson<{ generation: string }>(join(indexDir, REBUILD_FILE))?.generation ?? null;
      } catch {
        rebuilding = null;
      }
      const kept = new Set([pointer?.generation ?? '', pointer?.previous ?? '', rebuilding ?? '']);
      removeGenerations(indexDir, kept);
      for (const generation of kept) {
        if (!generation || !existsSync(dirOf(generation))) continue;
        // Not the file our own background fold or compaction is writing.
        for (const name of readdirSync(dirOf(generation))) {
          if (!name.includes('.tmp-') || (fold.running() && name.startsWith('lexical-')) || (compaction.running() && name.startsWith('vectors-'))) continue;
          if (othersWriteInProgress(dirOf(generation), name)) continue;
          rmSync(join(dirOf(generation), name), { force: true });
        }
      }
      let db: SpaceDb | null = null;
      try {
        db = liveDb(false);
      } catch {
        db = null;
      }
      if (db && open && !fold.running() && !compaction.running()) sweepSpace(dirOf(open.generation), db);
    },
    async close() {
      await Promise.all([fold.settled(), compaction.settled()]);
      open?.db.close();
      open = null;
    },
  };
  return store;
}

/** Removes generation folders not in `keep`, and temporary files of crashed writes. */
function removeGenerations(indexDir: string, keep: Set<string>): void {
  for (const name of readdirSync(indexDir)) {
    if ((GENERATION.test(name) && !keep.has(name)) || name.includes('.tmp-')) rmSync(join(indexDir, name), { recursive: true, force: true });
  }
}
