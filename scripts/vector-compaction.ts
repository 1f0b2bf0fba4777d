/**
 * What the commit that makes a vector compaction due costs a writer (issue 11: until session 8 the
 * compaction ran inside that commit, `afterCommit` in local-store.ts). On a copy of a store-bench
 * index, articles with random vectors are committed in batches until the vector log outgrows a
 * quarter of the checkpoint; every commit is measured with the stall meter (wall, main-thread CPU,
 * longest stall and own turn), then the store's close, which waits for a compaction still running in
 * the background (since session 8 the due commit only starts it). The copy is removed at the end.
 *
 *   npx tsx scripts/vector-compaction.ts --store /work/stores/store-100000 [--work /tmp] [--batch 200]
 *     [--seed /work/shared/eval/piaf/corpus] [--json /tmp/vector-compaction.json]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseArticleFile } from '../src/engine/corpus/article-file.js';
import { createStore } from '../src/engine/index/create-store.js';
import { prepareArticle } from '../src/engine/index/prepare-article.js';
import type { ArticleWrite } from '../src/engine/index/store.js';
import { step, type Step } from './lib/stall-meter.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    work: { type: 'string', default: '/tmp' },
    batch: { type: 'string', default: '200' },
    seed: { type: 'string', default: '/work/shared/eval/piaf/corpus' },
    json: { type: 'string', default: '/tmp/vector-compaction.json' },
  },
});
if (!values.store) throw new Error('usage: vector-compaction.ts --store STORE_DIR');

const copy = mkdtempSync(join(resolve(values.work), 'depeche-compaction-'));
const indexDir = join(copy, 'index');
cpSync(join(resolve(values.store), 'index'), indexDir, { recursive: true });
const store = createStore({ backend: 'local', indexDir });
/** The live space's settings, read through a connection of this script's own. */
const settings = () => {
  const pointer = JSON.parse(readFileSync(join(indexDir, 'current.json'), 'utf8')) as { generation: string };
  const db = new Database(join(indexDir, pointer.generation, 'index.db'), { readonly: true });
  try {
    const read = (key: string) => JSON.parse((db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? 'null') as unknown;
    return { checkpoint: read('checkpoint') as { upTo: number } | null, logged: db.prepare('SELECT COUNT(*) FROM vector_log').pluck().get() as number };
  } finally {
    db.close();
  }
};
try {
  const dimension = (await store.meta())?.model?.dimension ?? 0;
  if (!dimension) throw new Error('the store has no vectors');
  const seeds = readdirSync(values.seed!).filter((f) => /\.(md|txt)$/.test(f)).sort();
  const body = parseArticleFile(readFileSync(join(values.seed!, seeds[0]!), 'utf8'), extname(seeds[0]!)).body;
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const article = (n: number): ArticleWrite => {
    const id = `zz-compaction-${n}`;
    const write = prepareArticle({ id, title: `Article de la mesure ${n}`, publisher: 'Banc', author: null, url: null, date: null, language: 'fr', text: body, hash: id, kept: [{ start: 0, end: body.length }] });
    for (const p of write.passages) p.vector = Float32Array.from({ length: dimension }, random);
    return write;
  };
  const start = settings();
  const threshold = Math.max(2000, (start.checkpoint?.upTo ?? 0) * 0.25);
  console.error(`checkpoint up to ${start.checkpoint?.upTo ?? 0}, log ${start.logged}; due past ${threshold} logged vectors`);
  const commits: (Step & { passages: number; loggedAfter: number; compacted: boolean; due: boolean })[] = [];
  for (let n = 0, i = 0; ; i++) {
    const batch = Array.from({ length: Number(values.batch) }, () => article(n++));
    const passages = batch.reduce((k, a) => k + a.passages.length, 0);
    const before = settings().checkpoint?.upTo ?? 0;
    const s = await step(() => store.commit({ upsert: batch }));
    const after = settings();
    const compacted = (after.checkpoint?.upTo ?? 0) !== before;
    // Due: compacted inside the commit (before session 8), or started in the background (the log is still whole).
    const due = compacted || after.logged > threshold;
    commits.push({ ...s, passages, loggedAfter: after.logged, compacted, due });
    console.error(`commit ${i}: ${passages} passages, ${s.wallMs.toFixed(0)} ms wall, main CPU ${s.mainCpuMs.toFixed(0)} ms, stall ${s.stallMs.toFixed(0)} ms (own turn ${s.turnCpuMs.toFixed(0)}), log ${after.logged}${compacted ? ' — compacted' : due ? ' — due' : ''} (load ${loadavg()[0]!.toFixed(1)})`);
    if (due) break;
  }
  // What is left of the compaction after the commit returned: `close` waits for a background one.
  const close = await step(() => store.close());
  const end = settings();
  console.error(`close: ${close.wallMs.toFixed(0)} ms wall, main CPU ${close.mainCpuMs.toFixed(0)} ms, stall ${close.stallMs.toFixed(0)} ms (own turn ${close.turnCpuMs.toFixed(0)}); checkpoint up to ${end.checkpoint?.upTo ?? 0}, log ${end.logged}`);
  writeFileSync(values.json!, JSON.stringify({ at: new Date().toISOString(), store: values.store, start, commits, close, end }, null, 2));
} finally {
  await store.close();
  rmSync(copy, { recursive: true, force: true });
}
