/**
 * Trains the answer line's confidence (src/engine/answer/answer-line-model.ts): a logistic model
 * over what the pick's win looks like (answer/pick-answer.ts, PICK_FEATURES) that tells a line
 * likely to hold the answer from one likely not to. Trained on one dev set, read on others, side
 * by side in one run: answer@1 and the lines shown, withheld right and withheld wrong, per
 * threshold. Every question is asked in lexical mode through the real engine.
 *
 * Usage: npx tsx scripts/train-answer-line.ts --train PIAF_QUESTIONS@a:PIAF_CORPUS \
 *          --read PIAF_QUESTIONS@b:PIAF_CORPUS --read eval/seed-questions.jsonl:corpus … [--write] [--json FILE]
 * `@a` / `@b` is one half of a file (its odd / even lines): train on half a only, and the other
 * sets say whether what was learnt holds. `--write` replaces the shipped model; its threshold is
 * `--threshold` (default 0.1: no line the model gives less than a one-in-ten chance), not fitted.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EvalQuestion } from '../src/engine/eval/questions.js';
import { openDevSet } from './lib/dev-set.js';
import { isHit } from '../src/engine/eval/hit-test.js';
import type { LineCandidate } from '../src/engine/answer/line-features.js';
import { LINE_CONFIDENCE } from '../src/engine/answer/answer-line-model.js';
import { lineConfidence, PICK_FEATURES, rankLine, recordLineCandidates, type LineConfidence } from '../src/engine/answer/pick-answer.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    read: { type: 'string', multiple: true },
    write: { type: 'boolean', default: false },
    json: { type: 'string' },
    l2: { type: 'string', default: '0.01' },
    threshold: { type: 'string', default: '0.1' },
  },
});
if (!values.train) throw new Error('--train QUESTIONS[@a|@b]:CORPUS is required');

/** One question as the engine answered it: abstained, no candidate, or the pick and whether it holds an expected phrase. */
interface Asked {
  q: EvalQuestion;
  abstained: boolean;
  pick: { features: number[]; right: boolean } | null;
}

async function load(spec: string): Promise<{ name: string; asked: Asked[] }> {
  const { name, engine, questions } = await openDevSet(spec);
  const asked: Asked[] = [];
  let seen: readonly LineCandidate[] = [];
  recordLineCandidates((c) => (seen = c));
  try {
    for (const q of questions) {
      seen = [];
      const answer = await engine.ask(q.question, { k: 5, ...(q.context ? { context: q.context } : {}) });
      const ranked = answer.abstained ? null : rankLine(seen);
      // Right when the pick holds an expected phrase, or the line shown for it does (answer/line-span.ts
      // shows it with the sentence naming its subject, or its whole quotation).
      const shown = answer.directAnswer;
      const right = ranked !== null && !q.abstain && (isHit({ sourceId: ranked.best.articleId, text: ranked.best.text }, q) || (shown !== null && isHit({ sourceId: shown.source.id, text: shown.text }, q)));
      asked.push({ q, abstained: answer.abstained, pick: ranked && { features: ranked.features, right } });
    }
  } finally {
    recordLineCandidates(null);
    await engine.dispose();
  }
  return { name, asked };
}

const F = PICK_FEATURES.length;
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Logistic regression over the picks of answerable questions, features standardised, L2 on the weights (full-batch Adam). */
function train(asked: readonly Asked[], l2: number): LineConfidence {
  const rows = asked.filter((a) => !a.q.abstain && a.pick).map((a) => ({ x: a.pick!.features, y: a.pick!.right ? 1 : 0 }));
  const mean = Array.from({ length: F }, (_, j) => rows.reduce((n, r) => n + r.x[j]!, 0) / rows.length);
  const scale = Array.from({ length: F }, (_, j) => Math.sqrt(rows.reduce((n, r) => n + (r.x[j]! - mean[j]!) ** 2, 0) / rows.length) || 1);
  const xs = rows.map((r) => r.x.map((v, j) => (v - mean[j]!) / scale[j]!));
  const w = new Array<number>(F + 1).fill(0); // the last one is the bias
  const m = new Array<number>(F + 1).fill(0);
  const v = new Array<number>(F + 1).fill(0);
  for (let step = 1; step <= 3000; step++) {
    const g = new Array<number>(F + 1).fill(0);
    xs.forEach((x, i) => {
      let z = w[F]!;
      for (let j = 0; j < F; j++) z += w[j]! * x[j]!;
      const err = 1 / (1 + Math.exp(-z)) - rows[i]!.y;
      for (let j = 0; j < F; j++) g[j]! += err * x[j]!;
      g[F]! += err;
    });
    for (let j = 0; j <= F; j++) {
      const grad = g[j]! / xs.length + (j < F ? l2 * w[j]! : 0);
      m[j] = 0.9 * m[j]! + 0.1 * grad;
      v[j] = 0.999 * v[j]! + 0.001 * grad * grad;
      w[j]! -= (0.05 * (m[j]! / (1 - 0.9 ** step))) / (Math.sqrt(v[j]! / (1 - 0.999 ** step)) + 1e-8);
    }
  }
  return { mean: mean.map(round), scale: scale.map(round), weights: w.slice(0, F).map(round), bias: round(w[F]!), threshold: Number(values.threshold) };
}

