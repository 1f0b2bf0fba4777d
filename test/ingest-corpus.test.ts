import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isArticleFileName } from '../src/engine/corpus/article-file.js';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { articleId, slugify } from '../src/engine/ingest/article-id.js';
import { processStart, selfOwner } from '../src/engine/fs/lock-owner.js';
import { LOCK_FILE, withCorpusLock } from '../src/engine/ingest/corpus-lock.js';
import { chooseUrl, ingest, removeArticle } from '../src/engine/ingest/ingest.js';
import { IngestError } from '../src/engine/ingest/ingest-error.js';
import { PENDING_DIR, readPending } from '../src/engine/ingest/pending-changes.js';
import { fixture, PNG } from './fixtures/ingest/page-server.js';
import { ingestScene } from './helpers/ingest-scene.js';

const scene = ingestScene('depeche-ingest-');

const changedPage = (paragraph: string) =>
  `<!doctype html><html lang="fr"><head><title>Budget municipal</title><meta property="og:site_name" content="La Gazette locale"></head>` +
  `<body><article><p>${paragraph}</p><p>Le maire a défendu un budget « responsable » face à une opposition qui dénonce la hausse de la taxe foncière de trois pour cent.</p></article></body></html>`;

describe('ingest from a URL', () => {
  it('adds a news page as an article file the corpus loader reads back', async () => {
    const steps: string[] = [];
    // The page's canonical URL is on quotidien.example: serve it under that name (resolved to
    // the local server) so the canonical address counts as the same site.
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const url = `http://quotidien.example:${scene.server.port}/news/stargate`;
    const result = await ingest({ url }, { ...scene.deps, fetch: { ...scene.deps.fetch, resolve }, onProgress: (s) => steps.push(s) });
    expect(result.status).toBe('added');
    expect(result.id).toMatch(/^stargate-openai-et-softbank-promettent-500-milliards-de-[0-9a-f]{8}$/);
    expect(steps).toEqual(['fetch', 'extract', 'write']);

    const { articles, skipped } = await loadCorpus(scene.corpusDir);
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(1);
    const article = articles[0]!;
    expect(article).toMatchObject({
      id: result.id,
      title: 'Stargate : OpenAI et SoftBank promettent 500 milliards de dollars',
      publisher: 'Le Quotidien du Test',
      author: 'Claire Dupont',
      url: 'https://quotidien.example/economie/stargate-500-milliards',
      date: '2025-01-22',
      language: 'fr',
    });
    expect(article.text).toContain('Abilene');
    expect(article.text).not.toContain('newsletter');
    expect(article.kept.length).toBeGreaterThan(0);
    expect(result.source).toEqual({ id: result.id, title: article.title, publisher: article.publisher, author: 'Claire Dupont', url: article.url, date: article.date, language: article.language });
  });

  it('records the fetched URL when the page declares none, and nulls the rest', async () => {
    const result = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    const raw = await readFile(join(scene.corpusDir, `${result.id}.md`), 'utf8');
    expect(raw).toContain(`url: ${scene.server.origin}/bare`);
    expect(raw).toMatch(/publisher: null\ndate|publisher: null/);
    expect(result.source).toMatchObject({ url: `${scene.server.origin}/bare`, publisher: null, date: null, language: null });
    expect(raw).toContain('title_descriptive: true');
  });

  it('reports a second ingest of the same page as a duplicate, even through a redirect', async () => {
    const first = await ingest({ url: `${scene.server.origin}/news/stargate` }, scene.deps);
    const again = await ingest({ url: `${scene.server.origin}/redirect/1` }, scene.deps);
    expect(again).toMatchObject({ status: 'duplicate', id: first.id, matchedBy: 'url' });
    expect((await readdir(scene.corpusDir)).filter((n) => n.endsWith('.md'))).toHaveLength(1);
  });

  it('reports the same text under another address as a duplicate', async () => {
    const first = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    const again = await ingest({ file: { name: 'copie.html', data: fixture('bare-page.html') } }, scene.deps);
    expect(again).toMatchObject({ status: 'duplicate', id: first.id, matchedBy: 'text' });
  });

  it('replaces the old version when a page changed, keeping its id', async () => {
    scene.server.changing.html = changedPage('Le conseil municipal a adopté mardi soir le budget primitif de la ville, en hausse de deux pour cent par rapport à l’an dernier.');
    const first = await ingest({ url: `${scene.server.origin}/changing` }, scene.deps);
    scene.server.changing.html = changedPage('Le conseil municipal a adopté mardi soir le budget primitif de la ville, en hausse de quatre pour cent après un amendement de dernière minute.');
    const second = await ingest({ url: `${scene.server.origin}/changing` }, scene.deps);
    expect(second).toMatchObject({ status: 'updated', id: first.id });
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles).toHaveLength(1);
    expect(articles[0]!.text).toContain('quatre pour cent');
    expect(articles[0]!.text).not.toContain('deux pour cent');
  });

  it('keeps a known fact the new version of a page no longer states', async () => {
    scene.server.changing.html = changedPage('Le conseil municipal a adopté le budget primitif, en hausse de deux pour cent.').replace('<head>', '<head><meta property="article:published_time" content="2025-03-04T18:00:00+01:00">');
    const first = await ingest({ url: `${scene.server.origin}/changing` }, scene.deps);
    expect(first.source.date).toBe('2025-03-04');
    scene.server.changing.html = changedPage('Le conseil municipal a adopté le budget primitif, en hausse de trois pour cent.');
    const second = await ingest({ url: `${scene.server.origin}/changing` }, scene.deps);
    expect(second.status).toBe('updated');
    expect(second.source).toMatchObject({ id: first.id, date: '2025-03-04', publisher: 'La Gazette locale' });
  });

  it('lets fetch refusals through unchanged and writes nothing', async () => {
    const error = (await ingest({ url: `${scene.server.origin}/to-metadata` }, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error).toBeInstanceOf(IngestError);
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    const binary = (await ingest({ url: `${scene.server.origin}/disguised` }, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(binary.code).toBe('NOT_A_DOCUMENT');
    expect(binary.message).toBe(`Refused ${scene.server.origin}/disguised: it is image/png, not a document (HTML, PDF, Markdown or plain text).`);
    expect(await readdir(scene.corpusDir)).toEqual([]);
  });

  it('ingests a PDF served as application/pdf with its declared title', async () => {
    const result = await ingest({ url: `${scene.server.origin}/rapport.pdf` }, scene.deps);
    expect(result).toMatchObject({ status: 'added', title: 'Rapport annuel de la Cour des comptes', source: { url: `${scene.server.origin}/rapport.pdf`, publisher: null, date: null } });
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles[0]!.text).toBe(
      'Le rapport annuel de la Cour des comptes, publié mercredi, pointe une dérive des dépenses de fonctionnement des collectivités locales.\n\nLes magistrats recommandent un plafonnement des hausses à un pour cent par an.\n',
    );
  });

  it('ingests Markdown served as text/markdown', async () => {
    const result = await ingest({ url: `${scene.server.origin}/note.md` }, scene.deps);
    expect(result).toMatchObject({ status: 'added', title: 'Note de synthèse' });
  });

  it('ingests a Latin-1 page and stores it as UTF-8', async () => {
    const result = await ingest({ url: `${scene.server.origin}/latin1` }, scene.deps);
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(result.title).toBe('Été brûlant à Orléans');
    expect(articles[0]!.text).toContain("L'été a été brûlant à Orléans");
  });
});

describe('ingest from an attachment', () => {
  it('adds a Markdown file with its heading as title and null metadata', async () => {
    const data = Buffer.from('# Grève à la SNCF\n\nLe trafic sera très perturbé jeudi sur l’ensemble du réseau, selon la direction.\n');
    const result = await ingest({ file: { name: 'greve.md', data } }, scene.deps);
    expect(result).toMatchObject({ status: 'added', title: 'Grève à la SNCF', source: { url: null, publisher: null, date: null, language: null } });
    expect(result.id).toMatch(/^greve-a-la-sncf-[0-9a-f]{8}$/);
  });

  it('refuses a binary whatever its name', async () => {
    const error = (await ingest({ file: { name: 'article.txt', data: PNG } }, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('NOT_A_DOCUMENT');
    expect(error.message).toBe('Refused file "article.txt": it is image/png, not a document (HTML, PDF, Markdown or plain text).');
  });

  it('refuses an attachment over the size cap', async () => {
    const error = (await ingest({ file: { name: 'big.txt', data: Buffer.alloc(6 * 1024 * 1024, 0x61) } }, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe('Refused file "big.txt": it is larger than 5 MB.');
  });

  it('refuses a file that is only boilerplate', async () => {
    const data = Buffer.from('Abonnez-vous à notre newsletter\n\nTous droits réservés\n');
    const error = (await ingest({ file: { name: 'promo.txt', data } }, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('EMPTY_DOCUMENT');
  });

  it('needs exactly one input', async () => {
    const error = (await ingest({}, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('NO_INPUT');
    expect(error.message).toBe('Give exactly one URL or one file to ingest.');
  });
});

/** The corpus folder's article files (the folder also holds the lock and the marks of changes not yet indexed). */
const articleFiles = async () => (await readdir(scene.corpusDir)).filter(isArticleFileName).sort();

describe('removeArticle', () => {
  it('takes the article file out of the corpus', async () => {
    const kept = await ingest({ url: `${scene.server.origin}/note.md` }, scene.deps);
    const added = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    const removed = await removeArticle(added.id, scene.deps);
    expect(removed.id).toBe(added.id);
    expect(await articleFiles()).toEqual([`${kept.id}.md`]);
    // Each change stays marked until an index update takes it up (this scene runs none).
    expect((await readPending(scene.corpusDir)).ids).toEqual(new Set([kept.id, added.id]));
  });

  it('takes out every file carrying that id, found by name, and leaves files of other ids alone', async () => {
    const kept = await ingest({ url: `${scene.server.origin}/note.md` }, scene.deps);
    await writeFile(join(scene.corpusDir, 'zz_double.md'), '---\ntitle: Double\n---\nLe texte en Markdown.\n');
    await writeFile(join(scene.corpusDir, 'zz_double.TXT'), 'Double\nLe texte en texte brut.\n');
    await writeFile(join(scene.corpusDir, 'zz_double-suite.md'), '---\ntitle: Suite\n---\nUn autre article.\n');
    expect((await removeArticle('zz_double', scene.deps)).title).toBe('Double');
    expect(await articleFiles()).toEqual([`${kept.id}.md`, 'zz_double-suite.md']);
    expect((await removeArticle('../zz_double-suite', scene.deps).catch((e: unknown) => e)) as IngestError).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to remove the last article', async () => {
    const only = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    const error = (await removeArticle(only.id, scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('LAST_ARTICLE');
    expect(error.message).toBe(`Not removing «${only.title}» (${only.id}): it is the last article of the coverage.`);
    expect(await articleFiles()).toEqual([`${only.id}.md`]);
  });

  it('says when no article has that id', async () => {
    const error = (await removeArticle('nope', scene.deps).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('No article with id "nope".');
  });
});

describe('concurrency and crash leftovers', () => {
  it('lands two concurrent ingests', async () => {
    const [a, b] = await Promise.all([
      ingest({ url: `${scene.server.origin}/news/stargate` }, scene.deps),
      ingest({ url: `${scene.server.origin}/bare` }, scene.deps),
    ]);
    expect(a.status).toBe('added');
    expect(b.status).toBe('added');
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('adds the same page only once when ingested twice at the same moment', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ingest({ url: `${scene.server.origin}/news/stargate` }, scene.deps)));
    expect(results.map((r) => r.status).sort()).toEqual(['added', 'duplicate', 'duplicate']);
    expect((await loadCorpus(scene.corpusDir)).articles).toHaveLength(1);
  });

  it('takes over a lock left by a dead process and sweeps its temporary files', async () => {
    // pid 2^22+1 is above Linux's pid_max default range: no such process.
    await writeFile(join(scene.corpusDir, LOCK_FILE), '4194305\n0\n');
    await writeFile(join(scene.corpusDir, 'half-written.md.tmp-4194305-1700000000000'), '---\ntitle: "cut');
    const result = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    expect(result.status).toBe('added');
    expect((await readdir(scene.corpusDir)).sort()).toEqual([PENDING_DIR, `${result.id}.md`]);
  });

  it('leaves what a crashed taker of the corpus lock left to the ingest sweep, which removes it off the event loop', async () => {
    // Records as `withFileLock` writes them while taking a lock: of a dead pid (gone) and of a
    // live process (another ingest taking the lock right now, which must keep its record).
    const record = (pid: number, nonce: string) => JSON.stringify({ ...selfOwner(nonce), pid, start: processStart(pid) ?? '1' });
    const dead = [`${LOCK_FILE}.0a1b2c3d.tmp`, `${LOCK_FILE}.takeover-0a1b2c3d`, `${LOCK_FILE}.0a1b2c3d.tmp.0`];
    for (const name of dead) await writeFile(join(scene.corpusDir, name), record(4194305, 'dead-taker'));
    const live = `${LOCK_FILE}.4e5f6a7b.tmp`;
    await writeFile(join(scene.corpusDir, live), record(process.ppid, 'live-taker'));

    // Taking the lock does not list the corpus folder (200 000 names at a million passages)…
    await withCorpusLock(scene.corpusDir, async () => undefined);
    expect((await readdir(scene.corpusDir)).sort()).toEqual([...dead, live].sort());
    // …an ingest's sweep (on the article worker, once per process and corpus) does.
    const result = await ingest({ url: `${scene.server.origin}/bare` }, scene.deps);
    expect((await readdir(scene.corpusDir)).sort()).toEqual([PENDING_DIR, `${result.id}.md`, live].sort());
  });

  it('waits for a live holder and then says the corpus is busy', async () => {
    await writeFile(join(scene.corpusDir, LOCK_FILE), `${process.ppid}\n0\n`);
    const error = (await withCorpusLock(scene.corpusDir, async () => 1, { waitMs: 150 }).catch((e: unknown) => e)) as IngestError;
    expect(error.code).toBe('LOCKED');
    expect(error.message).toBe('Another ingest or removal is writing the corpus; try again in a moment.');
  });
});

describe('ids and URLs', () => {
  it('slugs titles with accents and punctuation', () => {
    expect(slugify('Élection à Paris : l’« union » gagne !')).toBe('election-a-paris-l-union-gagne');
    expect(articleId('', 'x')).toMatch(/^article-[0-9a-f]{8}$/);
    expect(slugify('a'.repeat(30) + ' ' + 'b'.repeat(40)).length).toBeLessThanOrEqual(60);
  });

  it('keeps a canonical URL only on the site that was fetched', () => {
    expect(chooseUrl('https://www.site.example/a', 'https://site.example/a?utm=1')).toBe('https://www.site.example/a');
    expect(chooseUrl('https://other.example/victim', 'https://site.example/a#x')).toBe('https://site.example/a');
    expect(chooseUrl(null, 'https://site.example/a')).toBe('https://site.example/a');
    expect(chooseUrl('https://site.example/a', null)).toBe('https://site.example/a');
  });
});
