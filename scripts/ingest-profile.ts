/**
 * One-article ingest and removal on kept store folders (the store bench's layout: corpus/,
 * index/, models/), as the store bench does them (`engine.reindex({ articles: [id] })`), with
 * each phase timed and a CPU profile of the ingests: where an ingest's time goes at 10k and 1M.
 * Mutates the stores: run it on COPIES.
 *
 *   npx tsx scripts/ingest-profile.ts OUT.json DIR [DIR…]   (env ROUNDS=5, SEED=/work/shared/eval/piaf/corpus)
 */
import { writeFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { constants as perf, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { serializeArticleFile } from '../src/engine/corpus/article-file.js';
import { createEngine } from '../src/engine/engine.js';
import { loadSentencePool, syntheticQuestions } from '../bench/lib/synthetic-store.js';
/** The store bench's model (bench/workers/store-scale.ts; importing that file would start its worker). */
const BENCH_MODEL = 'depeche/bench-384';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Self and inclusive milliseconds per function (name + file:line), biggest inclusive first. */
function summarize(profile: Profile, top = 40): { fn: string; selfMs: number; totalMs: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const name = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    selfBy.set(name(byId.get(id)!), (selfBy.get(name(byId.get(id)!)) ?? 0) + ms);
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      totalBy.set(key, (totalBy.get(key) ?? 0) + ms);
    }
  }
  return [...totalBy.entries()].map(([fn, totalMs]) => ({ fn, selfMs: selfBy.get(fn) ?? 0, totalMs })).sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
}

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) throw new Error('usage: ingest-profile.ts OUT.json DIR [DIR…]');
const rounds = Number(process.env.ROUNDS ?? 5);
const seed = process.env.SEED ?? '/work/shared/eval/piaf/corpus';
/** GC pauses on this thread (ms), by kind, since the last `takeGc()`. */
let gc = { major: 0, minor: 0, majorCount: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === perf.NODE_PERFORMANCE_GC_MAJOR || kind === perf.NODE_PERFORMANCE_GC_INCREMENTAL) {
      gc.major += e.duration;
      gc.majorCount++;
    } else gc.minor += e.duration;
  }
}).observe({ entryTypes: ['gc'] });
const takeGc = () => {
  const g = gc;
  gc = { major: 0, minor: 0, majorCount: 0 };
  return g;
};
const results: Record<string, unknown>[] = [];
for (const dir of dirs) {
  const corpusDir = path.join(dir, 'corpus');
  const t0 = performance.now();
  const engine = await createEngine({ corpusDir, indexDir: path.join(dir, 'index'), model: BENCH_MODEL, modelDir: path.join(dir, 'models'), cacheDir: null, mode: 'hybrid', k: 5 }, { preloadModel: true });
  // As the store bench's serving process: questions asked, then the sentence pool loaded (its
  // analysis allocates), then the rounds.
  const questionPool = await loadSentencePool(seed);
  for (const q of syntheticQuestions(questionPool, Number(process.env.ASKS ?? 1), 5)) await engine.ask(q);
  // As the store bench: the vector index wholly in memory before the rounds (a staged reader reads it in the background).
  await engine.loadFully?.();
  const openMs = performance.now() - t0;
  const pool = await loadSentencePool(seed);
  takeGc();
  const gcs: ReturnType<typeof takeGc>[] = [];
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  const ingests: number[] = [];
  const removes: number[] = [];
  const stalls: number[] = [];
  let profile: Profile | null = null;
  for (let round = 0; round < rounds; round++) {
    const id = `zz_profile_ingest_${round}`;
    const body = pool.sentences.slice(round * 24, round * 24 + 24).map((s) => s.text).join(' ');
    writeFileSync(path.join(corpusDir, `${id}.md`), serializeArticleFile({ title: `Article ajouté pendant le profil ${round}`, publisher: null, url: null, date: null, language: 'fr' }, `${body}\n`));
    // Round 0 pays one-time costs (first growth of arrays, first insert): profiled from round 1 on.
    if (round === 1) await session.post('Profiler.start');
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t = performance.now();
    await engine.reindex(undefined, { articles: [id] });
    ingests.push(performance.now() - t);
    gcs.push(takeGc());
    h.disable();
    stalls.push(h.max / 1e6);
    if (round === rounds - 1) profile = (await session.post('Profiler.stop')).profile as unknown as Profile;
    if (!engine.source(id)) throw new Error(`${id} did not land`);
    rmSync(path.join(corpusDir, `${id}.md`));
    const r = performance.now();
    await engine.reindex(undefined, { articles: [id] });
    removes.push(performance.now() - r);
    process.stderr.write(`${path.basename(dir)} round ${round}: ingest ${ingests.at(-1)!.toFixed(1)} ms (stall ${stalls.at(-1)!.toFixed(0)}), remove ${removes.at(-1)!.toFixed(1)} ms, GC during ingest major ${gcs.at(-1)!.major.toFixed(0)} ms (${gcs.at(-1)!.majorCount}) minor ${gcs.at(-1)!.minor.toFixed(0)} ms, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  session.disconnect();
  await engine.dispose();
  const top = profile ? summarize(profile) : [];
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  results.push({ dir, openMs, ingestMs: ingests, removeMs: removes, stallMs: stalls, gcDuringIngest: gcs, ingestMedianMs: sorted(ingests.slice(1))[Math.floor((ingests.length - 1) / 2)], load: loadavg()[0], top });
  console.log(`\n${dir}: open ${(openMs / 1000).toFixed(1)} s; ingest ms ${ingests.map((x) => x.toFixed(0)).join(' ')}; remove ms ${removes.map((x) => x.toFixed(0)).join(' ')}`);
  console.log('| function | self ms | total ms |\n|---|---|---|');
  for (const f of top.slice(0, 30)) console.log(`| ${f.fn} | ${f.selfMs.toFixed(1)} | ${f.totalMs.toFixed(1)} |`);
}
writeFileSync(out, JSON.stringify(results, null, 2));
