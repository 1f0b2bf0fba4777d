/**
 * Side by side, what a running bot's first ingest costs its event loop where it used to list or
 * read the whole corpus folder on the main thread, or copy what a load restored:
 *   - `lock`: the first corpus lock of a process and the ingest's sweep under it
 *     (`withCorpusLock` + `sweepStaleTemps`, as ingest.ts runs them), in a folder of `--lock-files`
 *     names (200 000 is a million passages);
 *   - `catalog`: the first fill of a missing catalog (`catalogMatches` on a corpus cache without
 *     one: every file read and its YAML parsed), in folders of `--catalog-files` article files
 *     copied from `--seed` (≤ 256 was filled on the main thread; more, on a one-shot thread);
 *   - `apply`: the first change a reader applies after loading a store from its checkpoint (one
 *     article of 20 passages with vectors, committed by the same process just before:
 *     `reader.refresh({ wait: true })`, where an ingest's reply waits for it), on each `--store`
 *     (store-bench folders; the article is removed again after the round).
 * Each side is a code checkout; every round starts a fresh process per side and case (sides
 * alternate), which starts the article worker and gives it one job first (as a bot's first ingest
 * has, by then, run its sweep), then measures the operation (scripts/lib/stall-meter.ts).
 * Prints medians per side and case, writes every round to --json. The main-thread CPU column
 * includes the meter's own 1 ms ticks (tens of µs each: most of it over a wait of seconds).
 *
 *   npx tsx scripts/ingest-stalls.ts --side before=/tmp/base --side after=. [--rounds 5]
 *     [--lock-files 200000] [--catalog-files 250,2000] [--store /work/stores/store-100000 …]
 *     [--seed /work/shared/eval/piaf/corpus] [--json /tmp/ingest-stalls.json]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from '../bench/lib/markdown.js';
import { median, parseSides, step, watchGc, type Step } from './lib/stall-meter.js';

const { values } = parseArgs({
  options: {
    side: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '5' },
    'lock-files': { type: 'string', default: '200000' },
    'catalog-files': { type: 'string', default: '250,2000' },
    store: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string', default: '/work/shared/eval/piaf/corpus' },
    work: { type: 'string' },
    json: { type: 'string', default: '/tmp/ingest-stalls.json' },
    child: { type: 'string' },
  },
});

interface Case {
  name: string;
  kind: 'lock' | 'catalog' | 'apply';
  dir: string;
}
interface Round extends Step {
  side: string;
  case: string;
  round: number;
  loadAverage: number;
}

if (values.child) {
  watchGc();
  const [checkout, kind, dir] = JSON.parse(values.child) as [string, Case['kind'], string];
  process.stdout.write(`${JSON.stringify(await measure(checkout, kind, dir))}\n`);
  process.exit(0);
}

const sides = parseSides(values.side);
if (sides.length === 0) throw new Error('usage: ingest-stalls.ts --side LABEL=CHECKOUT [--side …]');
const work = values.work ? resolve(values.work) : mkdtempSync(join(tmpdir(), 'depeche-ingest-stalls-'));
const cases: Case[] = [];
const lockFiles = Number(values['lock-files']);
if (lockFiles > 0) cases.push({ name: `first corpus lock + sweep, ${lockFiles} files`, kind: 'lock', dir: namesFolder(join(work, `lock-${lockFiles}`), lockFiles) });
for (const n of values['catalog-files'].split(',').filter(Boolean).map(Number)) {
  cases.push({ name: `first catalog fill, ${n} files`, kind: 'catalog', dir: articlesFolder(join(work, `catalog-${n}`), n) });
}
for (const store of values.store.map((d) => resolve(d))) cases.push({ name: `first change applied after a load, ${store.split('/').at(-1)}`, kind: 'apply', dir: store });

const rounds = Number(values.rounds);
const results: Round[] = [];
for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--seed', values.seed!, '--child', JSON.stringify([side.checkout, c.kind, c.dir])], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        cwd: side.checkout,
      });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${side.label}, ${c.name}: ${child.stderr.slice(-3000)}`);
      const r: Round = { ...(JSON.parse(line) as Step), side: side.label, case: c.name, round, loadAverage: loadavg()[0]! };
      results.push(r);
      console.error(`${side.label} ${c.name} #${round} (load ${r.loadAverage.toFixed(1)}): stall ${r.stallMs.toFixed(0)} ms (p99 ${r.stallP99Ms.toFixed(0)}), turn CPU ${r.turnCpuMs.toFixed(0)}, main CPU ${r.mainCpuMs.toFixed(0)} (${r.ticks} meter ticks), wall ${r.wallMs.toFixed(0)}, GC max ${r.gcMaxMs.toFixed(0)}`);
    }
  }
}

const rows: (string | number)[][] = [];
for (const c of cases) {
  for (const side of sides) {
    const rs = results.filter((r) => r.side === side.label && r.case === c.name);
    const med = (f: (s: Step) => number) => median(rs.map(f)).toFixed(0);
    const max = (f: (s: Step) => number) => Math.max(...rs.map(f)).toFixed(0);
    rows.push([c.name, side.label, med((s) => s.stallMs), max((s) => s.stallMs), med((s) => s.stallP99Ms), med((s) => s.turnCpuMs), max((s) => s.turnCpuMs), med((s) => s.mainCpuMs), med((s) => s.wallMs), max((s) => s.gcMaxMs)]);
  }
}
console.log(table(['operation', 'side', 'longest stall ms (median)', '(max)', 'p99 delay ms (median)', 'longest turn CPU ms (median)', '(max)', 'main-thread CPU ms', 'wall ms', 'longest GC pause ms (max)'], rows));
console.log(`${rounds} rounds, load average ${Math.min(...results.map((r) => r.loadAverage)).toFixed(1)}–${Math.max(...results.map((r) => r.loadAverage)).toFixed(1)}`);
writeFileSync(values.json, JSON.stringify({ at: new Date().toISOString(), rounds, sides, cases, results }, null, 2));
console.log(`rounds in ${values.json}`);
if (!values.work) rmSync(work, { recursive: true, force: true });

/** A folder of `n` empty article-named files (the lock and sweep look at names only). */
function namesFolder(dir: string, n: number): string {
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `article-${String(i).padStart(7, '0')}.md`), '');
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** A folder of `n` article files copied from the seed corpus, round robin under new names. */
function articlesFolder(dir: string, n: number): string {
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(dir, { recursive: true });
  const seeds = readdirSync(values.seed!).filter((f) => /\.(md|txt)$/.test(f)).sort();
  if (seeds.length === 0) throw new Error(`no article files in ${values.seed}`);
  for (let i = 0; i < n; i++) {
    const from = seeds[i % seeds.length]!;
    copyFileSync(join(values.seed!, from), join(dir, `copie-${String(i).padStart(5, '0')}${extname(from)}`));
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** One fresh process of `checkout`'s code: the article worker started and warm, then the operation. */
async function measure(checkout: string, kind: Case['kind'], dir: string): Promise<Step> {
  const src = (file: string) => pathToFileURL(join(checkout, 'src', file)).href;
  const { runOffThread, startArticleWorker } = (await import(src('engine/ingest/article-pipeline.ts'))) as typeof import('../src/engine/ingest/article-pipeline.js');
  startArticleWorker();
  await runOffThread({ kind: 'count', corpusDir: dir, id: 'absent' });
  if (kind === 'lock') {
    const { sweepStaleTemps, withCorpusLock } = (await import(src('engine/ingest/corpus-lock.ts'))) as typeof import('../src/engine/ingest/corpus-lock.js');
    return step(() => withCorpusLock(dir, () => sweepStaleTemps(dir, (corpusDir) => runOffThread({ kind: 'sweep', corpusDir }))));
  }
  if (kind === 'apply') return firstApply(checkout, dir);
  const { openCorpusCache } = (await import(src('engine/corpus/corpus-cache.ts'))) as typeof import('../src/engine/corpus/corpus-cache.js');
  const { catalogMatches } = (await import(src('engine/ingest/corpus-catalog.ts'))) as typeof import('../src/engine/ingest/corpus-catalog.js');
  // A cache file of its own per process: no catalog yet, and no file known (a store written
  // before the catalog existed, or a lost cache file).
  const indexDir = mkdtempSync(join(tmpdir(), 'depeche-stall-index-'));
  const cache = openCorpusCache(join(indexDir, 'corpus-files.db'));
  try {
    if (cache.catalog?.complete(dir)) throw new Error('the catalog is already filled');
    const s = await step(() => catalogMatches(dir, 'no-such-text', ['no-such.example/page'], cache));
    if (!cache.catalog?.complete(dir)) throw new Error('the catalog was not filled');
    return s;
  } finally {
    cache.close();
    rmSync(indexDir, { recursive: true, force: true });
  }
}

/**
 * A reader loaded from the store's checkpoint (vectors in memory, as a serving bot's), then one
 * article committed and the reader's refresh that applies it measured: the reader's first growth
 * of what it restored (its ordinals, labels, lengths) happens in there.
 */
async function firstApply(checkout: string, storeDir: string): Promise<Step> {
  const src = (file: string) => pathToFileURL(join(checkout, 'src', file)).href;
  const { createStore } = (await import(src('engine/index/create-store.ts'))) as typeof import('../src/engine/index/create-store.js');
  const { prepareArticle } = (await import(src('engine/index/prepare-article.ts'))) as typeof import('../src/engine/index/prepare-article.js');
  const { parseArticleFile } = (await import(src('engine/corpus/article-file.ts'))) as typeof import('../src/engine/corpus/article-file.js');
  const store = createStore({ backend: 'local', indexDir: join(storeDir, 'index') });
  const reader = store.reader();
  const id = `zz-stall-apply-${process.pid}`;
  try {
    const view = await reader.refresh({ wait: true });
    await view.loadVectors?.();
    const dimension = (await store.meta())?.model?.dimension ?? 0;
    // A seed article long enough for a few dozen passages, as an uploaded dossier would be.
    const seeds = readdirSync(values.seed!).filter((f) => /\.(md|txt)$/.test(f)).sort();
    const parsed = seeds.map((f) => parseArticleFile(readFileSync(join(values.seed!, f), 'utf8'), extname(f))).slice(0, 12);
    const text = parsed.map((p) => p.body.trim()).join('\n\n');
    const write = prepareArticle({ id, title: 'Dossier déposé pendant la mesure', publisher: 'Banc', author: null, url: null, date: '2026-12-02', language: 'fr', text, hash: id, kept: [{ start: 0, end: text.length }] });
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const p of write.passages) p.vector = dimension > 0 ? Float32Array.from({ length: dimension }, random) : null;
    await store.commit({ upsert: [write] });
    const s = await step(() => reader.refresh({ wait: true }));
    if ((await reader.refresh()).passageCount <= view.passageCount) throw new Error('the change was not applied');
    return s;
  } finally {
    await store.commit({ remove: [id] }).catch(() => undefined);
    await reader.close();
    await store.close();
  }
}
