import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { urlKey } from '../src/engine/corpus/article-identity.js';
import { corpusCachePath, openCorpusCache, type CorpusCache } from '../src/engine/corpus/corpus-cache.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import { ingest, removeArticle } from '../src/engine/ingest/ingest.js';
import { fixture } from './fixtures/ingest/page-server.js';
import { ingestScene } from './helpers/ingest-scene.js';

/**
 * The duplicate check through the catalog index (corpus-files.db beside the index): a text hash
 * and URL keys looked up, and only the matching files read — not every file of the corpus.
 */
const scene = ingestScene('depeche-catalog-');

let indexDir: string;
let elsewhere: string;
const caches: CorpusCache[] = [];
beforeEach(async () => {
  indexDir = await mkdtemp(join(tmpdir(), 'depeche-catalog-index-'));
  elsewhere = await mkdtemp(join(tmpdir(), 'depeche-catalog-other-'));
});
afterEach(async () => {
  for (const c of caches.splice(0)) c.close();
  await rm(indexDir, { recursive: true, force: true });
  await rm(elsewhere, { recursive: true, force: true });
});

/** A connection to the cache file an engine keeps beside its index (each process opens its own). */
function openCache(): CorpusCache {
  const cache = openCorpusCache(corpusCachePath(indexDir));
  caches.push(cache);
  return cache;
}
const articleNames = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();

/** The article file an ingest of `url` writes, made in another folder (to be copied in by hand). */
async function fileOf(url: string): Promise<string> {
  const made = await ingest({ url }, { ...scene.deps, corpusDir: elsewhere });
  return readFile(join(elsewhere, `${made.id}.md`), 'utf8');
}

