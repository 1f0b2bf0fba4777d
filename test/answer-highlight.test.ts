import { describe, expect, it } from 'vitest';
import { pickHighlights, scoreSentences, type SentenceScore } from '../src/engine/answer/highlight.js';
import { pickAnswer } from '../src/engine/answer/pick-answer.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { answerKindOf } from '../src/engine/text/answer-kind.js';

const sentences = [
  'La coopérative laitière du Vercors a inauguré mardi une cave.',
  'Elle peut accueillir 12 000 meules de bleu.',
  'Les premières meules sortiront au printemps.',
].map(analyseSentence);
const ranges = [
  { start: 0, end: 61 },
  { start: 62, end: 105 },
  { start: 106, end: 150 },
];
const score = (index: number, value: number, share = value): SentenceScore => ({ index, score: value, share, fits: false });

describe('highlight', () => {
  it('picks the sentence that holds the question words, weighing rare words most', () => {
    const rare = (t: string) => (t === 'meul' ? 0.2 : 2);
    const scores = scoreSentences(analyseQuestion('Combien de meules de bleu la cave peut-elle accueillir ?'), sentences, rare);
    const { best, highlights } = pickHighlights(scores, ranges);
    expect(best).toBe(1);
    expect(highlights).toEqual([ranges[1]]);
  });

  it('prefers, among sentences on the subject, the one holding the kind of answer asked for', () => {
    // Each sentence stands alone (in passages of their own), so no neighbour lends it anything.
    const sents = ['Stargate a été annoncé à la Maison Blanche.', 'Stargate a été annoncé mardi.'].map(analyseSentence);
    const alone = (question: string) => sents.map((s) => scoreSentences(analyseQuestion(question), [s])[0]!);
    const when = alone('Quand Stargate a-t-il été annoncé ?');
    expect(when[1]!.fits).toBe(true);
    expect(when[1]!.score).toBeGreaterThan(when[0]!.score);
    const where = alone('Où Stargate a-t-il été annoncé ?');
    expect(where[0]!.fits).toBe(true);
    expect(where[0]!.score).toBeGreaterThan(where[1]!.score);
  });

  it('for a date or a figure, prefers a sentence stating one over one that covers more of the question without', () => {
    const q = analyseQuestion('Quand la coopérative du Vercors a-t-elle ouvert sa cave ?');
    const [without] = scoreSentences(q, [analyseSentence('La coopérative du Vercors a ouvert sa cave avec un grand succès.')]);
    const [stated] = scoreSentences(q, [analyseSentence('La coopérative a ouvert sa cave mardi.')]);
    expect(without!.share).toBeGreaterThan(stated!.share);
    expect(stated!.score).toBeGreaterThan(without!.score);
    // "un", "une" are articles far more often than counts: they do not make a sentence state a figure.
    const much = analyseQuestion('Combien la coopérative a-t-elle investi ?');
    expect(scoreSentences(much, [analyseSentence('La coopérative a investi dans une cave.')])[0]!.fits).toBe(false);
    expect(scoreSentences(much, [analyseSentence('La coopérative a investi deux millions.')])[0]!.fits).toBe(true);
  });

  it('adds the neighbouring sentence when it answers nearly as well', () => {
    expect(pickHighlights([score(0, 0.1), score(1, 0.9), score(2, 0.8)], ranges).highlights).toEqual([ranges[1], ranges[2]]);
  });

  it('falls back to the first sentence when nothing matches, and to nothing without sentences', () => {
    const scores = scoreSentences(analyseQuestion('Qui a gagné le Tour de France ?'), sentences);
    expect(scores.every((s) => s.score === 0)).toBe(true);
    expect(pickHighlights(scores, ranges)).toEqual({ best: 0, highlights: [ranges[0]] });
    expect(pickHighlights([], [])).toEqual({ best: -1, highlights: [] });
  });

  it('scores 0 everywhere for a question with no content words', () => {
    expect(scoreSentences(analyseQuestion('Qui est-ce ?'), sentences).map((s) => s.score)).toEqual([0, 0, 0]);
  });
});

describe('answer line', () => {
  it('takes the best sentence across the leading passages, a lower passage needing a better sentence', () => {
    expect(pickAnswer([[score(0, 0.4)], [score(0, 0.9)]])).toEqual({ passage: 1, sentence: 0 });
    expect(pickAnswer([[score(0, 0.6)], [score(0, 0.62)]])).toEqual({ passage: 0, sentence: 0 });
  });

  it('gives no line when no sentence holds enough of the question', () => {
    expect(pickAnswer([[score(0, 0.1)], [score(0, 0.05)]])).toBeNull();
    expect(pickAnswer([])).toBeNull();
  });
});

describe('answer kind', () => {
  it.each([
    ['Combien SoftBank va-t-il investir ?', 'figure'],
    ['How many jobs will Stargate create?', 'figure'],
    ['Quand Stargate a-t-il été annoncé ?', 'date'],
    ['À quelle date la cave ouvre-t-elle ?', 'date'],
    ['Qui finance la fondation ?', 'person'],
    ['Et avec qui ?', 'person'],
    ["Qu'est-ce qui a permis un consensus ?", null],
    ['Où sera construit le centre ?', 'place'],
    ['Pourquoi Musk doute-t-il ?', 'reason'],
    ['Comment se reproduit le champignon ?', 'manner'],
    ['Quel est le budget de Stargate ?', 'figure'],
  ])('reads "%s" as asking for %s', (question, kind) => {
    expect(answerKindOf(question)).toBe(kind);
  });
});
