import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { cleanLine, cleanText } from '../src/engine/ingest/clean-metadata.js';
import { stripSiteSuffix } from '../src/engine/ingest/extract-article.js';
import { ingest } from '../src/engine/ingest/ingest.js';
import { ingestScene } from './helpers/ingest-scene.js';

// Issue 14, findings 3, 4, 5 and 8: what a page says about itself is stored clean, whatever
// the page tries, and read from every place real pages put it.

const scene = ingestScene('depeche-meta-');

const BODY =
  '<p>La préfecture a ordonné mercredi la fermeture des berges de la Loire après la crue, la plus forte depuis vingt ans, qui a inondé trois quartiers de la ville.</p>' +
  '<p>Les pompiers ont évacué quatre cents habitants dans la nuit ; aucune victime n’est à déplorer selon le bilan de la mairie publié jeudi matin.</p>';

async function ingestPage(head: string, body = BODY, options: { type?: string; bytes?: Buffer } = {}) {
  const path = `/p${Math.random().toString(36).slice(2)}`;
  const html = `<!doctype html><html lang="fr"><head>${head}</head><body><article>${body}</article></body></html>`;
  scene.server.pages.set(path, { body: options.bytes ?? html, type: options.type });
  const result = await ingest({ url: `${scene.server.origin}${path}` }, scene.deps);
  const raw = await readFile(join(scene.corpusDir, `${result.id}.md`), 'utf8');
  return { result, raw };
}

