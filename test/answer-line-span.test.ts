import { describe, expect, it } from 'vitest';
import { LINE_SPAN, lineSpan, quoteBalance } from '../src/engine/answer/line-span.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

const sentences = (...texts: string[]) => texts.map((t) => analyseSentence(t));

describe('how far the answer line reaches around the picked sentence', () => {
  it('keeps a sentence that names its own subject alone', () => {
    const s = sentences('La coopérative a ouvert une cave.', 'La cave accueille 12 000 meules.');
    expect(lineSpan(s, 1)).toEqual({ from: 1, to: 1 });
  });

  it('puts the sentence naming the subject before one that opens with a pronoun or a demonstrative', () => {
    const s = sentences('La coopérative a ouvert une cave à Villard.', 'Elle accueille 12 000 meules.', 'Cette cave est la plus grande du massif.');
    expect(lineSpan(s, 1)).toEqual({ from: 0, to: 1 });
    expect(lineSpan(s, 2)).toEqual({ from: 1, to: 2 });
  });

  it('never reaches back from the first sentence of a passage', () => {
    expect(lineSpan(sentences('Elle accueille 12 000 meules.'), 0)).toEqual({ from: 0, to: 0 });
  });

  it('shows a quotation over several sentences whole, up to who said it', () => {
    const s = sentences(
      'Le projet inquiète les élus.',
      '“La vallée n’a pas les moyens.',
      'Nous ne paierons pas une troisième fois”, prévient le maire.',
      'La réunion est fixée à mardi.',
    );
    expect(lineSpan(s, 1)).toEqual({ from: 1, to: 2 });
    expect(lineSpan(s, 2)).toEqual({ from: 1, to: 2 });
    expect(lineSpan(s, 3)).toEqual({ from: 3, to: 3 });
  });

  it('keeps the sentence alone when the line would grow past its length', () => {
    const long = 'La coopérative laitière du plateau, fondée en 1932 par des éleveurs de la vallée, '.repeat(5) + 'a ouvert une cave.';
    const s = sentences(long, 'Elle accueille 12 000 meules.');
    expect(long.length).toBeGreaterThan(LINE_SPAN.maxChars);
    expect(lineSpan(s, 1)).toEqual({ from: 1, to: 1 });
  });

  it('counts straight quotes as opening after a space and closing after a word', () => {
    expect(quoteBalance('"La vallée n’a pas les moyens.')).toBe(1);
    expect(quoteBalance('Nous ne paierons pas", prévient le maire.')).toBe(-1);
    expect(quoteBalance('Il parle d’un "projet fou" et s’en va.')).toBe(0);
    expect(quoteBalance('« Non », dit-elle.')).toBe(0);
  });
});

describe('the answer line through the engine reads on its own', () => {
  const coverage = lexicalCoverage([
    ['710_cave', { title: 'Une cave pour le bleu', url: 'https://example.org/cave' },
      'La coopérative laitière du Vercors a inauguré mardi une cave d’affinage à Villard-de-Lans. Elle peut accueillir 12 000 meules de bleu. Les premières meules sortiront au printemps.'],
    ['711_route', { title: 'La route du col' },
      'Le département veut élargir la route du col de la Croix-Perrin. “La vallée n’a pas les moyens de payer les travaux. Nous ne financerons pas une troisième étude”, prévient le maire de Lans. Les travaux devaient commencer en mai.'],
  ]);

  it('answers with the sentence holding the figure after the one naming what "Elle" is', async () => {
    const a = await coverage.engine.ask('Combien de meules la cave peut-elle accueillir ?');
    expect(a.directAnswer?.text).toBe("La coopérative laitière du Vercors a inauguré mardi une cave d'affinage à Villard-de-Lans. Elle peut accueillir 12 000 meules de bleu.");
    // The link opens the page at the line's first words and ends at its last.
    expect(a.directAnswer?.link).toBe('https://example.org/cave#:~:text=La%20coop%C3%A9rative%20laiti%C3%A8re%20du%20Vercors,12%20000%20meules%20de%20bleu.');
  });

  it('answers with the whole quotation and who said it', async () => {
    const a = await coverage.engine.ask('Que dit le maire de Lans sur les travaux ?');
    // (The coverage's text has its quotes and apostrophes straightened.)
    expect(a.directAnswer?.text).toBe('"La vallée n\'a pas les moyens de payer les travaux. Nous ne financerons pas une troisième étude", prévient le maire de Lans.');
  });
});
