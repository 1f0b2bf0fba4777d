/**
 * What an `ask` costs apart from the model, against issue 11's seed-coverage targets, side by
 * side in one run (a table on stdout, JSON in --json):
 *   - ask − model: every question of the file asked in lexical mode (no query embedding), warm,
 *     several rounds; p50 against ≤ 0.5 ms. Beside it, the same asks with each question new to
 *     the engine (a fresh engine per round), so what the engine keeps per question is not all it shows.
 *   - with --model: a warm hybrid ask against the bare query embedding of the same question,
 *     query-vector caches off (every ask embeds its question, as a new question does); p50 ratio
 *     against ≤ 1.1×, and the paired gap (the ask minus the embedding it was paired with). Beside
 *     it, the same with each question new to the engine, and (the fair figure for a question asked
 *     for the first time) each question new to an engine that has already answered the other half
 *     of the questions on the same coverage: its passages read, its code warm. Use the full-size model (`npm run
 *     make-model -- --preset full`): the tiny one embeds in about a millisecond, which no answer
 *     path can be a tenth of.
 *
 * Paired and interleaved, so it holds on a shared machine: each ask is timed next to the bare
 * embedding of the same question on the same worker thread, the two alternating which goes first;
 * every build given runs in this one process, their asks interleaved question by question. Load
 * then weighs on all sides alike, and the table also gives the ratio in each fifth of the run
 * (how much it moved while the load did) and the median of the per-pair ratios.
 *
 * Builds: this checkout's source by default; `--build NAME=DIST` (repeatable) runs compiled builds
 * instead, e.g. before and after a change (`git worktree add /tmp/base <commit>`, link its
 * node_modules, `npx tsc -p tsconfig.build.json`, then `--build base=/tmp/base/dist --build now=dist`).
 *
 * Usage: npx tsx scripts/ask-overhead.ts --questions eval/seed-questions.jsonl [--corpus corpus]
 *          [--rounds 20] [--new-rounds 5] [--model ID --model-dir DIR] [--build NAME=DIST ...]
 *          [--json bench/results/ask-overhead.json]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from '../bench/lib/machine.js';
import { table } from '../bench/lib/markdown.js';
import { evalIndexDir } from '../src/cli/commands/eval.js';
import type * as EmbedderModule from '../src/engine/embed/embedder.js';
import type * as EngineModule from '../src/engine/engine.js';
import { percentile } from '../src/engine/eval/metrics.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import type { Engine, EngineConfig } from '../src/engine/types.js';

/** Issue 11: "On the seed coverage, ask-minus-model p50 ≤ 0.5 ms; warm ask p50 ≤ 1.1× the bare query embedding." */
const TARGETS = { askMinusModelP50Ms: 0.5, warmAskOverEmbedding: 1.1 };
/** The rounds are cut into this many parts, each with its own ratio: how steady the figure was. */
const BLOCKS = 5;

