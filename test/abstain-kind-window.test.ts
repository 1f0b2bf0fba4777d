import { describe, expect, it } from 'vitest';
import { LEXICAL_THRESHOLD, shouldAbstain } from '../src/engine/answer/abstain.js';
import { evidenceTerms } from '../src/engine/answer/evidence.js';
import { kindWindowCoverage } from '../src/engine/answer/kind-window.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

// A question asks for a kind of answer (a date, a figure, a place…): the coverage answers it only
// where the question's words stand next to an answer of that kind, not merely somewhere in a passage.

const TEXTS = [
  'La start-up Brevia lève des fonds auprès de trois banques.',
  'Ses fonds serviront à ouvrir un laboratoire.',
  'Le tramway de Brest sera mis en service en 2027.',
  'Le fondateur de Brevia, Paul Marchal, vit à Lyon.',
];
const stats = createTermStats(TEXTS);
const passage = (...sentences: string[]) => ({ title: analyseSentence(''), sentences: sentences.map(analyseSentence) });
const windowOf = (question: string, ...sentences: string[]) => {
  const q = analyseQuestion(question);
  return kindWindowCoverage(evidenceTerms(q, stats), [passage(...sentences)], stats, q.kind, q.asked);
};

describe('kind window coverage', () => {
  it('is null for a question that asks for no kind of answer', () => {
    expect(windowOf('Que fait Brevia de ses fonds ?', TEXTS[0]!)).toBeNull();
  });

  it('counts the question words found within two sentences of an answer of the kind asked', () => {
    // The date stands in the sentence after the one naming the tramway: found together.
    expect(windowOf('Quand le tramway de Brest roulera-t-il ?', 'Le tramway de Brest est prolongé.', 'Il roulera en 2027.')).toBe(1);
    // Three sentences apart, the date is no longer next to the tramway.
    expect(windowOf('Quand le tramway de Brest roulera-t-il ?', 'Le tramway de Brest est prolongé.', 'Le port attend.', 'La gare attend.', 'Il ouvre en 2027.')).toBeLessThan(0.5);
  });

  it('is 0 when no sentence holds the kind asked', () => {
    expect(windowOf('Quand Brevia a-t-elle été fondée ?', TEXTS[0]!, TEXTS[1]!)).toBe(0);
  });
});

describe('abstention with the kind window', () => {
  const t = LEXICAL_THRESHOLD;
  it('abstains on a date or figure question whose words are found only away from any date or figure', () => {
    const base = { coverage: 0.8, unknownNames: [], similarity: null };
    expect(shouldAbstain({ ...base, kind: 'date', kindCoverage: 0.8 }, t)).toBe(false);
    expect(shouldAbstain({ ...base, kind: 'date', kindCoverage: 0.8 * t.statedKindShare - 0.01 }, t)).toBe(true);
    expect(shouldAbstain({ ...base, kind: 'figure', kindCoverage: 0 }, t)).toBe(true);
    // Names, places and causes are read less surely in a sentence: their window does not decide alone.
    expect(shouldAbstain({ ...base, kind: 'person', kindCoverage: 0 }, t)).toBe(false);
  });

  it('holds a word the coverage never uses to the coverage found next to the kind asked', () => {
    const base = { coverage: t.unknownWordCoverage + 0.1, unknownNames: [], unknownWords: ['ne'], similarity: null };
    expect(shouldAbstain({ ...base, kind: 'place', kindCoverage: t.unknownWordCoverage + 0.1 }, t)).toBe(false);
    expect(shouldAbstain({ ...base, kind: 'place', kindCoverage: t.unknownWordCoverage - 0.1 }, t)).toBe(true);
    expect(shouldAbstain({ ...base, kind: null, kindCoverage: null }, t)).toBe(false);
  });
});

describe('engine: a question sharing words with the coverage, not its subject', () => {
  const coverage = lexicalCoverage([
    ['400_brevia', { title: 'Une start-up lyonnaise s’agrandit' },
      'La start-up lyonnaise Brevia lève des fonds auprès de trois banques régionales. Ces fonds serviront à ouvrir un laboratoire de recherche. ' +
        'Son directeur promet des embauches. Les banques saluent un projet solide. Le laboratoire accueillera des chercheurs venus de toute la région. ' +
        'Un accord de recherche a été signé avec Airbus le 14 mars 2024.'],
    ['401_brest', { title: 'Le tramway de Brest prolongé' },
      'La métropole de Brest prolonge son tramway jusqu’au port. Six stations seront construites. La mise en service est prévue en 2027.'],
  ]);

  it('answers a date question whose words stand next to the date', async () => {
    const answer = await coverage.engine.ask('Quand l’accord de recherche avec Airbus a-t-il été signé ?');
    expect(answer.abstained).toBe(false);
    expect(answer.directAnswer?.text).toContain('14 mars 2024');
  });

  it('abstains on "when was it founded" where "fondée" only shares the stem of "fonds", far from any date', async () => {
    const answer = await coverage.engine.ask('Quand Brevia a-t-elle été fondée ?');
    expect(answer).toMatchObject({ abstained: true, passages: [], directAnswer: null });
    expect(answer.suggestions.map((s) => s.id)).toContain('400_brevia');
  });
});
