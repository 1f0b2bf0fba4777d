import { describe, expect, it } from 'vitest';
import { analyze, analyzeQuestion } from '../src/engine/text/analyze.js';
import { expandQuery, looksEnglish, TRANSLATION_WEIGHT } from '../src/engine/text/cross-lingual.js';

describe('looksEnglish', () => {
  it('tells English questions from French ones by their function words', () => {
    expect(looksEnglish('How much did SoftBank invest in Nvidia?')).toBe(true);
    expect(looksEnglish('Which company shares rose on the news?')).toBe(true);
    expect(looksEnglish('Combien SoftBank a-t-il investi dans Nvidia ?')).toBe(false);
    expect(looksEnglish('Qui finance la fondation ?')).toBe(false);
    expect(looksEnglish('')).toBe(false);
  });
});

describe('expandQuery', () => {
  it('leaves French questions as their own terms', () => {
    const q = 'Quelles actions ont grimpé ?';
    expect(expandQuery(q)).toEqual(analyzeQuestion(q));
    expect(expandQuery(q).map((t) => t.term)).toEqual(analyze(q));
  });

  it('adds French renderings of English words, whatever their inflection, at a lower weight', () => {
    const terms = expandQuery('Which companies saw their shares rising?');
    const translated = terms.filter((t) => t.weight === TRANSLATION_WEIGHT).map((t) => t.term);
    expect(translated).toEqual(expect.arrayContaining(analyze('actions hausse entreprise')));
    // The question's own words stay, at full weight.
    expect(terms.filter((t) => t.weight === 1).map((t) => t.term)).toEqual(analyze('Which companies saw their shares rising?'));
  });

  it('keeps names untranslated', () => {
    const terms = expandQuery('How did Son describe Trump?').map((t) => t.term);
    expect(terms).toContain('son');
    expect(terms).toContain('trump');
    expect(terms).not.toContain('fils');
  });
});

describe('the lexicon’s renderings, as the analyzer reads them', () => {
  const renderingTerms = (question: string) => expandQuery(question).filter((t) => t.weight === TRANSLATION_WEIGHT).map((t) => t.term);

  it('writes a word as the French press does, so its rendering meets the article’s own analysed words', () => {
    // The analyzer splits "start-up" and drops "up" (an English function word): articles index "start", never "startup".
    const rendered = renderingTerms('Which startup did they back?');
    expect(rendered).toEqual(expect.arrayContaining(analyze('start-up')));
    expect(analyze('le monde a boudé sa start-up Kelvo')).toEqual(expect.arrayContaining(analyze('start-up')));
  });

  it('lends no word of another meaning through a shared stem', () => {
    // "alimentation" has the stem of "alimenter" (to power a data centre); "passé" (for "happened") that of "passer".
    const other = new Set(analyze('alimenter les serveurs, passer la main'));
    for (const question of ['What is his favourite food?', 'What happened to the startup?']) {
      expect(renderingTerms(question).filter((t) => other.has(t))).toEqual([]);
    }
  });
});
