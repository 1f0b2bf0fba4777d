import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbedder } from '../src/engine/embed/embedder.js';
import { createEngine } from '../src/engine/engine.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import type { IndexStore, StoreView } from '../src/engine/index/store.js';
import { CHUNKER_VERSION } from '../src/engine/text/chunk.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

const loadTiny = () => createEmbedder({ model: TINY_MODEL_ID, modelDir: TINY_MODEL_DIR, cacheDir: null });
const noModel = () => createEmbedder({ model: 'nobody/no-such-model', modelDir: TINY_MODEL_DIR, cacheDir: null });

let scratch: Scratch;
let store: IndexStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
  scratch?.cleanup();
});

function openStore(s: Scratch): IndexStore {
  store = createStore({ backend: 'local', indexDir: s.indexDir });
  return store;
}

async function build(s: Scratch, extra: Partial<Parameters<typeof buildIndex>[0]> = {}) {
  let embeddedPassages = 0;
  const report = await buildIndex({
    corpusDir: s.corpusDir,
    store: store ?? openStore(s),
    loadEmbedder: loadTiny,
    onProgress: (p) => {
      if (p.phase === 'embed') embeddedPassages = p.total;
    },
    ...extra,
  });
  return { report, embeddedPassages };
}

/** A fresh reader's view, as another process would load it. */
async function freshView(s: Scratch): Promise<StoreView> {
  const other = createStore({ backend: 'local', indexDir: s.indexDir });
  const view = await other.reader().refresh();
  return view;
}

const corpusIds = (s: Scratch) => readdirSync(s.corpusDir).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort();
const passagesOf = async (view: StoreView, articleId: string) => (await view.passageIds()).filter((id) => id.startsWith(`${articleId}#`)).sort();

