import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evalIndexDir } from '../../src/cli/commands/eval.js';
import { createEngine } from '../../src/engine/engine.js';
import { halfOf, parseEvalQuestions, type EvalQuestion } from '../../src/engine/eval/questions.js';
import type { Engine } from '../../src/engine/types.js';

export interface DevSet {
  /** The file's last two path parts, with its half: "piaf/dev-questions.jsonl@a". */
  name: string;
  /** A lexical engine over the set's corpus, its index brought up to date. */
  engine: Engine;
  questions: EvalQuestion[];
}

/**
 * Opens a dev set the tuning scripts name as `QUESTIONS[@a|@b]:CORPUS`. `@a` / `@b` keep the odd /
 * even lines of the file, so one half can be tuned on and the other read. The index lives beside
 * the eval's own (`evalIndexDir`), so runs after the first only bring it up to date.
 */
export async function openDevSet(spec: string): Promise<DevSet> {
  const [named, corpus] = spec.split(':') as [string, string];
  const [file, half] = named.split('@') as [string, string | undefined];
  const corpusDir = resolve(corpus);
  const engine = await createEngine({ corpusDir, indexDir: evalIndexDir(corpusDir, 'lexical-tune'), model: 'none', modelDir: null, cacheDir: null, mode: 'lexical', k: 5 });
  await engine.reindex();
  const all = parseEvalQuestions(readFileSync(file, 'utf8'));
  const questions = half === 'a' || half === 'b' ? halfOf(all, half) : all;
  return { name: file.split('/').slice(-2).join('/') + (half ? `@${half}` : ''), engine, questions };
}
