import type { Statement } from 'better-sqlite3';
import type { SourceMeta } from '../../types.js';
import type { SpaceDb } from './space-db.js';

/** Rows per read of the background fill (about 3 ms of reading and parsing). */
const FILL_BATCH = 200;

/**
 * The article metadata of a reader's state, as a read-only Map that is served before it is all
 * read: an answer needs the sources of its few hits, read by id (one prepared statement) and kept;
 * the rest is read in the background in slices (`fill`), and iterating before that is done reads
 * the rest at once. Parsing every source before a first answer was seconds of the main thread at
 * 200 000 articles. The same id gives the same object for the life of the state (sorted source
 * lists are kept level by identity). Changes the state applies go through `set`/`delete`.
 *
 * Reads see the space as committed, which may be a change ahead of the state: an article removed
 * since is missing a moment early (its hits are dropped, as they will be), one added shows a moment
 * early in a listing.
 */
export class StoredSources implements ReadonlyMap<string, SourceMeta> {
  private readonly byId = new Map<string, SourceMeta>();
  private readonly one: Statement;
  private readonly batch: Statement;
  /** Rowid the fill has read up to, and whether it reached the end. */
  private after = 0;
  private whole = false;
  private closed = false;

  constructor(db: SpaceDb) {
    this.one = db.prepare('SELECT source FROM articles WHERE id = ?').pluck();
    this.batch = db.prepare('SELECT rowid, id, source FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?');
  }

  /** Reads every source in batches, awaiting `pause` between them; stops when the state is released. */
  async fill(pause: () => Promise<void>): Promise<void> {
    while (!this.whole && !this.closed) {
      this.readBatch();
      await pause();
    }
  }

  close(): void {
    this.closed = true;
  }

  get(id: string): SourceMeta | undefined {
    const known = this.byId.get(id);
    if (known || this.whole || this.closed) return known;
    const row = this.one.get(id) as string | undefined;
    if (row === undefined) return undefined;
    const source = JSON.parse(row) as SourceMeta;
    this.byId.set(id, source);
    return source;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  set(id: string, source: SourceMeta): void {
    this.byId.set(id, source);
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  get size(): number {
    return this.all().size;
  }

  keys(): MapIterator<string> {
    return this.all().keys();
  }

  values(): MapIterator<SourceMeta> {
    return this.all().values();
  }

  entries(): MapIterator<[string, SourceMeta]> {
    return this.all().entries();
  }

  [Symbol.iterator](): MapIterator<[string, SourceMeta]> {
    return this.entries();
  }

  forEach(fn: (value: SourceMeta, key: string, map: ReadonlyMap<string, SourceMeta>) => void): void {
    for (const [id, source] of this.all()) fn(source, id, this);
  }

  /** Every source: what the background fill has not read yet is read now. */
  private all(): Map<string, SourceMeta> {
    while (!this.whole && !this.closed) this.readBatch();
    return this.byId;
  }

  private readBatch(): void {
    const rows = this.batch.all(this.after, FILL_BATCH) as { rowid: number; id: string; source: string }[];
    // An article the state already holds keeps its object (it is at least as new as this row).
    for (const r of rows) if (!this.byId.has(r.id)) this.byId.set(r.id, JSON.parse(r.source) as SourceMeta);
    if (rows.length < FILL_BATCH) this.whole = true;
    else this.after = rows[rows.length - 1]!.rowid;
  }
}
