import { describe, expect, it } from 'vitest';
import { findArticleText } from '../src/engine/corpus/clean.js';
import { chunkArticle, type ChunkOptions } from '../src/engine/text/chunk.js';
import type { Article } from '../src/engine/types.js';

function article(text: string, id = 'a1'): Article {
  return { id, title: 'Titre', publisher: null, url: null, date: null, language: 'fr', text, hash: 'h', kept: findArticleText(text) };
}

const sentence = (i: number) => `Phrase numéro ${i} parle de SoftBank et d’investissements aux États-Unis.`;
const small: ChunkOptions = { targetWords: 30, maxWords: 45, overlapSentences: 1 };

describe('chunkArticle', () => {
  it('cuts between sentences, never inside one', () => {
    const text = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkArticle(article(text), small);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text).toMatch(/^Phrase numéro \d+/);
      expect(c.text).toMatch(/\.$/);
    }
  });

  it('keeps each chunk within the word budget', () => {
    const text = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ');
    for (const c of chunkArticle(article(text), small)) expect(c.text.split(/\s+/).length).toBeLessThanOrEqual(small.maxWords + 5);
  });

  it('repeats the last sentence of a chunk at the start of the next (overlap)', () => {
    const text = Array.from({ length: 12 }, (_, i) => sentence(i)).join(' ');
    const [first, second] = chunkArticle(article(text), small);
    const lastOfFirst = first!.text.slice(first!.sentences.at(-1)!.local.start);
    expect(second!.text.startsWith(lastOfFirst)).toBe(true);
  });

  it('prefers to end a chunk at a paragraph end', () => {
    const para = (p: number) => Array.from({ length: 3 }, (_, i) => sentence(p * 10 + i)).join(' ');
    const chunks = chunkArticle(article([para(1), para(2), para(3)].join('\n\n')), small);
    expect(chunks[0]!.text).toBe(para(1).replace(/’/g, "'"));
  });

  it('keeps a heading with the paragraph it introduces', () => {
    const text = `${sentence(1)} ${sentence(2)} ${sentence(3)}\nDerrière Stargate, le soutien de Trump\n${sentence(4)}`;
    const chunks = chunkArticle(article(text), small);
    const withHeading = chunks.find((c) => c.text.includes('Derrière Stargate'));
    expect(withHeading!.text).toMatch(/^Derrière Stargate, le soutien de Trump\nPhrase numéro 4/);
  });

  it('records ranges that point back into the original text', () => {
    const text = 'Intro « Meet Trump ».\n\nM. Son a promis d’investir 100 milliards de dollars. Il part demain.';
    const [chunk] = chunkArticle(article(text), { targetWords: 200, maxWords: 300, overlapSentences: 1 });
    expect(text.slice(chunk!.range.start, chunk!.range.end)).toBe(text);
    const originals = chunk!.sentences.map((s) => text.slice(s.start, s.end));
    expect(originals).toEqual(['Intro « Meet Trump ».', 'M. Son a promis d’investir 100 milliards de dollars.', 'Il part demain.']);
    // The chunk text is normalized (’ → '), and `local` ranges point into it.
    expect(chunk!.sentences.map((s) => chunk!.text.slice(s.local.start, s.local.end))).toEqual([
      'Intro « Meet Trump ».',
      "M. Son a promis d'investir 100 milliards de dollars.",
      'Il part demain.',
    ]);
  });

  it('gives stable ids made of the article id and an ordinal', () => {
    const text = Array.from({ length: 12 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkArticle(article(text, '000_x'), small);
    expect(chunks.map((c) => c.id)).toEqual(chunks.map((_, i) => `000_x#${i}`));
    expect(chunkArticle(article(text, '000_x'), small)).toEqual(chunks);
  });
});
