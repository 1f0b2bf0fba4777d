/**
 * What an `ask` costs apart from the model, against issue 11's seed-coverage targets, side by
 * side in one run (a table on stdout, JSON in --json):
 *   - ask − model: every question of the file asked in lexical mode (no query embedding), warm,
 *     several rounds; p50 against ≤ 0.5 ms. Beside it, the same asks with each question new to
 *     the engine (a fresh engine per round), so what the engine keeps per question is not all it shows.
 *   - with --model: a warm hybrid ask against the bare query embedding of the same question,
 *     query-vector caches off (every ask embeds its question, as a new question does); p50
 *     ratio against ≤ 1.1×. Use the full-size model (`npm run make-model -- --preset full`):
 *     the tiny one embeds in about a millisecond, which no answer path can be a tenth of.
 * Usage: npx tsx scripts/ask-overhead.ts --questions eval/seed-questions.jsonl [--corpus corpus]
 *          [--rounds 20] [--model ID --model-dir DIR] [--json bench/results/ask-overhead.json]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '../bench/lib/machine.js';
import { table } from '../bench/lib/markdown.js';
import { evalIndexDir } from '../src/cli/commands/eval.js';
import { createEmbedder } from '../src/engine/embed/embedder.js';
import { createEngine } from '../src/engine/engine.js';
import { percentile } from '../src/engine/eval/metrics.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';

/** Issue 11: "On the seed coverage, ask-minus-model p50 ≤ 0.5 ms; warm ask p50 ≤ 1.1× the bare query embedding." */
const TARGETS = { askMinusModelP50Ms: 0.5, warmAskOverEmbedding: 1.1 };

const { values } = parseArgs({
  options: {
    questions: { type: 'string' },
    corpus: { type: 'string', default: 'corpus' },
    rounds: { type: 'string', default: '20' },
    model: { type: 'string' },
    'model-dir': { type: 'string' },
    json: { type: 'string', default: 'bench/results/ask-overhead.json' },
  },
});
if (!values.questions) throw new Error('--questions FILE is required');
const questions = parseEvalQuestions(readFileSync(values.questions, 'utf8')).map((q) => q.question);
const corpusDir = resolve(values.corpus!);
const rounds = Number(values.rounds);
const p = (times: number[], n: number) => percentile(times, n)!;

// Lexical: the whole ask but the model.
const lexicalConfig = { corpusDir, indexDir: evalIndexDir(corpusDir, 'lexical-overhead'), model: 'none', modelDir: null, cacheDir: null, mode: 'lexical' as const, k: 3 };
const lexical = await createEngine(lexicalConfig);
await lexical.reindex();
for (const q of questions) await lexical.ask(q);
const lexicalTimes: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const q of questions) {
    const t = performance.now();
    await lexical.ask(q);
    lexicalTimes.push(performance.now() - t);
  }
}
await lexical.dispose();
// The same, each question new to the engine (an engine per round): what a question asked for the
// first time costs, without what an engine keeps per question (its hits, its sentence scores).
const newTimes: number[] = [];
for (let r = 0; r < rounds; r++) {
  const fresh = await createEngine(lexicalConfig);
  for (const q of questions) {
    const t = performance.now();
    await fresh.ask(q);
    newTimes.push(performance.now() - t);
  }
  await fresh.dispose();
}

// Hybrid against the bare embedding, both embedding every time.
let hybrid: { model: string; askP50Ms: number; embedP50Ms: number; ratio: number; askMinusEmbedP50Ms: number } | null = null;
if (values.model) {
  const modelDir = values['model-dir'] ? resolve(values['model-dir']) : null;
  const config = { corpusDir, indexDir: evalIndexDir(corpusDir, values.model), model: values.model, modelDir, cacheDir: null, queryCacheSize: 0, k: 3 };
  const engine = await createEngine({ ...config, mode: 'hybrid' });
  await engine.reindex();
  const bare = await createEmbedder({ model: values.model, modelDir, cacheDir: null, queryCacheSize: 0 });
  for (const q of questions) {
    await engine.ask(q);
    await bare.embedQueries([q]);
  }
  const asks: number[] = [];
  const embeds: number[] = [];
  const gaps: number[] = [];
  const time = async (run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    return performance.now() - t;
  };
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      // Alternated, so neither side always runs right after the other.
      let ask: number;
      let e: number;
      if (r % 2 === 0) {
        ask = await time(() => engine.ask(q));
        e = await time(() => bare.embedQueries([q]));
      } else {
        e = await time(() => bare.embedQueries([q]));
        ask = await time(() => engine.ask(q));
      }
      asks.push(ask);
      embeds.push(e);
      gaps.push(ask - e);
    }
  }
  await engine.dispose();
  await bare.dispose();
  hybrid = { model: values.model, askP50Ms: p(asks, 50), embedP50Ms: p(embeds, 50), ratio: p(asks, 50) / p(embeds, 50), askMinusEmbedP50Ms: p(gaps, 50) };
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const lexicalP50 = p(lexicalTimes, 50);
const rows: (string | number | null)[][] = [
  [
    `ask − model p50 (lexical ask, ${questions.length} questions × ${rounds} rounds)`,
    `${lexicalP50.toFixed(3)} ms (p95 ${p(lexicalTimes, 95).toFixed(3)})`,
    `≤ ${TARGETS.askMinusModelP50Ms} ms ${mark(lexicalP50 <= TARGETS.askMinusModelP50Ms)}`,
  ],
  [
    `the same, each question new to the engine (its passages analysed before)`,
    `${p(newTimes, 50).toFixed(3)} ms (p95 ${p(newTimes, 95).toFixed(3)})`,
    `(no target: shown beside it)`,
  ],
];
if (hybrid) {
  rows.push([
    `warm hybrid ask p50 / bare query embedding p50 (${hybrid.model}, no query cache)`,
    `${hybrid.askP50Ms.toFixed(2)} / ${hybrid.embedP50Ms.toFixed(2)} ms = ${hybrid.ratio.toFixed(3)}× (paired gap p50 ${hybrid.askMinusEmbedP50Ms.toFixed(2)} ms)`,
    `≤ ${TARGETS.warmAskOverEmbedding}× ${mark(hybrid.ratio <= TARGETS.warmAskOverEmbedding)}`,
  ]);
}
console.log(table(['measure (seed coverage targets, issue 11)', 'measured', 'target'], rows));

const result = {
  startedAt: new Date().toISOString(),
  machine: describeMachine(),
  loadAverage: loadavg(),
  questions: values.questions,
  corpus: values.corpus,
  rounds,
  targets: TARGETS,
  lexical: { p50Ms: lexicalP50, p95Ms: p(lexicalTimes, 95), samples: lexicalTimes.length },
  lexicalNewQuestion: { p50Ms: p(newTimes, 50), p95Ms: p(newTimes, 95), samples: newTimes.length },
  hybrid,
};
mkdirSync(dirname(resolve(values.json!)), { recursive: true });
writeFileSync(values.json!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`Wrote ${values.json}`);
