/**
 * The behaviour every index store backend promises (src/engine/index/store.ts), as a suite any
 * backend runs: `describeStoreContract('local', makeLocal)`. `make()` returns a store on a fresh
 * location and `open()` another store on the same location, as a second process would open it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArticleWrite, IndexMeta, IndexStore, StoredPassage, StoreReader, StoreView } from '../src/engine/index/store.js';
import { ANALYZER_VERSION, analyze, analyzeBoth } from '../src/engine/text/analyze.js';
import { CHUNKER_VERSION } from '../src/engine/text/chunk.js';

export interface StoreFixture {
  store: IndexStore;
  /** Another store on the same location (what a second process opens). */
  open(): IndexStore;
  cleanup(): Promise<void>;
}

/** A fixture whose store lives in a fresh temp folder, removed on cleanup; `open` makes another handle on it. */
export function tempStoreFixture(prefix: string, openIn: (root: string) => IndexStore): StoreFixture {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const open = () => openIn(root);
  const store = open();
  return {
    store,
    open,
    cleanup: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const DIM = 8;
export const META: IndexMeta = { chunkerVersion: CHUNKER_VERSION, analyzerVersion: ANALYZER_VERSION, model: { id: 'test/model', dimension: DIM } };

/** A unit vector pointing mostly along axis `axis` (so nearest neighbours are predictable). */
export function unit(axis: number, noise = 0.05): Float32Array {
  const v = new Float32Array(DIM).fill(noise);
  v[axis % DIM] = 1;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** An article of one passage per text, passage i pointing along axis `axis + i`. */
export function article(id: string, title: string, texts: string[], options: { axis?: number; vectors?: boolean; hash?: string } = {}): ArticleWrite {
  let offset = 0;
  return {
    source: { id, title, publisher: null, url: null, date: null, language: 'fr' },
    hash: options.hash ?? `hash-${id}-${texts.join('|').length}`,
    titleTerms: analyze(title),
    passages: texts.map((text, ordinal) => {
      const range = { start: offset, end: offset + text.length };
      offset += text.length + 2;
      const passage: StoredPassage = { id: `${id}#${ordinal}`, articleId: id, ordinal, text, range, sentences: [{ ...range, local: { start: 0, end: text.length } }], original: text };
      return { passage, terms: analyzeBoth(text), vector: options.vectors === false ? null : unit((options.axis ?? 0) + ordinal) };
    }),
  };
}

/** Refreshes until `ready(view)`: a reader may load a replaced state in the background. */
const TOPICS = ['centrale solaire de Ouarzazate', 'banque centrale et inflation', 'puces Nvidia et Arm', 'volcan de l’île Saint-Paul', 'réforme des retraites'];

/**
 * Article number `i` of a synthetic coverage over five topics, two passages with figures, its
 * vectors on axis `i`; a `variant` rewrites its first passage (a replacement of the same article).
 */
export function numberedArticle(id: string, i: number, variant = 0): ArticleWrite {
  return article(id, `Dossier ${i} : ${TOPICS[i % TOPICS.length]}`, [
    `Le ${TOPICS[(i + variant) % TOPICS.length]} revient dans l’actualité numéro ${i} avec ${variant} précisions.`,
    `Les chiffres de ${2000 + (i % 25)} montrent ${i * 7} mégawatts et ${i % 13} milliards investis.`,
  ], { axis: i, hash: `h${i}-${variant}` });
}

export async function refreshUntil(reader: StoreReader, ready: (view: StoreView) => boolean, timeoutMs = 10_000): Promise<StoreView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await reader.refresh();
    if (ready(view) || Date.now() > deadline) return view;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SOLAR = article('solaire', 'Centrale solaire', ['La centrale Noor de Ouarzazate produit 580 mégawatts.', 'Le Maroc vise 52 % d’électricité renouvelable.'], { axis: 0 });
const CHIPS = article('puces', 'Nvidia et Arm', ['Nvidia avait proposé 40 milliards de dollars pour racheter Arm.'], { axis: 3 });

export function describeStoreContract(name: string, make: () => Promise<StoreFixture>): void {
  describe(`index store contract: ${name}`, () => {
    let fx: StoreFixture | null = null;
    const fixture = async () => (fx = await make());
    afterEach(async () => {
      await fx?.cleanup();
      fx = null;
    });

    it('starts empty: no meta, no articles, and a reader says the index is missing', async () => {
      const { store } = await fixture();
      expect(await store.meta()).toBeNull();
      expect((await store.articles()).size).toBe(0);
      await expect(store.reader().refresh()).rejects.toMatchObject({ code: 'INDEX_MISSING' });
    });

    it('serves what was committed: sources, passages by id, BM25 and vector search', async () => {
      const { store } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR, CHIPS] });
      expect(await store.meta()).toEqual(META);
      const articles = await store.articles();
      expect(articles.get('solaire')).toMatchObject({ hash: SOLAR.hash, passages: 2, unembedded: 0, source: SOLAR.source });
      expect([...(await store.articles(['puces', 'nobody'])).keys()]).toEqual(['puces']);
      expect(await store.articleIds()).toEqual(new Set(['solaire', 'puces']));
      expect(await store.counts()).toEqual({ articles: 2, passages: 3 });

      const view = await store.reader().refresh();
      expect(view.meta).toEqual(META);
      expect([...view.sources.keys()].sort()).toEqual(['puces', 'solaire']);
      expect(view.passageCount).toBe(3);
      expect(view.vectorCount).toBe(3);
      expect(view.lexical.search('centrale Ouarzazate', 5)[0]!.id).toBe('solaire#0');
      // The title counts for every passage of its article.
      expect(view.lexical.search('Nvidia', 5).map((h) => h.id)).toEqual(['puces#0']);
      const near = await view.searchVectors(unit(3), 2);
      expect(near[0]).toMatchObject({ id: 'puces#0' });
      expect(near[0]!.similarity).toBeCloseTo(1, 5);
      const [p] = await view.passages(['puces#0', 'nobody#9']);
      expect(p).toEqual(CHIPS.passages[0]!.passage);
      expect(await view.passages(['nobody#9'])).toEqual([]);
      expect((await view.passageIds()).sort()).toEqual(['puces#0', 'solaire#0', 'solaire#1']);
      const [v, none] = await view.vectors(['puces#0', 'nobody#9']);
      expect([...v!].map((x) => x.toFixed(4))).toEqual([...unit(3)].map((x) => x.toFixed(4)));
      expect(none).toBeNull();
      expect(view.termStats.known('ouarzazat')).toBe(true);
      expect(view.termStats.weight('ouarzazat')).toBeGreaterThan(view.termStats.weight('nvidia') - 1);
    });

    it('replaces an article whole and removes one with its passages and vectors', async () => {
      const { store } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR, CHIPS] });
      const reader = store.reader();
      await reader.refresh();
      const solar2 = article('solaire', 'Centrale solaire', ['Une seule phrase sur la centrale de Noor.'], { axis: 5, hash: 'v2' });
      await store.commit({ upsert: [solar2], remove: ['puces'] });

      const view = await reader.refresh();
      expect([...view.sources.keys()]).toEqual(['solaire']);
      expect(view.passageCount).toBe(1);
      expect(view.vectorCount).toBe(1);
      expect(view.lexical.search('Nvidia milliards', 5)).toEqual([]);
      expect(view.lexical.search('Ouarzazate', 5)).toEqual([]);
      expect((await view.searchVectors(unit(3), 3)).map((h) => h.id)).toEqual(['solaire#0']);
      expect(await view.passages(['solaire#1', 'puces#0'])).toEqual([]);
      expect((await store.articles()).get('solaire')?.hash).toBe('v2');
    });

    it('shows a change made through another store on the same location to an open reader', async () => {
      const { store, open } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR] });
      const reader = store.reader();
      const first = await reader.refresh();
      expect(first.sources.has('puces')).toBe(false);

      const other = open();
      await other.withWriteLock(() => other.commit({ upsert: [CHIPS] }));
      await other.close();

      const second = await reader.refresh();
      expect(second.version).not.toBe(first.version);
      expect(second.sources.has('puces')).toBe(true);
      expect(second.lexical.search('Nvidia', 3)[0]!.id).toBe('puces#0');
      expect((await second.searchVectors(unit(3), 1))[0]!.id).toBe('puces#0');
      // Nothing new: the same version.
      expect((await reader.refresh()).version).toBe(second.version);
    });

    it('applies a failing change not at all', async () => {
      const { store } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR] });
      const wrong = article('faux', 'Faux', ['Un vecteur trop court.']);
      wrong.passages[0]!.vector = new Float32Array(DIM - 1);
      await expect(store.commit({ upsert: [CHIPS, wrong], remove: ['solaire'] })).rejects.toThrow();
      expect([...(await store.articles()).keys()]).toEqual(['solaire']);
      const view = await store.reader().refresh();
      expect([...view.sources.keys()]).toEqual(['solaire']);
    });

    it('keeps passages without vectors searchable by words, lists them, and takes their vectors later', async () => {
      const { store } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR, article('attente', 'En attente', ['Un texte sur les éoliennes de Tarfaya.'], { vectors: false })] });
      expect((await store.articles()).get('attente')?.unembedded).toBe(1);
      expect(await store.pendingVectors(10)).toEqual([{ id: 'attente#0', title: 'En attente', text: 'Un texte sur les éoliennes de Tarfaya.' }]);
      const reader = store.reader();
      const before = await reader.refresh();
      expect(before.vectorCount).toBe(2);
      expect(before.lexical.search('éoliennes Tarfaya', 3)[0]!.id).toBe('attente#0');

      await store.commit({ vectors: [{ id: 'attente#0', vector: unit(7) }] });
      expect(await store.pendingVectors(10)).toEqual([]);
      const after = await reader.refresh();
      expect(after.vectorCount).toBe(3);
      expect((await after.searchVectors(unit(7), 1))[0]!.id).toBe('attente#0');
    });

    it('a lexical-only store (no model) serves words and no vectors', async () => {
      const { store } = await fixture();
      await store.commit({ meta: { ...META, model: null }, upsert: [article('solaire', 'Centrale solaire', ['La centrale Noor.'], { vectors: false })] });
      const view = await store.reader().refresh();
      expect(view.meta.model).toBeNull();
      expect(view.vectorCount).toBe(0);
      expect(await view.searchVectors(unit(0), 3)).toEqual([]);
      expect(view.lexical.search('centrale', 3)).toHaveLength(1);
    });

    it('a rebuild stays invisible until published, resumes where it stopped, then replaces the live state', async () => {
      const { store, open } = await fixture();
      await store.commit({ meta: META, upsert: [SOLAR] });
      const reader = store.reader();
      await reader.refresh();

      const space = await store.rebuild(META);
      await space.commit({ meta: META, upsert: [CHIPS] });
      expect([...(await reader.refresh()).sources.keys()]).toEqual(['solaire']);

      // Another process (after a crash, say) resumes the same rebuild: what was committed is kept.
      const other = open();
      const resumed = await other.rebuild(META);
      expect([...(await resumed.articles()).keys()]).toEqual(['puces']);
      await resumed.commit({ upsert: [article('eolien', 'Éolien', ['Le parc éolien de Tarfaya.'], { axis: 6 })] });
      await resumed.publish();
      await other.close();

      // The old view answers until the rebuilt state is loaded (in the background), then that one does.
      const view = await refreshUntil(reader, (v) => v.sources.has('eolien'));
      expect([...view.sources.keys()].sort()).toEqual(['eolien', 'puces']);
      expect(view.lexical.search('Ouarzazate', 3)).toEqual([]);
      expect((await view.searchVectors(unit(6), 1))[0]!.id).toBe('eolien#0');
      expect([...(await store.articles()).keys()].sort()).toEqual(['eolien', 'puces']);
      // A rebuild with other settings starts from nothing.
      const fresh = await store.rebuild({ ...META, model: { id: 'other/model', dimension: DIM } });
      expect((await fresh.articles()).size).toBe(0);
    });

    it('lets one writer at a time in, across store instances', async () => {
      const { store, open } = await fixture();
      const other = open();
      const order: string[] = [];
      await Promise.all([
        store.withWriteLock(async () => {
          order.push('a-in');
          await new Promise((r) => setTimeout(r, 150));
          order.push('a-out');
        }),
        new Promise((r) => setTimeout(r, 30)).then(() =>
          other.withWriteLock(async () => {
            order.push('b-in');
            order.push('b-out');
          }),
        ),
      ]);
      await other.close();
      expect(order).toEqual(['a-in', 'a-out', 'b-in', 'b-out']);
    });
  });
}
