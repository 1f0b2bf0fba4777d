import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStore, liveGeneration } from '../src/engine/index/local/local-store.js';
import { openSpaceDb, readSetting, type Checkpoint, type SpaceDb } from '../src/engine/index/local/space-db.js';
import { compactionDue, compactVectors, liveLabels, loadSpaceVectors } from '../src/engine/index/local/space-vectors.js';
import { commitToSpace } from '../src/engine/index/local/space-writes.js';
import { liveVectorBuilders } from '../src/engine/index/local/vector-builder.js';
import type { ArticleWrite, IndexMeta, IndexStore } from '../src/engine/index/store.js';
import { article, META } from './store-contract.js';

/**
 * A compaction folds the vector log into a new checkpoint file while the writer's process goes
 * on. A commit that lands while it loads the vectors (its first await) must keep its vector.
 */
let root = '';
let db: SpaceDb | null = null;
const stores: IndexStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  db?.close();
  db = null;
  rmSync(root, { recursive: true, force: true });
});

const labelOf = (space: SpaceDb, id: string) => space.prepare('SELECT label FROM passages WHERE id = ?').pluck().get(id) as number;

/** A seeded generator: the same vectors on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An article of `n` passages with random unit vectors of `dimension` (distinct, so each is its own nearest neighbour). */
function randomArticle(id: string, n: number, dimension: number, random: () => number): ArticleWrite {
  const written = article(id, `Titre ${id}`, Array.from({ length: n }, (_, i) => `Texte ${id} numéro ${i}.`));
  return {
    ...written,
    passages: written.passages.map((p) => {
      const v = Float32Array.from({ length: dimension }, () => random() - 0.5);
      const norm = Math.hypot(...v);
      return { ...p, vector: v.map((x) => x / norm) };
    }),
  };
}

/** Every stored passage's vector is found, each as its own nearest neighbour (a lost one makes the load throw). */
async function expectEveryVectorSearchable(dir: string, space: SpaceDb): Promise<void> {
  const loaded = (await loadSpaceVectors(dir, space, liveLabels(space)))!;
  const labels = space.prepare('SELECT label FROM passages WHERE label IS NOT NULL').pluck().all() as number[];
  expect(labels.length).toBeGreaterThan(0);
  for (const label of labels) {
    expect(loaded.vectors.has(label)).toBe(true);
    expect(loaded.vectors.search(loaded.vectors.vector(label), 1)[0]!.label).toBe(label);
  }
}

/** CPU time of the calling thread: Node 23.9 and later (on Node 22 only the structural check runs). */
const threadCpuUsage = (process as { threadCpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage }).threadCpuUsage?.bind(process);
const total = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

const vectorFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('vectors-'));

describe('vector compaction', () => {
  it('keeps the vector of a commit that lands while it loads the vectors it folds', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-compaction-'));
    const space = (db = openSpaceDb(join(root, 'index.db'), { create: true }));
    commitToSpace(space, { meta: META, upsert: [article('a', 'A', ['Texte a.'], { axis: 0 }), article('b', 'B', ['Texte b.'], { axis: 1 })] });
    // A first checkpoint: the next compaction then reads a file before it folds.
    await compactVectors(root, space);
    commitToSpace(space, { upsert: [article('c', 'C', ['Texte c.'], { axis: 2 })] });

    const compaction = compactVectors(root, space);
    // Runs while the compaction awaits its load, as a writer's next commit would.
    commitToSpace(space, { upsert: [article('d', 'D', ['Texte d.'], { axis: 3 })] });
    await compaction;

    // Every stored passage's vector is in the new checkpoint or still in the log (a lost one throws here).
    const loaded = (await loadSpaceVectors(root, space, liveLabels(space)))!;
    for (const id of ['a#0', 'b#0', 'c#0', 'd#0']) expect(loaded.vectors.has(labelOf(space, id))).toBe(true);
    expect(loaded.checkpoint!.upTo).toBe(labelOf(space, 'd#0'));
    expect(space.prepare('SELECT label FROM vector_log').pluck().all()).toEqual([labelOf(space, 'd#0')]);
  });

  it('drops its checkpoint when another writer registered one with a higher bound meanwhile, and loses no vector', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-compaction-'));
    const random = seeded(7);
    const space = (db = openSpaceDb(join(root, 'index.db'), { create: true }));
    commitToSpace(space, { meta: META, upsert: [randomArticle('a', 40, 8, random)] });
    // Another process's connection to the same space.
    const other = openSpaceDb(join(root, 'index.db'), { create: false });
    try {
      const lower = compactVectors(root, space);
      // The other writer commits and folds past the first one's bound, and finishes first:
      // it deletes the log rows the lower checkpoint lacks.
      commitToSpace(other, { upsert: [randomArticle('b', 40, 8, random)] });
      await compactVectors(root, other);
      await lower;
    } finally {
      other.close();
    }
    const checkpoint = readSetting<Checkpoint>(space, 'checkpoint')!;
    expect(checkpoint.upTo).toBe(80);
    expect(vectorFiles(root)).toEqual([checkpoint.file]);
    expect(space.prepare('SELECT COUNT(*) FROM vector_log').pluck().get()).toBe(0);
    await expectEveryVectorSearchable(root, space);
  });

  it('inserts the vectors it folds on a worker thread, not on the calling one', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-compaction-'));
    const random = seeded(11);
    const meta: IndexMeta = { ...META, model: { id: 'test/model-64', dimension: 64 } };
    const space = (db = openSpaceDb(join(root, 'index.db'), { create: true }));
    commitToSpace(space, { meta, upsert: Array.from({ length: 30 }, (_, i) => randomArticle(`a${i}`, 100, 64, random)) });

    const thread = threadCpuUsage?.();
    const all = process.cpuUsage();
    const compaction = compactVectors(root, space);
    // The builder's worker is running while the compaction is.
    expect(liveVectorBuilders()).toBe(1);
    await compaction;
    if (thread) {
      const threadUs = total(threadCpuUsage!(thread));
      // Inserting 3 000 vectors of 64 dimensions is nearly all of the compaction's CPU: on this
      // thread (as before), it was more than nine tenths of the process's. Generous: a third.
      expect(threadUs).toBeLessThan(total(process.cpuUsage(all)) / 3);
    }
    expect(liveVectorBuilders()).toBe(0);
    expect(readSetting<Checkpoint>(space, 'checkpoint')!.upTo).toBe(3000);
    await expectEveryVectorSearchable(root, space);
  });
});

