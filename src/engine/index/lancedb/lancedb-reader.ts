import { BooleanQuery, MatchQuery, Occur, type Connection, type Table } from '@lancedb/lancedb';
import { frenchRenderings, TRANSLATION_WEIGHT } from '../../text/cross-lingual.js';
import { createLexicalIndex, type LexicalHit, type LexicalIndex } from '../../search/bm25.js';
import type { SourceMeta } from '../../types.js';
import { createError } from '../../errors.js';
import { createLiveTermStats, type LiveTermStats } from '../local/live-term-stats.js';
import type { IndexMeta, StoredPassage, StoreReader, StoreView, VectorHit } from '../store.js';
import { META_ID, sqlIn } from './lancedb-layout.js';
import type { ArticlePayload, PassagePayload } from './lancedb-space.js';

/**
 * The read side on LanceDB. A view is one committed version of the live table: vector and
 * full-text searches run on a handle checked out at that version, so a view never mixes two
 * states. `refresh()` compares the article rows (small) with the previous view's and fetches
 * only the passages of articles that changed, so its cost follows the change.
 *
 * Besides LanceDB's own full-text search (`searchText`, what hybrid search ranks with), the view
 * keeps Dépêche's analysed terms in memory (`lexical`, `termStats`): highlights, abstention and
 * the contract's BM25 read them.
 */

export interface LanceView extends StoreView {
  /** LanceDB's full-text search (French stemming, BM25) over title + body. */
  searchText(text: string, k: number): Promise<LexicalHit[]>;
}


interface State {
  table: string;
  tableVersion: number;
  meta: IndexMeta;
  articles: Map<string, string>;
  sources: Map<string, SourceMeta>;
  passagesOf: Map<string, string[]>;
  termsOf: Map<string, string[]>;
  lexical: LexicalIndex;
  termStats: LiveTermStats;
  passageCount: number;
  vectorCount: number;
  view: LanceView | null;
}

const IN_CHUNK = 500;

export function createLanceReader(db: () => Promise<Connection>, liveTable: () => Promise<string | null>, location: string): StoreReader {
  let state: State | null = null;
  let inFlight: Promise<StoreView> | null = null;
  const handles = new Map<string, Table>();

  async function latest(name: string): Promise<Table> {
    let t = handles.get(name);
    if (!t) {
      t = await (await db()).openTable(name);
      handles.set(name, t);
    }
    return t;
  }

  async function load(): Promise<StoreView> {
    const name = await liveTable();
    if (!name) throw createError('INDEX_MISSING', location);
    const table = await latest(name);
    const version = await table.version();
    if (state && state.table === name && state.tableVersion === version && state.view) return state.view;

    const metaRows = await table.query().where(`id = '${META_ID}'`).select(['payload']).toArray();
    if (!metaRows[0]) throw createError('INDEX_CORRUPT', `LanceDB table ${name} has no meta row`);
    const meta = JSON.parse(metaRows[0].payload) as IndexMeta;
    // A replaced table (a published rebuild) or another meta: start over; otherwise apply the difference.
    const s: State =
      state && state.table === name && JSON.stringify(state.meta) === JSON.stringify(meta)
        ? state
        : { table: name, tableVersion: -1, meta, articles: new Map(), sources: new Map(), passagesOf: new Map(), termsOf: new Map(), lexical: createLexicalIndex(), termStats: createLiveTermStats(), passageCount: 0, vectorCount: 0, view: null };

    const snapshot = await (await db()).openTable(name);
    await snapshot.checkout(version);
    const rows = await snapshot.query().where("kind = 'article'").select(['article_id', 'payload']).toArray();
    const now = new Map<string, string>(rows.map((r) => [r.article_id as string, r.payload as string]));
    const gone = [...s.articles.keys()].filter((id) => now.get(id) !== s.articles.get(id));
    const changed = [...now.keys()].filter((id) => s.articles.get(id) !== now.get(id));
    for (const id of gone) dropArticle(s, id);
    for (let i = 0; i < changed.length; i += IN_CHUNK) {
      const ids = changed.slice(i, i + IN_CHUNK);
      const passages = await snapshot.query().where(`kind = 'passage' AND ${sqlIn('article_id', ids)}`).select(['payload']).toArray();
      const byArticle = new Map<string, PassagePayload[]>();
      for (const r of passages) {
        const p = JSON.parse(r.payload) as PassagePayload;
        if (!byArticle.has(p.passage.articleId)) byArticle.set(p.passage.articleId, []);
        byArticle.get(p.passage.articleId)!.push(p);
      }
      for (const id of ids) addArticle(s, id, now.get(id)!, byArticle.get(id) ?? []);
    }
    s.tableVersion = version;
    s.view = makeView(s, snapshot);
    state = s;
    return s.view;
  }

  return {
    refresh() {
      // Concurrent asks share one refresh.
      inFlight ??= load().finally(() => (inFlight = null));
      return inFlight;
    },
    async close() {
      for (const t of handles.values()) t.close();
      handles.clear();
      state = null;
    },
  };
}

