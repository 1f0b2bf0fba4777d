import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { REPO_CORPUS } from './helpers/coverage.js';

// The question sets shipped in eval/ run on a fresh clone (README: npm run eval -- --questions eval/…).
const EVAL_DIR = resolve(import.meta.dirname, '../eval');
const articles = readdirSync(REPO_CORPUS).filter((f) => f.endsWith('.md') && f !== 'README.md');

describe('shipped eval sets', () => {
  it.each(readdirSync(EVAL_DIR).filter((f) => f.endsWith('.jsonl')))('%s parses, and its sources are articles of corpus/', (file) => {
    const questions = parseEvalQuestions(readFileSync(join(EVAL_DIR, file), 'utf8'));
    for (const q of questions) for (const s of q.sources) expect(articles.some((a) => a.startsWith(s))).toBe(true);
  });

  it('holds an off-topic set of at least 60 questions in French and English, and 20 kept aside', () => {
    const offTopic = parseEvalQuestions(readFileSync(join(EVAL_DIR, 'off-topic-questions.jsonl'), 'utf8'));
    const aside = parseEvalQuestions(readFileSync(join(EVAL_DIR, 'off-topic-holdout.jsonl'), 'utf8'));
    expect(offTopic.length).toBeGreaterThanOrEqual(60);
    expect(aside.length).toBe(20);
    for (const set of [offTopic, aside]) {
      expect(set.every((q) => q.abstain)).toBe(true);
      expect(new Set(set.map((q) => q.lang))).toEqual(new Set(['fr', 'en']));
    }
  });
});
