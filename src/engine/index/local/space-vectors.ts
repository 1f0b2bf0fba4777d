import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../../fs/lock-owner.js';
import { openHnswFile } from '../hnsw-file.js';
import { createVectorIndex, readVectorIndex, type HnswParams, type VectorIndex } from '../vector-index.js';
import { blobVector, openSpaceDb, readSetting, writeSetting, type Checkpoint, type SpaceDb } from './space-db.js';
import { spaceHnsw, spaceMeta } from './space-writes.js';
import { stagedVectors } from './staged-vectors.js';
import { slicer, yieldNow } from './time-slice.js';
import { startVectorBuilder, type VectorBuilder } from './vector-builder.js';

const ADD_BATCH = 8;

/** Live labels of a space, those of its stored passages, as a byte per label (1: live). */
export function liveLabels(db: SpaceDb): Uint8Array {
  const labels = db.prepare('SELECT label FROM passages WHERE label IS NOT NULL').pluck().all() as number[];
  let max = -1;
  for (const l of labels) if (l > max) max = l;
  const live = new Uint8Array(max + 1);
  for (const l of labels) live[l] = 1;
  return live;
}

/**
 * The vectors of a space, in memory: the checkpoint file read off the main thread, then the log
 * of vectors added since, in small batches, minus the labels no longer stored. Returns null for a
 * space without a model. Throws when the checkpoint or the log cannot be read (the caller reports
 * the index unreadable, or retries when a compaction replaced the checkpoint meanwhile).
 *
 * `staged` (a reader): resolves without hnswlib's read of the checkpoint — searches run on the
 * checkpoint file itself until that read, started later, is done (see staged-vectors.ts). At a
 * million vectors the read is 13–29 CPU-s of page faults; the file, in the page cache, answers at once.
 */
export async function loadSpaceVectors(
  dir: string,
  db: SpaceDb,
  /** A byte per label, 1 for a stored passage's; a promise lets the checkpoint read start before it is known. */
  liveLabels: Uint8Array | Promise<Uint8Array>,
  options: { staged?: boolean } = {},
): Promise<{ vectors: VectorIndex; checkpoint: Checkpoint | null } | null> {
  const meta = spaceMeta(db);
  if (!meta?.model) return null;
  const params = spaceHnsw(db);
  const checkpoint = readSetting<Checkpoint>(db, 'checkpoint');
  if (options.staged && checkpoint) {
    return { vectors: await loadStaged(join(dir, checkpoint.file), checkpoint, db, meta.model.dimension, params, liveLabels), checkpoint };
  }
  const read = checkpoint ? readVectorIndex(join(dir, checkpoint.file), meta.model.dimension, params, slicer()) : null;
  // Both settle before either is used: a failed read is never left unhandled while the labels load.
  const [stored, live] = await Promise.all([read, liveLabels]);
  const isLive = (label: number) => label < live.length && live[label] === 1;
  let liveCount = 0;
  for (let l = 0; l < live.length; l++) liveCount += live[l]!;
  const vectors = stored ?? createVectorIndex(meta.model.dimension, liveCount, params);
  // Both passes are O(vectors): in slices, so a reload at a million never holds the event loop.
  const pause = slicer();
  const inFile = vectors.labels();
  for (let i = 0; i < inFile.length; i += 4096) {
    vectors.remove(inFile.slice(i, i + 4096).filter((l) => !isLive(l)));
    await pause();
  }
  // In label order, as the log is read.
  const missing: number[] = [];
  for (let l = 0; l < live.length; l++) {
    if (live[l] === 1 && !vectors.has(l)) missing.push(l);
    if ((l & 65535) === 65535) await pause();
  }
  await addFromLog(db, vectors, missing, pause);
  return { vectors, checkpoint };
}

/** Adds logged vectors to an index, time-sliced: inserting into HNSW costs about a millisecond a vector. */
async function addFromLog(db: SpaceDb, vectors: VectorIndex, labels: number[], pause: () => Promise<void>): Promise<void> {
  const get = db.prepare('SELECT vector FROM vector_log WHERE label = ?').pluck();
  for (let i = 0; i < labels.length; i += ADD_BATCH) {
    const batch = labels.slice(i, i + ADD_BATCH);
    const vecs = batch.map((l) => {
      const blob = get.get(l) as Buffer | undefined;
      if (!blob) throw new VectorLogGap(l);
      return blobVector(blob);
    });
    vectors.add(vecs, batch);
    await pause();
  }
}

