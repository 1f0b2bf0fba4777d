import { describe, expect, it } from 'vitest';
import { LEXICAL_THRESHOLD, shouldAbstain, thresholdsFor } from '../src/engine/answer/abstain.js';
import { composeAnswer } from '../src/engine/answer/compose-answer.js';
import { evidenceTerms, focusCoverage, lexicalEvidence } from '../src/engine/answer/evidence.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { analyze } from '../src/engine/text/analyze.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

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

  it('needs more coverage when the question uses a word the coverage never does', () => {
    const mid = (t.coverage + t.unknownWordCoverage) / 2;
    expect(shouldAbstain({ coverage: mid, unknownNames: [], unknownWords: [], similarity: null }, t)).toBe(false);
    expect(shouldAbstain({ coverage: mid, unknownNames: [], unknownWords: ['dividend'], similarity: null }, t)).toBe(true);
  });

  it('needs more coverage when the question names something the coverage never mentions', () => {
    const mid = (t.coverage + t.unknownNameCoverage) / 2;
    expect(shouldAbstain({ coverage: mid, unknownNames: [], similarity: null }, t)).toBe(false);
    expect(shouldAbstain({ coverage: mid, unknownNames: ['samsung'], similarity: 0.99 }, { ...t, similarity: 0.5 })).toBe(true);
  });

  it('with a word the coverage never uses, needs what the question asks of its names found, not the names alone', () => {
    const base = { coverage: t.unknownWordCoverage + 0.1, unknownNames: [], unknownWords: ['favourit'], similarity: null };
    expect(shouldAbstain({ ...base, focusCoverage: t.unknownWordFocus + 0.1 }, t)).toBe(false);
    expect(shouldAbstain({ ...base, focusCoverage: t.unknownWordFocus - 0.1 }, t)).toBe(true);
    // Where a kind of answer is asked, what counts is the focus found next to one.
    expect(shouldAbstain({ ...base, kind: 'place', kindCoverage: base.coverage, focusCoverage: 1, kindFocusCoverage: 0 }, t)).toBe(true);
    // Without an unknown word the focus does not decide alone: passages naming only the question's names answer it often.
    expect(shouldAbstain({ ...base, unknownWords: [], focusCoverage: 0 }, t)).toBe(false);
  });

  it('uses the lexical bar in lexical mode and for models without a calibration', () => {
    expect(thresholdsFor('Xenova/multilingual-e5-small', 'lexical')).toBe(LEXICAL_THRESHOLD);
    expect(thresholdsFor('someone/unknown-model', 'hybrid')).toBe(LEXICAL_THRESHOLD);
    expect(thresholdsFor(null, 'hybrid')).toBe(LEXICAL_THRESHOLD);
  });
});

