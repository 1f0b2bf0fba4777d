import type { SourceMeta } from '../../types.js';
import type { ArticleState, IndexMeta, PendingPassage, StoreChange } from '../store.js';
import { DEFAULT_HNSW, type HnswParams } from '../vector-index.js';
import { joinTerms, readSetting, vectorBlob, writeSetting, type SpaceDb } from './space-db.js';

/** What a space was built with, or null before its first commit. */
export function spaceMeta(db: SpaceDb): IndexMeta | null {
  const meta = readSetting<IndexMeta>(db, 'meta');
  if (meta !== null && !isMeta(meta)) throw new Error('its settings are not those of an index');
  return meta;
}

function isMeta(m: unknown): m is IndexMeta {
  const v = m as IndexMeta | null;
  if (!v || typeof v !== 'object' || !Number.isInteger(v.chunkerVersion) || !Number.isInteger(v.analyzerVersion)) return false;
  return v.model === null || (typeof v.model === 'object' && typeof v.model.id === 'string' && Number.isInteger(v.model.dimension) && v.model.dimension > 0);
}

export function spaceHnsw(db: SpaceDb): HnswParams {
  return readSetting<HnswParams>(db, 'hnsw') ?? DEFAULT_HNSW;
}

type ArticleRow = { id: string; hash: string; source: string; passages: number; unembedded: number };
const ARTICLE_STATE = `SELECT a.id, a.hash, a.source, COUNT(p.id) AS passages, COALESCE(SUM(p.label IS NULL), 0) AS unembedded
  FROM articles a LEFT JOIN passages p ON p.article_id = a.id`;

export function spaceArticles(db: SpaceDb, ids?: readonly string[]): Map<string, ArticleState> {
  let rows: ArticleRow[];
  if (ids) {
    const one = db.prepare(`${ARTICLE_STATE} WHERE a.id = ? GROUP BY a.id`);
    rows = ids.flatMap((id) => (one.all(id) as ArticleRow[]));
  } else {
    rows = db.prepare(`${ARTICLE_STATE} GROUP BY a.id ORDER BY a.id`).all() as ArticleRow[];
  }
  return new Map(rows.map((r) => [r.id, { id: r.id, hash: r.hash, source: JSON.parse(r.source) as SourceMeta, passages: r.passages, unembedded: r.unembedded }]));
}

export function spaceArticleIds(db: SpaceDb): Set<string> {
  return new Set(db.prepare('SELECT id FROM articles').pluck().all() as string[]);
}

/** Kept in the settings by every commit: COUNT(*) walks a whole table, a cost every ingest paid at the end. */
export function spaceCounts(db: SpaceDb): { articles: number; passages: number } {
  return readSetting<{ articles: number; passages: number }>(db, 'counts') ?? countRows(db);
}

function countRows(db: SpaceDb): { articles: number; passages: number } {
  return {
    articles: db.prepare('SELECT COUNT(*) FROM articles').pluck().get() as number,
    passages: db.prepare('SELECT COUNT(*) FROM passages').pluck().get() as number,
  };
}

/**
 * Ids of every stored article, read a page at a time with a turn of the event loop between
 * pages (a million passages hold some 200 000 articles).
 */
export async function spaceArticleIdsPaged(db: SpaceDb, pause: () => Promise<void>): Promise<Set<string>> {
  const page = db.prepare('SELECT rowid, id FROM articles WHERE rowid > ? ORDER BY rowid LIMIT 1000');
  const ids = new Set<string>();
  for (let after = 0; ; ) {
    const rows = page.all(after) as { rowid: number; id: string }[];
    for (const r of rows) ids.add(r.id);
    if (rows.length < 1000) return ids;
    after = rows[rows.length - 1]!.rowid;
    await pause();
  }
}

