import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreSentences } from '../src/engine/answer/highlight.js';
import { analyseSentence, hasSentences, prefixesOf, sentenceIndex, sentencesOf, type SentenceTerms } from '../src/engine/answer/sentence-terms.js';
import { createEngine } from '../src/engine/engine.js';
import { createStore } from '../src/engine/index/create-store.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { termsOfTokens, tokenize, wordsOfTokens } from '../src/engine/text/analyze.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { splitSentences } from '../src/engine/text/sentences.js';
import { makeScratch } from './helpers/coverage.js';

// The seed coverage's own text, cut into sentences and into passages of eight sentences.
const corpus = join(import.meta.dirname, '..', 'corpus');
const texts = readdirSync(corpus)
  .filter((f) => /^\d{3}_.*\.md$/.test(f))
  .map((f) => readFileSync(join(corpus, f), 'utf8'));
const sentenceTexts = texts.flatMap((t) => splitSentences(t).map((r) => t.slice(r.start, r.end)));
const passages: SentenceTerms[][] = [];
for (let i = 0; i < sentenceTexts.length; i += 8) passages.push(sentenceTexts.slice(i, i + 8).map(analyseSentence));
const questions = parseEvalQuestions(readFileSync(join(import.meta.dirname, '..', 'eval', 'seed-questions.jsonl'), 'utf8'));

/** What the stemmer alone makes of a sentence, nothing remembered. */
function reference(text: string) {
  const tokens = tokenize(text);
  return { order: termsOfTokens(tokens), at: tokens.map((t) => termsOfTokens([t])), words: [...new Set(wordsOfTokens(tokens))] };
}

describe('sentence terms', () => {
  // First in this file: nothing is remembered yet, so the index's stems are what the words get.
  it("analyses a stored passage with the stems the index keeps for it, exactly as the stemmer would", async () => {
    const scratch = makeScratch({ seed: true });
    try {
      const engine = await createEngine(scratch.config({ mode: 'lexical' }));
      await engine.reindex();
      await engine.dispose();
      const store = createStore({ backend: 'local', indexDir: scratch.indexDir });
      const reader = store.reader();
      const view = await reader.refresh();
      const ids = (await view.passageIds()).sort();
      const stored = await view.passageTerms!(ids);
      expect(stored.size).toBe(ids.length);
      for (const passage of await view.passages(ids)) {
        expect(hasSentences(passage)).toBe(false);
        const sentences = sentencesOf(passage, stored.get(passage.id));
        expect(hasSentences(passage)).toBe(true);
        passage.sentences.forEach(({ local }, i) => {
          const want = reference(passage.text.slice(local.start, local.end));
          expect(sentences[i]!.order).toEqual(want.order);
          expect(sentences[i]!.at).toEqual(want.at);
          expect([...sentences[i]!.words]).toEqual(want.words);
        });
      }
      await reader.close();
      await store.close();
    } finally {
      scratch.cleanup();
    }
  });

  it('takes the stem of a word the stemmer never met from the index, and stems it itself when the index terms do not add up', () => {
    const text = 'Les zorglubiennes arrivent à Quimper.';
    const terms = termsOfTokens(tokenize(text));
    const passage = (id: string) => ({ id, text, sentences: [{ local: { start: 0, end: text.length } }] });
    const index = terms.map((t) => (t.startsWith('zorglub') ? 'zorglub-dans-l-index' : t));
    expect(sentencesOf(passage('a#0'), index.join(' '))[0]!.terms.has('zorglub-dans-l-index')).toBe(true);
    // One term short: not the index's analysis of this text, so none of it is taken.
    const other = 'Les vroumphiennes partent de Brest.';
    const short = termsOfTokens(tokenize(other)).map((t) => (t.startsWith('vroumph') ? 'vroumph-dans-l-index' : t)).slice(1);
    const [sentence] = sentencesOf({ id: 'b#0', text: other, sentences: [{ local: { start: 0, end: other.length } }] }, short.join(' '));
    expect(sentence!.order).toEqual(termsOfTokens(tokenize(other)));
  });

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