function dropArticle(s: State, id: string): void {
  const payload = s.articles.get(id);
  if (payload) {
    const a = JSON.parse(payload) as ArticlePayload;
    s.vectorCount -= a.passages - a.unembedded;
  }
  const ids = s.passagesOf.get(id) ?? [];
  s.lexical.remove(ids);
  for (const pid of ids) {
    const terms = s.termsOf.get(pid);
    if (terms) s.termStats.remove(terms);
    s.termsOf.delete(pid);
  }
  s.passageCount -= ids.length;
  s.passagesOf.delete(id);
  s.sources.delete(id);
  s.articles.delete(id);
}

function addArticle(s: State, id: string, payload: string, passages: PassagePayload[]): void {
  const a = JSON.parse(payload) as ArticlePayload;
  const title = a.titleTerms.length > 0 ? a.titleTerms : null;
  for (const p of passages) {
    s.lexical.addAnalysed(p.passage.id, p.terms.terms, p.terms.words, title);
    s.termStats.add(p.terms.terms);
    s.termsOf.set(p.passage.id, p.terms.terms);
  }
  s.passagesOf.set(id, passages.map((p) => p.passage.id));
  s.passageCount += passages.length;
  s.vectorCount += a.passages - a.unembedded;
  s.sources.set(id, a.source);
  s.articles.set(id, payload);
}

function makeView(s: State, snapshot: Table): LanceView {
  const vectorCount = s.vectorCount;
  const byIds = async (ids: readonly string[], columns: string[]) => {
    const rows = new Map<string, Record<string, any>>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      for (const r of await snapshot.query().where(`kind = 'passage' AND ${sqlIn('id', ids.slice(i, i + IN_CHUNK))}`).select(['id', ...columns]).toArray()) {
        rows.set(r.id as string, r);
      }
    }
    return rows;
  };
  return {
    version: `${s.table}@${s.tableVersion}`,
    meta: s.meta,
    sources: new Map(s.sources),
    passageCount: s.passageCount,
    vectorCount,
    lexical: s.lexical,
    termStats: s.termStats,
    async searchVectors(vector, k): Promise<VectorHit[]> {
      if (vectorCount === 0 || k <= 0) return [];
      const rows = await snapshot.vectorSearch(Array.from(vector)).distanceType('cosine').where('has_vector = true').select(['id', '_distance']).limit(k).toArray();
      return rows.map((r) => ({ id: r.id as string, similarity: 1 - (r._distance as number) }));
    },
    async searchText(text, k) {
      if (s.passageCount === 0 || k <= 0 || !text.trim()) return [];
      // LanceDB analyses the question itself (French stemming); an English question also brings
      // Dépêche's French renderings of its words, at the weight its own BM25 gives them.
      const renderings = frenchRenderings(text);
      const query = renderings.length
        ? new BooleanQuery([
            [Occur.Should, new MatchQuery(text, 'search_text')],
            [Occur.Should, new MatchQuery(renderings.join(' '), 'search_text', { boost: TRANSLATION_WEIGHT })],
          ])
        : new MatchQuery(text, 'search_text');
      const rows = await snapshot.search(query).select(['id', '_score']).limit(k).toArray();
      return rows.map((r) => ({ id: r.id as string, score: r._score as number }));
    },
    async passages(ids): Promise<StoredPassage[]> {
      const rows = await byIds(ids, ['payload']);
      return ids.flatMap((id) => {
        const r = rows.get(id);
        return r ? [(JSON.parse(r.payload) as PassagePayload).passage] : [];
      });
    },
    async passageIds() {
      return (await snapshot.query().where("kind = 'passage'").select(['id']).toArray()).map((r) => r.id as string);
    },
    async vectors(ids) {
      const rows = await byIds(ids, ['vector', 'has_vector']);
      return ids.map((id) => {
        const r = rows.get(id);
        return r && r.has_vector ? Float32Array.from(r.vector as ArrayLike<number>) : null;
      });
    },
  };
}
