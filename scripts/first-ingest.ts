/**
 * A running bot's first `/ingest`, side by side: each side is a code checkout, each store a kept
 * store-bench folder (corpus/, index/, models/). Every round starts a fresh process per side and
 * store (sides alternate, so a busy machine weighs on both alike), which starts as the bot does
 * (engine with `preloadModel`, ingest service, `warmUp`, a few questions), waits for the vectors to be in memory
 * (as the store bench does; `--load-fully no` leaves hnswlib's read running behind), then ingests
 * three uploaded articles one after another through the ingest service (extraction worker, corpus
 * write, index update, passage count) and removes each (file removed, then `engine.reindex`). Per ingest and removal:
 *   - the longest event-loop stall (`monitorEventLoopDelay`, 1 ms resolution);
 *   - the longest turn's own main-thread CPU (CPU of this thread between two ticks of a 1 ms timer:
 *     the stall the work itself causes, apart from the time a busy machine takes the thread away);
 *   - wall time and the main thread's CPU over the whole ingest.
 * Prints a table of medians per side, store and ingest number, and writes every round to --json.
 * `--profile DIR` also writes a CPU profile of each process's first ingest (slows it: separate runs).
 * Mutates the stores only for the time of a round (each article is removed again).
 *
 *   npx tsx scripts/first-ingest.ts --side before=/tmp/base --side after=. --store /work/stores/store-100000-…
 *     [--rounds 3] [--seed /work/shared/eval/piaf/corpus] [--load-fully yes|no] [--sentences 24] [--json /tmp/first-ingest.json]
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from '../bench/lib/markdown.js';
import { median, parseSides, step, watchGc, type Step } from './lib/stall-meter.js';

/** The store bench's model (bench/workers/store-scale.ts; importing that file would start its worker). */
const BENCH_MODEL = 'depeche/bench-384';
/** Questions asked before the ingests, as the bot's warm-up asks a few (warm-answer-path.ts). */
const WARM_QUESTIONS = 6;
const INGESTS = 3;

interface ChildResult {
  passages: number;
  ingests: Step[];
  removes: Step[];
  loadAverage: number;
}
interface Round extends ChildResult {
  side: string;
  store: string;
  round: number;
}

const { values } = parseArgs({
  options: {
    side: { type: 'string', multiple: true, default: [] },
    store: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '/work/shared/eval/piaf/corpus' },
    'load-fully': { type: 'string', default: 'yes' },
    /** Sentences per ingested article: 24 is the store bench's article (3 passages); ~8 per passage. */
    sentences: { type: 'string', default: '24' },
    profile: { type: 'string' },
    json: { type: 'string', default: '/tmp/first-ingest.json' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // GC pauses from the start of the process (the observer sees only those after it is made).
  watchGc();
  const [checkout, store, tag] = JSON.parse(values.child) as [string, string, string];
  process.stdout.write(`${JSON.stringify(await measure(checkout, store, tag))}\n`);
  process.exit(0);
}

const sides = parseSides(values.side);
if (sides.length === 0 || values.store.length === 0) throw new Error('usage: first-ingest.ts --side LABEL=CHECKOUT [--side …] --store DIR [--store …]');
const rounds = Number(values.rounds);
const results: Round[] = [];
for (let round = 0; round < rounds; round++) {
  for (const store of values.store.map((s) => resolve(s))) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const tag = `${side.label}-${round}`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, ...childFlags(), '--child', JSON.stringify([side.checkout, store, tag])], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        cwd: side.checkout,
      });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${side.label} on ${store}: ${child.stderr.slice(-3000)}`);
      const r: Round = { ...(JSON.parse(line) as ChildResult), side: side.label, store: basename(store), round };
      results.push(r);
      const f = (s: Step) => `${s.wallMs.toFixed(0)} ms (stall ${s.stallMs.toFixed(0)}, turn CPU ${s.turnCpuMs.toFixed(0)}, main CPU ${s.mainCpuMs.toFixed(0)}, GC max ${s.gcMaxMs.toFixed(0)} ${s.gcMaxKind})`;
      console.error(`${side.label} ${r.store} #${round} (load ${r.loadAverage.toFixed(1)}): ingests ${r.ingests.map(f).join(' | ')}; removes ${r.removes.map((s) => `stall ${s.stallMs.toFixed(0)}`).join(' ')}`);
    }
  }
}

