import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/engine/text/sentences.js';

const split = (t: string) => splitSentences(t).map((r) => t.slice(r.start, r.end));

describe('splitSentences', () => {
  it('does not break after French abbreviations and initials', () => {
    expect(split('M. Son a promis. Le P.-D.G. de SoftBank, M. Masayoshi Son, est venu.')).toEqual([
      'M. Son a promis.',
      'Le P.-D.G. de SoftBank, M. Masayoshi Son, est venu.',
    ]);
  });

  it('keeps decimal figures and percentages inside one sentence', () => {
    expect(split('La hausse atteint 4,9 % cette année. Le prix est de 3.5 dollars.')).toEqual([
      'La hausse atteint 4,9 % cette année.',
      'Le prix est de 3.5 dollars.',
    ]);
  });

  it('ends a sentence at "Etats-Unis." and keeps a closing guillemet with its sentence', () => {
    expect(split('Il ira aux Etats-Unis. Il a dit « oui. » Ensuite il part.')).toEqual([
      'Il ira aux Etats-Unis.',
      'Il a dit « oui. »',
      'Ensuite il part.',
    ]);
  });

  it('returns trimmed ranges within the requested span', () => {
    const text = 'xx  Une phrase.  Deux phrases.  yy';
    const ranges = splitSentences(text, 2, 31);
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(['Une phrase.', 'Deux phrases.']);
  });
});
