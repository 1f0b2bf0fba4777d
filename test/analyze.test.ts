import { describe, expect, it } from 'vitest';
import { analyze, analyzeQuestion, analyzeWords, ASKED_NOUN, askedNounTerms, countedNounTerms, FRAME_WORD_WEIGHT, foldAccents, normalizeNumber, stem, tokenize } from '../src/engine/text/analyze.js';

describe('foldAccents', () => {
  it('lowercases, strips diacritics and expands ligatures', () => {
    expect(foldAccents('État Œuvre Ça Noël Æsop')).toBe('etat oeuvre ca noel aesop');
  });
});

describe('analyze', () => {
  it('drops elided articles and pronouns with straight or curly apostrophes', () => {
    expect(analyze("l'entreprise d’Arm qu'il jusqu'à lorsqu’elle puisqu'on")).toEqual([stem('entreprise'), 'arm']);
    expect(analyze('l’IA')).toEqual(analyze("l'IA"));
  });

  it('matches accented and unaccented spellings of the same word', () => {
    expect(analyze('négociateur créé États')).toEqual(analyze('negociateur cree Etats'));
  });

  it('stems French inflections to one term', () => {
    expect(new Set(analyze('investissement investissements investir')).size).toBe(1);
    expect(analyze('milliards')).toEqual(analyze('milliard'));
  });

  it('removes French and English function words but keeps meaningful ones', () => {
    expect(analyze('le la les des du de et ou the of and which')).toEqual([]);
    expect(analyze('premier dernier cinq')).toHaveLength(3);
  });

  it('keeps "né", "sûr" and "dû" written with their accent, which alone tells them from "ne", "sur", "du"', () => {
    expect(analyze('Où est né le peintre ?')).toEqual(['ne', 'peintr']);
    expect(analyze('Le peintre, né à Lyon, ne peignait pas.')).toEqual(['peintr', 'ne', 'lyon', 'peign']);
    expect(analyze('Il était sûr du résultat, dû à la pluie.')).toEqual(['sur', stem('résultat'), 'du', stem('pluie')]);
    // The same words unaccented stay function words.
    expect(analyze('ne sur du')).toEqual([]);
  });

  it('keeps "Son" as a name when capitalised inside a sentence, not the possessive "son"', () => {
    expect(analyze('Il a vendu son entreprise.')).not.toContain('son');
    expect(analyze('Le patron Masayoshi Son a parlé.')).toContain('son');
    expect(analyze('How did Son describe Trump?')).toContain('son');
  });

  it('keeps "Est" as a place after an elision, not the verb "est"', () => {
    expect(analyze("Le marché est ouvert en Asie de l'Est.")).toEqual([stem('marché'), 'ouvert', stem('asie'), 'est']);
  });

  it('indexes hyphenated names both split and joined', () => {
    const terms = analyze('Mar-a-Lago aux États-Unis');
    expect(terms).toEqual(expect.arrayContaining(['mar', 'lago', stem('maralago'), 'etat', 'unis']));
    expect(terms).toContain(stem('etatsunis'));
  });

  it('does not join question inversions like "a-t-il"', () => {
    expect(analyze('a-t-il est-ce celle-ci')).toEqual([]);
  });

  it('keeps numbers intact and normalizes separators', () => {
    expect(analyze('100 000 emplois')).toContain('100000');
    expect(analyze('100\u00a0000 emplois')).toContain('100000');
    expect(analyze('4,9 %')).toEqual(['4.9']);
    expect(analyze('4.9%')).toEqual(['4.9']);
    expect(analyze('entre 15 et 25 milliards en 2019')).toEqual(['15', '25', stem('milliards'), '2019']);
    expect(analyze('1,000,000 dollars')).toContain('1000000');
  });

  it('strips English possessives', () => {
    expect(analyze("SoftBank's chips")).toContain('softbank');
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(analyze('')).toEqual([]);
    expect(analyze(' … ?! « » ')).toEqual([]);
  });

  it('keeps whole unstemmed words in analyzeWords', () => {
    expect(analyzeWords("Les investissements d'Arm")).toEqual(['investissements', 'arm']);
  });
});

describe('analyzeQuestion', () => {
  it('gives words that frame the question less weight than its topic', () => {
    expect(analyzeQuestion('Quel est le nom du volcan ?')).toEqual([
      { term: stem('nom'), weight: FRAME_WORD_WEIGHT },
      { term: stem('volcan'), weight: 1 },
    ]);
  });

  it('gives the noun a "quel" question asks for less weight: it names the kind of answer, which the answering passage rarely repeats', () => {
    // "jaune" answers it; "couleur" need not be in the passage.
    expect(analyzeQuestion('Quelle est la couleur du drapeau ?')).toEqual([
      { term: stem('couleur'), weight: ASKED_NOUN.weight },
      { term: stem('drapeau'), weight: 1 },
    ]);
    expect(ASKED_NOUN.weight).toBeLessThan(1);
  });
});

describe('askedNounTerms', () => {
  it('finds the noun after "quel" in any of its forms, past the verb and the article between them', () => {
    expect(askedNounTerms('Dans quel pays le léopard est-il éteint ?')).toEqual(new Set([stem('pays')]));
    expect(askedNounTerms("Quel est l'avantage économique de l'énergie ?")).toEqual(new Set([stem('avantage')]));
    expect(askedNounTerms('Quelles sont les routes du tour de Londres ?')).toEqual(new Set([stem('routes')]));
  });

  it('never takes a name for it, and finds none without "quel"', () => {
    expect(askedNounTerms('Quel Dumas a écrit ce roman ?')).toEqual(new Set());
    expect(askedNounTerms('Qui dirige les Héréros ?')).toEqual(new Set());
    expect(askedNounTerms('Combien de colonies américaines compte-t-on ?')).toEqual(new Set());
  });
});

describe('countedNounTerms', () => {
  it('finds the noun "combien de" counts, elided or not, and never a name', () => {
    expect(countedNounTerms('Combien de colonies américaines compte-t-on ?')).toEqual(new Set([stem('colonies')]));
    expect(countedNounTerms("Combien d’emplois Stargate doit-il créer ?")).toEqual(new Set([stem('emplois')]));
    expect(countedNounTerms('Combien SoftBank va-t-il investir ?')).toEqual(new Set());
    expect(countedNounTerms('Quel est le nombre de colonies ?')).toEqual(new Set());
  });
});

describe('normalizeNumber', () => {
  it('reads French thousands, decimal commas and repeated thousands groups', () => {
    expect(normalizeNumber('100 000')).toBe('100000');
    expect(normalizeNumber('2,17')).toBe('2.17');
    expect(normalizeNumber('1.500.000')).toBe('1500000');
    expect(normalizeNumber('2024')).toBe('2024');
  });
});

describe('tokenize', () => {
  it('marks capitalised words after the start of a sentence as proper', () => {
    const tokens = tokenize('Son père. Le fils de Son.');
    expect(tokens.map((t) => [t.text, t.proper])).toEqual([
      ['son', false],
      ['père', false],
      ['le', false],
      ['fils', false],
      ['de', false],
      ['son', true],
    ]);
  });
});