const rows: (string | number)[][] = [];
for (const store of new Set(results.map((r) => r.store))) {
  for (const side of sides) {
    const rs = results.filter((r) => r.side === side.label && r.store === store);
    for (let i = 0; i < INGESTS; i++) {
      const steps = rs.map((r) => r.ingests[i]!);
      const med = (f: (s: Step) => number) => median(steps.map(f)).toFixed(0);
      const max = (f: (s: Step) => number) => Math.max(...steps.map(f)).toFixed(0);
      rows.push([store, side.label, i === 0 ? 'first' : `#${i + 1}`, rs[0]?.passages ?? 0, med((s) => s.wallMs), med((s) => s.mainCpuMs), med((s) => s.stallMs), max((s) => s.stallMs), med((s) => s.turnCpuMs), max((s) => s.turnCpuMs), max((s) => s.gcMaxMs)]);
    }
    const removes = rs.flatMap((r) => r.removes);
    rows.push([store, side.label, 'removes', rs[0]?.passages ?? 0, median(removes.map((s) => s.wallMs)).toFixed(0), median(removes.map((s) => s.mainCpuMs)).toFixed(0), median(removes.map((s) => s.stallMs)).toFixed(0), Math.max(...removes.map((s) => s.stallMs)).toFixed(0), median(removes.map((s) => s.turnCpuMs)).toFixed(0), Math.max(...removes.map((s) => s.turnCpuMs)).toFixed(0), Math.max(...removes.map((s) => s.gcMaxMs)).toFixed(0)]);
  }
}
console.log(table(['store', 'side', 'ingest', 'passages', 'wall ms', 'main-thread CPU ms', 'longest stall ms (median)', '(max)', 'longest turn CPU ms (median)', '(max)', 'longest GC pause ms (max)'], rows));
console.log(`load average ${Math.min(...results.map((r) => r.loadAverage)).toFixed(1)}–${Math.max(...results.map((r) => r.loadAverage)).toFixed(1)}`);
writeFileSync(values.json, JSON.stringify({ at: new Date().toISOString(), rounds, sides, stores: values.store, loadFully: values['load-fully'], results }, null, 2));
console.log(`rounds in ${values.json}`);

function childFlags(): string[] {
  return [...(values.seed ? ['--seed', values.seed] : []), '--load-fully', values['load-fully'], '--sentences', values.sentences, ...(values.profile ? ['--profile', resolve(values.profile)] : [])];
}

/** One bot-like process of `checkout`'s code on `store`: start, warm-up, then the ingests. */
async function measure(checkout: string, storeDir: string, tag: string): Promise<ChildResult> {
  const src = (file: string) => pathToFileURL(join(checkout, 'src', file)).href;
  const { createEngine } = (await import(src('engine/engine.ts'))) as typeof import('../src/engine/engine.js');
  const { createIngestService } = (await import(src('engine/ingest/ingest-service.ts'))) as typeof import('../src/engine/ingest/ingest-service.js');
  const { serializeArticleFile } = (await import(src('engine/corpus/article-file.ts'))) as typeof import('../src/engine/corpus/article-file.js');
  const { loadSentencePool, syntheticQuestions } = await import('../bench/lib/synthetic-store.js');
  const corpusDir = join(storeDir, 'corpus');
  const indexDir = join(storeDir, 'index');
  const engine = await createEngine(
    { corpusDir, indexDir, model: BENCH_MODEL, modelDir: join(storeDir, 'models'), cacheDir: null, mode: 'hybrid', k: 5 },
    { preloadModel: true },
  );
  // Created at start-up, as the bot creates its ingest service before it connects.
  const service = createIngestService(engine, { corpusDir, indexDir });
  await engine.warmUp();
  const pool = await loadSentencePool(values.seed!);
  for (const q of syntheticQuestions(pool, WARM_QUESTIONS, 7)) await engine.ask(q);
  if (values['load-fully'] !== 'no') await engine.loadFully();
  const ingests: Step[] = [];
  const removes: Step[] = [];
  let passages = 0;
  const session = values.profile ? new Session() : null;
  for (let i = 0; i < INGESTS; i++) {
    // Another article each time and in each process (a repeat would be a duplicate, not an ingest).
    const sentences = Number(values.sentences);
    const offset = (hashOf(tag) + i * sentences) % pool.sentences.length;
    const body = Array.from({ length: sentences }, (_, j) => pool.sentences[(offset + j * 7) % pool.sentences.length]!.text).join(' ');
    const file = serializeArticleFile({ title: `Article déposé pendant la mesure ${tag} ${i}`, publisher: 'Banc', url: null, date: '2026-12-02', language: 'fr' }, `${body}\n`);
    if (session && i === 0) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    let id = '';
    ingests.push(
      await step(async () => {
        const result = await service.ingest({ file: { name: `mesure-${tag}-${i}.md`, data: Buffer.from(file) } }, { actor: 'bench' });
        if (result.status !== 'added') throw new Error(`ingest ${i}: ${result.status}`);
        id = result.id;
        if (i === 0) passages = result.report?.chunks ?? 0;
      }),
    );
    if (session && i === 0) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(values.profile!, `first-ingest-${tag}-${basename(storeDir)}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
    // Removed as the store bench removes (the service refuses: the store's other corpus files
    // are empty placeholders, so to the catalog this is the last article).
    rmSync(join(corpusDir, `${id}.md`));
    removes.push(await step(() => engine.reindex(undefined, { articles: [id] })));
  }
  await engine.dispose();
  return { passages, ingests, removes, loadAverage: loadavg()[0]! };
}

/** A number from a round's tag, to pick its articles' sentences apart from other rounds'. */
function hashOf(tag: string): number {
  let h = 0;
  for (const c of tag) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