const { values } = parseArgs({
  options: {
    questions: { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    rounds: { type: 'string', default: '20' },
    /** Rounds of the hybrid "new to the engine" row (0: none): each loads the model in a fresh engine. */
    'new-rounds': { type: 'string', default: '5' },
    model: { type: 'string' },
    'model-dir': { type: 'string' },
    build: { type: 'string', multiple: true },
    json: { type: 'string', default: 'bench/results/ask-overhead.json' },
  },
});
if (!values.questions) throw new Error('--questions FILE is required');
const questions = parseEvalQuestions(readFileSync(values.questions, 'utf8')).map((q) => q.question);
const corpusDir = resolve(values.corpus!);
const rounds = Number(values.rounds);
const newRounds = Math.min(rounds, Number(values['new-rounds']));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1');
if (!Number.isInteger(newRounds) || newRounds < 0) throw new Error('--new-rounds must be a whole number ≥ 0 (0: no hybrid "new question" row)');
const p = (times: number[], n: number) => percentile(times, n)!;

interface Build {
  name: string;
  createEngine: typeof EngineModule.createEngine;
  createEmbedder: typeof EmbedderModule.createEmbedder;
}

/** This checkout's source, or the compiled builds named on the command line. */
async function loadBuilds(specs: string[]): Promise<Build[]> {
  if (specs.length === 0) {
    const [engine, embedder] = await Promise.all([import('../src/engine/engine.js'), import('../src/engine/embed/embedder.js')]);
    return [{ name: 'this checkout', createEngine: engine.createEngine, createEmbedder: embedder.createEmbedder }];
  }
  return Promise.all(
    specs.map(async (spec) => {
      const at = spec.indexOf('=');
      if (at <= 0) throw new Error(`--build wants NAME=DIST, got "${spec}"`);
      const dist = resolve(spec.slice(at + 1));
      const engine = (await import(pathToFileURL(`${dist}/engine/engine.js`).href)) as typeof EngineModule;
      const embedder = (await import(pathToFileURL(`${dist}/engine/embed/embedder.js`).href)) as typeof EmbedderModule;
      return { name: spec.slice(0, at), createEngine: engine.createEngine, createEmbedder: embedder.createEmbedder };
    }),
  );
}

const time = async (run: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await run();
  return performance.now() - t;
};

/** Build positions in the order a round runs them: rotated each round, so none always goes first. */
const orderOf = (round: number, count: number) => Array.from({ length: count }, (_, i) => (i + round) % count);

const builds = await loadBuilds(values.build ?? []);
const loadAtStart = loadavg();

// Lexical: the whole ask but the model.
const lexicalConfig = (b: number): EngineConfig => ({
  corpusDir,
  indexDir: evalIndexDir(corpusDir, `lexical-overhead-${builds[b]!.name}`),
  model: 'none',
  modelDir: null,
  cacheDir: null,
  mode: 'lexical',
  k: 3,
});
const lexicalEngines: Engine[] = [];
for (const [b, build] of builds.entries()) {
  const engine = await build.createEngine(lexicalConfig(b));
  await engine.reindex();
  for (const q of questions) await engine.ask(q);
  lexicalEngines.push(engine);
}
const lexicalTimes = builds.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  for (const q of questions) for (const b of orderOf(r, builds.length)) lexicalTimes[b]!.push(await time(() => lexicalEngines[b]!.ask(q)));
}
for (const engine of lexicalEngines) await engine.dispose();
// The same, each question new to the engine (an engine per round): what a question asked for the
// first time costs, without what an engine keeps per question (its hits, its sentence scores).
const newTimes = builds.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  for (const b of orderOf(r, builds.length)) {
    const fresh = await builds[b]!.createEngine(lexicalConfig(b));
    for (const q of questions) newTimes[b]!.push(await time(() => fresh.ask(q)));
    await fresh.dispose();
  }
}

// Each question new to an engine that has answered the other half of the questions (its passages
// read, its code warm): what a bot's next new question costs. The rows above skew this: a fresh
// engine per round also pays for reading passages, and the phase before leaves the code warm or not.
const halves = [questions.filter((_, i) => i % 2 === 0), questions.filter((_, i) => i % 2 === 1)];
const newWarmTimes = builds.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  for (const b of orderOf(r, builds.length)) {
    for (const [h, half] of halves.entries()) {
      const engine = await builds[b]!.createEngine(lexicalConfig(b));
      for (const q of halves[1 - h]!) await engine.ask(q);
      for (const q of half) newWarmTimes[b]!.push(await time(() => engine.ask(q)));
      await engine.dispose();
    }
  }
}

interface Paired {
  asks: number[];
  embeds: number[];
  /** Round of each pair, for the per-block ratios. */
  roundOf: number[];
}

interface HybridFigures {
  askP50Ms: number;
  embedP50Ms: number;
  /** Ask p50 over embedding p50: the target's figure. */
  ratio: number;
  /** p50 of (ask − the embedding it was paired with). */
  gapP50Ms: number;
  /** p50 of (ask / the embedding it was paired with). */
  pairedRatioP50: number;
  /** `ratio` in each block of rounds, in order. */
  blockRatios: number[];
  pairs: number;
}

const figures = ({ asks, embeds, roundOf }: Paired, runs = rounds): HybridFigures => {
  const blockRatios: number[] = [];
  const size = Math.ceil(runs / BLOCKS);
  for (let from = 0; from < runs; from += size) {
    const inBlock = (_: number, i: number) => roundOf[i]! >= from && roundOf[i]! < from + size;
    blockRatios.push(p(asks.filter(inBlock), 50) / p(embeds.filter(inBlock), 50));
  }
  return {
    askP50Ms: p(asks, 50),
    embedP50Ms: p(embeds, 50),
    ratio: p(asks, 50) / p(embeds, 50),
    gapP50Ms: p(asks.map((a, i) => a - embeds[i]!), 50),
    pairedRatioP50: p(asks.map((a, i) => a / embeds[i]!), 50),
    blockRatios,
    pairs: asks.length,
  };
};

