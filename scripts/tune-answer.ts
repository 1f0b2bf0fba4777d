/**
 * Measures how the answer line and abstention respond to their weights, on dev sets only
 * (never on tests): every question is asked in lexical mode through the real engine, once per
 * setting, and answer@1, abstentions and off-topic abstentions are printed per setting.
 * Usage: npx tsx scripts/tune-answer.ts --set eval/seed-questions.jsonl:corpus --set PIAF_QUESTIONS:PIAF_CORPUS
 *          [--param rankPenalty=0,0.05,0.1,0.2] … [--with depth=4] … [--variant a=0+b=0] … [--changes]
 * A question file followed by `@a` or `@b` (`PIAF_QUESTIONS@a:PIAF_CORPUS`) is one half of it: its odd
 * (a) or even (b) lines. Tune on one half, check the other, so a setting that fits a few
 * questions shows up as a gap between the two.
 * A param is one of SENTENCE_WEIGHTS, ANSWER_WEIGHTS, LINE_SPAN (maxChars 0: the picked sentence alone), coverage / unknownNameCoverage / unknownWordCoverage / statedKindShare /
 * unknownWordFocus / focusKindShare (lexical abstention bars) or stemOnly; each is varied alone around the current values, or around those
 * `--with` sets for the whole run; `--variant` is one row with several params set together
 * (`unknownWordFocus=0+focusKindShare=0`: the rules a change adds, all off). `--changes` lists, under each setting, the questions whose line went
 * right or wrong, or whose abstention changed, against "current".
 */
import { parseArgs } from 'node:util';
import { openDevSet, type DevSet } from './lib/dev-set.js';
import { LEXICAL_THRESHOLD } from '../src/engine/answer/abstain.js';
import { SENTENCE_WEIGHTS } from '../src/engine/answer/highlight.js';
import { ANSWER_WEIGHTS } from '../src/engine/answer/pick-answer.js';
import { LINE_SPAN } from '../src/engine/answer/line-span.js';
import { RERANK_WEIGHTS } from '../src/engine/search/rerank.js';
import { gradeAnswer } from '../src/engine/eval/run-eval.js';
import * as evidence from '../src/engine/answer/evidence.js';

const { values } = parseArgs({ options: { set: { type: 'string', multiple: true }, param: { type: 'string', multiple: true }, with: { type: 'string', multiple: true }, variant: { type: 'string', multiple: true }, changes: { type: 'boolean', default: false } } });

let sets: DevSet[] = [];
/**
 * Fresh engines for each setting: an engine remembers each question's sentence scores (engine.ts,
 * `scoredByQuestion`), so a weight changed under a warm engine would not reach questions it has
 * already answered.
 */
async function openSets(): Promise<void> {
  for (const s of sets) await s.engine.dispose();
  sets = [];
  for (const spec of values.set ?? []) sets.push(await openDevSet(spec));
}

const targets: Record<string, Record<string, number>> = {
  ...Object.fromEntries(Object.keys(SENTENCE_WEIGHTS).map((k) => [k, SENTENCE_WEIGHTS as Record<string, number>])),
  ...Object.fromEntries(Object.keys(ANSWER_WEIGHTS).map((k) => [k, ANSWER_WEIGHTS as Record<string, number>])),
  ...Object.fromEntries(Object.keys(LINE_SPAN).map((k) => [k, LINE_SPAN as Record<string, number>])),
  ...Object.fromEntries(Object.keys(RERANK_WEIGHTS).map((k) => [`rerank.${k}`, RERANK_WEIGHTS as Record<string, number>])),
  coverage: LEXICAL_THRESHOLD as unknown as Record<string, number>,
  unknownNameCoverage: LEXICAL_THRESHOLD as unknown as Record<string, number>,
  unknownWordCoverage: LEXICAL_THRESHOLD as unknown as Record<string, number>,
  statedKindShare: LEXICAL_THRESHOLD as unknown as Record<string, number>,
  unknownWordFocus: LEXICAL_THRESHOLD as unknown as Record<string, number>,
  focusKindShare: LEXICAL_THRESHOLD as unknown as Record<string, number>,
};

