import type { EmbeddingStash } from '../store.js';
import { blobVector, vectorBlob, type SpaceDb } from './space-db.js';

/**
 * The embedding stash of a local space: one table of the space's own database, written by the
 * writer only (readers never look at it, so older spaces get it on first use, without a schema
 * change). Each `put` is one transaction: in WAL mode a process killed after it loses nothing.
 * `db` returns null when there is no space yet: nothing can be stashed then (a first build is a
 * rebuild, which has its own space).
 */
export function spaceStash(db: () => SpaceDb | null): EmbeddingStash {
  const ready = new WeakSet<SpaceDb>();
  const open = (): SpaceDb | null => {
    const d = db();
    if (d && !ready.has(d)) {
      d.exec('CREATE TABLE IF NOT EXISTS embedding_stash (key TEXT PRIMARY KEY, vector BLOB NOT NULL)');
      ready.add(d);
    }
    return d;
  };
  return {
    put(entries) {
      const d = open();
      if (!d || entries.length === 0) return;
      const put = d.prepare('INSERT OR REPLACE INTO embedding_stash (key, vector) VALUES (?, ?)');
      d.transaction(() => {
        for (const { key, vector } of entries) put.run(key, vectorBlob(vector));
      })();
    },
    get(keys) {
      const out = new Map<string, Float32Array>();
      const d = open();
      if (!d || keys.length === 0) return out;
      const get = d.prepare('SELECT vector FROM embedding_stash WHERE key = ?').pluck();
      for (const key of keys) {
        const blob = get.get(key) as Buffer | undefined;
        if (blob) out.set(key, blobVector(blob));
      }
      return out;
    },
    drop(keys) {
      const d = open();
      if (!d || keys.length === 0) return;
      const drop = d.prepare('DELETE FROM embedding_stash WHERE key = ?');
      d.transaction(() => {
        for (const key of keys) drop.run(key);
      })();
    },
    clear() {
      open()?.exec('DELETE FROM embedding_stash');
    },
  };
}