/**
 * The staged load: the checkpoint file opened for searching (a damaged one throws here, as
 * hnswlib's read would) and the vectors logged since it put into a small in-memory index;
 * hnswlib reads the checkpoint later (see staged-vectors.ts). The checkpoint holds every vector logged below its `upTo`
 * (compactions and bulk checkpoints write all of them), so the log is read from there on.
 */
async function loadStaged(
  path: string,
  checkpoint: Checkpoint,
  db: SpaceDb,
  dimension: number,
  params: HnswParams,
  liveLabels: Uint8Array | Promise<Uint8Array>,
) {
  // Awaited below, after the file opened: a load that fails first must not leave it unhandled.
  Promise.resolve(liveLabels).catch(() => undefined);
  const pause = slicer();
  const file = await openHnswFile(path, dimension, pause);
  try {
    const live = await liveLabels;
    const missing: number[] = [];
    for (let l = checkpoint.upTo; l < live.length; l++) if (live[l] === 1) missing.push(l);
    const recent = createVectorIndex(dimension, missing.length, params);
    await addFromLog(db, recent, missing, pause);
    return stagedVectors(file, live, recent, params, checkpoint.upTo, (samePath, pausing) => readVectorIndex(samePath, dimension, params, pausing));
  } catch (err) {
    file.close();
    throw err;
  }
}

/** A label the log no longer has: a compaction moved it into a newer checkpoint while we read. */
export class VectorLogGap extends Error {
  constructor(label: number) {
    super(`vector ${label} is neither in the checkpoint nor in the log`);
    this.name = 'VectorLogGap';
  }
}

/** Log size past which a writer folds the log into a new checkpoint: readers then replay less. */
export function compactionDue(db: SpaceDb): boolean {
  const logged = db.prepare('SELECT COUNT(*) FROM vector_log').pluck().get() as number;
  const checkpoint = readSetting<Checkpoint>(db, 'checkpoint');
  const inCheckpoint = checkpoint ? checkpoint.upTo : 0;
  return logged > Math.max(2000, inCheckpoint * 0.25);
}

/**
 * Folds the vector log into a new checkpoint file (written beside, fsynced, renamed into
 * place), then in one transaction points the space at it and drops the folded log rows, then
 * removes the old file. A crash at any point leaves a space that loads: an orphaned file is
 * swept later. Amortised: due only when the log outgrew a share of the checkpoint. Writers only.
 *
 * A live space's compaction inserts on a vector builder's worker thread, never on the caller's:
 * it is O(coverage) (about 90 s and 26 CPU-s at 100k passages), and a bot's ingest calls it.
 * It may run out of the write lock (the store runs it in the background), so it reads one
 * committed state and registers its file only over a lower bound (see `registerCheckpoint`).
 */
export async function compactVectors(dir: string, db: SpaceDb): Promise<void> {
  const meta = spaceMeta(db);
  if (!meta?.model) return;
  if (builders.has(db)) return checkpointBuilder(dir, db);
  await compactFromSnapshot(dir, db, meta.model.dimension);
}

/**
 * Writes and registers a checkpoint of one committed state of the space, read on a connection of its own
 * inside one read transaction (WAL: commits go on meanwhile, and another process's compaction
 * may delete log rows, without this read seeing either). The labels, the bound and the log are
 * thus read together, as before the first await: a commit landing meanwhile takes labels from
 * `upTo` on, which stay in the log. Does nothing when no label was added since the checkpoint.
 */
async function compactFromSnapshot(dir: string, db: SpaceDb, dimension: number): Promise<void> {
  const snapshot = openSpaceDb(db.name, { create: false, readonly: true });
  let builder: VectorBuilder | null = null;
  try {
    snapshot.exec('BEGIN');
    const previous = readSetting<Checkpoint>(snapshot, 'checkpoint');
    const upTo = readSetting<number>(snapshot, 'next_label') ?? 0;
    if (previous && previous.upTo >= upTo) return;
    // The worker reads the previous checkpoint file and inserts what the log holds since.
    builder = await startVectorBuilder({ dimension, params: spaceHnsw(snapshot), checkpoint: previous ? join(dir, previous.file) : null, capacity: 16_384 });
    await feedLog(snapshot, builder, previous?.upTo ?? 0, upTo, dimension);
    const live = await liveBitmap(snapshot, upTo);
    snapshot.exec('COMMIT');
    const file = `vectors-${upTo}.hnsw`;
    const written = builder;
    await writeCheckpointFile(dir, file, (tmp) => written.write(tmp, live));
    // Registered at once, before the builder's close is awaited: an unregistered file is one another writer's sweep may take.
    const unused = registerCheckpoint(dir, db, { file, upTo });
    // Off this thread (libuv's pool): unlinking a checkpoint of 30 MB at 10k passages took 70 ms.
    if (unused) await rm(join(dir, unused), { force: true });
  } finally {
    if (snapshot.inTransaction) snapshot.exec('ROLLBACK');
    snapshot.close();
    await builder?.close();
  }
}

