import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../src/cli/main.js';
import { createEngine } from '../src/engine/engine.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { runEvalQuestions } from '../src/engine/eval/run-eval.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

// A small made-up coverage and made-up questions: the runner is tested, not the dev set.
const ARTICLES: [string, string, string][] = [
  ['100_fromagerie', 'La fromagerie de Vercors ouvre une cave', 'La coopérative laitière du Vercors a inauguré mardi une cave d’affinage creusée dans la roche. Elle peut accueillir 12 000 meules de bleu. Le chantier a coûté 3 millions d’euros, financés par la région. Les premières meules sortiront au printemps.'],
  ['101_tramway', 'Le tramway de Brest prolongé vers le port', 'La métropole de Brest prolonge sa ligne de tramway jusqu’au port de commerce. Les travaux dureront deux ans. Six nouvelles stations seront construites le long des quais. La mise en service est prévue pour l’été 2027.'],
  ['102_observatoire', 'Un télescope neuf au pic du Midi', 'L’observatoire du pic du Midi reçoit un télescope de deux mètres de diamètre. Il servira à suivre les astéroïdes proches de la Terre. Les astronomes de Toulouse en assureront l’exploitation la nuit.'],
];

const QUESTIONS = [
  { id: 'q1', lang: 'fr', question: 'Combien de meules la cave d’affinage du Vercors peut-elle accueillir ?', sources: ['100'], answer_contains: ['12 000 meules'] },
  { id: 'q2', lang: 'fr', question: 'Combien de stations sur le prolongement du tramway de Brest ?', sources: ['101'], answer_contains: ['Six nouvelles stations'] },
  { id: 'q3', lang: 'fr', question: 'Quel est le diamètre du télescope du pic du Midi ?', sources: ['102'], answer_contains: ['deux mètres de diamètre'] },
  { id: 'q4', lang: 'en', question: 'When will the Brest tramway extension open?', sources: ['101'], answer_contains: ['été 2027'] },
  { id: 'q5', lang: 'fr', question: 'Qui a remporté le Tour de France cycliste ?', abstain: true },
];

let scratch: Scratch;
let questionsFile: string;

beforeAll(() => {
  scratch = makeScratch();
  for (const [id, title, body] of ARTICLES) scratch.writeArticle(id, { title }, body);
  questionsFile = join(scratch.root, 'questions.jsonl');
  writeFileSync(questionsFile, QUESTIONS.map((q) => JSON.stringify(q)).join('\n'));
});
afterAll(() => scratch?.cleanup());

describe('eval runner through a real engine', () => {
  let engine: Engine;
  afterAll(async () => engine?.dispose());

  it('grades lexical answers, reports dense unavailable and hybrid falling back without vectors', async () => {
    engine = await createEngine(scratch.config({ mode: 'lexical', indexDir: join(scratch.root, 'lexical-index') }));
    await engine.reindex();
    const runs = await runEvalQuestions(engine, parseEvalQuestions(readFileSync(questionsFile, 'utf8')), { modes: ['lexical', 'dense', 'hybrid'], k: 5 });
    const [lexical, dense, hybrid] = runs;
    expect(lexical).toMatchObject({ mode: 'lexical', available: true, answeredWith: 'lexical', note: null });
    const fr = lexical!.byLang.fr!;
    expect(fr).toMatchObject({ answerable: 3, unanswerable: 1, hitAt1: 1, mrr: 1, abstentionRecall: 1, abstentionPrecision: 1, falseAbstentions: 0 });
    expect(lexical!.outcomes.find((o) => o.id === 'q5')).toMatchObject({ abstained: true, rank: null });
    expect(lexical!.overall!.p50Ms).toBeGreaterThan(0);
    expect(dense).toMatchObject({ mode: 'dense', available: false, overall: null });
    expect(dense!.note).toMatch(/no vectors/);
    expect(hybrid).toMatchObject({ mode: 'hybrid', available: true, answeredWith: 'lexical' });
    expect(hybrid!.overall!.hitAt1).toBe(lexical!.overall!.hitAt1);
  });

  it('runs all three modes with the tiny model, hybrid no worse than lexical', async () => {
    const withModel = await createEngine(scratch.config({ indexDir: join(scratch.root, 'hybrid-index') }));
    try {
      await withModel.reindex();
      const runs = await runEvalQuestions(withModel, parseEvalQuestions(readFileSync(questionsFile, 'utf8')), { modes: ['hybrid', 'lexical', 'dense'], k: 5 });
      for (const r of runs) expect(r).toMatchObject({ available: true, answeredWith: r.mode });
      const [hybrid, lexical, dense] = runs;
      expect(hybrid!.overall!.mrr!).toBeGreaterThanOrEqual(lexical!.overall!.mrr!);
      expect(hybrid!.overall!.hitAt3!).toBeGreaterThanOrEqual(lexical!.overall!.hitAt3!);
      expect(dense!.outcomes).toHaveLength(QUESTIONS.length);
    } finally {
      await withModel.dispose();
    }
  });
});

