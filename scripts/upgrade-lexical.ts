/**
 * Upgrades the live space's lexical checkpoint to the current format in place (see
 * `upgradeLexicalCheckpoint`): an index written before the lookup tables were stored loads the
 * slow way until its next fold; this makes it load the fast way now, without a fold (the postings
 * are copied as they are) and without embedding anything. Takes the index's write lock. Does
 * nothing to a checkpoint already current.
 * Usage: npx tsx scripts/upgrade-lexical.ts INDEX_DIR
 */
import { join, resolve } from 'node:path';
import { upgradeLexicalCheckpoint } from '../src/engine/index/local/lexical-checkpoint.js';
import { LEXICAL_SETTING, type LexicalCheckpointRef } from '../src/engine/index/local/lexical-fold.js';
import { createLocalStore, liveGeneration } from '../src/engine/index/local/local-store.js';
import { DB_FILE, openSpaceDb, readSetting } from '../src/engine/index/local/space-db.js';

const indexDir = process.argv[2];
if (!indexDir) throw new Error('usage: scripts/upgrade-lexical.ts INDEX_DIR');
const store = createLocalStore({ indexDir: resolve(indexDir) });
try {
  await store.withWriteLock(async () => {
    const generation = liveGeneration(resolve(indexDir));
    if (!generation) throw new Error(`no index in ${indexDir}`);
    const dir = join(resolve(indexDir), generation);
    const db = openSpaceDb(join(dir, DB_FILE), { create: false, readonly: true });
    const ref = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
    db.close();
    if (!ref) return console.log('no lexical checkpoint: nothing to upgrade');
    const started = performance.now();
    const upgraded = upgradeLexicalCheckpoint(join(dir, ref.file));
    console.log(upgraded ? `${ref.file} upgraded in ${((performance.now() - started) / 1000).toFixed(1)} s` : `${ref.file} is already current`);
  });
} finally {
  await store.close();
}
