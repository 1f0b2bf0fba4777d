import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeArrowTable, type Connection, type Table } from '@lancedb/lancedb';
import { createError } from '../../errors.js';
import { LockBusyError, withFileLock } from '../../fs/file-lock.js';
import type { IndexMeta, IndexStore, RebuildSpace } from '../store.js';
import { connectLance, isLocalUri, newCoverageTableName, SPACES_TABLE, spacesSchema, type SpaceRow } from './lancedb-layout.js';
import { createLanceReader } from './lancedb-reader.js';
import { createSpaceTable, openSpace, type LanceSpace } from './lancedb-space.js';

/**
 * INDEX_BACKEND=lancedb: the coverage in LanceDB at LANCEDB_URI (a folder, or an object store
 * such as s3://bucket/depeche), shared by every process that points at it — bots on several
 * machines and a separate indexer. Vectors and French full-text search run in LanceDB; Dépêche's
 * fusion, diversity and answer assembly run on top (src/engine/search, src/engine/answer).
 *
 * Writers: each commit is atomic and LanceDB retries it on a concurrent commit, so two processes
 * writing at once both land. `withWriteLock` additionally serializes whole index updates (read
 * the catalogue, diff, write) with a lock file when LANCEDB_URI is a local folder; on an object
 * store, run one indexer (bots only add single articles, which commit atomically).
 */
export interface LanceStoreOptions {
  uri: string;
}

const WRITE_LOCK = '.depeche-write.lock';

export function createLanceStore({ uri }: LanceStoreOptions): IndexStore {
  const location = isLocalUri(uri) ? resolve(uri.replace(/^file:\/\//, '')) : uri;
  let connection: Promise<Connection> | null = null;
  const db = () => (connection ??= (async () => {
    if (isLocalUri(uri)) mkdirSync(location, { recursive: true });
    return connectLance(location);
  })());
  let spacesHandle: Promise<Table> | null = null;
  const spaces = () =>
    (spacesHandle ??= (async () => {
      const conn = await db();
      return conn.createEmptyTable(SPACES_TABLE, spacesSchema, { existOk: true });
    })());

  async function spaceRows(): Promise<Map<string, SpaceRow>> {
    const rows = (await (await spaces()).query().toArray()) as unknown as SpaceRow[];
    return new Map(rows.map((r) => [r.name, { name: r.name, table: r.table, meta: r.meta }]));
  }
  async function setSpaces(rows: SpaceRow[], drop: SpaceRow['name'][] = []): Promise<void> {
    const t = await spaces();
    const data = makeArrowTable(rows as unknown as Record<string, unknown>[], { schema: spacesSchema });
    let merge = t.mergeInsert('name').whenMatchedUpdateAll().whenNotMatchedInsertAll();
    if (drop.length > 0) merge = merge.whenNotMatchedBySourceDelete({ where: `name IN (${drop.map((d) => `'${d}'`).join(', ')})` });
    await merge.execute(data);
  }

  let liveSpace: LanceSpace | null = null;
  async function live(): Promise<LanceSpace | null> {
    const row = (await spaceRows()).get('live');
    if (!row) return null;
    if (liveSpace?.table !== row.table) liveSpace = openSpace(await db(), row.table);
    return liveSpace;
  }
  /** The live space, created (with `meta`) on the first commit of a new index. */
  async function liveForWrite(meta: IndexMeta | undefined): Promise<LanceSpace> {
    const existing = await live();
    if (existing) return existing;
    if (!meta) throw new Error('the first commit of an index must carry its meta');
    const name = newCoverageTableName();
    await createSpaceTable(await db(), name, meta);
    // Another process may have made the first space meanwhile: keep theirs (insert-if-absent).
    const t = await spaces();
    const data = makeArrowTable([{ name: 'live', table: name, meta: JSON.stringify(meta) }], { schema: spacesSchema });
    await t.mergeInsert('name').whenNotMatchedInsertAll().execute(data);
    return (await live())!;
  }

  return {
    backend: 'lancedb',
    async meta() {
      return (await (await live())?.meta()) ?? null;
    },
    async articles(ids) {
      return (await (await live())?.articles(ids)) ?? new Map();
    },
    async articleIds() {
      return (await (await live())?.articleIds()) ?? new Set();
    },
    async counts() {
      return (await (await live())?.counts()) ?? { articles: 0, passages: 0 };
    },
    async pendingVectors(limit) {
      return (await (await live())?.pendingVectors(limit)) ?? [];
    },
    async commit(change) {
      await (await liveForWrite(change.meta)).commit(change);
    },
    async rebuild(meta): Promise<RebuildSpace> {
      const current = (await spaceRows()).get('rebuild');
      let name: string;
      if (current && current.meta === JSON.stringify(meta)) {
        name = current.table;
      } else {
        name = newCoverageTableName();
        await createSpaceTable(await db(), name, meta);
        await setSpaces([{ name: 'rebuild', table: name, meta: JSON.stringify(meta) }]);
      }
      const space = openSpace(await db(), name);
      return {
        meta: space.meta,
        articles: space.articles,
        articleIds: space.articleIds,
        counts: space.counts,
        pendingVectors: space.pendingVectors,
        commit: space.commit,
        async publish() {
          // Compacted and fully indexed before readers move to it.
          await space.optimize();
          const rows = await spaceRows();
          const previous = rows.get('live');
          // One commit: the rebuilt table goes live, the rebuild entry goes.
          await setSpaces(
            [{ name: 'live', table: name, meta: JSON.stringify(meta) }, ...(previous ? [{ ...previous, name: 'previous' as const }] : [])],
            ['rebuild'],
          );
        },
        // Nothing of its own to free: the table stays for the next rebuild of the same meta to
        // resume, and the connection is the store's.
        async abandon() {},
      };
    },
    async withWriteLock(job) {
      if (!isLocalUri(uri)) return job();
      mkdirSync(location, { recursive: true });
      try {
        return await withFileLock(join(location, WRITE_LOCK), job);
      } catch (err) {
        if (err instanceof LockBusyError) throw createError('INDEX_BUSY', location);
        throw err;
      }
    },
    reader() {
      return createLanceReader(db, async () => (await spaceRows()).get('live')?.table ?? null, location);
    },
    async sweep() {
      // Tables no space points at (replaced twice over, or abandoned rebuilds) are dropped; the
      // previous live table stays for readers that still hold a view of it.
      const conn = await db();
      const kept = new Set([...(await spaceRows()).values()].map((r) => r.table));
      for (const name of await conn.tableNames()) {
        if (name.startsWith('coverage_') && !kept.has(name)) await conn.dropTable(name).catch(() => undefined);
      }
      const current = await live();
      if (current) await (await conn.openTable(current.table)).optimize().catch(() => undefined);
    },
    async close() {
      if (spacesHandle) (await spacesHandle).close();
      if (connection) (await connection).close();
      spacesHandle = null;
      connection = null;
      liveSpace = null;
    },
  };
}
