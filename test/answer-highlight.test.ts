import { describe, expect, it } from 'vitest';
import { pickHighlights, scoreSentences, type SentenceScore } from '../src/engine/answer/highlight.js';
import { LINE_CONFIDENCE } from '../src/engine/answer/answer-line-model.js';
import { lineCandidates, MIN_SHARE, type LineCandidate } from '../src/engine/answer/line-features.js';
import { lineConfidence, pickAnswer, rankLine } from '../src/engine/answer/pick-answer.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { answerKindOf, fitsKind } from '../src/engine/text/answer-kind.js';
import { tokenize } from '../src/engine/text/analyze.js';

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
const score = (index: number, value: number, share = value): SentenceScore => ({ index, score: value, share, fits: false, attributed: 0 });

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

/** A candidate of the answer line as lineCandidates gives it; what a test does not say is a plain sentence of the first passage. */
const candidate = (passage: number, value: number, more: Partial<LineCandidate> = {}): LineCandidate => ({
  passage, sentence: 0, articleId: `a${passage}`, text: `s${passage}-${value}`, score: value, share: Math.min(1, value), corroboration: 0,
  fits: false, previousShare: 0, nextShare: 0, novelty: 0.8, tokens: 20, firstStage: 1 - passage / 10, kindless: false, ...more,
});

describe('answer line', () => {
  it('takes the best sentence across the leading passages, a lower passage needing a better sentence', () => {
    expect(pickAnswer([candidate(0, 0.4), candidate(1, 0.9)])).toMatchObject({ passage: 1, sentence: 0 });
    expect(pickAnswer([candidate(0, 0.6), candidate(1, 0.62)])).toMatchObject({ passage: 0, sentence: 0 });
  });

  it('reads only sentences holding a fifth of the question: none, no line', () => {
    const q = analyseQuestion('Combien de meules la cave du Vercors accueille-t-elle ?');
    const passage = { articleId: 'a', sentences, scores: scoreSentences(q, sentences), title: analyseSentence('Vercors'), firstStage: 1 };
    const found = lineCandidates(q, [passage], () => 0);
    expect(found.map((c) => c.sentence)).toEqual([0, 1, 2]);
    expect(found.every((c) => c.share >= MIN_SHARE)).toBe(true);
    expect(lineCandidates(analyseQuestion('Qui a gagné le Tour de France ?'), [{ ...passage, scores: scoreSentences(analyseQuestion('Qui a gagné le Tour de France ?'), sentences) }], () => 0)).toEqual([]);
    expect(pickAnswer([])).toBeNull();
  });

  it('is more confident in a pick that wins clearly, on a leading passage, than in one of many close ones further down', () => {
    const clear = rankLine([candidate(0, 1.6, { fits: true, share: 1 }), candidate(1, 0.5)])!;
    const close = rankLine([candidate(2, 0.45, { share: 0.25 }), ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => candidate(2, 0.44, { text: `other ${i}`, share: 0.22 }))])!;
    expect(lineConfidence(LINE_CONFIDENCE, clear.features)).toBeGreaterThan(lineConfidence(LINE_CONFIDENCE, close.features));
  });

  it('withholds the line below the model’s threshold: the same pick shown or not by the bar alone', () => {
    const picks = [candidate(0, 0.9, { share: 0.6 }), candidate(1, 0.7)];
    const confidence = lineConfidence(LINE_CONFIDENCE, rankLine(picks)!.features);
    expect(pickAnswer(picks, { ...LINE_CONFIDENCE, threshold: confidence - 0.01 })).toMatchObject({ passage: 0, confidence });
    expect(pickAnswer(picks, { ...LINE_CONFIDENCE, threshold: confidence + 0.01 })).toBeNull();
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
    // A relative "qui" or "quand" describes what is asked about; after a preposition it asks.
    ['Quelle est la couleur qui ressort dans son nom ?', null],
    ['Avec quel fruit Cézanne compare-t-il un modèle qui pose pour lui ?', null],
    ['Que peut-on boire pour guérir quand on est enrhumé ?', null],
    ['Contre qui a-t-il fait son retour ?', 'person'],
    ['Depuis quand le roi est-il au pouvoir ?', 'date'],
  ])('reads "%s" as asking for %s', (question, kind) => {
    expect(answerKindOf(question)).toBe(kind);
  });
});

describe('a sentence holding the figure asked for', () => {
  it.each([
    'Les treize colonies américaines déclarent leur indépendance.',
    'Le tournoi réunit seize équipes.',
    'The league has fourteen teams.',
    'Il a vécu quatre-vingts ans.',
  ])('counts a figure written in words: "%s"', (sentence) => {
    expect(fitsKind(tokenize(sentence), sentence, 'figure', new Set())).toBe(true);
  });

  it('does not count a figure the question already states', () => {
    const sentence = 'Les treize colonies américaines déclarent leur indépendance.';
    expect(fitsKind(tokenize(sentence), sentence, 'figure', new Set(['treize']))).toBe(false);
  });
});
