import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { ingest } from '../src/engine/ingest/ingest.js';
import { IngestError } from '../src/engine/ingest/ingest-error.js';
import { sameSite } from '../src/engine/ingest/same-site.js';
import { ingestScene } from './helpers/ingest-scene.js';

// Issue 14, findings 1 and 2: an upload or a page on another host must not take over an
// article already in the coverage under another outlet's name.

// Every host name resolves to the local page server: the names are what is being judged.
const scene = ingestScene('depeche-hijack-', { resolve: async () => [{ address: '127.0.0.1', family: 4 }] });

const PARAGRAPH =
  'Le conseil régional a adopté jeudi un plan de rénovation des lycées de quatre cents millions d’euros sur six ans, ' +
  'financé pour moitié par l’emprunt, après une séance de neuf heures marquée par les critiques de l’opposition.';

function page(options: { title: string; canonical?: string; site?: string; text?: string }): string {
  return (
    `<!doctype html><html lang="fr"><head><title>${options.title}</title>` +
    (options.site ? `<meta property="og:site_name" content="${options.site}">` : '') +
    (options.canonical ? `<link rel="canonical" href="${options.canonical}">` : '') +
    `</head><body><article><h1>${options.title}</h1><p>${options.text ?? PARAGRAPH}</p>` +
    `<p>Les travaux commenceront à la rentrée dans les établissements les plus anciens du territoire.</p></article></body></html>`
  );
}

/** The real article, fetched from its own site: what a hijack would try to overwrite. */
async function realArticle(host: string, path: string, canonical: string) {
  scene.server.pages.set(path, { body: page({ title: 'Plan lycées : 400 millions', canonical, site: 'Le Vrai Journal' }) });
  return ingest({ url: `http://${host}:${scene.server.port}${path}` }, scene.deps);
}

const fakeNote = (url: string) =>
  Buffer.from(
    `---\ntitle: Faux article\nurl: ${url}\n---\n# Faux article\n\n` +
      'Le président de région a démissionné ce matin en avouant avoir détourné les fonds du plan lycées au profit de ses amis.\n',
  );

describe('an uploaded file declaring an existing article’s URL', () => {
  it('is refused with a line naming the article, and the article is left as it was', async () => {
    const real = await realArticle('www.vraijournal.example', '/lycees', 'https://www.vraijournal.example/lycees');
    const before = await readFile(join(scene.corpusDir, `${real.id}.md`), 'utf8');

    const error = (await ingest({ file: { name: 'claim.md', data: fakeNote('https://www.vraijournal.example/lycees') } }, scene.deps).catch(
      (e: unknown) => e,
    )) as IngestError;

    expect(error).toBeInstanceOf(IngestError);
    expect(error.code).toBe('NEEDS_REPLACE');
    expect(error.params).toEqual({ id: real.id, title: 'Plan lycées : 400 millions', url: 'https://www.vraijournal.example/lycees' });
    expect(error.message).toBe(
      `Not replacing «Plan lycées : 400 millions» (${real.id}): that article comes from https://www.vraijournal.example/lycees and this text does not. To replace it on purpose, ingest again with --replace.`,
    );
    expect(await readFile(join(scene.corpusDir, `${real.id}.md`), 'utf8')).toBe(before);
    expect((await readdir(scene.corpusDir)).filter((n) => n.endsWith('.md'))).toHaveLength(1);
  });

  it('replaces the article only with the explicit replace option, reporting before and after', async () => {
    const real = await realArticle('www.vraijournal.example', '/lycees', 'https://www.vraijournal.example/lycees');
    const result = await ingest({ file: { name: 'claim.md', data: fakeNote('https://www.vraijournal.example/lycees') }, replace: true }, scene.deps);
    expect(result).toMatchObject({ status: 'updated', id: real.id, replaced: true, title: 'Faux article' });
    expect(result.previous).toMatchObject({ id: real.id, title: 'Plan lycées : 400 millions', publisher: 'Le Vrai Journal' });
    expect(result.source).toMatchObject({ id: real.id, title: 'Faux article', url: 'https://www.vraijournal.example/lycees' });
  });

  it('adds a file declaring an address no article has, under that address', async () => {
    const result = await ingest({ file: { name: 'note.md', data: fakeNote('https://autre.example/nouveau') } }, scene.deps);
    expect(result).toMatchObject({ status: 'added', source: { url: 'https://autre.example/nouveau' } });
  });
});

