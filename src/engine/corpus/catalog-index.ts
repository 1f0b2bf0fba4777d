import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';

/** What the duplicate check compares of one article file. */
export interface CatalogRow {
  /** File name in the corpus folder (its stem is the article id). */
  name: string;
  /** Whitespace-insensitive hash of the body (`textHash`). */
  textHash: string;
  urlKey: string | null;
}

/**
 * The corpus catalog as an index: text hash and URL key → the files holding them, so an
 * ingest's duplicate check is two indexed lookups instead of a listing, a `stat` and a cache
 * lookup per article file (18–26 s at 200 000 articles, with stalls of up to 1 s).
 *
 * Kept up to date by the writers, under the corpus lock: an ingest writes its row before its
 * file, a removal drops its rows after its files. A row can therefore be stale (its write
 * failed, a file was edited or removed by hand) but an article written through ingest never
 * lacks one: the duplicate check reads the file of every row it matches before trusting it.
 * Files added or edited by hand are taken up by the next full `index` (`sync`), as the index
 * itself takes them up.
 *
 * Rows carry a stamp that grows with every write: a full sync, which lists the folder before it
 * writes, never overwrites or drops a row written after its listing began (an ingest meanwhile).
 */
export interface CatalogIndex {
  /** Whether a full listing of `corpusDir` filled the catalog (until then it is not trusted). */
  complete(corpusDir: string): boolean;
  /** Names of the files whose text hash is `textHash` or whose URL key is one of `urlKeys`, sorted. */
  find(textHash: string, urlKeys: readonly string[]): string[];
  /** The row of one file, or null. */
  row(name: string): CatalogRow | null;
  put(row: CatalogRow): void;
  drop(name: string): void;
  /** The latest stamp: take it before listing the folder, and give it to `sync`. */
  stamp(): number;
  /**
   * Makes the catalog hold exactly `rows` (every article file of `corpusDir`, as listed after
   * `since` was taken), but for rows written after `since`, and marks it complete. Works in
   * pages with `pause` between them, so a large corpus never holds the event loop long.
   */
  sync(corpusDir: string, rows: ReadonlyMap<string, Omit<CatalogRow, 'name'>>, since: number, pause?: () => Promise<void>): Promise<void>;
  /** Stops trusting the catalog until the next sync (a write to it failed). */
  distrust(): void;
}

/** Bump when what a row holds, or how it is computed, changes: the catalog is then filled again. */
const CATALOG_VERSION = 1;
const PAGE = 2000;

/** The catalog's tables in `db` (the corpus cache's SQLite file), created when missing. */
export function sqliteCatalog(db: Database): CatalogIndex {
  db.exec(`CREATE TABLE IF NOT EXISTS catalog (name TEXT PRIMARY KEY, text_hash TEXT NOT NULL, url_key TEXT, stamp INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS catalog_text ON catalog (text_hash);
    CREATE INDEX IF NOT EXISTS catalog_url ON catalog (url_key) WHERE url_key IS NOT NULL;
    CREATE TABLE IF NOT EXISTS catalog_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`);
  const getState = db.prepare('SELECT value FROM catalog_state WHERE key = ?').pluck();
  const setState = db.prepare('INSERT OR REPLACE INTO catalog_state (key, value) VALUES (?, ?)');
  const delState = db.prepare('DELETE FROM catalog_state WHERE key = ?');
  const byText = db.prepare('SELECT name FROM catalog WHERE text_hash = ?').pluck();
  const byUrl = db.prepare('SELECT name FROM catalog WHERE url_key = ?').pluck();
  const getRow = db.prepare('SELECT name, text_hash AS textHash, url_key AS urlKey FROM catalog WHERE name = ?');
  const upsert = db.prepare(`INSERT INTO catalog (name, text_hash, url_key, stamp) VALUES (?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET text_hash = excluded.text_hash, url_key = excluded.url_key, stamp = excluded.stamp`);
  // A sync's writes: never over a row written after its listing began.
  const syncUpsert = db.prepare(`INSERT INTO catalog (name, text_hash, url_key, stamp) VALUES (?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET text_hash = excluded.text_hash, url_key = excluded.url_key WHERE catalog.stamp <= excluded.stamp`);
  const del = db.prepare('DELETE FROM catalog WHERE name = ?');
  const syncDel = db.prepare('DELETE FROM catalog WHERE name = ? AND stamp <= ?');
  const page = db.prepare('SELECT name, text_hash AS textHash, url_key AS urlKey, stamp FROM catalog WHERE name > ? ORDER BY name LIMIT ?');

  const stamp = () => Number(getState.get('stamp') ?? 0);
  const nextStamp = () => {
    const next = stamp() + 1;
    setState.run('stamp', String(next));
    return next;
  };
  const put = db.transaction((row: CatalogRow) => void upsert.run(row.name, row.textHash, row.urlKey, nextStamp()));
  const drop = db.transaction((name: string) => {
    nextStamp();
    del.run(name);
  });
  const completeValue = (corpusDir: string) => `${CATALOG_VERSION}:${resolve(corpusDir)}`;

  return {
    complete: (corpusDir) => getState.get('complete') === completeValue(corpusDir),
    find(textHash, urlKeys) {
      const names = new Set(byText.all(textHash) as string[]);
      for (const key of urlKeys) for (const name of byUrl.all(key) as string[]) names.add(name);
      return [...names].sort();
    },
    row: (name) => (getRow.get(name) as CatalogRow | undefined) ?? null,
    put: (row) => put(row),
    drop: (name) => drop(name),
    stamp,
    async sync(corpusDir, rows, since, pause = async () => undefined) {
      const puts: CatalogRow[] = [];
      const drops: string[] = [];
      const seen = new Set<string>();
      for (let after = ''; ; ) {
        const got = page.all(after, PAGE) as (CatalogRow & { stamp: number })[];
        for (const r of got) {
          seen.add(r.name);
          if (r.stamp > since) continue;
          const wanted = rows.get(r.name);
          if (!wanted) drops.push(r.name);
          else if (wanted.textHash !== r.textHash || wanted.urlKey !== r.urlKey) puts.push({ name: r.name, ...wanted });
        }
        if (got.length < PAGE) break;
        after = got[got.length - 1]!.name;
        await pause();
      }
      let n = 0;
      for (const [name, wanted] of rows) {
        if (!seen.has(name)) puts.push({ name, ...wanted });
        if ((++n & 8191) === 0) await pause();
      }
      const apply = db.transaction((putPage: CatalogRow[], dropPage: string[]) => {
        for (const r of putPage) syncUpsert.run(r.name, r.textHash, r.urlKey, since);
        for (const name of dropPage) syncDel.run(name, since);
      });
      for (let i = 0; i < Math.max(puts.length, drops.length); i += PAGE) {
        apply(puts.slice(i, i + PAGE), drops.slice(i, i + PAGE));
        await pause();
      }
      setState.run('complete', completeValue(corpusDir));
    },
    distrust: () => void delState.run('complete'),
  };
}
