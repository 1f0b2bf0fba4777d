import { describe, expect, it } from 'vitest';
import { parseArticleFile, serializeArticleFile } from '../src/engine/corpus/article-file.js';

describe('article files', () => {
  const meta = { title: 'Stargate', publisher: null, author: 'Claire Dupont', url: 'https://example.com/a', date: '2025-01', language: 'fr' };

  it('round-trips metadata and body', () => {
    const parsed = parseArticleFile(serializeArticleFile(meta, 'Le corps.\nSecond paragraphe.'), '.md');
    expect(parsed.meta).toEqual(meta);
    expect(parsed.body).toBe('Le corps.\nSecond paragraphe.\n');
    expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps unknown facts null rather than guessing them', () => {
    const parsed = parseArticleFile('---\ntitle: Sans source\n---\nTexte.', '.md');
    expect(parsed.meta).toEqual({ title: 'Sans source', publisher: null, author: null, url: null, date: null, language: null });
  });

  it('takes the first line of a plain .txt file as its title', () => {
    expect(parseArticleFile('\nLe titre\n\nLe texte.', '.txt').meta.title).toBe('Le titre');
  });

  it.each([
    ['no front matter', 'Juste du texte', /missing front matter/],
    ['no title', '---\npublisher: X\n---\nTexte', /title/],
    ['a bad url', '---\ntitle: T\nurl: ftp://x\n---\nTexte', /url/],
    ['a bad date', '---\ntitle: T\ndate: hier\n---\nTexte', /date/],
    ['broken YAML', '---\ntitle: [oops\n---\nTexte', /YAML/],
    ['no text', '---\ntitle: T\n---\n   \n', /no text/],
  ])('rejects a file with %s, saying why', (_, content, why) => {
    expect(() => parseArticleFile(content, '.md')).toThrow(why);
  });
});
