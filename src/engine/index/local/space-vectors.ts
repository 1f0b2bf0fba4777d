import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncPath } from '../../fs/atomic-write.js';
import { createVectorIndex, readVectorIndex, type VectorIndex } from '../vector-index.js';
import { blobVector, readSetting, writeSetting, type Checkpoint, type SpaceDb } from './space-db.js';
import { spaceHnsw, spaceMeta } from './space-writes.js';

/** Yields to the event loop, so a long load never holds it for long. */
export const yieldNow = () => new Promise<void>((r) => setImmediate(r));

const ADD_BATCH = 8;
const SLICE_MS = 15;

/** Live labels of a space: those of its stored passages. */
export function liveLabels(db: SpaceDb): Set<number> {
  return new Set(db.prepare('SELECT label FROM passages WHERE label IS NOT NULL').pluck().all() as number[]);
}

/**
 * The vectors of a space, in memory: the checkpoint file read off the main thread, then the log
 * of vectors added since, in small batches, minus the labels no longer stored. Returns null for a
 * space without a model. Throws when the checkpoint or the log cannot be read (the caller reports
 * the index unreadable, or retries when a compaction replaced the checkpoint meanwhile).
 */
export async function loadSpaceVectors(dir: string, db: SpaceDb, live: Set<number>): Promise<{ vectors: VectorIndex; checkpoint: Checkpoint | null } | null> {
  const meta = spaceMeta(db);
  if (!meta?.model) return null;
  const params = spaceHnsw(db);
  const checkpoint = readSetting<Checkpoint>(db, 'checkpoint');
  const vectors = checkpoint
    ? await readVectorIndex(join(dir, checkpoint.file), meta.model.dimension, params)
    : createVectorIndex(meta.model.dimension, live.size, params);
  // Both passes are O(vectors): in slices, so a reload at a million never holds the event loop.
  let slice = performance.now();
  const pause = async () => {
    if (performance.now() - slice < SLICE_MS) return;
    await yieldNow();
    slice = performance.now();
  };
  const stored = vectors.labels();
  for (let i = 0; i < stored.length; i += 4096) {
    vectors.remove(stored.slice(i, i + 4096).filter((l) => !live.has(l)));
    await pause();
  }
  const missing: number[] = [];
  let i = 0;
  for (const l of live) {
    if (!vectors.has(l)) missing.push(l);
    if (++i % 4096 === 0) await pause();
  }
  missing.sort((a, b) => a - b);
  const get = db.prepare('SELECT vector FROM vector_log WHERE label = ?').pluck();
  // Time-sliced: inserting into HNSW costs about a millisecond a vector; the event loop gets a turn every SLICE_MS.
  for (let i = 0; i < missing.length; i += ADD_BATCH) {
    const labels = missing.slice(i, i + ADD_BATCH);
    const vecs = labels.map((l) => {
      const blob = get.get(l) as Buffer | undefined;
      if (!blob) throw new VectorLogGap(l);
      return blobVector(blob);
    });
    vectors.add(vecs, labels);
    if (performance.now() - slice > SLICE_MS) {
      await yieldNow();
      slice = performance.now();
    }
  }
  return { vectors, checkpoint };
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
 */
export async function compactVectors(dir: string, db: SpaceDb): Promise<void> {
  const meta = spaceMeta(db);
  if (!meta?.model) return;
  const live = liveLabels(db);
  const loaded = await loadSpaceVectors(dir, db, live);
  if (!loaded) return;
  const upTo = readSetting<number>(db, 'next_label') ?? 0;
  const file = `vectors-${upTo}.hnsw`;
  const path = join(dir, file);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await loaded.vectors.write(tmp);
    fsyncPath(tmp);
    renameSync(tmp, path);
    fsyncPath(dir);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const checkpoint: Checkpoint = { file, upTo };
  db.transaction(() => {
    writeSetting(db, 'checkpoint', checkpoint);
    db.prepare('DELETE FROM vector_log WHERE label < ?').run(upTo);
  })();
  if (loaded.checkpoint && loaded.checkpoint.file !== file) rmSync(join(dir, loaded.checkpoint.file), { force: true });
}

/** Removes checkpoint files (vectors, lexical) the space does not point at and temporary files of crashed writes. */
export function sweepSpace(dir: string, db: SpaceDb): void {
  if (!existsSync(dir)) return;
  const keep = new Set([readSetting<Checkpoint>(db, 'checkpoint')?.file, readSetting<{ file: string }>(db, 'lexical')?.file]);
  for (const name of readdirSync(dir)) {
    if (((name.startsWith('vectors-') || name.startsWith('lexical-')) && !keep.has(name)) || name.includes('.tmp-')) rmSync(join(dir, name), { force: true });
  }
}
