import { parentPort, workerData } from 'node:worker_threads';
import { writeLexicalCheckpointOf } from './lexical-fold.js';
import { openSpaceDb } from './space-db.js';

/** Worker thread of `foldLexical`: builds and writes the lexical checkpoint off the writer's event loop. */
const { dir, dbPath } = workerData as { dir: string; dbPath: string };
const db = openSpaceDb(dbPath, { create: false, readonly: true });
try {
  const ref = await writeLexicalCheckpointOf(dir, db);
  parentPort!.postMessage({ ok: true, ref });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err).slice(0, 2000) });
} finally {
  db.close();
}
