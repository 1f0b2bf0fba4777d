import { describe, expect, it } from 'vitest';
import { quotationsOf } from '../src/engine/answer/quotations.js';
import { scoreSentences } from '../src/engine/answer/highlight.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

const sentences = (...texts: string[]) => texts.map((t) => analyseSentence(t));

const passage = sentences(
  'La saison d’hiver s’annonce difficile dans le massif.',
  '“La stratégie de la région pour le tourisme arrive trop tard.',
  'Les hôtels ont déjà perdu leurs clients”, estime Claire Dumas, directrice de l’office de Lans.',
  'Les remontées mécaniques ouvriront en décembre.',
);

describe('a quotation over several sentences and who said it', () => {
  it('finds the quotation and the words of its attribution, outside the quotation marks', () => {
    const [q, ...more] = quotationsOf(passage);
    expect(more).toEqual([]);
    expect(q).toMatchObject({ from: 1, to: 2 });
    // Stems of "estime Claire Dumas, directrice de l’office de Lans", not of the quoted words.
    expect([...q!.speaker]).toEqual(expect.arrayContaining(['clair', 'dum', 'lan']));
    expect(q!.speaker.has('hotel')).toBe(false);
  });

  it('knows no quotation in a sentence quoting a few words, nor in plain text', () => {
    expect(quotationsOf(sentences('Il parle d’un “projet fou” et s’en va.', 'Le maire se tait.'))).toEqual([]);
  });

  it('credits the speaker’s name to every sentence of the quotation for the answer line, not to the passage’s score', () => {
    const scores = scoreSentences(analyseQuestion('Que pense Claire Dumas de la stratégie de la région ?'), passage);
    // The first quoted sentence lacks the name, which only the attribution holds: it is credited.
    expect(scores[1]!.attributed).toBeGreaterThan(0);
    // The attribution's own sentence holds the name already; sentences outside the quotation get nothing.
    expect(scores[2]!.attributed).toBe(0);
    expect(scores[0]!.attributed).toBe(0);
    expect(scores[3]!.attributed).toBe(0);
    // What ranks passages (`score`) reads the sentence's own words: the same without the quotation marks.
    const plain = scoreSentences(analyseQuestion('Que pense Claire Dumas de la stratégie de la région ?'), passage.map((s) => analyseSentence(s.text.replace(/[“”]/g, ''))));
    expect(scores.map((s) => s.score)).toEqual(plain.map((s) => s.score));
    expect(plain[1]!.attributed).toBe(0);
  });
});

describe('the answer line through the engine, for a long quotation', () => {
  const coverage = lexicalCoverage([
    ['720_saison', { title: 'Une saison d’hiver difficile' },
      'La saison d’hiver s’annonce difficile dans le massif du Vercors, où la neige se fait attendre. ' +
        '“La stratégie de la région pour le tourisme arrive trop tard : elle finance des canons à neige quand il faudrait aider les villages à vivre toute l’année. ' +
        'Les hôtels de Villard et de Corrençon ont déjà perdu une partie de leurs clients de février, et les moniteurs de ski cherchent du travail ailleurs pour la saison prochaine”, estime Claire Dumas, directrice de l’office de Lans. ' +
        'Les remontées mécaniques ouvriront en décembre.'],
    ['721_neige', { title: 'Les canons à neige' },
      'Le département a voté un budget pour les canons à neige. Les travaux commenceront au printemps.'],
  ]);

  it('shows the quoted sentence about what is asked, though only the next one names who said it', async () => {
    const a = await coverage.engine.ask('Que pense Claire Dumas de la stratégie de la région ?');
    // The whole quotation is past the line's length, so one sentence of it is shown: the one on the strategy.
    expect(a.directAnswer?.text).toMatch(/^"La stratégie de la région pour le tourisme arrive trop tard/);
  });
});