/** One ask next to the bare embedding of its question, which one first alternating by round. */
const pair = async (into: Paired, round: number, ask: () => Promise<unknown>, embed: () => Promise<unknown>) => {
  let a: number;
  let e: number;
  if (round % 2 === 0) {
    a = await time(ask);
    e = await time(embed);
  } else {
    e = await time(embed);
    a = await time(ask);
  }
  into.asks.push(a);
  into.embeds.push(e);
  into.roundOf.push(round);
};

// Hybrid against the bare embedding, both embedding every time; each build's engine and bare
// embedder share that build's worker thread, so each pair runs on one thread.
let hybrid: { model: string; warm: HybridFigures[]; newQuestion: HybridFigures[] | null; newInWarmEngine: HybridFigures[] | null } | null = null;
/** Milliseconds of work on this thread while the worker embeds (0: idle), and the embeddings so timed. */
const BUSY_MS = [0, 0.3, 1];
const busy: { busyMs: number; embeds: number[] }[] = [];
if (values.model) {
  const modelDir = values['model-dir'] ? resolve(values['model-dir']) : null;
  const embedderOptions = { model: values.model, modelDir, cacheDir: null, queryCacheSize: 0 };
  const config = (b: number): EngineConfig => ({
    corpusDir,
    indexDir: evalIndexDir(corpusDir, `${values.model}-${builds[b]!.name}`),
    model: values.model!,
    modelDir,
    cacheDir: null,
    queryCacheSize: 0,
    mode: 'hybrid',
    k: 3,
  });
  const sides = [];
  for (const [b, build] of builds.entries()) {
    const engine = await build.createEngine(config(b));
    await engine.reindex();
    const bare = await build.createEmbedder(embedderOptions);
    for (const q of questions) {
      await engine.ask(q);
      await bare.embedQueries([q]);
    }
    sides.push({ engine, bare });
  }
  const warm = builds.map((): Paired => ({ asks: [], embeds: [], roundOf: [] }));
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      for (const b of orderOf(r, builds.length)) {
        const { engine, bare } = sides[b]!;
        await pair(warm[b]!, r, () => engine.ask(q), () => bare.embedQueries([q]));
      }
    }
  }
  for (const { engine } of sides) await engine.dispose();
  // Each question new to the engine: a fresh engine per round, its model loaded before the first ask.
  const fresh = builds.map((): Paired => ({ asks: [], embeds: [], roundOf: [] }));
  for (let r = 0; r < newRounds; r++) {
    for (const b of orderOf(r, builds.length)) {
      const engine = await builds[b]!.createEngine(config(b));
      await engine.warmUp();
      const { bare } = sides[b]!;
      for (const q of questions) await pair(fresh[b]!, r, () => engine.ask(q), () => bare.embedQueries([q]));
      await engine.dispose();
    }
  }
  // Each question new to an engine that has answered the other half (see the lexical row): the
  // figure a bot's users feel, as most of their questions are new.
  const newWarm = builds.map((): Paired => ({ asks: [], embeds: [], roundOf: [] }));
  for (let r = 0; r < newRounds; r++) {
    for (const b of orderOf(r, builds.length)) {
      const { bare } = sides[b]!;
      for (const [h, half] of halves.entries()) {
        const engine = await builds[b]!.createEngine(config(b));
        for (const q of halves[1 - h]!) await engine.ask(q);
        for (const q of half) await pair(newWarm[b]!, r, () => engine.ask(q), () => bare.embedQueries([q]));
        await engine.dispose();
      }
    }
  }
  // Why an ask embeds its question only once its lexical side is done: the bare embedding with this
  // thread kept busy for a while right after handing the question over, against idle.
  const { bare } = sides[0]!;
  for (const [i, busyMs] of BUSY_MS.entries()) busy[i] = { busyMs, embeds: [] };
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      for (const i of orderOf(r, BUSY_MS.length)) {
        busy[i]!.embeds.push(
          await time(async () => {
            const vectors = bare.embedQueries([q]);
            const until = performance.now() + BUSY_MS[i]!;
            while (performance.now() < until);
            await vectors;
          }),
        );
      }
    }
  }
  for (const side of sides) await side.bare.dispose();
  hybrid = {
    model: values.model,
    warm: warm.map((w) => figures(w)),
    newQuestion: newRounds > 0 ? fresh.map((f) => figures(f, newRounds)) : null,
    newInWarmEngine: newRounds > 0 ? newWarm.map((f) => figures(f, newRounds)) : null,
  };
}
const loadAtEnd = loadavg();

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const ms = (v: number, digits = 3) => `${v.toFixed(digits)} ms`;
const lexical = builds.map((_, b) => ({ p50Ms: p(lexicalTimes[b]!, 50), p95Ms: p(lexicalTimes[b]!, 95), samples: lexicalTimes[b]!.length }));
const lexicalNew = builds.map((_, b) => ({ p50Ms: p(newTimes[b]!, 50), p95Ms: p(newTimes[b]!, 95), samples: newTimes[b]!.length }));
const lexicalNewWarm = builds.map((_, b) => ({ p50Ms: p(newWarmTimes[b]!, 50), p95Ms: p(newWarmTimes[b]!, 95), samples: newWarmTimes[b]!.length }));
const rows: (string | number | null)[][] = [];
builds.forEach((build, b) => {
  const l = lexical[b]!;
  const n = lexicalNew[b]!;
  rows.push([build.name, `ask − model p50 (lexical ask, ${questions.length} questions × ${rounds} rounds)`, `${ms(l.p50Ms)} (p95 ${l.p95Ms.toFixed(3)})`, `≤ ${TARGETS.askMinusModelP50Ms} ms ${mark(l.p50Ms <= TARGETS.askMinusModelP50Ms)}`]);
  rows.push([build.name, 'the same, each question new to the engine', `${ms(n.p50Ms)} (p95 ${n.p95Ms.toFixed(3)})`, '(beside it)']);
  const nw = lexicalNewWarm[b]!;
  rows.push([build.name, 'the same, each question new to an engine that answered the other half', `${ms(nw.p50Ms)} (p95 ${nw.p95Ms.toFixed(3)})`, '(beside it)']);
});
if (hybrid) {
  const describe = (f: HybridFigures) =>
    `${f.askP50Ms.toFixed(2)} / ${f.embedP50Ms.toFixed(2)} ms = **${f.ratio.toFixed(3)}×**; gap p50 ${ms(f.gapP50Ms)}; ` +
    `per pair ${f.pairedRatioP50.toFixed(3)}×; by part of the run ${f.blockRatios.map((x) => x.toFixed(3)).join(' ')}`;
  builds.forEach((build, b) => {
    const w = hybrid!.warm[b]!;
    const n = hybrid!.newQuestion?.[b];
    rows.push([build.name, `warm hybrid ask p50 / bare query embedding p50 (${hybrid!.model}, no query cache)`, describe(w), `≤ ${TARGETS.warmAskOverEmbedding}× ${mark(w.ratio <= TARGETS.warmAskOverEmbedding)}`]);
    if (n) rows.push([build.name, `the same, each question new to the engine (${newRounds} rounds)`, describe(n), '(beside it)']);
    const nw = hybrid!.newInWarmEngine?.[b];
    if (nw) rows.push([build.name, `the same, each question new to an engine that answered the other half (${newRounds} rounds)`, describe(nw), '(beside it)']);
  });
}
if (busy.length > 0) {
  const idle = p(busy[0]!.embeds, 50);
  for (const { busyMs, embeds } of busy.slice(1)) {
    const slower = p(embeds, 50) - idle;
    rows.push([builds[0]!.name, `bare embedding p50 with ${busyMs} ms of work on this thread meanwhile, against idle`, `${ms(p(embeds, 50), 2)} against ${ms(idle, 2)}: ${(slower / busyMs).toFixed(1)}× the work's own time slower`, '(why the lexical side goes first)']);
  }
}
const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
console.log(`load average ${loads(loadAtStart)} at the start, ${loads(loadAtEnd)} at the end`);
console.log(table(['build', 'measure (seed coverage targets, issue 11)', 'measured', 'target'], rows));

const result = {
  startedAt: new Date().toISOString(),
  machine: describeMachine(),
  loadAverage: { start: loadAtStart, end: loadAtEnd },
  questions: values.questions,
  corpus: values.corpus,
  rounds,
  newRounds,
  targets: TARGETS,
  builds: builds.map((build, b) => ({
    name: build.name,
    lexical: lexical[b],
    lexicalNewQuestion: lexicalNew[b],
    lexicalNewInWarmEngine: lexicalNewWarm[b],
    hybrid: hybrid
      ? { model: hybrid.model, warm: hybrid.warm[b], newQuestion: hybrid.newQuestion?.[b] ?? null, newInWarmEngine: hybrid.newInWarmEngine?.[b] ?? null }
      : null,
  })),
  embeddingWithThisThreadBusy: busy.map(({ busyMs, embeds }) => ({ busyMs, embedP50Ms: p(embeds, 50), samples: embeds.length })),
};
mkdirSync(dirname(resolve(values.json!)), { recursive: true });
writeFileSync(values.json!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`Wrote ${values.json}`);
