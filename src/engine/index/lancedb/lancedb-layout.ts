import * as lancedb from '@lancedb/lancedb';
import { Bool, Field, FixedSizeList, Float32, Schema, Utf8 } from 'apache-arrow';

/**
 * How Dépêche lays a coverage out in LanceDB (LANCEDB_URI: a local folder, or an object-store
 * URI such as s3://bucket/depeche):
 *
 * - `spaces`: which coverage table is live, and which one a rebuild is filling (`name` → `table`,
 *   with the rebuild's meta). Switching `live` is one commit, so readers move whole.
 * - `coverage_<stamp>`: one table per built space. Every row is one of
 *   - a passage (`kind = 'passage'`, id `article#ordinal`): `search_text` (title + body, what
 *     LanceDB's French full-text index covers), `vector`, and the stored passage with its
 *     analysed terms as JSON in `payload`;
 *   - an article (`kind = 'article'`, id `article:<id>`): its hash, source and counts;
 *   - the meta row (`kind = 'meta'`): what the space was built with.
 *   Keeping them in one table makes a change to an article one atomic commit (a merge-insert
 *   that also deletes the article's rows it no longer has), which LanceDB retries on conflict,
 *   so writes from two processes at once both land.
 */

export const SPACES_TABLE = 'spaces';
export const META_ID = 'meta';
export const articleRowId = (articleId: string) => `article:${articleId}`;

export interface CoverageRow {
  id: string;
  kind: 'passage' | 'article' | 'meta';
  article_id: string;
  search_text: string | null;
  payload: string;
  has_vector: boolean;
  vector: number[] | null;
}

export interface SpaceRow {
  name: 'live' | 'rebuild' | 'previous';
  table: string;
  meta: string;
}

export function coverageSchema(dimension: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('kind', new Utf8(), false),
    new Field('article_id', new Utf8(), false),
    new Field('search_text', new Utf8(), true),
    new Field('payload', new Utf8(), false),
    new Field('has_vector', new Bool(), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), true),
  ]);
}

export const spacesSchema = new Schema([
  new Field('name', new Utf8(), false),
  new Field('table', new Utf8(), false),
  new Field('meta', new Utf8(), false),
]);

/**
 * A connection that sees other processes' commits on every read (`readConsistencyInterval: 0`):
 * what lets a bot answer from an article another process ingested a moment ago.
 */
export function connectLance(uri: string): Promise<lancedb.Connection> {
  return lancedb.connect(uri, { readConsistencyInterval: 0 });
}

/** A SQL string literal for LanceDB filters. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIn(column: string, values: readonly string[]): string {
  return values.length === 0 ? 'false' : `${column} IN (${values.map(sqlString).join(', ')})`;
}

/** A new coverage table name, unique across processes. */
export function newCoverageTableName(): string {
  return `coverage_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Whether LANCEDB_URI is a folder on this machine (then a lock file serializes writers). */
export function isLocalUri(uri: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || uri.startsWith('file://');
}

export const FTS_CONFIG = () =>
  lancedb.Index.fts({ language: 'French', stem: true, removeStopWords: true, asciiFolding: true, lowercase: true });