/** C0 and C1 controls (line feed aside) and bidi reordering characters. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile titles (finding 3)', () => {
  it('stores a title carrying terminal escapes (OSC 52 clipboard write, clear screen) without a control byte', async () => {
    const { result, raw } = await ingestPage('<title>Crue \u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J de la Loire</title>');
    expect(result.title).toBe('Crue ]52;c;ZWNobyBwd25lZA== [2J de la Loire');
    expect(raw).not.toMatch(UNSAFE);
  });

  it('drops bidi overrides that would show a file name backwards', async () => {
    const { result, raw } = await ingestPage('<meta property="og:title" content="Article \u202egnp.exe\u202c fin">');
    expect(result.title).toBe('Article gnp.exe fin');
    expect(raw).not.toMatch(UNSAFE);
  });

  it('strips escapes from the article text, raw or written as HTML entities', async () => {
    const { raw } = await ingestPage('<title>Crue de la Loire</title>', `<p>Rouge &#27;[31mvif&#7; et \u001b[0m normal.</p>${BODY}`);
    expect(raw).not.toMatch(UNSAFE);
    expect(raw).toContain('Rouge [31mvif et [0m normal.');
  });
});

describe('control bytes in an uploaded text file (finding 7)', () => {
  it('stores the text and its title without them', async () => {
    const data = Buffer.from(
      '# Crue \u001b[31mrouge\u0007\n\nLa préfecture a fermé les berges\u001b[2J de la Loire après la crue, la plus forte depuis vingt ans, et évacué quatre cents habitants.\r\n',
    );
    const result = await ingest({ file: { name: 'note.md', data } }, scene.deps);
    const raw = await readFile(join(scene.corpusDir, `${result.id}.md`), 'utf8');
    expect(result.title).toBe('Crue [31mrouge');
    expect(raw).not.toMatch(UNSAFE);
    expect(raw).toContain('les berges[2J de la Loire');
  });
});

describe('an oversized publisher (finding 4)', () => {
  it('ingests a page whose og:site_name is 40 000 characters, the publisher capped', async () => {
    const site = `Gazette ${'très '.repeat(8000)}longue`;
    const { result } = await ingestPage(`<title>Crue de la Loire | ${site}</title><meta property="og:site_name" content="${site}">`);
    expect(result.status).toBe('added');
    expect(result.source.publisher!.length).toBeLessThanOrEqual(120);
    expect(result.title.length).toBeLessThanOrEqual(200);
  });

  it('strips a site suffix by plain comparison, whatever characters the publisher holds', () => {
    expect(stripSiteSuffix('Crue de la Loire | C++ (Le [Journal]) *', 'C++ (Le [Journal]) *')).toBe('Crue de la Loire');
    expect(stripSiteSuffix('Crue de la Loire — le journal', 'Le Journal')).toBe('Crue de la Loire');
    expect(stripSiteSuffix('Le Journal', 'Le Journal')).toBe('Le Journal');
    expect(stripSiteSuffix('Crue: Le Journal bis', 'Le Journal')).toBe('Crue: Le Journal bis');
  });
});

describe('cleaning helpers', () => {
  it('collapses whitespace and caps a line between words', () => {
    expect(cleanLine('  Un\t\ttitre\n sur  deux lignes ', 200)).toBe('Un titre sur deux lignes');
    const capped = cleanLine('mot '.repeat(100), 50);
    expect(capped).toMatch(/^(mot )+mot…$/);
    expect(capped.length).toBeLessThanOrEqual(50);
  });

  it('keeps line feeds and tabs in text, makes carriage returns line feeds', () => {
    expect(cleanText('a\tb\r\nc\rd\u0007e\u202ef')).toBe('a\tb\nc\nde' + 'f');
  });
});

describe('pages real sites serve (finding 5)', () => {
  it('ingests a UTF-16 page with a byte-order mark with its metadata', async () => {
    const html =
      '<!doctype html><html lang="fr"><head><title>Crue de la Loire : les berges fermées</title>' +
      '<meta property="og:site_name" content="La Voix du Fleuve"><meta property="article:published_time" content="2025-03-12T08:00:00+01:00">' +
      `</head><body><article>${BODY}</article></body></html>`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
    const { result } = await ingestPage('', '', { bytes, type: 'text/html' });
    expect(result.source).toMatchObject({
      title: 'Crue de la Loire : les berges fermées',
      publisher: 'La Voix du Fleuve',
      date: '2025-03-12',
      language: 'fr',
    });
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles[0]!.text).toContain('quatre cents habitants');
  });

  it.each([
    ['a CDATA section', '<![CDATA[ %s ]]>'],
    ['a commented CDATA section', '//<![CDATA[\n%s\n//]]>'],
    ['a block comment CDATA section', '/*<![CDATA[*/ %s /*]]>*/'],
  ])('reads JSON-LD wrapped in %s', async (_, wrapper) => {
    const ld = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: 'Crue de la Loire',
      datePublished: '2025-03-12T07:45:00+01:00',
      author: [{ '@type': 'Person', name: 'Louise Martin' }, { '@type': 'Person', name: 'Hugo Bernard' }],
      publisher: { '@type': 'Organization', name: 'La Voix du Fleuve' },
    });
    const { result, raw } = await ingestPage(`<title>Crue de la Loire</title><script type="application/ld+json">${wrapper.replace('%s', ld)}</script>`);
    expect(result.source).toMatchObject({ date: '2025-03-12', publisher: 'La Voix du Fleuve', author: 'Louise Martin, Hugo Bernard' });
    expect(raw).toContain('author: Louise Martin, Hugo Bernard');
  });

  it('reads a SocialMediaPosting as an article', async () => {
    const ld = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'SocialMediaPosting',
      headline: 'Crue de la Loire : le point de la préfecture',
      datePublished: '2025-03-13',
      author: { '@type': 'Person', name: 'Préfecture du Loiret' },
      publisher: { '@type': 'Organization', name: 'Réseau Social' },
    });
    const { result } = await ingestPage(`<script type="application/ld+json">${ld}</script>`);
    expect(result.source).toMatchObject({
      title: 'Crue de la Loire : le point de la préfecture',
      date: '2025-03-13',
      publisher: 'Réseau Social',
      author: 'Préfecture du Loiret',
    });
  });

  it('keeps the page’s title when the JSON-LD headline is a description (Wikipedia)', async () => {
    const ld = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Article',
      name: 'Liste des crues de la Loire',
      headline: 'article de liste de Wikimedia',
      datePublished: '2004-06-01T10:00:00Z',
      publisher: { '@type': 'Organization', name: 'Fondation Wikimedia, Inc.' },
    });
    const { result } = await ingestPage(`<title>Liste des crues de la Loire — Wikipédia</title><script type="application/ld+json">${ld}</script>`);
    expect(result.title).toBe('Liste des crues de la Loire');
    expect(result.source.date).toBe('2004-06-01');
  });
});

describe('the author (finding 8)', () => {
  it('is read from <meta name="author"> and stored in the article file', async () => {
    const { result, raw } = await ingestPage('<title>Crue de la Loire</title><meta name="author" content="Louise  Martin">');
    expect(result.source.author).toBe('Louise Martin');
    expect(raw).toContain('author: Louise Martin');
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles[0]!.author).toBe('Louise Martin');
  });

  it('is null when the page names none — never a profile URL, never the publisher again', async () => {
    const { result, raw } = await ingestPage(
      '<title>Crue de la Loire</title><meta property="og:site_name" content="La Voix du Fleuve">' +
        '<meta property="article:author" content="https://www.facebook.com/lavoixdufleuve">' +
        '<meta name="author" content="La Voix du Fleuve">',
    );
    expect(result.source.author).toBeNull();
    expect(raw).toContain('author: null');
  });
});
