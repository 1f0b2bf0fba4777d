import { describe, expect, it } from 'vitest';
import { extractArticle, fromHtml, fromText } from '../src/engine/ingest/extract-article.js';
import { IngestError } from '../src/engine/ingest/ingest-error.js';
import { normalizeDate, normalizeLanguage } from '../src/engine/ingest/page-metadata.js';
import { sniffDocument } from '../src/engine/ingest/sniff-type.js';
import { makePdf } from './fixtures/ingest/make-pdf.js';
import { fixture, PNG } from './fixtures/ingest/page-server.js';
import { rejoinLines } from '../src/engine/ingest/pdf-to-text.js';

const PAGE_URL = 'https://quotidien.example/economie/stargate-500-milliards?utm_source=x';

describe('extractArticle from a news page', () => {
  const article = fromHtml(fixture('news-article.html').toString('utf8'), PAGE_URL);

  it('keeps the article paragraphs in order', () => {
    const paragraphs = article.text.split('\n\n');
    expect(paragraphs).toHaveLength(4);
    expect(paragraphs[0]).toMatch(/^Le président américain Donald Trump a annoncé mardi/);
    expect(paragraphs[3]).toMatch(/« bien moins de 10 milliards » de liquidités disponibles\.$/);
  });

  it.each([
    ['navigation', 'Politique'],
    ['ads', 'PUBLICITÉ'],
    ['sponsored content', 'Contenu sponsorisé'],
    ['newsletter prompt', 'newsletter'],
    ['newsletter pitch', 'Recevez chaque matin'],
    ['related links', 'À lire aussi'],
    ['comments', 'JeanMi42'],
    ['comments header', 'Commentaires'],
    ['footer', 'Mentions légales'],
    ['byline', 'Par Claire Dupont'],
    ['scripts', 'tracker'],
  ])('drops %s', (_what, fragment) => {
    expect(article.text).not.toContain(fragment);
  });

  it('reads metadata from Open Graph, article: tags, JSON-LD and <html lang>', () => {
    expect(article).toMatchObject({
      title: 'Stargate : OpenAI et SoftBank promettent 500 milliards de dollars',
      titleFromText: false,
      publisher: 'Le Quotidien du Test',
      canonicalUrl: 'https://quotidien.example/economie/stargate-500-milliards',
      date: '2025-01-22',
      language: 'fr',
      kind: 'html',
    });
  });
});

describe('extractArticle from a page without metadata', () => {
  const article = fromHtml(fixture('bare-page.html').toString('utf8'), 'http://127.0.0.1:9/bare');

  it('leaves publisher, canonical URL, date and language null', () => {
    expect(article.publisher).toBeNull();
    expect(article.canonicalUrl).toBeNull();
    expect(article.date).toBeNull();
    expect(article.language).toBeNull();
  });

  it('uses the first sentence as the title and says so', () => {
    expect(article.title).toBe("Une réunion des ministres des finances s'est tenue ce matin pour discuter de la réforme du système de retraites.");
    expect(article.titleFromText).toBe(true);
    expect(article.text.split('\n\n')).toHaveLength(3);
  });
});

