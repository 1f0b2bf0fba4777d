import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSpaceDb, type SpaceDb } from '../src/engine/index/local/space-db.js';
import { compactVectors, liveLabels, loadSpaceVectors } from '../src/engine/index/local/space-vectors.js';
import { commitToSpace } from '../src/engine/index/local/space-writes.js';
import { article, META } from './store-contract.js';

/**
 * A compaction folds the vector log into a new checkpoint file while the writer's process goes
 * on. A commit that lands while it loads the vectors (its first await) must keep its vector.
 */
let root = '';
let db: SpaceDb | null = null;
afterEach(() => {
  db?.close();
  db = null;
  rmSync(root, { recursive: true, force: true });
});

const labelOf = (space: SpaceDb, id: string) => space.prepare('SELECT label FROM passages WHERE id = ?').pluck().get(id) as number;

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
});
