import { makeArrowTable, type Connection, type Table } from '@lancedb/lancedb';
import type { ArticleState, ArticleWrite, IndexMeta, IndexStore, PassageTerms, StoredPassage } from '../store.js';
import { articleRowId, coverageSchema, FTS_CONFIG, META_ID, sqlIn, type CoverageRow } from './lancedb-layout.js';

/**
 * One coverage table (a built space): the catalogue a writer diffs against, and atomic commits.
 * A commit is one LanceDB merge-insert: the rows of every article it touches are written whole
 * and the article's rows it no longer has are deleted in the same commit.
 */

export interface PassagePayload {
  passage: StoredPassage;
  terms: PassageTerms;
  title: string;
}

export interface ArticlePayload {
  hash: string;
  source: ArticleState['source'];
  titleTerms: string[];
  passages: number;
  unembedded: number;
}

/** The catalogue and commit of an `IndexStore`, for one table. */
export interface LanceSpace extends Pick<IndexStore, 'meta' | 'articles' | 'articleIds' | 'counts' | 'pendingVectors' | 'commit'> {
  readonly table: string;
  /** Compacts the table and brings its full-text index up to date. */
  optimize(): Promise<void>;
}

/** Rows per IN (…) filter, so filters stay small whatever the change. */
const IN_CHUNK = 500;
/**
 * The table is compacted and its full-text index brought up to date (`optimize`) once this many
 * rows were written since the last time, or every OPTIMIZE_EVERY commits: until then LanceDB
 * searches the new rows without the index, and each commit is a small file of its own (on PIAF,
 * 1 607 unindexed rows in 20 files made a full-text query 100–1 600 ms instead of a few).
 */
const OPTIMIZE_AFTER_ROWS = 400;
const OPTIMIZE_EVERY = 50;

/** Creates the table of a new space, with its meta row. */
export async function createSpaceTable(db: Connection, name: string, meta: IndexMeta): Promise<void> {
  const table = await db.createEmptyTable(name, coverageSchema(meta.model?.dimension ?? 1), { existOk: true });
  await writeRows(table, [metaRow(meta)], null);
}

export function openSpace(db: Connection, name: string): LanceSpace {
  let handle: Promise<Table> | null = null;
  const table = () => (handle ??= db.openTable(name));
  let commits = 0;
  let rowsSinceOptimize = 0;

  async function meta(): Promise<IndexMeta | null> {
    const rows = await (await table()).query().where(`id = '${META_ID}'`).select(['payload']).toArray();
    return rows[0] ? (JSON.parse(rows[0].payload) as IndexMeta) : null;
  }

  async function articlePayloads(ids?: readonly string[]): Promise<Map<string, ArticlePayload>> {
    const t = await table();
    const out = new Map<string, ArticlePayload>();
    for (const filter of articleFilters(ids)) {
      for (const r of await t.query().where(filter).select(['article_id', 'payload']).toArray()) {
        out.set(r.article_id as string, JSON.parse(r.payload) as ArticlePayload);
      }
    }
    return out;
  }

  return {
    table: name,
    meta,
    async articles(ids) {
      const out = new Map<string, ArticleState>();
      for (const [id, a] of await articlePayloads(ids)) {
        out.set(id, { id, hash: a.hash, source: a.source, passages: a.passages, unembedded: a.unembedded });
      }
      return out;
    },
    async articleIds() {
      const rows = await (await table()).query().where("kind = 'article'").select(['article_id']).toArray();
      return new Set(rows.map((r) => r.article_id as string));
    },
    async counts() {
      const t = await table();
      const [articles, passages] = await Promise.all([t.countRows("kind = 'article'"), t.countRows("kind = 'passage'")]);
      return { articles, passages };
    },
    async pendingVectors(limit) {
      const rows = await (await table()).query().where("kind = 'passage' AND has_vector = false").select(['id', 'payload']).toArray();
      return rows
        .map((r) => ({ id: r.id as string, p: JSON.parse(r.payload) as PassagePayload }))
        .sort((a, b) => a.p.passage.articleId.localeCompare(b.p.passage.articleId) || a.p.passage.ordinal - b.p.passage.ordinal)
        .slice(0, limit)
        .map(({ id, p }) => ({ id, title: p.title, text: p.passage.text }));
    },
    async commit(change) {
      const t = await table();
      const m = change.meta ?? (await meta());
      if (!m) throw new Error('the first commit of a LanceDB space must carry its meta');
      const dimension = m.model?.dimension ?? null;
      const checkVector = (v: Float32Array | null, id: string) => {
        if (v && v.length !== dimension) throw new Error(`vector of ${id} has ${v.length} dimensions, the index ${dimension ?? 'none'}`);
      };
      for (const a of change.upsert ?? []) for (const p of a.passages) checkVector(p.vector, p.passage.id);
      for (const v of change.vectors ?? []) checkVector(v.vector, v.id);

      const rows: CoverageRow[] = change.meta ? [metaRow(change.meta)] : [];
      const touched = new Set<string>(change.remove ?? []);
      const upserted = new Set<string>();
      for (const a of change.upsert ?? []) {
        touched.add(a.source.id);
        upserted.add(a.source.id);
        rows.push(...articleRows(a));
      }
      // Vectors for stored passages: their articles are rewritten whole with the vectors filled in.
      const late = new Map<string, Map<string, Float32Array>>();
      for (const v of change.vectors ?? []) {
        const articleId = v.id.slice(0, v.id.lastIndexOf('#'));
        if (upserted.has(articleId)) continue;
        if (!late.has(articleId)) late.set(articleId, new Map());
        late.get(articleId)!.set(v.id, v.vector);
      }
      if (late.size > 0) {
        const stored = await articlePayloads([...late.keys()]);
        for (const [articleId, vectors] of late) {
          const article = stored.get(articleId);
          if (!article) continue;
          touched.add(articleId);
          rows.push(...(await rewriteWithVectors(t, articleId, article, vectors)));
        }
      }
      if (rows.length === 0 && touched.size === 0) return;
      await writeRows(t, rows, [...touched]);
      await ensureFullTextIndex(t);
      rowsSinceOptimize += rows.length;
      if (rowsSinceOptimize >= OPTIMIZE_AFTER_ROWS || ++commits % OPTIMIZE_EVERY === 0) await optimize();
    },
    optimize,
  };

  /** Compacts the table and folds new rows into its index; a concurrent writer's conflict just leaves it for next time. */
  async function optimize(): Promise<void> {
    rowsSinceOptimize = 0;
    await (await table()).optimize().catch(() => undefined);
  }
}