describe('vector compaction of a live store', () => {
  const spaceOf = (indexDir: string) => {
    const dir = join(indexDir, liveGeneration(indexDir)!);
    return { dir, space: openSpaceDb(join(dir, 'index.db'), { create: false, readonly: true }) };
  };
  /** The 5 nearest labels of a few stored vectors: what a search answers. */
  const answers = async (dir: string, space: SpaceDb, queries: number[]) => {
    const loaded = (await loadSpaceVectors(dir, space, liveLabels(space)))!;
    return queries.map((q) => loaded.vectors.search(loaded.vectors.vector(q), 5).map((h) => h.label));
  };

  it('runs in the background: the commit that makes it due returns first, then the space reads the new checkpoint and answers as before', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-compaction-'));
    const random = seeded(3);
    const indexDir = join(root, 'index');
    const store = createLocalStore({ indexDir });
    stores.push(store);
    await store.commit({ meta: META, upsert: Array.from({ length: 20 }, (_, i) => randomArticle(`a${i}`, 100, 8, random)) });
    const { dir, space } = spaceOf(indexDir);
    db = space;
    expect(compactionDue(space)).toBe(false);
    const queries = [0, 150, 999, 1500, 1999, 2000, 2049];

    await store.commit({ upsert: [randomArticle('due', 50, 8, random)] });
    // Returned while the compaction runs: nothing registered yet, the log whole.
    expect(liveVectorBuilders()).toBe(1);
    expect(readSetting<Checkpoint>(space, 'checkpoint')).toBeNull();
    expect(space.prepare('SELECT COUNT(*) FROM vector_log').pluck().get()).toBe(2050);
    const before = await answers(dir, space, queries);

    await store.close();
    expect(liveVectorBuilders()).toBe(0);
    expect(readSetting<Checkpoint>(space, 'checkpoint')).toEqual({ file: 'vectors-2050.hnsw', upTo: 2050 });
    expect(space.prepare('SELECT COUNT(*) FROM vector_log').pluck().get()).toBe(0);
    expect(await answers(dir, space, queries)).toEqual(before);
    await expectEveryVectorSearchable(dir, space);
  });

  it('two stores on one space compacting at once lose no vector', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-compaction-'));
    const random = seeded(5);
    const indexDir = join(root, 'index');
    const first = createLocalStore({ indexDir });
    const second = createLocalStore({ indexDir });
    stores.push(first, second);
    await first.commit({ meta: META, upsert: Array.from({ length: 20 }, (_, i) => randomArticle(`a${i}`, 100, 8, random)) });
    // Each commit makes the compaction due for its store: two run at once, with different bounds.
    await first.commit({ upsert: [randomArticle('b', 20, 8, random)] });
    await second.commit({ upsert: [randomArticle('c', 20, 8, random)] });
    expect(liveVectorBuilders()).toBe(2);
    // A replacement and a removal while they run.
    await first.commit({ upsert: [randomArticle('a3', 100, 8, random)], remove: ['a4'] });
    await Promise.all([first.close(), second.close()]);

    const { dir, space } = spaceOf(indexDir);
    db = space;
    const checkpoint = readSetting<Checkpoint>(space, 'checkpoint')!;
    expect(checkpoint.upTo).toBeGreaterThanOrEqual(2040);
    expect(vectorFiles(dir)).toEqual([checkpoint.file]);
    expect(space.prepare('SELECT COUNT(*) FROM vector_log WHERE label < ?').pluck().get(checkpoint.upTo)).toBe(0);
    expect(existsSync(join(dir, checkpoint.file))).toBe(true);
    await expectEveryVectorSearchable(dir, space);
  });
});
