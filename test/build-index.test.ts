import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbedder } from '../src/engine/embed/embedder.js';
import { createEngine } from '../src/engine/engine.js';
import { buildIndex, passageText, preparedBatches } from '../src/engine/index/build-index.js';
import { findArticleText } from '../src/engine/corpus/clean.js';
import type { Article } from '../src/engine/types.js';
import { ingest, removeArticle } from '../src/engine/ingest/ingest.js';
import { clearPending, markPending, PENDING_DIR, readPending } from '../src/engine/ingest/pending-changes.js';
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

  it('rebuilds an index of the previous chunker from the corpus, embedding again only the passages whose text changed', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const before = await freshView(scratch);
    const textsOf = async (view: StoreView) =>
      (await view.passages(await view.passageIds())).map((p) => passageText(view.sources.get(p.articleId)!.title, p.text));
    const oldTexts = new Set(await textsOf(before));
    const untouched = '000_dcb9b5e2e5327193';
    const vectorsBefore = await before.vectors(await passagesOf(before, untouched));
    // As the previous version left it: its chunker's number in the live index's settings …
    const { generation } = JSON.parse(readFileSync(join(scratch.indexDir, 'current.json'), 'utf8')) as { generation: string };
    const db = new Database(join(scratch.indexDir, generation, 'index.db'));
    const meta = JSON.parse(db.prepare("SELECT value FROM settings WHERE key = 'meta'").pluck().get() as string) as Record<string, unknown>;
    db.prepare("UPDATE settings SET value = ? WHERE key = 'meta'").run(JSON.stringify({ ...meta, chunkerVersion: CHUNKER_VERSION - 1 }));
    db.close();
    // … and one article whose passages this version cuts otherwise.
    const file = join(scratch.corpusDir, '003_f1544e1ffa8ca780.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nUn paragraphe ajouté sur les centres de données à Abilene, au Texas.\n`);

    const sentToModel: string[] = [];
    const counting = async () => {
      const real = await loadTiny();
      return Object.assign(Object.create(real) as typeof real, {
        embedPassages: (texts: string[]) => {
          sentToModel.push(...texts);
          return real.embedPassages(texts);
        },
      });
    };
    const { report } = await build(scratch, { loadEmbedder: counting });

    const after = await freshView(scratch);
    expect(after.meta.chunkerVersion).toBe(CHUNKER_VERSION);
    expect([...after.sources.keys()].sort()).toEqual(corpusIds(scratch));
    expect(after.vectorCount).toBe(after.passageCount);
    const newTexts = [...new Set(await textsOf(after))].filter((t) => !oldTexts.has(t));
    expect(newTexts.length).toBeGreaterThan(0);
    expect([...sentToModel].sort()).toEqual(newTexts.sort());
    // The same vectors, to the float rounding of their trip through the vector index.
    const kept = await after.vectors(await passagesOf(after, untouched));
    expect(kept).toHaveLength(vectorsBefore.length);
    kept.forEach((v, i) => v!.forEach((x, j) => expect(x).toBeCloseTo(vectorsBefore[i]![j]!, 6)));
    expect(report.warning).toBe(
      `This version cuts or analyses passages differently (chunker v${CHUNKER_VERSION - 1} → v${CHUNKER_VERSION}): ` +
        `the index was rebuilt from the corpus folder. ${after.passageCount - newTexts.length} of its ${after.passageCount} passages kept their vectors (same text, same model); the others were embedded again.`,
    );
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

  it('an update of named articles reads their files and those an unfinished ingest or removal marked; changes by hand wait for a full update', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    // An ingest and a removal killed after their corpus change, before their index update.
    const orphan = await ingest({ file: { name: 'phare.md', data: new TextEncoder().encode('# Le phare de Kervalec\n\nLe phare de Kervalec rouvre ses portes au public après trois ans de travaux.\n') } }, { corpusDir: scratch.corpusDir });
    await removeArticle('001_257712c6b2bf1e3c', { corpusDir: scratch.corpusDir });
    expect(readdirSync(join(scratch.corpusDir, PENDING_DIR))).toHaveLength(2);
    // By hand: an edit, a new file and a removed one.
    const edited = join(scratch.corpusDir, '003_f1544e1ffa8ca780.md');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\nUne phrase ajoutée à la main.\n`);
    scratch.writeArticle('zz_a_la_main', { title: 'À la main' }, 'Un article déposé à la main, sur les barrages du Nil.');
    rmSync(join(scratch.corpusDir, '002_c5a3affdd62bfc36.md'));
    scratch.writeArticle('zz_nouveau', { title: 'Nouveau' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');

    const { report } = await build(scratch, { articles: ['zz_nouveau'] });
    expect(report.embedded.sort()).toEqual([orphan.id, 'zz_nouveau'].sort());
    expect(report.removed).toEqual(['001_257712c6b2bf1e3c']);
    // Their marks are gone with them; the next named update reads the named file only.
    expect(readdirSync(scratch.corpusDir)).not.toContain(PENDING_DIR);
    expect((await build(scratch, { articles: ['zz_nouveau'] })).report).toMatchObject({ embedded: [], removed: [] });
    // A full update brings the changes by hand level.
    const full = (await build(scratch)).report;
    expect(full.embedded.sort()).toEqual(['003_f1544e1ffa8ca780', 'zz_a_la_main']);
    expect(full.removed).toEqual(['002_c5a3affdd62bfc36']);
  });

  it('a mark stays until an update brings its article level, and a change made meanwhile keeps its own', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const first = await markPending(scratch.corpusDir, 'zz_suivi');
    scratch.writeArticle('zz_suivi', { title: 'Suivi' }, 'Première version : le tramway de Brest ouvre une seconde ligne.');
    const marks = await readPending(scratch.corpusDir);
    expect(marks).toEqual({ ids: new Set(['zz_suivi']), marks: [first] });
    // A second change of the same article after an update read the marks: its mark is its own.
    const second = await markPending(scratch.corpusDir, 'zz_suivi');
    await clearPending(scratch.corpusDir, marks.marks);
    expect(readdirSync(join(scratch.corpusDir, PENDING_DIR))).toEqual([second]);
    const { report } = await build(scratch, { articles: [] });
    expect(report.embedded).toEqual(['zz_suivi']);
    expect(readdirSync(scratch.corpusDir)).not.toContain(PENDING_DIR);
  });

  it('prepares the changed articles a batch at a time: never more than the batch being filled and one article ahead', () => {
    let pulled = 0;
    function* changed(): Generator<Article> {
      for (let i = 0; i < 300; i++) {
        pulled++;
        // 1 to 5 paragraphs: articles of one to a few passages.
        const text = Array.from({ length: 1 + (i % 5) }, (_, p) => `Le rapport ${i} détaille au paragraphe ${p} les travaux du port numéro ${i * 7 + p} et leur budget de ${i + p} millions d’euros, votés par la région.`).join('\n\n');
        yield { id: `a${i}`, title: `Rapport ${i}`, publisher: null, author: null, url: null, date: null, language: 'fr', text, hash: `h${i}`, kept: findArticleText(text) };
      }
    }
    let consumed = 0;
    let mostHeld = 0;
    for (const batch of preparedBatches(changed(), 16)) {
      // Prepared and not yet handed on: this batch, plus the article that did not fit in it.
      mostHeld = Math.max(mostHeld, pulled - consumed);
      consumed += batch.length;
      const passages = batch.reduce((n, a) => n + a.passages.length, 0);
      expect(passages <= 16 || batch.length === 1).toBe(true);
    }
    expect(consumed).toBe(300);
    // Each batch holds at most 16 passages (16 articles): never the 300 at once.
    expect(mostHeld).toBeLessThanOrEqual(17);
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