describe('lexical evidence', () => {
  const stats = createTermStats(['La coopérative du Vercors affine le bleu.', 'Le tramway de Brest rejoint le port.', 'Le PDG de la coopérative parle.', 'Le client a perdu sa capitale.', 'Le port français attend.']);
  const questionTerms = (q: string) => evidenceTerms(analyseQuestion(q), stats);
  const passage = (text: string) => text.split('\n').map(analyseSentence);

  it('leaves question and answer-type words out, and marks names', () => {
    const terms = questionTerms('Quel est le nom du PDG de Samsung ?');
    expect(terms.map((t) => t.term)).not.toContain('nom');
    expect(terms.find((t) => t.term === 'samsung')).toMatchObject({ specific: true });
  });

  it('measures the best weighted share of question terms one passage holds, title included', () => {
    const ev = lexicalEvidence(questionTerms('Où le tramway de Brest va-t-il ?'), [passage('Brest\nLe tramway rejoint le port.'), passage('Rien à voir.')], stats);
    expect(ev.coverage).toBe(1);
    expect(ev.unknownNames).toEqual([]);
  });

  it('lists names unknown to the coverage, forgiving one typo in a long name only', () => {
    expect(lexicalEvidence(questionTerms('Qui dirige Samsung à Brest ?'), [passage('Le tramway de Brest.')], stats).unknownNames).toEqual(['samsung']);
    expect(lexicalEvidence(questionTerms('Qui dirige la coopérative du Vercorz ?'), [passage('La coopérative du Vercors affine le bleu.')], stats).unknownNames).toEqual([]);
    // "Pérou" is one typo from "perdu": a short unknown name is not taken for a known word.
    expect(lexicalEvidence(questionTerms('Quelle est la capitale du Pérou ?'), [], stats).unknownNames).toEqual(['perou']);
  });

  it('forgives a typo in a long name only where the passages found write a name that close, never a word', () => {
    // "François" is one typo from "français", a word of the coverage: still a name it never mentions.
    expect(lexicalEvidence(questionTerms('Quel âge a le pape François ?'), [passage('Le port français attend.')], stats).unknownNames).toEqual(['francois']);
    // "Vercorz" is one typo from the name "Vercors" the passage writes, but only there.
    expect(lexicalEvidence(questionTerms('Qui dirige la coopérative du Vercorz ?'), [passage('Le tramway de Brest rejoint le port.')], stats).unknownNames).toEqual(['vercorz']);
  });

  it('lists other words the coverage never uses, forgiving one typo and a longer word they start', () => {
    expect(lexicalEvidence(questionTerms('Quel dividende verse la coopérative ?'), [], stats).unknownWords).toContain('dividend');
    expect(lexicalEvidence(questionTerms('Le tram affine-t-il le bleuu ?'), [], stats).unknownWords).toEqual([]);
  });

  it('counts a shared stem alone for less than the word itself', () => {
    const terms = questionTerms('Quelle capitale a perdu le client ?');
    const word = lexicalEvidence(terms, [passage('Le client a perdu sa capitale.')], stats).coverage;
    const stem = lexicalEvidence(terms, [passage('Le client a perdu ses capitaux.')], stats).coverage;
    expect(word).toBe(1);
    expect(stem).toBeLessThan(1);
    expect(stem).toBeGreaterThan(0.5);
  });

  it('takes a capitalised English word it can translate for a word, not an unknown name', () => {
    const english = 'What did the Vercors cooperative say at the World Fair?';
    const names = lexicalEvidence(questionTerms(english), [passage('La coopérative du Vercors affine le bleu.')], stats).unknownNames;
    expect(names).not.toContain(analyze('World')[0]);
    // A real name the coverage never mentions still counts against the answer.
    expect(lexicalEvidence(questionTerms('What did Samsung say at the World Fair?'), [], stats).unknownNames).toContain('samsung');
  });

  it('keeps an English word the lexicon cannot render as evidence against ("mayor"), and renders the others', () => {
    const terms = questionTerms('Who is the mayor of Brest?').map((t) => t.term);
    expect(terms).toContain('mayor');
    expect(lexicalEvidence(questionTerms('Who is the mayor of Brest?'), [passage('Le tramway de Brest rejoint le port.')], stats).unknownWords).toEqual(['mayor']);
  });

  it('lists figures the coverage never states, and holds them to the unknown-name bar', () => {
    const stats1900 = createTermStats(['Le tramway de Brest rejoint le port en 2024.']);
    const terms = (q: string) => evidenceTerms(analyseQuestion(q), stats1900);
    const text = [passage('Le tramway de Brest rejoint le port en 2024.')];
    expect(lexicalEvidence(terms('Où allait le tramway de Brest en 2024 ?'), text, stats1900).unknownFigures).toEqual([]);
    const ev = lexicalEvidence(terms('Où allait le tramway de Brest en 1900 ?'), text, stats1900);
    expect(ev.unknownFigures).toEqual(['1900']);
    expect(shouldAbstain({ ...ev, similarity: null }, LEXICAL_THRESHOLD)).toBe(true);
  });

  it('leaves out a stray word of three letters or fewer the coverage never uses (a slip: "sls" for "les")', () => {
    const terms = questionTerms('Quelles sont sls caves de la coopérative du Vercors ?').map((t) => t.term);
    expect(terms).not.toContain('sl');
    expect(terms).toContain('vercor');
  });

  it('keeps a short word the coverage never uses when it is written with an accent: "né" is typed on purpose', () => {
    const ev = lexicalEvidence(questionTerms('Où est né le fondateur de la coopérative du Vercors ?'), [], stats);
    expect(ev.unknownWords).toContain('ne');
  });

  it('reads a century in Roman numerals as a figure, not as an unknown name', () => {
    const q = analyseQuestion('Que fait la coopérative du Vercors au XIXème siècle ?');
    expect(q.content.find((t) => t.forms.includes('xixeme'))).toMatchObject({ specific: false });
    expect(lexicalEvidence(questionTerms('Que fait la coopérative du Vercors au XIXème siècle ?'), [], stats).unknownNames).toEqual([]);
  });

  it('measures the focus: what the question asks of its names, names and figures left out', () => {
    const terms = questionTerms('Où le tramway de Brest va-t-il ?');
    // "Brest" alone covers the name, not what is asked of it.
    expect(lexicalEvidence(terms, [passage('Brest\nRien à voir.')], stats).coverage).toBeGreaterThan(0);
    expect(focusCoverage(terms, [passage('Brest\nRien à voir.')], stats)).toBe(0);
    expect(focusCoverage(terms, [passage('Brest\nRien à voir.'), passage('Le tramway rejoint le port.')], stats)).toBe(1);
    // A question asking only of names has no focus.
    expect(focusCoverage(questionTerms('Que fait Brest en 2024 ?'), [passage('Brest.')], stats)).toBeNull();
  });

  it('gives zero coverage for a question without content words', () => {
    expect(lexicalEvidence(questionTerms('Qui est-ce ?'), [passage('Le tramway de Brest.')], stats).coverage).toBe(0);
  });
});