describe('building the index', () => {
  it('records model, dimension, chunker, one hash per article, and a vector for every passage', async () => {
    scratch = makeScratch({ seed: true });
    const { report } = await build(scratch);
    const view = await freshView(scratch);
    expect(view.meta.model).toEqual({ id: TINY_MODEL_ID, dimension: (await loadTiny()).dimension });
    expect(view.meta.chunkerVersion).toBe(CHUNKER_VERSION);
    expect([...view.sources.keys()].sort()).toEqual(corpusIds(scratch));
    for (const a of (await store!.articles()).values()) expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(view.passageCount).toBe(report.chunks);
    expect(view.vectorCount).toBe(report.chunks);
  });

  it('re-embeds only the article that changed; the others keep their vectors', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const untouched = '000_dcb9b5e2e5327193';
    const before = await freshView(scratch);
    const vectorsBefore = await before.vectors(await passagesOf(before, untouched));
    const changed = '003_f1544e1ffa8ca780';
    const file = join(scratch.corpusDir, `${changed}.md`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nUn paragraphe ajouté sur les centres de données à Abilene, au Texas.\n`);

    const { report, embeddedPassages } = await build(scratch);
    const after = await freshView(scratch);
    expect(report.embedded).toEqual([changed]);
    expect(embeddedPassages).toBe((await passagesOf(after, changed)).length);
    expect(await after.vectors(await passagesOf(after, untouched))).toEqual(vectorsBefore);
    expect(after.lexical.search('Abilene Texas centres de données', 3)[0]!.id.startsWith(changed)).toBe(true);
  });

  it('embeds nothing when nothing changed, and drops removed articles with their vectors', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    expect((await build(scratch)).report.embedded).toEqual([]);
    rmSync(join(scratch.corpusDir, '002_c5a3affdd62bfc36.md'));
    const { report } = await build(scratch);
    expect(report.removed).toEqual(['002_c5a3affdd62bfc36']);
    const view = await freshView(scratch);
    expect(await passagesOf(view, '002_c5a3affdd62bfc36')).toEqual([]);
    expect(view.vectorCount).toBe(view.passageCount);
    expect(view.passageCount).toBe(report.chunks);
  });

  it('an update of named articles reads only their files, and files that appeared or vanished', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    // Edited by hand: only a full update notices.
    const edited = join(scratch.corpusDir, '003_f1544e1ffa8ca780.md');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\nUne phrase ajoutée à la main.\n`);
    // Left behind by a crashed ingest: in the corpus, never indexed.
    scratch.writeArticle('zz_orphelin', { title: 'Orphelin' }, 'Un article que personne n’a indexé, sur les barrages du Nil.');
    scratch.writeArticle('zz_nouveau', { title: 'Nouveau' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');
    rmSync(join(scratch.corpusDir, '002_c5a3affdd62bfc36.md'));

    const { report } = await build(scratch, { articles: ['zz_nouveau'] });
    expect(report.embedded.sort()).toEqual(['zz_nouveau', 'zz_orphelin']);
    expect(report.removed).toEqual(['002_c5a3affdd62bfc36']);
    expect((await build(scratch)).report.embedded).toEqual(['003_f1544e1ffa8ca780']);
  });

  it('reports a broken article by file name and indexes the others', async () => {
    scratch = makeScratch({ seed: true });
    writeFileSync(join(scratch.corpusDir, 'broken.md'), '---\ntitle: [unterminated\n---\ntext');
    writeFileSync(join(scratch.corpusDir, 'empty.md'), '---\ntitle: Vide\n---\n\n');
    const { report } = await build(scratch);
    expect(report.skipped.map((s) => s.file).sort()).toEqual(['broken.md', 'empty.md']);
    expect(report.articles).toBe(5);
  });

  it('builds a lexical-only index, with a warning, when the model cannot be loaded', async () => {
    scratch = makeScratch({ seed: true });
    const { report } = await build(scratch, { loadEmbedder: noModel });
    expect(report.warning).toMatch(/no-such-model.*lexical-only/s);
    const view = await freshView(scratch);
    expect(view.meta.model).toBeNull();
    expect(view.vectorCount).toBe(0);
  });

  it('keeps only the live and the previous generation on disk', async () => {
    scratch = makeScratch({ seed: true });
    for (let i = 0; i < 4; i++) await build(scratch, { rebuild: true });
    expect(readdirSync(scratch.indexDir).filter((n) => n.startsWith('gen-'))).toHaveLength(2);
  });

  it('keeps the vectors it has when the model is briefly unavailable, and embeds what waited once it is back', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const withModel = await freshView(scratch);

    // Nothing changed: nothing is written.
    const idle = await build(scratch, { loadEmbedder: noModel });
    expect(idle.report.warning).toMatch(/Kept the index as it is/);
    expect((await freshView(scratch)).version).toBe(withModel.version);

    // An article arrives while the model is missing: vectors kept, its passages wait unembedded.
    scratch.writeArticle('zz_solaire', { title: 'Centrale solaire' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');
    const { report } = await build(scratch, { loadEmbedder: noModel });
    expect(report.warning).toMatch(/1 new passages wait for the model/);
    const waiting = await freshView(scratch);
    expect(waiting.meta.model).toEqual(withModel.meta.model);
    expect(waiting.vectorCount).toBe(withModel.vectorCount);
    expect(await waiting.vectors(['zz_solaire#0'])).toEqual([null]);
    expect(waiting.lexical.search('Ouarzazate', 1)[0]!.id).toBe('zz_solaire#0');

    // The model is back: only the waiting article is embedded.
    const back = await build(scratch);
    expect(back.report.embedded).toEqual(['zz_solaire']);
    const after = await freshView(scratch);
    expect(after.vectorCount).toBe(after.passageCount);
  });

  it('an engine answers from the index it built and sees another process’s update within two seconds', async () => {
    scratch = makeScratch({ seed: true });
    const engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
    const ask = () => engine.ask('centrale solaire Ouarzazate');
    expect((await ask()).passages.some((p) => p.source.id === 'zz_solaire')).toBe(false);

    scratch.writeArticle('zz_solaire', { title: 'Centrale solaire' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');
    await build(scratch, { loadEmbedder: null });
    const deadline = Date.now() + 2000;
    while (!engine.source('zz_solaire') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(engine.source('zz_solaire')?.title).toBe('Centrale solaire');
    expect((await ask()).passages[0]!.source.id).toBe('zz_solaire');
    await engine.dispose();
  });
});