/** Sends the logged vectors with labels in [from, upTo) to a builder, a page at a time (the builder applies backpressure). */
async function feedLog(db: SpaceDb, builder: VectorBuilder, from: number, upTo: number, dimension: number): Promise<void> {
  const page = db.prepare('SELECT label, vector FROM vector_log WHERE label >= ? AND label < ? ORDER BY label LIMIT ?');
  while (from < upTo) {
    const rows = page.all(from, upTo, FEED_PAGE) as { label: number; vector: Buffer }[];
    if (rows.length === 0) break;
    const labels = new Int32Array(rows.length);
    const vectors = new Float32Array(rows.length * dimension);
    rows.forEach((r, i) => {
      labels[i] = r.label;
      vectors.set(blobVector(r.vector), i * dimension);
    });
    from = rows[rows.length - 1]!.label + 1;
    await builder.add(labels, vectors);
    // `add` resolves at once while the builder's queue is short: without this, every page of the
    // log would be read in one turn of the caller's loop (about 170 ms for 2 600 vectors at 10k).
    await yieldNow();
  }
}

/**
 * Points the space at a checkpoint written out of the write lock, in one transaction with the
 * deletion of the log rows it holds — only if the space's current checkpoint has a lower bound
 * (compare-and-set). Two processes may compact at once: had the lower one registered last, the
 * log rows between the two bounds, already deleted by the higher one, would be lost. A file the
 * space does not take is to be removed (unless it is, by the same name, the one registered), as is
 * the file it replaced: returns that file's name. Also refused when another writer's sweep took the file meanwhile.
 */
function registerCheckpoint(dir: string, db: SpaceDb, checkpoint: Checkpoint): string | null {
  const replaced = db.transaction((): Checkpoint | null | false => {
    const current = readSetting<Checkpoint>(db, 'checkpoint');
    if ((current && current.upTo >= checkpoint.upTo) || !existsSync(join(dir, checkpoint.file))) return false;
    writeSetting(db, 'checkpoint', checkpoint);
    db.prepare('DELETE FROM vector_log WHERE label < ?').run(checkpoint.upTo);
    return current;
  })();
  if (replaced === false) return readSetting<Checkpoint>(db, 'checkpoint')?.file !== checkpoint.file ? checkpoint.file : null;
  return replaced && replaced.file !== checkpoint.file ? replaced.file : null;
}

