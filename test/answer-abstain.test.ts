import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEXICAL_THRESHOLD, shouldAbstain, thresholdsFor } from '../src/engine/answer/abstain.js';
import { composeAnswer } from '../src/engine/answer/compose-answer.js';
import { evidenceTerms, lexicalEvidence, questionTerms } from '../src/engine/answer/evidence.js';
import { analyze } from '../src/engine/text/analyze.js';
import { createEngine } from '../src/engine/engine.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

describe('shouldAbstain', () => {
  const t = LEXICAL_THRESHOLD;
  it('abstains without any hit, and on zero evidence', () => {
    expect(shouldAbstain(null, t)).toBe(true);
    expect(shouldAbstain({ coverage: 0, unknownNames: [], similarity: null }, t)).toBe(true);
    expect(shouldAbstain({ coverage: 0, unknownNames: [], similarity: 0 }, { ...t, similarity: 0.8 })).toBe(true);
  });

  it('answers on enough lexical coverage, or on enough similarity where the model has a bar', () => {
    expect(shouldAbstain({ coverage: t.coverage, unknownNames: [], similarity: null }, t)).toBe(false);
    expect(shouldAbstain({ coverage: 0.1, unknownNames: [], similarity: 0.9 }, { ...t, similarity: 0.8 })).toBe(false);
    // Without a calibrated bar, similarity counts for nothing.
    expect(shouldAbstain({ coverage: 0.1, unknownNames: [], similarity: 0.99 }, t)).toBe(true);
  });

  it('needs more coverage when the question names something the coverage never mentions', () => {
    const mid = (t.coverage + t.unknownNameCoverage) / 2;
    expect(shouldAbstain({ coverage: mid, unknownNames: [], similarity: null }, t)).toBe(false);
    expect(shouldAbstain({ coverage: mid, unknownNames: ['samsung'], similarity: 0.99 }, { ...t, similarity: 0.5 })).toBe(true);
  });

  it('uses the lexical bar in lexical mode and for models without a calibration', () => {
    expect(thresholdsFor('Xenova/multilingual-e5-small', 'lexical')).toBe(LEXICAL_THRESHOLD);
    expect(thresholdsFor('someone/unknown-model', 'hybrid')).toBe(LEXICAL_THRESHOLD);
    expect(thresholdsFor(null, 'hybrid')).toBe(LEXICAL_THRESHOLD);
  });
});

describe('lexical evidence', () => {
  const stats = createTermStats(['La coopérative du Vercors affine le bleu.', 'Le tramway de Brest rejoint le port.', 'Le PDG de la coopérative parle.']);

  it('leaves question and answer-type words out, and marks names', () => {
    const terms = questionTerms('Quel est le nom du PDG de Samsung ?');
    expect(terms.map((t) => t.term)).not.toContain('nom');
    expect(terms.find((t) => t.term === 'samsung')).toMatchObject({ specific: true });
  });

  it('measures the best weighted share of question terms one passage holds, title included', () => {
    const ev = lexicalEvidence(questionTerms('Où le tramway de Brest va-t-il ?'), ['Brest\nLe tramway rejoint le port.', 'Rien à voir.'], stats);
    expect(ev.coverage).toBe(1);
    expect(ev.unknownNames).toEqual([]);
  });

  it('lists names unknown to the coverage, forgiving one typo', () => {
    expect(lexicalEvidence(questionTerms('Qui dirige Samsung à Brest ?'), ['Le tramway de Brest.'], stats).unknownNames).toEqual(['samsung']);
    expect(lexicalEvidence(questionTerms('Qui dirige la cooperativ du Vercor ?'), [], stats).unknownNames).toEqual([]);
  });

  it('takes a capitalised English word it can translate for a word, not an unknown name', () => {
    const english = 'What did the Vercors cooperative say at the World Fair?';
    const names = lexicalEvidence(evidenceTerms(english, stats), ['La coopérative du Vercors affine le bleu.'], stats).unknownNames;
    expect(names).not.toContain(analyze('World')[0]);
    // A real name the coverage never mentions still counts against the answer.
    expect(lexicalEvidence(evidenceTerms('What did Samsung say at the World Fair?', stats), [], stats).unknownNames).toContain('samsung');
  });

  it('gives zero coverage for a question without content words', () => {
    expect(lexicalEvidence(questionTerms('Qui est-ce ?'), ['Le tramway de Brest.'], stats).coverage).toBe(0);
  });
});

describe('composeAnswer', () => {
  it('abstains on no hits, with no passages and no suggestions', () => {
    const answer = composeAnswer({
      question: 'Qui ?', searchText: 'Qui ?', mode: 'lexical', hits: [], sources: new Map(), k: 3, offset: 0, thresholds: LEXICAL_THRESHOLD, warnings: [],
    });
    expect(answer).toMatchObject({ abstained: true, passages: [], suggestions: [], directAnswer: null, disagreements: [], hasMore: false });
  });
});

describe('engine abstention', () => {
  let scratch: Scratch;
  let engine: Engine;
  beforeAll(async () => {
    scratch = makeScratch();
    scratch.writeArticle('300_vercors', { title: 'La fromagerie du Vercors ouvre une cave' },
      'La coopérative laitière du Vercors a inauguré mardi une cave d’affinage. Elle peut accueillir 12 000 meules de bleu. Son président salue un chantier de trois ans.');
    scratch.writeArticle('301_brest', { title: 'Le tramway de Brest prolongé' },
      'La métropole de Brest prolonge son tramway jusqu’au port. Six stations seront construites. La mise en service est prévue en 2027.');
    engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
  });
  afterAll(async () => {
    await engine?.dispose();
    scratch?.cleanup();
  });

  it('answers a question the coverage answers, with a direct answer', async () => {
    const answer = await engine.ask('Combien de meules la cave du Vercors peut-elle accueillir ?');
    expect(answer.abstained).toBe(false);
    expect(answer.directAnswer!.text).toContain('12 000 meules');
  });

  it('abstains on a question about something the coverage never mentions, suggesting the nearest articles', async () => {
    const answer = await engine.ask('Qui est le président de Samsung ?');
    expect(answer.abstained).toBe(true);
    expect(answer.passages).toEqual([]);
    expect(answer.directAnswer).toBeNull();
    expect(answer.suggestions.map((s) => s.id)).toContain('300_vercors');
  });

  it('abstains on a question that shares no content word with the coverage', async () => {
    const answer = await engine.ask('Comment faire du pain au levain ?');
    expect(answer).toMatchObject({ abstained: true, passages: [], suggestions: [] });
  });
});
