import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbedder } from '../src/engine/embed/embedder.js';
import { createEngine } from '../src/engine/engine.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { readIndex } from '../src/engine/index/index-store.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

const loadTiny = () => createEmbedder({ model: TINY_MODEL_ID, modelDir: TINY_MODEL_DIR, cacheDir: null });

let scratch: Scratch;
afterEach(() => scratch?.cleanup());

function build(s: Scratch, extra: Partial<Parameters<typeof buildIndex>[0]> = {}) {
  let embeddedPassages = 0;
  return buildIndex({
    corpusDir: s.corpusDir,
    indexDir: s.indexDir,
    modelId: TINY_MODEL_ID,
    loadEmbedder: loadTiny,
    onProgress: (p) => {
      if (p.phase === 'embed') embeddedPassages = p.total;
    },
    ...extra,
  }).then((r) => ({ ...r, embeddedPassages }));
}

describe('the persisted index', () => {
  it('records model, dimension, chunker, one hash per article and checksummed files', async () => {
    scratch = makeScratch({ seed: true });
    const { report } = await build(scratch);
    const { manifest, chunks, vectors } = readIndex(scratch.indexDir);
    expect(manifest.model).toEqual({ id: TINY_MODEL_ID, dimension: vectors!.dimension });
    expect(manifest.chunker.version).toBeGreaterThan(0);
    expect(Object.keys(manifest.articles).sort()).toEqual(readdirSync(scratch.corpusDir).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort());
    for (const a of Object.values(manifest.articles)) expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(manifest.files).sort()).toEqual(['chunks.json', 'lexical.json', 'vectors.hnsw']);
    expect(chunks).toHaveLength(report.chunks);
    expect(vectors!.size).toBe(report.chunks);
  });

  it('re-embeds only the article that changed', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const before = readIndex(scratch.indexDir);
    const changed = '003_f1544e1ffa8ca780';
    const file = join(scratch.corpusDir, `${changed}.md`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nUn paragraphe ajouté sur les centres de données à Abilene, au Texas.\n`);

    const { report, embeddedPassages } = await build(scratch);
    const after = readIndex(scratch.indexDir);
    expect(report.embedded).toEqual([changed]);
    expect(embeddedPassages).toBe(after.manifest.articles[changed]!.chunks.length);
    // Untouched articles keep their chunks and vector labels.
    const labels = (idx: typeof before, id: string) => idx.chunks.filter((c) => c.articleId === id).map((c) => c.label);
    expect(labels(after, '000_dcb9b5e2e5327193')).toEqual(labels(before, '000_dcb9b5e2e5327193'));
    expect(after.chunks.some((c) => c.text.includes('Abilene, au Texas'))).toBe(true);
  });

  it('embeds nothing when nothing changed, and drops removed articles', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    expect((await build(scratch)).report.embedded).toEqual([]);
    rmSync(join(scratch.corpusDir, '002_c5a3affdd62bfc36.md'));
    const { report } = await build(scratch);
    expect(report.removed).toEqual(['002_c5a3affdd62bfc36']);
    const { chunks, vectors, manifest } = readIndex(scratch.indexDir);
    expect(chunks.some((c) => c.articleId === '002_c5a3affdd62bfc36')).toBe(false);
    expect(vectors!.size).toBe(chunks.length);
    expect(manifest.hnsw!.deleted.length).toBeGreaterThan(0);
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
    const { report } = await build(scratch, {
      loadEmbedder: () => createEmbedder({ model: 'nobody/no-such-model', modelDir: TINY_MODEL_DIR, cacheDir: null }),
    });
    expect(report.warning).toMatch(/no-such-model.*lexical-only/s);
    const { manifest, vectors } = readIndex(scratch.indexDir);
    expect(manifest.model).toBeNull();
    expect(vectors).toBeNull();
  });

  it('says the index is corrupt, in one line, when a file does not match its checksum', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const { generation } = JSON.parse(readFileSync(join(scratch.indexDir, 'current.json'), 'utf8')) as { generation: string };
    const vectorsFile = join(scratch.indexDir, generation, 'vectors.hnsw');
    writeFileSync(vectorsFile, readFileSync(vectorsFile).subarray(0, 100));
    expect(() => readIndex(scratch.indexDir)).toThrow(/^The index is unreadable \(vectors.hnsw does not match its checksum\)\. Run "npm run index -- --rebuild"/);
  });

  it('keeps only the live and the previous generation on disk', async () => {
    scratch = makeScratch({ seed: true });
    for (let i = 0; i < 4; i++) await build(scratch, { rebuild: true });
    expect(readdirSync(scratch.indexDir).filter((n) => n.startsWith('gen-'))).toHaveLength(2);
    expect(existsSync(join(scratch.indexDir, 'current.json'))).toBe(true);
  });

  it('keeps the persisted lexical index level with the passages, and rebuilds a damaged one', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    scratch.writeArticle('zz_solaire', { title: 'Centrale solaire' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');
    rmSync(join(scratch.corpusDir, '002_c5a3affdd62bfc36.md'));
    await build(scratch);
    const { chunks, lexical, generation } = readIndex(scratch.indexDir);
    expect(new Set(lexical!.docs.map((d) => d.id))).toEqual(new Set(chunks.map((c) => c.id)));
    expect(lexical!.docs.find((d) => d.id.startsWith('zz_solaire'))!.terms).toContain('ouarzazat');

    writeFileSync(join(scratch.indexDir, generation, 'lexical.json'), '{ damaged');
    expect(readIndex(scratch.indexDir).lexical).toBeNull();
    const engine = await createEngine(scratch.config({ mode: 'lexical' }));
    expect((await engine.ask('centrale solaire Ouarzazate')).passages[0]!.source.id).toBe('zz_solaire');
    await engine.dispose();
  });

  it('keeps the vectors it has when the model is briefly unavailable, and embeds what waited once it is back', async () => {
    scratch = makeScratch({ seed: true });
    await build(scratch);
    const withModel = readIndex(scratch.indexDir);
    const noModel = () => createEmbedder({ model: 'nobody/no-such-model', modelDir: TINY_MODEL_DIR, cacheDir: null });

    // Nothing changed: the live generation stays as it is.
    await build(scratch, { loadEmbedder: noModel });
    expect(readIndex(scratch.indexDir).generation).toBe(withModel.generation);

    // An article arrives while the model is missing: vectors kept, its passages wait unembedded.
    scratch.writeArticle('zz_solaire', { title: 'Centrale solaire' }, 'La centrale Noor de Ouarzazate produit 580 mégawatts.');
    const { report } = await build(scratch, { loadEmbedder: noModel });
    expect(report.warning).toMatch(/1 new passages wait for the model/);
    const waiting = readIndex(scratch.indexDir);
    expect(waiting.manifest.model).toEqual(withModel.manifest.model);
    expect(waiting.vectors!.size).toBe(withModel.vectors!.size);
    expect(waiting.chunks.find((c) => c.articleId === 'zz_solaire')!.label).toBeNull();

    // The model is back: only the waiting article is embedded.
    const back = await build(scratch);
    expect(back.report.embedded).toEqual(['zz_solaire']);
    const after = readIndex(scratch.indexDir);
    expect(after.chunks.every((c) => c.label !== null)).toBe(true);
    expect(after.vectors!.size).toBe(after.chunks.length);
  });
});