describe('the duplicate check through the catalog index', () => {
  it('refuses the same URL and the same text, and takes an article again once it was removed', async () => {
    const cache = openCache();
    const deps = { ...scene.deps, corpusCache: cache };
    const first = await ingest({ url: `${scene.server.origin}/news/stargate` }, deps);
    expect(first.status).toBe('added');
    expect(cache.catalog!.complete(scene.corpusDir)).toBe(true);

    expect(await ingest({ url: `${scene.server.origin}/redirect/1` }, deps)).toMatchObject({ status: 'duplicate', id: first.id, matchedBy: 'url' });
    const bare = await ingest({ url: `${scene.server.origin}/bare` }, deps);
    expect(await ingest({ file: { name: 'copie.html', data: fixture('bare-page.html') } }, deps)).toMatchObject({ status: 'duplicate', id: bare.id, matchedBy: 'text' });

    await removeArticle(first.id, { corpusDir: scene.corpusDir, corpusCache: cache });
    expect(cache.catalog!.row(`${first.id}.md`)).toBeNull();
    const again = await ingest({ url: `${scene.server.origin}/news/stargate` }, deps);
    expect(again.status).toBe('added');
    expect(await articleNames(scene.corpusDir)).toEqual([`${again.id}.md`, `${bare.id}.md`].sort());
  });

  it('fills the catalog from the files already there the first time, then keeps it from the writes', async () => {
    // A corpus written before the catalog existed (or whose cache file was lost).
    await writeFile(join(scene.corpusDir, 'ecrit-avant.md'), await fileOf(`${scene.server.origin}/bare`));
    const cache = openCache();
    expect(cache.catalog!.complete(scene.corpusDir)).toBe(false);
    const deps = { ...scene.deps, corpusCache: cache };
    expect(await ingest({ url: `${scene.server.origin}/bare` }, deps)).toMatchObject({ status: 'duplicate', id: 'ecrit-avant', matchedBy: 'url' });
    expect(cache.catalog!.complete(scene.corpusDir)).toBe(true);
    expect(cache.catalog!.row('ecrit-avant.md')).not.toBeNull();
    // Another corpus folder with this index folder is not what the catalog describes.
    expect(cache.catalog!.complete(elsewhere)).toBe(false);
  });

  it('fills it from a larger folder the same way, with the same result', async () => {
    // The first fill reads every file the cache does not know, on the article worker (its own
    // connection writes the rows): at 200 000 articles tens of seconds, at 256 tens of milliseconds.
    for (let i = 0; i < 300; i++) {
      await writeFile(join(scene.corpusDir, `archive-${String(i).padStart(3, '0')}.md`), `---\ntitle: "Archive ${i}"\nurl: https://archives.example/${i}\n---\nDépêche d'archive numéro ${i} sur le budget municipal.\n`);
    }
    await writeFile(join(scene.corpusDir, 'ecrit-avant.md'), await fileOf(`${scene.server.origin}/bare`));
    const cache = openCache();
    const deps = { ...scene.deps, corpusCache: cache };
    expect(await ingest({ url: `${scene.server.origin}/bare` }, deps)).toMatchObject({ status: 'duplicate', id: 'ecrit-avant', matchedBy: 'url' });
    expect(cache.catalog!.complete(scene.corpusDir)).toBe(true);
    expect(cache.catalog!.find('', ['archives.example/42'])).toEqual(['archive-042.md']);
  });

  it('sees an article copied in by hand once a full index has run, as the index itself does', async () => {
    const cache = openCache();
    const deps = { ...scene.deps, corpusCache: cache };
    await ingest({ url: `${scene.server.origin}/bare` }, deps);
    await writeFile(join(scene.corpusDir, 'copie-manuelle.md'), await fileOf(`${scene.server.origin}/news/stargate`));
    // Not looked at by the check (it reads no file the catalog does not name)…
    expect(cache.catalog!.find('', [urlKey(`${scene.server.origin}/news/stargate`)!])).toEqual([]);

    const store = createStore({ backend: 'local', indexDir });
    try {
      await buildIndex({ corpusDir: scene.corpusDir, store, loadEmbedder: null, corpusCache: cache });
    } finally {
      await store.close();
    }
    // …until `npm run index` brought the catalog level with the folder.
    expect(await ingest({ url: `${scene.server.origin}/news/stargate` }, deps)).toMatchObject({ status: 'duplicate', id: 'copie-manuelle' });
  });

  it('mends a stale row: an article deleted by hand is no longer a duplicate of anything', async () => {
    const cache = openCache();
    const deps = { ...scene.deps, corpusCache: cache };
    const first = await ingest({ url: `${scene.server.origin}/bare` }, deps);
    await rm(join(scene.corpusDir, `${first.id}.md`));
    const again = await ingest({ url: `${scene.server.origin}/bare` }, deps);
    expect(again.status).toBe('added');
    expect(await articleNames(scene.corpusDir)).toEqual([`${again.id}.md`]);
  });

  it('keeps writers with their own connections (as two processes have) from adding one article twice', async () => {
    const a = { ...scene.deps, corpusCache: openCache() };
    const b = { ...scene.deps, corpusCache: openCache() };
    const url = `${scene.server.origin}/news/stargate`;
    // Another article first: the last one cannot be removed.
    await ingest({ url: `${scene.server.origin}/bare` }, a);
    const results = await Promise.all([ingest({ url }, a), ingest({ url }, b), ingest({ url }, a), ingest({ url }, b)]);
    expect(results.map((r) => r.status).sort()).toEqual(['added', 'duplicate', 'duplicate', 'duplicate']);
    expect(await articleNames(scene.corpusDir)).toHaveLength(2);

    // A removal through one connection is seen by the other's next check.
    await removeArticle(results[0]!.id, { corpusDir: scene.corpusDir, corpusCache: a.corpusCache });
    expect((await ingest({ url }, b)).status).toBe('added');
  });
});

describe('the catalog index', () => {
  it('is synced to a listing without undoing a row written after the listing began', async () => {
    const cache = openCache();
    const catalog = cache.catalog!;
    catalog.put({ name: 'a.md', textHash: 'ha', urlKey: 'site.example/a' });
    catalog.put({ name: 'b.md', textHash: 'hb', urlKey: null });
    const since = catalog.stamp();
    // An ingest lands while the full index lists the folder (which saw a and b only).
    catalog.put({ name: 'c.md', textHash: 'hc', urlKey: 'site.example/c' });
    await catalog.sync(scene.corpusDir, new Map([['a.md', { textHash: 'ha2', urlKey: 'site.example/a' }]]), since);
    expect(catalog.complete(scene.corpusDir)).toBe(true);
    expect(catalog.row('a.md')).toEqual({ name: 'a.md', textHash: 'ha2', urlKey: 'site.example/a' });
    expect(catalog.row('b.md')).toBeNull();
    expect(catalog.row('c.md')).toEqual({ name: 'c.md', textHash: 'hc', urlKey: 'site.example/c' });
    expect(catalog.find('ha2', ['site.example/c'])).toEqual(['a.md', 'c.md']);
  });
});
