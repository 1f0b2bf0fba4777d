import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import type { IndexStore } from '../src/engine/index/store.js';
import { article, META } from './store-contract.js';

/**
 * A reader serves its state before every article's metadata is read: an answer reads the
 * sources of its hits by id, the rest is read in the background, and a listing gets them all.
 */
let root = '';
let store: IndexStore | null = null;
afterEach(async () => {
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

const articleNo = (i: number) => article(`art${i}`, `Article ${i} sur la centrale ${i % 7}`, [`La centrale ${i % 7} produit ${i} mégawatts.`], { vectors: false, hash: `h${i}` });

describe('sources of a reader', () => {
  it('are read by id for answers, all of them for a listing, the same object per id, and follow applied changes', async () => {
    root = mkdtempSync(join(tmpdir(), 'depeche-sources-'));
    store = createLocalStore({ indexDir: join(root, 'index'), lexicalFoldMin: 1 });
    // Several background batches.
    await store.commit({ meta: { ...META, model: null }, upsert: Array.from({ length: 1234 }, (_, i) => articleNo(i)) });
    const reader = store.reader();
    const view = await reader.refresh();
    const one = view.sources.get('art1200');
    expect(one).toMatchObject({ id: 'art1200', title: 'Article 1200 sur la centrale 3' });
    expect(view.sources.get('art1200')).toBe(one);
    expect(view.sources.has('art99999')).toBe(false);
    // A listing right away reads what the background has not read yet.
    const ids = [...view.sources.keys()].sort();
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    expect(view.sources.get('art1200')).toBe(one);
    expect([...view.sources.values()].find((s) => s.id === 'art1200')).toBe(one);

    await store.commit({ remove: ['art5'], upsert: [articleNo(5000), { ...articleNo(7), source: { ...articleNo(7).source, title: 'Titre revu' }, hash: 'h7b' }] });
    const next = await reader.refresh();
    expect(next.sources.get('art5')).toBeUndefined();
    expect(next.sources.get('art5000')?.title).toBe('Article 5000 sur la centrale 2');
    expect(next.sources.get('art7')?.title).toBe('Titre revu');
    expect(next.sources.size).toBe(1234);
    expect([...next.sources.keys()]).not.toContain('art5');
    await reader.close();
  });
});