describe('page metadata edge cases', () => {
  const page = (head: string, body = '<article><p>Texte.</p></article>', lang = '') =>
    fromHtml(`<!doctype html><html${lang}><head>${head}</head><body>${body}</body></html>`, 'https://site.example/a');

  it('follows JSON-LD @graph and publisher @id references', () => {
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'Organization', '@id': 'https://site.example/#org', name: 'Gazette du Graphe' },
        { '@type': ['NewsArticle'], headline: 'Titre du graphe', datePublished: '2024-12-03', publisher: { '@id': 'https://site.example/#org' }, inLanguage: 'fr-CA' },
      ],
    };
    const a = page(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`);
    expect(a).toMatchObject({ title: 'Titre du graphe', publisher: 'Gazette du Graphe', date: '2024-12-03', language: 'fr' });
  });

  it('ignores broken JSON-LD and reads the next source', () => {
    const a = page('<script type="application/ld+json">{ not json</script><meta property="og:site_name" content="Le Site">');
    expect(a.publisher).toBe('Le Site');
  });

  it('takes a <time> inside the article but not one elsewhere', () => {
    expect(page('', '<article><time datetime="2023-05-04T10:00:00Z">4 mai</time><p>Texte.</p></article>').date).toBe('2023-05-04');
    expect(page('', '<div><time datetime="2023-05-04">4 mai</time></div><article><p>Texte.</p></article>').date).toBeNull();
  });

  it('resolves a relative canonical link against the page URL and drops its fragment', () => {
    expect(page('<link rel="canonical" href="/articles/42#top">').canonicalUrl).toBe('https://site.example/articles/42');
  });

  it('keeps an article body whose wrapper carries a boilerplate-looking class', () => {
    const body = '<div class="story share-enabled"><p>' + 'Le texte principal de la dépêche, long et informatif. '.repeat(12) + '</p></div><div class="share">Partager</div>';
    const a = page('<title>Dépêche</title>', body);
    expect(a.text).toContain('Le texte principal de la dépêche');
    expect(a.text).not.toContain('Partager');
  });

  it('strips the site name from a <title> fallback', () => {
    expect(page('<title>Grève des transports - La Gazette</title><meta property="og:site_name" content="La Gazette">').title).toBe('Grève des transports');
  });

  it('reads the language from <html lang> and never from the text', () => {
    expect(page('', undefined, ' lang="en-GB"').language).toBe('en');
    expect(page('').language).toBeNull();
  });

  it.each([
    ['2025-01-22T08:30:00+01:00', '2025-01-22'],
    ['2024-12', '2024-12'],
    ['2025-13-01', null],
    ['22 janvier 2025', null],
    ['', null],
  ])('normalizes the date %s to %s', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each([
    ['fr-FR', 'fr'],
    ['fr_FR', 'fr'],
    ['EN', 'en'],
    ['français', null],
  ])('normalizes the language %s to %s', (input, expected) => {
    expect(normalizeLanguage(input)).toBe(expected);
  });
});

describe('extractArticle from Markdown and plain text', () => {
  it('takes the title from the first heading and strips the markup', () => {
    const a = fromText('# Budget voté\n\nLe conseil a voté le budget **à l’unanimité**, voir [le compte rendu](https://x.example).\n\n- point un\n- point deux\n', 'markdown');
    expect(a.title).toBe('Budget voté');
    expect(a.text).toBe('Le conseil a voté le budget à l’unanimité, voir le compte rendu.\n\npoint un\npoint deux');
    expect(a).toMatchObject({ publisher: null, canonicalUrl: null, date: null, language: null, titleFromText: false });
  });

  it('takes the title from a short first line of plain text', () => {
    const a = fromText('Grève à la SNCF\n\nLe trafic sera très perturbé jeudi.\n', 'text');
    expect(a.title).toBe('Grève à la SNCF');
    expect(a.text).toBe('Le trafic sera très perturbé jeudi.');
  });

  it('keeps a first line that is a sentence as text, titling from it', () => {
    const a = fromText('Le trafic sera très perturbé jeudi. Les syndicats appellent à la grève.\n', 'text');
    expect(a.text).toBe('Le trafic sera très perturbé jeudi. Les syndicats appellent à la grève.');
    expect(a.title).toBe('Le trafic sera très perturbé jeudi.');
    expect(a.titleFromText).toBe(true);
  });

  it('honours metadata stated in YAML front matter', () => {
    const a = fromText('---\ntitle: "Titre déclaré"\npublisher: Le Monde\nurl: https://lemonde.example/a\ndate: "2025-01"\nlanguage: fr\n---\nCorps du texte.\n', 'markdown');
    expect(a).toMatchObject({ title: 'Titre déclaré', publisher: 'Le Monde', canonicalUrl: 'https://lemonde.example/a', date: '2025-01', language: 'fr', text: 'Corps du texte.' });
  });
});

describe('extractArticle from bytes', () => {
  it('decodes a Latin-1 page by its declared charset', async () => {
    const html = '<html><head><meta charset="iso-8859-1"><title>Été</title></head><body><p>Déjà vu à Noël.</p></body></html>';
    const a = await extractArticle({ data: Buffer.from(html, 'latin1') });
    expect(a.text).toBe('Déjà vu à Noël.');
    expect(a.title).toBe('Été');
  });

  it('refuses a binary by content even when named .md and typed text/html', async () => {
    const error = await extractArticle({ data: PNG, name: 'article.md', mime: 'text/html' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('NOT_A_DOCUMENT');
    expect((error as IngestError).message).toBe('Refused file "article.md": it is image/png, not a document (HTML, PDF, Markdown or plain text).');
  });

  it('refuses bytes that are not text even without a known magic number', async () => {
    const bytes = Buffer.from([0x13, 0x37, 0x00, 0x01, 0x02, 0x00, 0xff, 0xfe, 0x41, 0x42]);
    const error = (await extractArticle({ data: bytes, name: 'notes.txt' }).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('NOT_A_DOCUMENT');
  });

  it('refuses an attachment over the size cap', async () => {
    const error = (await extractArticle({ data: Buffer.alloc(2048, 0x61), name: 'big.txt' }, { maxBytes: 1024 }).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe('Refused file "big.txt": it is larger than 1 KB.');
  });

  it('refuses a document with no text', async () => {
    const error = (await extractArticle({ data: Buffer.from('<html><body><nav>Menu</nav></body></html>'), mime: 'text/html' }).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('EMPTY_DOCUMENT');
    expect(error.message).toBe('The page has no article text left after removing menus, ads and other page furniture.');
  });

  it('reads an HTML attachment named .txt as HTML (content decides)', async () => {
    const a = await extractArticle({ data: fixture('news-article.html'), name: 'page.txt' });
    expect(a.kind).toBe('html');
    expect(a.publisher).toBe('Le Quotidien du Test');
  });
});

describe('sniffDocument', () => {
  it.each([
    ['<!DOCTYPE html><html><body></body></html>', 'html'],
    ['  \n<html lang="fr">', 'html'],
    ['<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>', 'html'],
    ['# Titre\n\nTexte', 'markdown'],
    ['Juste du texte.', 'text'],
  ])('recognizes %j as %s', async (text, kind) => {
    expect(await sniffDocument(Buffer.from(text))).toEqual({ document: true, kind });
  });

  it('recognizes a PDF by its magic number, whatever it is called', async () => {
    expect(await sniffDocument(makePdf([['x']]), { name: 'notes.txt', mime: 'text/plain' })).toEqual({ document: true, kind: 'pdf' });
  });

  it.each([
    [PNG, 'image/png'],
    [Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'application/xml'],
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), 'application/zip'],
  ])('refuses binary formats (%#)', async (bytes, detected) => {
    const result = await sniffDocument(bytes);
    expect(result.document).toBe(false);
    expect(!result.document && result.detected).toBe(detected);
  });
});

describe('extractArticle from a PDF', () => {
  const lines = [
    'Budget 2025 de la ville d’Orléans',
    '',
    'Le conseil municipal a adopté mardi soir le budget primitif de la ville, en',
    'hausse de deux pour cent par rapport à l’année précédente, après un débat',
    'de trois heures. Les investissements porteront sur les écoles et la voi-',
    'rie.',
  ];

  it('reads the text, rejoining visual lines and mending hyphenation', async () => {
    const a = await extractArticle({ data: makePdf([lines, ['Deuxième page : le détail des dépenses de fonctionnement.']]), name: 'budget.pdf' });
    expect(a.kind).toBe('pdf');
    expect(a.title).toBe('Budget 2025 de la ville d’Orléans'.replace('’', "'"));
    expect(a.text).toBe(
      "Le conseil municipal a adopté mardi soir le budget primitif de la ville, en hausse de deux pour cent par rapport à l'année précédente, après un débat de trois heures. Les investissements porteront sur les écoles et la voirie.\n\nDeuxième page : le détail des dépenses de fonctionnement.",
    );
    expect(a).toMatchObject({ publisher: null, canonicalUrl: null, date: null, titleFromText: false });
  });

  it('prefers the title the PDF declares, unless it is a file name', async () => {
    const declared = await extractArticle({ data: makePdf([lines.slice(2)], { title: 'Budget primitif 2025' }) });
    expect(declared.title).toBe('Budget primitif 2025');
    const fileName = await extractArticle({ data: makePdf([lines.slice(2)], { title: 'Microsoft Word - budget_v3.docx' }) });
    expect(fileName.title).toBe('Le conseil municipal a adopté mardi soir le budget primitif de la ville, en hausse de deux pour cent par rapport à…');
    expect(fileName.titleFromText).toBe(true);
  });

  it('refuses a file that starts like a PDF but is not one', async () => {
    const error = (await extractArticle({ data: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj garbage'), name: 'broken.pdf' }).catch((e: unknown) => e)) as IngestError;
    expect(error).toBeInstanceOf(IngestError);
    expect(['NOT_A_PDF', 'EMPTY_DOCUMENT']).toContain(error.code);
    expect(error.message).toMatch(/^(Refused file "broken.pdf": it starts like a PDF but cannot be read as one|File "broken.pdf" has no article text)/);
  });

  it('rejoins lines: sentence ends and short lines close paragraphs', () => {
    expect(rejoinLines('Un titre\nUne phrase qui continue sur la ligne\nsuivante et finit ici.\nUne autre.')).toBe(
      'Un titre\n\nUne phrase qui continue sur la ligne suivante et finit ici.\n\nUne autre.',
    );
  });
});
