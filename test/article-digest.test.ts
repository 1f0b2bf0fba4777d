import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { articleIdHash, digestOf } from '../src/engine/index/article-digest.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import type { IndexStore } from '../src/engine/index/store.js';
import { article, META, tempStoreFixture, type StoreFixture } from './store-contract.js';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * A local store keeps a digest of its article ids level with every commit, so an ingest of one
 * article checks the stored ids against the corpus folder without listing them (O(that article)
 * instead of O(coverage)); anything else that differs sends it back to the full comparison.
 */
let fixtures: StoreFixture[] = [];
let scratches: Scratch[] = [];
afterEach(async () => {
  for (const f of fixtures) await f.cleanup();
  for (const s of scratches) s.cleanup();
  fixtures = [];
  scratches = [];
});

const digestMatches = async (store: Pick<IndexStore, 'articleIds' | 'articleDigest'>) => expect(await store.articleDigest!()).toBe(digestOf(await store.articleIds()));

describe('article id digest', () => {
  it('depends on the set of ids only, and tells sets apart', () => {
    expect(digestOf(['a', 'b', 'c'])).toBe(digestOf(['c', 'a', 'b']));
    expect(digestOf(['a', 'b'])).not.toBe(digestOf(['a', 'c']));
    expect(new Set(Array.from({ length: 10_000 }, (_, i) => articleIdHash(`${String(i).padStart(5, '0')}_article`))).size).toBe(10_000);
    expect(Number.isSafeInteger(digestOf(Array.from({ length: 1000 }, (_, i) => `id${i}`)))).toBe(true);
  });

  it('a local store keeps it level with additions, replacements, removals and a rebuild', async () => {
    const fixture = tempStoreFixture('depeche-digest-', (root) => createLocalStore({ indexDir: join(root, 'index') }));
    fixtures.push(fixture);
    const { store } = fixture;
    expect(await store.articleDigest!()).toBe(0);
    await store.commit({ meta: META, upsert: ['a', 'b', 'c'].map((id) => article(id, `Titre ${id}`, [`Texte de ${id}.`])) });
    await digestMatches(store);
    await store.commit({ upsert: [article('b', 'Titre b', ['Texte changé.'])], remove: ['c', 'inconnu'] });
    await digestMatches(store);
    expect(await store.articleDigest!()).toBe(digestOf(['a', 'b']));
    await store.withWriteLock(async () => {
      const space = await store.rebuild(META);
      await space.commit({ upsert: [article('x', 'Titre x', ['Texte x.']), article('y', 'Titre y', ['Texte y.'])] });
      await space.commit({ remove: ['y'] });
      await space.publish();
    });
    expect(await store.articleDigest!()).toBe(digestOf(['x']));
    // Another process sees the same digest.
    const other = fixture.open();
    expect(await other.articleDigest!()).toBe(digestOf(['x']));
    await other.close();
  });

  it('is computed once for a space written before stores kept it, then kept by the next commits', async () => {
    let indexDir = '';
    const fixture = tempStoreFixture('depeche-digest-old-', (root) => createLocalStore({ indexDir: (indexDir = join(root, 'index')) }));
    fixtures.push(fixture);
    await fixture.store.commit({ meta: META, upsert: ['a', 'b'].map((id) => article(id, `Titre ${id}`, [`Texte de ${id}.`])) });
    await fixture.store.close();
    const generation = readdirSync(indexDir).find((n) => n.startsWith('gen-'))!;
    const db = new Database(join(indexDir, generation, 'index.db'));
    expect(db.prepare("DELETE FROM settings WHERE key = 'article_digest'").run().changes).toBe(1);
    db.close();
    const store = fixture.open();
    expect(await store.articleDigest!()).toBe(digestOf(['a', 'b']));
    await store.commit({ upsert: [article('c', 'Titre c', ['Texte de c.'])], remove: ['a'] });
    expect(await store.articleDigest!()).toBe(digestOf(['b', 'c']));
    await store.close();
  });
});