/** Writes an index file beside the space (temp file, fsync, rename): a crash leaves at most a temp file, swept later. */
async function writeCheckpointFile(dir: string, file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const path = join(dir, file);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await write(tmp);
    // Awaited on libuv's pool: a sync fsync of the whole file (35 MB at 10k passages, 10 times that at 100k) would hold the loop for its I/O.
    await fsyncAsync(tmp);
    renameSync(tmp, path);
    await fsyncAsync(dir);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

async function fsyncAsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** In one transaction, points the space at a new checkpoint and drops the log rows it holds; then removes the old file. */
function pointAt(dir: string, db: SpaceDb, checkpoint: Checkpoint, previous: Checkpoint | null): void {
  db.transaction(() => {
    writeSetting(db, 'checkpoint', checkpoint);
    db.prepare('DELETE FROM vector_log WHERE label < ?').run(checkpoint.upTo);
  })();
  if (previous && previous.file !== checkpoint.file) rmSync(join(dir, previous.file), { force: true });
}

/** The builder of a space being bulk-built, and how far it was fed. */
interface BuilderState {
  builder: VectorBuilder;
  /** Every logged vector with a label below this was sent to the builder. */
  fedUpTo: number;
  /** The checkpoint file the builder started from or last wrote (null: none). */
  checkpointFile: string | null;
}

const builders = new WeakMap<SpaceDb, BuilderState>();
/** Logged vectors read per turn (about 1.5 KB each at 384 dimensions). */
const FEED_PAGE = 256;

/**
 * For bulk builds (a rebuild space): sends the vectors committed since the last call to the
 * space's builder, a live HNSW index on a worker thread started on the first call from the
 * space's checkpoint. They are inserted there while the caller goes on (it waits only when the
 * builder falls far behind); from then on `compactVectors` writes that index as it stands.
 * Until `closeVectorBuilder`, the writer process holds the space's vectors and graph (~1.7 KB a
 * vector at 384 dimensions): for bulk builds only, never for a live space a bot writes to.
 */
export async function feedVectors(dir: string, db: SpaceDb): Promise<void> {
  const meta = spaceMeta(db);
  if (!meta?.model) return;
  const checkpoint = readSetting<Checkpoint>(db, 'checkpoint');
  let state = builders.get(db);
  if (state && state.checkpointFile !== (checkpoint?.file ?? null)) {
    // Another writer moved the checkpoint (not under one write lock): start again from it.
    await closeVectorBuilder(db);
    state = undefined;
  }
  if (!state) {
    const builder = await startVectorBuilder({ dimension: meta.model.dimension, params: spaceHnsw(db), checkpoint: checkpoint ? join(dir, checkpoint.file) : null, capacity: 16_384 });
    state = { builder, fedUpTo: checkpoint?.upTo ?? 0, checkpointFile: checkpoint?.file ?? null };
    builders.set(db, state);
  }
  const upTo = readSetting<number>(db, 'next_label') ?? 0;
  await feedLog(db, state.builder, state.fedUpTo, upTo, meta.model.dimension);
  state.fedUpTo = upTo;
}

/** Stops the space's builder, if any (its index is freed). */
export async function closeVectorBuilder(db: SpaceDb): Promise<void> {
  const state = builders.get(db);
  builders.delete(db);
  await state?.builder.close();
}

/** `compactVectors` for a space with a builder: the builder's index, written as it stands once fed up to now. */
async function checkpointBuilder(dir: string, db: SpaceDb): Promise<void> {
  await feedVectors(dir, db);
  const state = builders.get(db)!;
  const upTo = state.fedUpTo;
  const live = await liveBitmap(db, upTo);
  const previous = readSetting<Checkpoint>(db, 'checkpoint');
  const file = `vectors-${upTo}.hnsw`;
  await writeCheckpointFile(dir, file, (tmp) => state.builder.write(tmp, live));
  pointAt(dir, db, { file, upTo }, previous);
  state.checkpointFile = file;
}

/**
 * Rows of passages read per turn: `label` is stored after the passage's text, so each row is read
 * whole (about 5 µs a row here, more from a fresh connection reading the WAL: 8 192 rows held a live
 * writer's loop 200-260 ms during a background compaction at 10k passages).
 */
const LIVE_PAGE = 1024;

/** Labels below `upTo` of stored passages, as a byte map, read a page at a time (a million rows never hold the event loop). */
async function liveBitmap(db: SpaceDb, upTo: number): Promise<Uint8Array> {
  const live = new Uint8Array(upTo);
  const page = db.prepare('SELECT rowid, label FROM passages WHERE rowid > ? ORDER BY rowid LIMIT ?');
  for (let after = 0; ; ) {
    const rows = page.all(after, LIVE_PAGE) as { rowid: number; label: number | null }[];
    for (const r of rows) if (r.label !== null && r.label < upTo) live[r.label] = 1;
    if (rows.length < LIVE_PAGE) return live;
    after = rows[rows.length - 1]!.rowid;
    await yieldNow();
  }
}

const RECENT_FOLD_MS = 10 * 60_000;

function youngerThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < ms;
  } catch {
    return false;
  }
}

/**
 * A recent temporary file (`<file>.tmp-<pid>-<ms>`) of another live process: a background fold
 * or compaction writing it out of the write lock, not a crashed write. Both the age and the pid
 * are asked, so a reused pid keeps a crash's leftover for minutes, not for ever.
 */
export function othersWriteInProgress(dir: string, name: string): boolean {
  const pid = Number(/\.tmp-(\d+)-/.exec(name)?.[1] ?? NaN);
  return Number.isInteger(pid) && pid !== process.pid && isAlive(pid) && youngerThan(join(dir, name), RECENT_FOLD_MS);
}

/** Removes checkpoint files (vectors, lexical) the space does not point at and temporary files of crashed writes. */
export function sweepSpace(dir: string, db: SpaceDb): void {
  if (!existsSync(dir)) return;
  const keep = new Set([readSetting<Checkpoint>(db, 'checkpoint')?.file, readSetting<{ file: string }>(db, 'lexical')?.file]);
  for (const name of readdirSync(dir)) {
    // A checkpoint written in the last minutes may be a background fold or compaction about to register it.
    if ((name.startsWith('lexical-') || name.startsWith('vectors-')) && !name.includes('.tmp-') && !keep.has(name) && youngerThan(join(dir, name), RECENT_FOLD_MS)) continue;
    if (name.includes('.tmp-') && othersWriteInProgress(dir, name)) continue;
    if (((name.startsWith('vectors-') || name.startsWith('lexical-')) && !keep.has(name)) || name.includes('.tmp-')) rmSync(join(dir, name), { force: true });
  }
}