export function spacePending(db: SpaceDb, limit: number): PendingPassage[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.body, a.source FROM passages p JOIN articles a ON a.id = p.article_id
       WHERE p.label IS NULL ORDER BY p.id LIMIT ?`,
    )
    .all(limit) as { id: string; body: string; source: string }[];
  return rows.map((r) => ({ id: r.id, title: (JSON.parse(r.source) as SourceMeta).title, text: (JSON.parse(r.body) as { text: string }).text }));
}

/**
 * Applies one change in one transaction: a throw anywhere (a vector of the wrong dimension, a
 * full disk) leaves the space as it was. Every article touched gets a row in the change log, so
 * readers reload exactly those.
 */
export function commitToSpace(db: SpaceDb, change: StoreChange): void {
  db.transaction(() => {
    if (change.meta) {
      writeSetting(db, 'meta', change.meta);
      if (readSetting(db, 'hnsw') === null) writeSetting(db, 'hnsw', DEFAULT_HNSW);
    }
    const meta = spaceMeta(db);
    if (!meta) throw new Error('the first commit to an index store must set its meta');
    const dimension = meta.model?.dimension ?? null;
    const check = (v: Float32Array) => {
      if (dimension === null) throw new Error('a vector was given to an index built without a model');
      if (v.length !== dimension) throw new Error(`vector of dimension ${v.length}, the index holds ${dimension}`);
    };
    let nextLabel = readSetting<number>(db, 'next_label') ?? 0;
    const touched = new Set<string>();
    const hadCounts = readSetting<{ articles: number; passages: number }>(db, 'counts');
    let articlesDelta = 0;
    let passagesDelta = 0;
    const dropVectors = db.prepare('DELETE FROM vector_log WHERE label IN (SELECT label FROM passages WHERE article_id = ? AND label IS NOT NULL)');
    const dropPassages = db.prepare('DELETE FROM passages WHERE article_id = ?');
    const dropArticle = db.prepare('DELETE FROM articles WHERE id = ?');
    const drop = (id: string) => {
      dropVectors.run(id);
      passagesDelta -= dropPassages.run(id).changes;
      if (dropArticle.run(id).changes > 0) {
        articlesDelta--;
        touched.add(id);
      }
    };
    for (const id of change.remove ?? []) drop(id);

    const putArticle = db.prepare('INSERT INTO articles (id, hash, source, title_terms) VALUES (?, ?, ?, ?)');
    const putPassage = db.prepare('INSERT INTO passages (id, article_id, ordinal, body, terms, words, label) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const putVector = db.prepare('INSERT INTO vector_log (label, vector) VALUES (?, ?)');
    for (const a of change.upsert ?? []) {
      drop(a.source.id);
      putArticle.run(a.source.id, a.hash, JSON.stringify(a.source), joinTerms(a.titleTerms));
      articlesDelta++;
      passagesDelta += a.passages.length;
      for (const { passage, terms, vector } of a.passages) {
        if (passage.articleId !== a.source.id) throw new Error(`passage ${passage.id} is not of article ${a.source.id}`);
        let label: number | null = null;
        if (vector) {
          check(vector);
          label = nextLabel++;
          putVector.run(label, vectorBlob(vector));
        }
        const { id, articleId: _a, ordinal, ...body } = passage;
        putPassage.run(id, a.source.id, ordinal, JSON.stringify(body), joinTerms(terms.terms), joinTerms(terms.words), label);
      }
      touched.add(a.source.id);
    }

    const pending = db.prepare('SELECT article_id FROM passages WHERE id = ? AND label IS NULL').pluck();
    const setLabel = db.prepare('UPDATE passages SET label = ? WHERE id = ?');
    for (const { id, vector } of change.vectors ?? []) {
      const articleId = pending.get(id) as string | undefined;
      if (articleId === undefined) continue; // gone or already embedded meanwhile
      check(vector);
      const label = nextLabel++;
      putVector.run(label, vectorBlob(vector));
      setLabel.run(label, id);
      touched.add(articleId);
    }
    writeSetting(db, 'next_label', nextLabel);
    writeSetting(db, 'counts', hadCounts ? { articles: hadCounts.articles + articlesDelta, passages: hadCounts.passages + passagesDelta } : countRows(db));
    const logChange = db.prepare('INSERT INTO changes (article_id) VALUES (?)');
    for (const id of touched) logChange.run(id);
  })();
}
