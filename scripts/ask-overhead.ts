/**
 * What an `ask` costs apart from the model: every question of a file asked in lexical mode
 * (no query embedding) over a coverage, warm, several rounds; prints p50/p95 in ms.
 * Usage: npx tsx scripts/ask-overhead.ts --questions eval/seed-questions.jsonl [--corpus corpus] [--rounds 20]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evalIndexDir } from '../src/cli/commands/eval.js';
import { createEngine } from '../src/engine/engine.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { percentile } from '../src/engine/eval/metrics.js';

const { values } = parseArgs({ options: { questions: { type: 'string' }, corpus: { type: 'string', default: 'corpus' }, rounds: { type: 'string', default: '20' } } });
if (!values.questions) throw new Error('--questions FILE is required');
const questions = parseEvalQuestions(readFileSync(values.questions, 'utf8'));
const corpusDir = resolve(values.corpus!);
const engine = await createEngine({ corpusDir, indexDir: evalIndexDir(corpusDir, 'lexical-overhead'), model: 'none', modelDir: null, cacheDir: null, mode: 'lexical', k: 3 });
await engine.reindex();
for (const q of questions) await engine.ask(q.question);
const times: number[] = [];
for (let r = 0; r < Number(values.rounds); r++) {
  for (const q of questions) {
    const t = performance.now();
    await engine.ask(q.question);
    times.push(performance.now() - t);
  }
}
await engine.dispose();
console.log(`${questions.length} questions × ${values.rounds} rounds, lexical ask (no model): p50 ${percentile(times, 50)!.toFixed(3)} ms, p95 ${percentile(times, 95)!.toFixed(3)} ms`);
