import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreSentences } from '../src/engine/answer/highlight.js';
import { analyseSentence, prefixesOf, sentenceIndex, type SentenceTerms } from '../src/engine/answer/sentence-terms.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { termsOfTokens, tokenize, wordsOfTokens } from '../src/engine/text/analyze.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { splitSentences } from '../src/engine/text/sentences.js';

// The seed coverage's own text, cut into sentences and into passages of eight sentences.
const corpus = join(import.meta.dirname, '..', 'corpus');
const texts = readdirSync(corpus)
  .filter((f) => /^\d{3}_.*\.md$/.test(f))
  .map((f) => readFileSync(join(corpus, f), 'utf8'));
const sentenceTexts = texts.flatMap((t) => splitSentences(t).map((r) => t.slice(r.start, r.end)));
const passages: SentenceTerms[][] = [];
for (let i = 0; i < sentenceTexts.length; i += 8) passages.push(sentenceTexts.slice(i, i + 8).map(analyseSentence));
const questions = parseEvalQuestions(readFileSync(join(import.meta.dirname, '..', 'eval', 'seed-questions.jsonl'), 'utf8'));

describe('sentence terms', () => {
  it('analyses a sentence token by token as the whole sentence is analysed at once, words and prefixes included', () => {
    expect(sentenceTexts.length).toBeGreaterThan(100);
    for (const text of sentenceTexts) {
      const s = analyseSentence(text);
      const tokens = tokenize(text);
      expect(s.order).toEqual(termsOfTokens(tokens));
      expect(s.at).toEqual(tokens.map((t) => termsOfTokens([t])));
      expect([...s.terms]).toEqual([...new Set(termsOfTokens(tokens))]);
      // Read after the terms: worked out only when asked for, and the same as worked out at once.
      const words = new Set(wordsOfTokens(tokens));
      expect([...s.words]).toEqual([...words]);
      expect([...s.prefixes]).toEqual([...prefixesOf(words)]);
    }
  });

  it("indexes a passage's sentences by term: each term lists exactly the sentences holding it, in order", () => {
    for (const sentences of passages) {
      const index = sentenceIndex(sentences);
      const terms = new Set(sentences.flatMap((s) => [...s.terms]));
      expect([...index.keys()].sort()).toEqual([...terms].sort());
      for (const term of terms) expect(index.get(term)).toEqual(sentences.flatMap((s, i) => (s.terms.has(term) ? [i] : [])));
      // Made once per passage: the same index is found again.
      expect(sentenceIndex(sentences)).toBe(index);
    }
  });

  it("gives each sentence the weighted share of the question's terms it holds, to the last bit, as summing term by term over the sentence", () => {
    const stats = createTermStats(texts);
    let onTopic = 0;
    for (const q of questions) {
      const analysis = analyseQuestion(q.question);
      const terms = analysis.content;
      const weights = terms.map((t) => stats.weight(t.term) * t.weight);
      const total = weights.reduce((n, x) => n + x, 0);
      for (const sentences of passages) {
        const scores = scoreSentences(analysis, sentences, stats.weight, new Set(), terms);
        sentences.forEach((s, i) => {
          const expected = total === 0 ? 0 : terms.reduce((n, t, j) => n + (s.terms.has(t.term) ? weights[j]! : 0), 0) / total;
          expect(scores[i]!.share).toBe(expected);
          if (expected > 0) onTopic++;
        });
      }
    }
    expect(onTopic).toBeGreaterThan(50);
  });
});