interface Row {
  set: string;
  threshold: number;
  answerable: number;
  /** answer@1 (answer line right) with no threshold: the pick alone, as before this model. */
  before: number;
  after: number;
  shown: number;
  /** Of the lines shown, the share that is right. */
  precisionBefore: number | null;
  precisionAfter: number | null;
  withheldRight: number;
  withheldWrong: number;
  /** Questions to abstain on that passed abstention: with a line before / after. */
  offTopicLinesBefore: number;
  offTopicLinesAfter: number;
}

function read(name: string, asked: readonly Asked[], model: LineConfidence, threshold: number): Row {
  const r: Row = { set: name, threshold, answerable: 0, before: 0, after: 0, shown: 0, precisionBefore: null, precisionAfter: null, withheldRight: 0, withheldWrong: 0, offTopicLinesBefore: 0, offTopicLinesAfter: 0 };
  let picks = 0;
  for (const a of asked) {
    const shown = a.pick !== null && lineConfidence(model, a.pick.features) >= threshold;
    if (a.q.abstain) {
      if (a.pick) r.offTopicLinesBefore++;
      if (shown) r.offTopicLinesAfter++;
      continue;
    }
    r.answerable++;
    if (!a.pick) continue;
    picks++;
    if (a.pick.right) r.before++;
    if (shown) {
      r.shown++;
      if (a.pick.right) r.after++;
    } else if (a.pick.right) r.withheldRight++;
    else r.withheldWrong++;
  }
  r.precisionBefore = picks ? r.before / picks : null;
  r.precisionAfter = r.shown ? r.after / r.shown : null;
  if (r.answerable) (r.before /= r.answerable), (r.after /= r.answerable);
  return r;
}

const trainSet = await load(values.train);
const readSets = [];
for (const spec of values.read ?? []) readSets.push(await load(spec));
const model = train(trainSet.asked, Number(values.l2));

const f3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));
const rows: Row[] = [];
console.log('\n| set | threshold | n | answer@1 before → after | lines right when shown, before → after | withheld: right / wrong | off-topic passed with a line, before → after |');
console.log('|---|---|---|---|---|---|---|');
for (const s of [trainSet, ...readSets]) {
  for (const t of [0.05, 0.1, 0.15, 0.2, 0.3]) {
    const r = read(s.name + (s === trainSet ? ' (trained on)' : ''), s.asked, model, t);
    rows.push(r);
    const ans = r.answerable ? `${f3(r.before)} → ${f3(r.after)}` : '–';
    console.log(`| ${r.set} | ${t}${t === model.threshold ? ' (shipped)' : ''} | ${r.answerable || s.asked.length} | ${ans} | ${f3(r.precisionBefore)} → ${f3(r.precisionAfter)} | ${r.withheldRight} / ${r.withheldWrong} | ${r.offTopicLinesBefore} → ${r.offTopicLinesAfter} |`);
  }
}
// The model the engine ships, read on the same picks: what `npm run eval` shows.
console.log('\n| set | model | answer@1 before → after | lines right when shown, before → after | withheld: right / wrong | off-topic passed with a line, before → after |');
console.log('|---|---|---|---|---|---|');
for (const s of [trainSet, ...readSets]) {
  for (const [label, m] of [['shipped (answer-line-model.ts)', LINE_CONFIDENCE], ['trained in this run', model]] as const) {
    const r = read(s.name, s.asked, m, m.threshold);
    rows.push({ ...r, set: `${r.set} — ${label}` });
    const ans = r.answerable ? `${f3(r.before)} → ${f3(r.after)}` : '–';
    console.log(`| ${s.name} | ${label} | ${ans} | ${f3(r.precisionBefore)} → ${f3(r.precisionAfter)} | ${r.withheldRight} / ${r.withheldWrong} | ${r.offTopicLinesBefore} → ${r.offTopicLinesAfter} |`);
  }
}
console.log('\nweights (standardised features):');
PICK_FEATURES.forEach((name, j) => console.log(`  ${name.padEnd(14)} ${model.weights[j]!.toFixed(3)}`));
console.log(`  bias ${model.bias}, threshold ${model.threshold}`);

if (values.json) writeFileSync(values.json, JSON.stringify({ trainedOn: trainSet.name, l2: Number(values.l2), shipped: LINE_CONFIDENCE, trained: model, rows }, null, 2) + '\n');
if (values.write) {
  const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;
  writeFileSync(
    resolve('src/engine/answer/answer-line-model.ts'),
    `// Written by scripts/train-answer-line.ts (trained on ${trainSet.name}, L2 ${values.l2}); do not edit by hand: run the script.\n` +
      `// Weights in the order of PICK_FEATURES (pick-answer.ts), on features centred by \`mean\` and divided by \`scale\`.\n` +
      `import type { LineConfidence } from './pick-answer.js';\n\n` +
      `export const LINE_CONFIDENCE: LineConfidence = {\n` +
      `  mean: ${list(model.mean)},\n  scale: ${list(model.scale)},\n  weights: ${list(model.weights)},\n` +
      `  bias: ${model.bias},\n  threshold: ${model.threshold},\n};\n`,
  );
  console.log('wrote src/engine/answer/answer-line-model.ts');
}
