import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LexicalSnapshot } from '../../search/bm25.js';
import { BulkSnapshotBuilder } from '../../search/lexical/bulk-snapshot.js';
import { ensureLength } from '../../search/lexical/growable.js';
import { startModuleWorker } from '../../workers/module-worker.js';
import { bodyFrequencies, readLexicalCheckpoint, writeLexicalCheckpoint } from './lexical-checkpoint.js';
import { lastSeq, readSetting, splitTerms, writeSetting, type SpaceDb } from './space-db.js';

/** Where a space's lexical checkpoint is and what it holds: the state as of change `seq`. */
export interface LexicalCheckpointRef {
  file: string;
  seq: number;
  articles: number;
  passages: number;
}

export const LEXICAL_SETTING = 'lexical';
/** Articles changed since the last checkpoint, as a share of those in it, past which a writer folds a new one. */
const FOLD_SHARE = 0.1;
const FOLD_MIN_ARTICLES = 200;

/**
 * Whether the changes since the last lexical checkpoint outgrew a share of it (readers then
 * re-index less at load); a space without one gets its first at `minPassages` passages (below
 * that, indexing every passage at load is as quick as reading a checkpoint).
 */
export function lexicalFoldDue(db: SpaceDb, minPassages: number): boolean {
  const ref = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
  if (!ref) {
    // MAX(rowid) rather than COUNT(*): a bound read from the table's b-tree in O(log n).
    const rows = (db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM passages').pluck().get() as number) ?? 0;
    return rows >= minPassages && rows > 0;
  }
  const changed = db.prepare('SELECT COUNT(*) FROM changes WHERE seq > ?').pluck().get(ref.seq) as number;
  return changed > Math.max(FOLD_MIN_ARTICLES, ref.articles * FOLD_SHARE);
}

/**
 * Folds the space's passages into a new lexical checkpoint on a worker thread (the caller's
 * event loop never runs the indexing), then points the space at it in one transaction and
 * removes the previous file. Writers only, under the write lock.
 */
export async function foldLexical(dir: string, db: SpaceDb): Promise<LexicalCheckpointRef> {
  const ref = await new Promise<LexicalCheckpointRef>((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, './lexical-fold-worker', { workerData: { dir, dbPath: db.name } });
    worker.once('message', (reply: { ok: true; ref: LexicalCheckpointRef } | { ok: false; error: string }) => {
      if (reply.ok) resolve(reply.ref);
      else reject(new Error(`lexical checkpoint failed: ${reply.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the lexical checkpoint worker stopped (exit code ${code})`)));
  });
  // A fold may finish after the write lock was released (it runs in the background): the space
  // points at it only if no newer checkpoint was registered meanwhile and its file is still there
  // (another writer's sweep may have taken it); otherwise it is dropped.
  const previous = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
  const taken = db.transaction(() => {
    const current = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
    if ((current && current.seq >= ref.seq && current.file !== ref.file) || !existsSync(join(dir, ref.file))) return false;
    writeSetting(db, LEXICAL_SETTING, ref);
    return true;
  })();
  if (!taken) {
    rmSync(join(dir, ref.file), { force: true });
    throw new Error('a newer lexical checkpoint was registered meanwhile');
  }
  if (previous && previous.file !== ref.file) rmSync(join(dir, previous.file), { force: true });
  return ref;
}

/**
 * Builds and writes the checkpoint of the space as of now: the previous checkpoint plus the
 * articles changed since, or every passage when there is none (or the change log no longer
 * reaches back to it). Runs on a worker thread with its own connection, inside one read
 * transaction, so it sees one committed state.
 */
export async function writeLexicalCheckpointOf(dir: string, db: SpaceDb): Promise<LexicalCheckpointRef> {
  db.exec('BEGIN');
  try {
    const seq = lastSeq(db);
    const previous = readSetting<LexicalCheckpointRef>(db, LEXICAL_SETTING);
    const built = (previous && (await fromPrevious(dir, db, previous))) || fromPassages(db);
    const articles = db.prepare('SELECT COUNT(*) FROM articles').pluck().get() as number;
    db.exec('COMMIT');
    const { snapshot, labels } = built;
    const file = `lexical-${seq}-${Date.now()}.bin`;
    writeLexicalCheckpoint(join(dir, file), { snapshot, labels, bodyDf: bodyFrequencies(snapshot) });
    return { file, seq, articles, passages: snapshot.ids.length };
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

interface Built {
  snapshot: LexicalSnapshot;
  /** Vector label of each passage of the snapshot, by ordinal (-1: none). */
  labels: Int32Array;
}

type Row = { id: string; article_id: string; terms: string; words: string; label: number | null };

/** Every stored passage in one linear pass (a space's first checkpoint: a whole rebuild at publish). */
export function fromPassages(db: SpaceDb): Built {
  const builder = new BulkSnapshotBuilder();
  let labels = new Int32Array(1024);
  const titles = new Map<string, string[]>();
  for (const a of db.prepare('SELECT id, title_terms FROM articles').iterate() as Iterable<{ id: string; title_terms: string }>) titles.set(a.id, splitTerms(a.title_terms));
  for (const r of db.prepare('SELECT id, article_id, terms, words, label FROM passages ORDER BY rowid').iterate() as Iterable<Row>) {
    const title = titles.get(r.article_id);
    if (!title) continue;
    labels = ensureLength(labels, builder.size + 1);
    labels[builder.size] = r.label ?? -1;
    builder.add(r.id, splitTerms(r.terms), splitTerms(r.words), title.length > 0 ? title : null);
  }
  titles.clear();
  return { snapshot: builder.snapshot(), labels: labels.slice(0, builder.size) };
}

async function fromPrevious(dir: string, db: SpaceDb, previous: LexicalCheckpointRef): Promise<Built | null> {
  const oldest = db.prepare('SELECT MIN(seq) FROM changes').pluck().get() as number | null;
  if (oldest !== null && oldest > previous.seq + 1) return null;
  if (!existsSync(join(dir, previous.file))) return null;
  const loaded = await readLexicalCheckpoint(join(dir, previous.file), { pause: async () => undefined, autoCompact: true }).catch(() => null);
  if (!loaded) return null;
  const { index } = loaded;
  const labels = new Map<string, number>();
  const byArticle = new Map<string, string[]>();
  for (let ord = 0; ord < loaded.ids.length; ord++) {
    const id = loaded.ids.at(ord);
    const label = loaded.labels[ord]!;
    if (label >= 0) labels.set(id, label);
    const article = articleOf(id);
    let list = byArticle.get(article);
    if (!list) byArticle.set(article, (list = []));
    list.push(id);
  }
  const changed = db.prepare('SELECT DISTINCT article_id FROM changes WHERE seq > ?').pluck().all(previous.seq) as string[];
  const article = db.prepare('SELECT title_terms FROM articles WHERE id = ?').pluck();
  const rows = db.prepare('SELECT id, article_id, terms, words, label FROM passages WHERE article_id = ? ORDER BY ordinal');
  for (const id of changed) {
    const old = byArticle.get(id) ?? [];
    index.remove(old);
    for (const p of old) labels.delete(p);
    const title = article.get(id) as string | undefined;
    if (title === undefined) continue;
    const titleTerms = splitTerms(title);
    for (const r of rows.all(id) as Row[]) {
      index.addAnalysed(r.id, splitTerms(r.terms), splitTerms(r.words), titleTerms.length > 0 ? titleTerms : null);
      if (r.label !== null) labels.set(r.id, r.label);
    }
  }
  const snapshot = index.snapshot();
  index.close();
  return { snapshot, labels: Int32Array.from(snapshot.ids, (id) => labels.get(id) ?? -1) };
}

/** Article id of a passage id (`${articleId}#${ordinal}`). */
export const articleOf = (passageId: string) => passageId.slice(0, passageId.lastIndexOf('#'));
