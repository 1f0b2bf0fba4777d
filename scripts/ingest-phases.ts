/**
 * Where a one-article ingest's time goes, phase by phase, on kept store folders (run on COPIES:
 * it commits and removes articles): the writer's commit, then the reader's refresh that serves
 * it — once with passages without vectors (lexical side only) and once with vectors (adds the
 * HNSW insert). Same article, same vectors at every size, sizes side by side in one run.
 *
 *   npx tsx scripts/ingest-phases.ts OUT.json DIR [DIR…]   (env ROUNDS=5, SEED=/work/shared/eval/piaf/corpus)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { loadSentencePool } from '../bench/lib/synthetic-store.js';
import { prepareArticle } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import { createHash } from 'node:crypto';
import { findArticleText } from '../src/engine/corpus/clean.js';

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) throw new Error('usage: ingest-phases.ts OUT.json DIR [DIR…]');
const rounds = Number(process.env.ROUNDS ?? 5);
const pool = await loadSentencePool(process.env.SEED ?? '/work/shared/eval/piaf/corpus');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Record<string, number | string>[] = [];

for (const dir of dirs) {
  const store = createStore({ backend: 'local', indexDir: path.join(dir, 'index') });
  const reader = store.reader();
  const t0 = performance.now();
  let view = await reader.refresh({ wait: true });
  const openMs = performance.now() - t0;
  const meta = view.meta;
  const dim = meta.model?.dimension ?? 384;
  // PROFILE=1: a CPU profile of the reader's refreshes after an addition (rounds 1 on), written beside OUT.
  const session = process.env.PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
  }
  const times: Record<string, number[]> = { commitLex: [], refreshLex: [], commitVec: [], refreshVec: [], removeCommit: [], removeRefresh: [] };
  for (let round = 0; round < rounds; round++) {
    for (const withVectors of [false, true]) {
      const id = `zz_phase_${withVectors ? 'v' : 'l'}_${round}`;
      const text = `${pool.sentences.slice(round * 24, round * 24 + 24).map((s) => s.text).join(' ')}\n`;
      const title = `Article ajouté pendant la mesure ${round}`;
      const article = { id, title, publisher: null, author: null, url: null, date: null, language: 'fr', text, hash: createHash('sha256').update(text).digest('hex'), kept: findArticleText(text, { title, publisher: null }) };
      const write = prepareArticle(article);
      if (withVectors) {
        for (const [i, p] of write.passages.entries()) {
          const v = new Float32Array(dim).map((_, j) => Math.sin(round * 7 + i * 3 + j));
          const norm = Math.hypot(...v);
          p.vector = v.map((x) => x / norm);
        }
      }
      let t = performance.now();
      await store.commit({ upsert: [write] });
      times[withVectors ? 'commitVec' : 'commitLex']!.push(performance.now() - t);
      if (session && round >= 1) await session.post('Profiler.start');
      t = performance.now();
      view = await reader.refresh();
      times[withVectors ? 'refreshVec' : 'refreshLex']!.push(performance.now() - t);
      if (session && round >= 1) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(`${out}.${path.basename(dir)}.${round}${withVectors ? 'v' : 'l'}.cpuprofile`, JSON.stringify(profile));
      }
      if (!view.sources.has(id)) throw new Error(`${id} not served`);
      t = performance.now();
      await store.commit({ remove: [id] });
      times.removeCommit!.push(performance.now() - t);
      t = performance.now();
      view = await reader.refresh();
      times.removeRefresh!.push(performance.now() - t);
    }
  }
  await reader.close();
  await store.close();
  const row: Record<string, number | string> = { dir: path.basename(dir), passages: view.passageCount, openS: openMs / 1000, load: loadavg()[0]! };
  // Round 0 pays one-time costs: medians over the later rounds.
  for (const [k, xs] of Object.entries(times)) row[k] = median(xs.slice(xs.length > 2 ? (k.startsWith('remove') ? 2 : 1) : 0));
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n${JSON.stringify(times)}\n`);
}
const cols = ['dir', 'passages', 'commitLex', 'refreshLex', 'commitVec', 'refreshVec', 'removeCommit', 'removeRefresh', 'load'];
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => (typeof r[c] === 'number' ? (r[c] as number).toFixed(c === 'passages' ? 0 : 2) : r[c])).join(' | ')} |`);
writeFileSync(out, JSON.stringify(rows, null, 2));