describe('a page redirected from an article’s address to another host', () => {
  it('cannot replace that article without the replace option', async () => {
    const real = await realArticle('vraijournal.example', '/moved', `http://vraijournal.example:${scene.server.port}/moved`);
    const before = await readFile(join(scene.corpusDir, `${real.id}.md`), 'utf8');
    // The outlet's address now redirects elsewhere (an open redirect, a lapsed domain).
    scene.server.pages.set('/moved', { location: `http://squatter.example:${scene.server.port}/elsewhere` });
    scene.server.pages.set('/elsewhere', { body: page({ title: 'Autre texte', text: `Un texte tout autre. ${PARAGRAPH}` }) });

    const error = (await ingest({ url: `http://vraijournal.example:${scene.server.port}/moved` }, scene.deps).catch((e: unknown) => e)) as IngestError;

    expect(error).toBeInstanceOf(IngestError);
    expect(error.code).toBe('NEEDS_REPLACE');
    expect(error.params).toMatchObject({ id: real.id });
    expect(await readFile(join(scene.corpusDir, `${real.id}.md`), 'utf8')).toBe(before);
  });

  it('updates the article when its own site serves a new version', async () => {
    const real = await realArticle('vraijournal.example', '/lycees-v', 'https://vraijournal.example/lycees-v');
    scene.server.pages.set('/lycees-v', {
      body: page({ title: 'Plan lycées : 450 millions', canonical: 'https://vraijournal.example/lycees-v', text: `Mise à jour. ${PARAGRAPH}` }),
    });
    const result = await ingest({ url: `http://www.vraijournal.example:${scene.server.port}/lycees-v` }, scene.deps);
    expect(result).toMatchObject({ status: 'updated', id: real.id, title: 'Plan lycées : 450 millions' });
    expect(result.replaced).toBeUndefined();
  });
});

describe('a page on a subdomain declaring its parent domain as canonical', () => {
  it.each([
    ['attacker.medium.com', 'https://medium.com/@victim/real-post'],
    ['someone.blog.lemonde.fr', 'https://www.lemonde.fr/politique/article/2025/01/22/vrai'],
    ['evil.github.io', 'https://github.io/real'],
  ])('%s cannot claim %s: the text is stored under the address it came from', async (host, victimUrl) => {
    scene.server.pages.set('/post', { body: page({ title: 'Article piégé', canonical: victimUrl }) });
    const result = await ingest({ url: `http://${host}:${scene.server.port}/post` }, scene.deps);
    expect(result.status).toBe('added');
    expect(result.source.url).toBe(`http://${host}:${scene.server.port}/post`);
    const { articles } = await loadCorpus(scene.corpusDir);
    expect(articles.map((a) => a.url)).toEqual([`http://${host}:${scene.server.port}/post`]);
  });

  it('does not touch the victim’s article already in the coverage', async () => {
    const victim = await realArticle('medium.com', '/real', 'https://medium.com/@victim/real-post');
    const victimFile = await readFile(join(scene.corpusDir, `${victim.id}.md`), 'utf8');
    scene.server.pages.set('/post', { body: page({ title: 'Article piégé', canonical: 'https://medium.com/@victim/real-post', text: `Faux. ${PARAGRAPH}` }) });
    const result = await ingest({ url: `http://attacker.medium.com:${scene.server.port}/post` }, scene.deps);
    expect(result.status).toBe('added');
    expect(result.id).not.toBe(victim.id);
    expect(await readFile(join(scene.corpusDir, `${victim.id}.md`), 'utf8')).toBe(victimFile);
  });

  it('keeps a canonical URL on the same site’s www., m. or amp. front door', async () => {
    scene.server.pages.set('/amp-page', { body: page({ title: 'Version AMP', canonical: 'https://www.lemonde.fr/article-complet' }) });
    const result = await ingest({ url: `http://amp.lemonde.fr:${scene.server.port}/amp-page` }, scene.deps);
    expect(result.source.url).toBe('https://www.lemonde.fr/article-complet');
  });
});

describe('sameSite', () => {
  it.each([
    ['https://www.lemonde.fr/a', 'https://amp.lemonde.fr/a', true],
    ['https://lemonde.fr/a', 'https://m.lemonde.fr/a', true],
    ['http://www.lemonde.fr/a', 'https://www.lemonde.fr:8443/b', true],
    ['https://blog.example.com/a', 'https://www.blog.example.com/a', true],
    ['https://medium.com/@victim/post', 'https://attacker.medium.com/x', false],
    ['https://www.lemonde.fr/a', 'https://someone.blog.lemonde.fr/x', false],
    ['https://github.io/real', 'https://evil.github.io/x', false],
    ['https://github.io/real', 'https://m.github.io/x', false],
    ['https://victim.github.io/a', 'https://evil.github.io/a', false],
    ['https://example.com/a', 'https://example.com.evil.org/a', false],
    ['https://cnn.com/a', 'https://edition.cnn.com/a', false],
  ])('%s declared by a page on %s: %s', (declared, fetched, expected) => {
    expect(sameSite(declared, fetched)).toBe(expected);
  });
});