/** Each question's outcome under "current" (set name and id → answer line right, abstained), for `--changes`. */
let baseline: Map<string, string> | null = null;

/**
 * The figures of one setting, one cell per set; with `--changes`, then the questions whose answer
 * line went right or wrong (or whose abstention changed) against "current", one per line.
 */
async function measure(): Promise<string> {
  await openSets();
  const cells: string[] = [];
  const outcomes = new Map<string, string>();
  for (const s of sets) {
    let right = 0, answerable = 0, falseAbst = 0, offTopic = 0, offTopicAbst = 0, hit1 = 0, hit3 = 0, rr = 0;
    for (const q of s.questions) {
      const a = await s.engine.ask(q.question, { k: 5, ...(q.context ? { context: q.context } : {}) });
      const o = gradeAnswer(q, a, 0);
      outcomes.set(`${s.name} ${q.id}`, a.abstained ? 'abstained' : o.answerRight ? 'right' : q.abstain ? 'answered' : 'wrong');
      if (q.abstain) {
        offTopic++;
        if (a.abstained) offTopicAbst++;
      } else {
        answerable++;
        if (o.answerRight) right++;
        if (o.rank !== null && o.rank <= 1) hit1++;
        if (o.rank !== null && o.rank <= 3) hit3++;
        if (o.rank !== null) rr += 1 / o.rank;
        if (a.abstained) falseAbst++;
      }
    }
    cells.push(answerable ? `${s.name}: a@1 ${(right / answerable).toFixed(3)} h@1 ${(hit1 / answerable).toFixed(3)} h@3 ${(hit3 / answerable).toFixed(3)} mrr ${(rr / answerable).toFixed(3)} abst ${falseAbst}` : `${s.name}: off-topic abstained ${offTopicAbst}/${offTopic}`);
    if (answerable && offTopic) cells.push(`off-topic ${offTopicAbst}/${offTopic}`);
  }
  if (!baseline) baseline = outcomes;
  // A kept-aside set (its file name says "holdout") is read in totals only: its questions are never listed.
  const changed = values.changes ? [...outcomes].filter(([k, v]) => baseline!.get(k) !== v && !k.includes('holdout')).map(([k, v]) => `\n    ${k}: ${baseline!.get(k)} → ${v}`) : [];
  return cells.join(' | ') + changed.join('');
}

// `--with NAME=V`: a setting held for the whole run ("current" included), so a param can be varied around another value than the shipped one.
for (const spec of values.with ?? []) {
  const [name, v] = spec.split('=') as [string, string];
  const target = targets[name];
  if (!target) throw new Error(`unknown param ${name}`);
  target[name.replace(/^rerank\./, '')] = Number(v);
}
console.log(`current${values.with?.length ? ` (with ${values.with.join(', ')})` : ''}: ${await measure()}`);
for (const spec of values.param ?? []) {
  const [name, list] = spec.split('=') as [string, string];
  const target = targets[name];
  const key = name.replace(/^rerank\./, '');
  if (!target && name !== 'stemOnly') throw new Error(`unknown param ${name}`);
  const before = name === 'stemOnly' ? evidence.STEM_ONLY_SHARE : target![key]!;
  for (const v of list.split(',').map(Number)) {
    if (name === 'stemOnly') (evidence as unknown as { setStemOnlyShare(v: number): void }).setStemOnlyShare(v);
    else target![key] = v;
    console.log(`${name}=${v}: ${await measure()}`);
  }
  if (name === 'stemOnly') (evidence as unknown as { setStemOnlyShare(v: number): void }).setStemOnlyShare(before);
  else target![key] = before;
}
for (const spec of values.variant ?? []) {
  const settings = spec.split('+').map((one) => {
    const [name, v] = one.split('=') as [string, string];
    const target = targets[name];
    if (!target) throw new Error(`unknown param ${name}`);
    const key = name.replace(/^rerank\./, '');
    return { target, key, value: Number(v), before: target[key]! };
  });
  for (const x of settings) x.target[x.key] = x.value;
  console.log(`${spec}: ${await measure()}`);
  for (const x of settings) x.target[x.key] = x.before;
}
for (const s of sets) await s.engine.dispose();