describe('composeAnswer', () => {
  it('abstains on no hits, with no passages and no suggestions', () => {
    const answer = composeAnswer({
      analysis: analyseQuestion('Qui ?'), mode: 'lexical', hits: [], sources: new Map(), k: 3, offset: 0, thresholds: LEXICAL_THRESHOLD, warnings: [],
    });
    expect(answer).toMatchObject({ abstained: true, passages: [], suggestions: [], directAnswer: null, disagreements: [], hasMore: false });
  });
});

describe('engine abstention', () => {
  const coverage = lexicalCoverage([
    ['300_vercors', { title: 'La fromagerie du Vercors ouvre une cave' },
      'La coopérative laitière du Vercors a inauguré mardi une cave d’affinage. Elle peut accueillir 12 000 meules de bleu. Son président salue un chantier de trois ans.'],
    ['301_brest', { title: 'Le tramway de Brest prolongé' },
      'La métropole de Brest prolonge son tramway jusqu’au port. Six stations seront construites. La mise en service est prévue en 2027.'],
  ]);

  it('answers a question the coverage answers, with a direct answer', async () => {
    const answer = await coverage.engine.ask('Combien de meules la cave du Vercors peut-elle accueillir ?');
    expect(answer.abstained).toBe(false);
    expect(answer.directAnswer!.text).toContain('12 000 meules');
  });

  it('abstains on a question about something the coverage never mentions, suggesting the nearest articles', async () => {
    const answer = await coverage.engine.ask('Qui est le président de Samsung ?');
    expect(answer.abstained).toBe(true);
    expect(answer.passages).toEqual([]);
    expect(answer.directAnswer).toBeNull();
    expect(answer.suggestions.map((s) => s.id)).toContain('300_vercors');
  });

  it('abstains on a question that shares no content word with the coverage', async () => {
    const answer = await coverage.engine.ask('Comment faire du pain au levain ?');
    expect(answer).toMatchObject({ abstained: true, passages: [], suggestions: [] });
  });
});

describe('engine: what a question asks of the names it shares with the coverage', () => {
  const coverage = lexicalCoverage([
    ['500_brevia', { title: 'Brevia ouvre un laboratoire à Lyon' },
      'Paul Marchal dirige la start-up Brevia à Lyon. Le fonds régional Rhône Capital et Airbus financent son laboratoire. ' +
        'Les chercheurs arrivent de toute la région. Airbus a signé un accord de recherche avec la région le 14 mars 2024.'],
    ['501_brest', { title: 'Le tramway de Brest prolongé' },
      'La métropole de Brest prolonge son tramway jusqu’au port. Six stations seront construites. La mise en service est prévue en 2027.'],
  ]);

  it('abstains when all it asks of a known name is a word the coverage never uses', async () => {
    // "Paul Marchal" is found; "dessert", what is asked of him, is nowhere.
    const answer = await coverage.engine.ask('Quel est le dessert de Paul Marchal ?');
    expect(answer).toMatchObject({ abstained: true, passages: [], directAnswer: null });
    expect(answer.suggestions.map((s) => s.id)).toContain('500_brevia');
  });

  it('answers despite a word the coverage never uses when what is asked is found', async () => {
    const answer = await coverage.engine.ask('Quel laboratoire luxueux dirige Paul Marchal ?');
    expect(answer.abstained).toBe(false);
    expect(answer.passages[0]!.source.id).toBe('500_brevia');
  });

  it('abstains on a date asked of a name found next to a date, when what is asked ("fondé") only shares the stem of "fonds" elsewhere', async () => {
    const answer = await coverage.engine.ask('Quand Airbus a-t-il été fondé ?');
    expect(answer).toMatchObject({ abstained: true, passages: [], directAnswer: null });
  });

  it('answers a date asked of that name when what is asked stands next to the date', async () => {
    const answer = await coverage.engine.ask('Quand Airbus a-t-il signé l’accord de recherche ?');
    expect(answer.abstained).toBe(false);
    expect(answer.directAnswer!.text).toContain('14 mars 2024');
  });
});
