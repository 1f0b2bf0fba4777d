import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusCachePath, openCorpusCache, type CorpusCache } from '../src/engine/corpus/corpus-cache.js';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import type { IndexStore } from '../src/engine/index/store.js';
import { readCatalog } from '../src/engine/ingest/corpus-catalog.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * The corpus cache: a no-op `index` and an ingest's duplicate check cost a `stat` per article
 * file, not a read and parse of every article. A file is trusted only while its size, mtime,
 * ctime and inode are those it had when read, and only once it has not changed for 2 s.
 */

let scratch: Scratch;
let cache: CorpusCache | null = null;
let store: IndexStore | null = null;
afterEach(async () => {
  cache?.close();
  cache = null;
  await store?.close();
  store = null;
  scratch?.cleanup();
});

/** Files written less than 2 s ago are always read (the clock may not show a second write). */
const settle = () => new Promise((r) => setTimeout(r, 2100));
const articleFiles = (s: Scratch) => readdirSync(s.corpusDir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
const stemOf = (file: string) => file.replace(/\.md$/, '');
const everything = () => true;
/** The cache an engine keeps beside its index (the folder exists once an index was built). */
function openCache(s: Scratch): CorpusCache {
  mkdirSync(s.indexDir, { recursive: true });
  cache = openCorpusCache(corpusCachePath(s.indexDir));
  return cache;
}

describe('corpus cache', () => {
  it('leaves unread every file unchanged since it was read, and reads an edited one again', async () => {
    scratch = makeScratch({ seed: true });
    openCache(scratch);
    await settle();
    const first = await loadCorpus(scratch.corpusDir, { cache: cache!, unchanged: everything });
    expect(first.unchanged).toEqual([]);
    const ids = first.articles.map((a) => a.id);

    // Another process (the next `npm run index`) finds what this one read.
    cache!.close();
    openCache(scratch);
    const again = await loadCorpus(scratch.corpusDir, { cache: cache!, unchanged: everything });
    expect(again.articles).toEqual([]);
    expect(again.unchanged).toEqual(ids);

    // An edit by hand that keeps the size and puts the old mtime back still changes the ctime.
    const file = join(scratch.corpusDir, articleFiles(scratch)[0]!);
    const { atime, mtime } = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('SoftBank', 'SOFTBANK'));
    utimesSync(file, atime, mtime);
    await settle();
    const afterEdit = await loadCorpus(scratch.corpusDir, { cache: cache!, unchanged: everything });
    expect(afterEdit.articles.map((a) => a.id)).toEqual([stemOf(articleFiles(scratch)[0]!)]);
    expect(afterEdit.articles[0]!.text).toContain('SOFTBANK');
  });

  it('reads a file again when the index holds another version of it, even if the file is unchanged', async () => {
    scratch = makeScratch({ seed: true });
    openCache(scratch);
    await settle();
    await loadCorpus(scratch.corpusDir, { cache: cache!, unchanged: everything });
    const staleInIndex = stemOf(articleFiles(scratch)[1]!);
    const again = await loadCorpus(scratch.corpusDir, { cache: cache!, unchanged: (id) => id !== staleInIndex });
    expect(again.articles.map((a) => a.id)).toEqual([staleInIndex]);
  });

  it('keeps full builds exact: an article edited, one removed and one added by hand are all brought level', async () => {
    scratch = makeScratch({ seed: true });
    store = createStore({ backend: 'local', indexDir: scratch.indexDir });
    openCache(scratch);
    const build = () => buildIndex({ corpusDir: scratch.corpusDir, store: store!, loadEmbedder: null, corpusCache: cache! });
    await settle();
    const first = await build();
    expect(first.embedded.length).toBe(articleFiles(scratch).length);
    expect((await build()).embedded).toEqual([]);

    const [edited, removed, copied] = articleFiles(scratch);
    const editedPath = join(scratch.corpusDir, edited!);
    writeFileSync(`${editedPath}.new`, `${readFileSync(editedPath, 'utf8')}\nUne phrase ajoutée à la main par la rédaction.\n`);
    renameSync(`${editedPath}.new`, editedPath);
    renameSync(join(scratch.corpusDir, removed!), join(scratch.root, removed!));
    writeFileSync(join(scratch.corpusDir, 'zz-ajout-manuel.md'), readFileSync(join(scratch.corpusDir, copied!), 'utf8').replace(/^title: .*$/m, 'title: "Ajout manuel"'));
    const level = await build();
    expect(level.embedded.sort()).toEqual([stemOf(edited!), 'zz-ajout-manuel'].sort());
    expect(level.removed).toEqual([stemOf(removed!)]);
    expect((await store.counts()).articles).toBe(articleFiles(scratch).length);
  });

  it('gives the duplicate check the facts of unchanged files, and the new ones of an edited file', async () => {
    scratch = makeScratch({ seed: true });
    openCache(scratch);
    await settle();
    const cold = await readCatalog(scratch.corpusDir, cache!);
    cache!.close();
    openCache(scratch);
    const warm = await readCatalog(scratch.corpusDir, cache!);
    expect(warm).toEqual(cold);

    const file = join(scratch.corpusDir, articleFiles(scratch)[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^url: .*$/m, 'url: "https://exemple.fr/nouvelle-adresse"'));
    const edited = await readCatalog(scratch.corpusDir, cache!);
    expect(edited.find((e) => e.path === file)!.urlKey).toBe('exemple.fr/nouvelle-adresse');
  });

  it('is only a shortcut: a cache file that is not a database is ignored and every file is read', async () => {
    scratch = makeScratch({ seed: true });
    mkdirSync(scratch.indexDir, { recursive: true });
    writeFileSync(corpusCachePath(scratch.indexDir), 'pas une base de données');
    cache = openCorpusCache(corpusCachePath(scratch.indexDir));
    await settle();
    const first = await loadCorpus(scratch.corpusDir, { cache, unchanged: everything });
    expect(first.articles.length).toBe(articleFiles(scratch).length);
    expect((await readCatalog(scratch.corpusDir, cache)).length).toBe(articleFiles(scratch).length);
  });
});
