import { describe, expect, it } from 'vitest';
import { textFragmentLink } from '../src/engine/answer/deep-link.js';

describe('text-fragment deep links', () => {
  it('points at a short sentence whole, percent-encoding "-", "&" and ","', () => {
    const link = textFragmentLink('https://exemple.fr/a', 'Brest-Métropole, port & quais.');
    expect(link).toBe('https://exemple.fr/a#:~:text=Brest%2DM%C3%A9tropole%2C%20port%20%26%20quais.');
    const directive = link!.split('#:~:text=')[1]!;
    // Only the start,end separator may stay a bare comma; here there is none.
    expect(directive).not.toMatch(/[-&,]/);
    expect(decodeURIComponent(directive)).toBe('Brest-Métropole, port & quais.');
  });

  it('matches a long sentence by its first and last words, separated by a bare comma', () => {
    const sentence = 'Les travaux du tramway, qui dureront deux ans, relieront la gare au port de commerce en passant par les quais.';
    const link = textFragmentLink('https://exemple.fr/tram', sentence)!;
    const [start, end, ...rest] = link.split('#:~:text=')[1]!.split(',');
    expect(rest).toEqual([]);
    expect(decodeURIComponent(start!)).toBe('Les travaux du tramway, qui');
    expect(decodeURIComponent(end!)).toBe('en passant par les quais.');
  });

  it('replaces a fragment the url already has', () => {
    expect(textFragmentLink('https://exemple.fr/a#haut', 'Six stations.')).toBe('https://exemple.fr/a#:~:text=Six%20stations.');
  });

  it('falls back to the plain url without a sentence, and to null without a url', () => {
    expect(textFragmentLink('https://exemple.fr/a', '   ')).toBe('https://exemple.fr/a');
    expect(textFragmentLink(null, 'Six stations.')).toBeNull();
  });
});
