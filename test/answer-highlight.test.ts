import { describe, expect, it } from 'vitest';
import { pickHighlights, scoreSentences } from '../src/engine/answer/highlight.js';

const sentences = [
  'La coopérative laitière du Vercors a inauguré mardi une cave.',
  'Elle peut accueillir 12 000 meules de bleu.',
  'Les premières meules sortiront au printemps.',
];
const ranges = [
  { start: 0, end: 61 },
  { start: 62, end: 105 },
  { start: 106, end: 150 },
];

describe('highlight', () => {
  it('picks the sentence that holds the question words, weighing rare words most', () => {
    const rare = (t: string) => (t === 'meul' ? 0.2 : 2);
    const scores = scoreSentences('Combien de meules de bleu la cave peut-elle accueillir ?', sentences, rare);
    const { best, highlights } = pickHighlights(scores, ranges);
    expect(best).toBe(1);
    expect(highlights).toEqual([ranges[1]]);
  });

  it('adds the neighbouring sentence when it answers nearly as well', () => {
    const scores = [
      { index: 0, score: 0.1 },
      { index: 1, score: 0.9 },
      { index: 2, score: 0.8 },
    ];
    expect(pickHighlights(scores, ranges).highlights).toEqual([ranges[1], ranges[2]]);
  });

  it('falls back to the first sentence when nothing matches, and to nothing without sentences', () => {
    const scores = scoreSentences('Qui a gagné le Tour de France ?', sentences);
    expect(scores.every((s) => s.score === 0)).toBe(true);
    expect(pickHighlights(scores, ranges)).toEqual({ best: 0, highlights: [ranges[0]] });
    expect(pickHighlights([], [])).toEqual({ best: -1, highlights: [] });
  });

  it('scores 0 everywhere for a question with no content words', () => {
    expect(scoreSentences('Qui est-ce ?', sentences).map((s) => s.score)).toEqual([0, 0, 0]);
  });
});
