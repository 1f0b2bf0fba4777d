import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LanceView } from '../src/engine/index/lancedb/lancedb-reader.js';
import { createLanceStore } from '../src/engine/index/lancedb/lancedb-store.js';
import { run } from './helpers/child-process.js';
import { article, describeStoreContract, META, tempStoreFixture } from './store-contract.js';

/** The index store contract, on a real LanceDB database in a temp folder. */
describeStoreContract('lancedb', async () => tempStoreFixture('depeche-lance-', (root) => createLanceStore({ uri: join(root, 'lancedb') })));

describe('LanceDB index store', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'depeche-lance-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('searches French words in LanceDB’s full-text index across inflections and accents, title included', async () => {
    const store = createLanceStore({ uri: join(root, 'db') });
    try {
      await store.commit({
        meta: META,
        upsert: [
          article('solaire', 'Centrale solaire', ['La centrale Noor de Ouarzazate produit 580 mégawatts.'], { axis: 0 }),
          article('eolien', 'Parc éolien', ['Les éoliennes de Tarfaya tournent depuis 2014.'], { axis: 2 }),
        ],
      });
      const view = (await store.reader().refresh()) as LanceView;
      expect((await view.searchText('centrales solaires', 5)).map((h) => h.id)).toEqual(['solaire#0']);
      expect((await view.searchText('eolienne', 5)).map((h) => h.id)).toEqual(['eolien#0']);
      expect((await view.searchText('Quand les éoliennes de Tarfaya ont-elles été construites ?', 5))[0]!.id).toBe('eolien#0');
      expect(await view.searchText('   ', 5)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('lands the writes of two processes committing at the same time, and an open reader sees them all', async () => {
    const uri = join(root, 'db');
    const store = createLanceStore({ uri });
    await store.commit({ meta: META, upsert: [article('first', 'Premier', ['Le premier article.'])] });
    const reader = store.reader();
    expect((await reader.refresh()).sources.size).toBe(1);
    const writer = (prefix: string) => run('node', ['--import', 'tsx', 'test/fixtures/index/lance-writer.ts', uri, prefix, '6'], {});
    const [a, b] = [writer('alpha'), writer('beta')];
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    expect(a.stdout().trim() + b.stdout().trim()).toBe('donedone');
    const view = await reader.refresh();
    expect(view.sources.size).toBe(13);
    expect(view.passageCount).toBe(13);
    expect((await store.articleIds()).size).toBe(13);
    expect(view.lexical.search('beta', 20)).toHaveLength(6);
    await reader.close();
    await store.close();
  });
});
