import { describe, expect, it } from 'vitest';
import { evidenceTerms, lexicalEvidence } from '../src/engine/answer/evidence.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { createLexicalIndex } from '../src/engine/search/bm25.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { stem, thirdPluralStem } from '../src/engine/text/analyze.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';

// Snowball French leaves a verb's third person plural in "-ent" whole ("Qui dirigent… ?"), so a
// question asked in the plural missed the coverage's "dirige", "dirigée", "dirigeait".

const TEXTS = [
  'La coopérative du Vercors est dirigée depuis 2019 par Anne Morel.',
  'La coopérative du Vercors vend son bleu dans toute la région.',
  'Le tramway de Brest rejoint le port.',
];

describe('a verb in the third person plural', () => {
  it('is left whole by the stemmer, and its stem without "-ent" is the verb\'s', () => {
    expect(stem('dirigent')).toBe('dirigent');
    expect(thirdPluralStem('dirigent')).toBe(stem('dirigée'));
    expect(thirdPluralStem('ressemblent')).toBe(stem('ressemble'));
    // Short words and nouns whose "-ent" leaves too little are not read as verbs.
    expect(thirdPluralStem('client')).toBeNull();
    expect(thirdPluralStem('moment')).toBeNull();
    expect(thirdPluralStem('dirige')).toBeNull();
  });

  it('finds the passages using the verb, when the coverage never uses the plural itself', () => {
    const index = createLexicalIndex(TEXTS.map((text, i) => ({ id: `a#${i}`, text })), { prefixWeight: 0 });
    expect(index.search('dirigent', 3).map((h) => h.id)).toEqual(['a#0']);
  });

  it('is not a word the coverage lacks: it counts as the verb\'s stem in evidence', () => {
    const stats = createTermStats(TEXTS);
    const terms = evidenceTerms(analyseQuestion('Qui dirigent la coopérative du Vercors ?'), stats);
    const ev = lexicalEvidence(terms, [[analyseSentence(TEXTS[0]!)], [analyseSentence(TEXTS[1]!)]], stats);
    expect(ev.unknownWords).toEqual([]);
    const other = lexicalEvidence(terms, [[analyseSentence(TEXTS[1]!)]], stats).coverage;
    expect(ev.coverage).toBeGreaterThan(other);
  });

  it('stays a word the coverage lacks when the coverage does not use the verb either', () => {
    const stats = createTermStats(TEXTS);
    const ev = lexicalEvidence(evidenceTerms(analyseQuestion('Qui possèdent la coopérative du Vercors ?'), stats), [[analyseSentence(TEXTS[0]!)]], stats);
    expect(ev.unknownWords).toEqual(['possedent']);
  });
});