function metaRow(meta: IndexMeta): CoverageRow {
  return { id: META_ID, kind: 'meta', article_id: '', search_text: null, payload: JSON.stringify(meta), has_vector: false, vector: null };
}

function articleRows(a: ArticleWrite): CoverageRow[] {
  const unembedded = a.passages.filter((p) => !p.vector).length;
  const payload: ArticlePayload = { hash: a.hash, source: a.source, titleTerms: a.titleTerms, passages: a.passages.length, unembedded };
  return [
    { id: articleRowId(a.source.id), kind: 'article', article_id: a.source.id, search_text: null, payload: JSON.stringify(payload), has_vector: false, vector: null },
    ...a.passages.map(({ passage, terms, vector }) => passageRow({ passage, terms, title: a.source.title }, vector)),
  ];
}

function passageRow(p: PassagePayload, vector: Float32Array | null): CoverageRow {
  return {
    id: p.passage.id,
    kind: 'passage',
    article_id: p.passage.articleId,
    // Title and body: the title's words count for every passage of the article, as in Dépêche's BM25F.
    search_text: p.title ? `${p.title}\n${p.passage.text}` : p.passage.text,
    payload: JSON.stringify(p),
    has_vector: vector !== null,
    vector: vector ? Array.from(vector) : null,
  };
}

async function rewriteWithVectors(t: Table, articleId: string, article: ArticlePayload, vectors: Map<string, Float32Array>): Promise<CoverageRow[]> {
  const stored = await t.query().where(`kind = 'passage' AND ${sqlIn('article_id', [articleId])}`).select(['payload', 'vector', 'has_vector']).toArray();
  const passages = stored.map((r) => {
    const p = JSON.parse(r.payload) as PassagePayload;
    const vector = vectors.get(p.passage.id) ?? (r.has_vector ? Float32Array.from(r.vector as ArrayLike<number>) : null);
    return passageRow(p, vector);
  });
  const unembedded = passages.filter((p) => !p.has_vector).length;
  return [
    { id: articleRowId(articleId), kind: 'article', article_id: articleId, search_text: null, payload: JSON.stringify({ ...article, unembedded }), has_vector: false, vector: null },
    ...passages,
  ];
}

/**
 * One commit: upserts `rows` by id and, when `articles` is given, deletes those articles' rows
 * that `rows` does not hold (a replaced article's extra passages, a removed article).
 */
async function writeRows(t: Table, rows: CoverageRow[], articles: string[] | null): Promise<void> {
  const scope = articles && articles.length > 0 ? `kind <> 'meta' AND ${sqlIn('article_id', articles)}` : null;
  if (rows.length === 0) {
    if (scope) await t.delete(scope);
    return;
  }
  const schema = await t.schema();
  const data = makeArrowTable(rows as unknown as Record<string, unknown>[], { schema });
  let merge = t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll();
  if (scope) merge = merge.whenNotMatchedBySourceDelete({ where: scope });
  await merge.execute(data);
}

/** The French full-text index on title + body, made once the space has passages (LanceDB cannot index an empty column). */
async function ensureFullTextIndex(t: Table): Promise<void> {
  const indices = await t.listIndices();
  if (indices.some((i) => i.columns.includes('search_text'))) return;
  if ((await t.countRows("kind = 'passage'")) === 0) return;
  await t.createIndex('search_text', { config: FTS_CONFIG() }).catch((error: Error) => {
    // Two writers creating it at once: one wins, which is all that is needed.
    if (!/already exists|conflict/i.test(error.message)) throw error;
  });
}

function articleFilters(ids?: readonly string[]): string[] {
  if (!ids) return ["kind = 'article'"];
  const filters: string[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) filters.push(`kind = 'article' AND ${sqlIn('article_id', ids.slice(i, i + IN_CHUNK))}`);
  return filters;
}