describe('npm run eval', () => {
  const capture = () => {
    let text = '';
    const stream = new Writable({ write(chunk, _e, cb) { text += String(chunk); cb(); } });
    return { stream, text: () => text };
  };
  const env = { MODEL: TINY_MODEL_ID, MODEL_DIR: TINY_MODEL_DIR, CORPUS_DIR: '/nonexistent-corpus', INDEX_DIR: '/nonexistent-index' };

  it('indexes --corpus into its own folder and prints and writes the figures per language and mode', async () => {
    const out = capture();
    const err = capture();
    const json = join(scratch.root, 'figures.json');
    const indexDir = join(scratch.root, 'eval-index');
    const code = await runMain(['eval', '--questions', questionsFile, '--corpus', scratch.corpusDir, '--index-dir', indexDir, '--json', json], {
      stdout: out.stream, stderr: err.stream, stdin: process.stdin, env,
    });
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    expect(out.text()).toContain('5 questions (4 answerable, 1 to abstain on), k=5');
    for (const scope of ['fr', 'en', 'overall']) for (const mode of ['hybrid', 'lexical', 'dense']) expect(out.text()).toMatch(new RegExp(`\\| ${scope} \\| ${mode} \\| `));
    const figures = JSON.parse(readFileSync(json, 'utf8')) as { k: number; runs: { mode: string; byLang: Record<string, { hitAt1: number }> }[] };
    expect(figures.k).toBe(5);
    expect(figures.runs.map((r) => r.mode)).toEqual(['hybrid', 'lexical', 'dense']);
    expect(figures.runs[1]!.byLang.fr!.hitAt1).toBe(1);
  });

  it('grades one half of a question file with --half: the odd questions (a) or the even ones (b)', async () => {
    const run = async (half: string) => {
      const out = capture();
      const args = ['eval', '--questions', questionsFile, '--corpus', scratch.corpusDir, '--index-dir', join(scratch.root, 'eval-index'), '--modes', 'lexical', '--half', half];
      expect(await runMain(args, { stdout: out.stream, stderr: capture().stream, stdin: process.stdin, env })).toBe(0);
      return out.text();
    };
    // Five questions, one to abstain on (the last): a gets questions 1, 3 and 5, b gets 2 and 4.
    expect(await run('a')).toContain('3 questions (2 answerable, 1 to abstain on)');
    expect(await run('b')).toContain('2 questions (2 answerable, 0 to abstain on)');
  });

  it.each([
    [['eval'], /--questions FILE is required/, 2],
    [['eval', '--questions', '/nonexistent/q.jsonl'], /Cannot read \/nonexistent\/q.jsonl: no such file\./, 1],
    [['eval', '--questions', 'x', '--modes', 'fast'], /--modes must list hybrid, lexical or dense/, 2],
    [['eval', '--questions', 'x', '--k', '0'], /--k must be a whole number from 1 to 20/, 2],
    [['eval', '--questions', 'x', '--half', 'c'], /--half is a or b, not "c"/, 2],
  ])('refuses %j with one line', async (argv, message, exit) => {
    const out = capture();
    const err = capture();
    const code = await runMain(argv, { stdout: out.stream, stderr: err.stream, stdin: process.stdin, env });
    expect(code).toBe(exit);
    expect(err.text()).toMatch(message);
  });

  it('refuses a --corpus folder that does not exist', async () => {
    const err = capture();
    const code = await runMain(['eval', '--questions', questionsFile, '--corpus', join(scratch.root, 'nope')], { stdout: capture().stream, stderr: err.stream, stdin: process.stdin, env });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/--corpus .*nope: no such folder\./);
  });
});
