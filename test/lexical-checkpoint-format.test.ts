import { mkdtempSync, openSync, readdirSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyFrequencies, readLexicalCheckpoint, upgradeLexicalCheckpoint, writeLexicalCheckpoint } from '../src/engine/index/local/lexical-checkpoint.js';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import type { IndexStore, StoreView } from '../src/engine/index/store.js';
import { META, numberedArticle, unit } from './store-contract.js';

/**
 * Since format 2 a lexical checkpoint stores the lookup tables a reader used to rebuild at every
 * load (key and passage-id hash tables): a load reads them. A user's index written before keeps
 * loading (its tables are built at load, the old way) and is rewritten in the new format by the
 * space's next fold, with nothing embedded again. Either way, answers are those of a reader that
 * indexes every passage itself.
 */
// Ids with accents and a character outside the BMP: packed ids are UTF-8, looked up by JS strings.
const idOf = (i: number) => (i % 3 === 0 ? `é${i}-café` : i % 3 === 1 ? `a${String(i).padStart(4, '0')}` : `n${i}-𝄞`);
const articleNo = (i: number, variant = 0) => numberedArticle(idOf(i), i, variant);
const QUESTIONS = ['centrale solaire Ouarzazate', 'inflation banque', 'Nvidia milliards', 'volcan Saint-Paul 2007', 'mégawatts investis', 'retraites réforme précisions', 'Ouarzazat', 'what did Nvidia offer'];

let roots: string[] = [];
let stores: IndexStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
  stores = [];
});

function open(indexDir: string, lexicalFoldMin: number): IndexStore {
  const store = createLocalStore({ indexDir, lexicalFoldMin });
  stores.push(store);
  return store;
}

function tempIndex(): string {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-lexical-format-'));
  roots.push(dir);
  return join(dir, 'index');
}

const lexicalFile = (indexDir: string) => {
  const files = readdirSync(indexDir).filter((n) => n.startsWith('gen-')).flatMap((g) => readdirSync(join(indexDir, g)).filter((n) => n.startsWith('lexical-')).map((n) => join(indexDir, g, n)));
  expect(files).toHaveLength(1);
  return files[0]!;
};

const magicOf = (file: string) => {
  const fd = openSync(file, 'r');
  const bytes = Buffer.alloc(8);
  readSync(fd, bytes, 0, 8, 0);
  closeSync(fd);
  return bytes.toString('latin1');
};

async function answers(view: StoreView) {
  const ids = (await view.passageIds()).sort();
  return {
    passages: view.passageCount,
    ids,
    has: ids.every((id) => view.lexical.has(id)) && !view.lexical.has('é0-café#9') && !view.lexical.has('Ã©0-cafÃ©#0'),
    terms: ids.slice(0, 12).map((id) => [...(view.lexical.termsOf(id) ?? [])].sort()),
    hits: QUESTIONS.map((q) => view.lexical.search(q, 10)),
    weights: ['ouarzazat', 'inflat', 'nvidia', 'précis', 'inconnu'].map((t) => view.termStats.weight(t)),
    known: ['ouarzazat', 'ouarzazzat', 'nvidia', 'zzzzzz'].map((t) => view.termStats.known(t)),
    extended: ['ouarza', 'infl', 'zzzz'].map((t) => view.termStats.extended(t)),
    nearest: await Promise.all([0, 7, 3].map((axis) => nearest(view, unit(axis, 0)))),
    vectors: (await view.vectors(ids.slice(0, 6))).map((v) => (v ? Array.from(v) : null)),
  };
}

/**
 * Nearest passages' similarities, each checked against the vector the view holds for the id it
 * names (vectors tie on 8 dimensions: which of equals comes first is hnswlib's business, but a
 * label mapped to the wrong passage shows as a similarity its vector does not have).
 */
async function nearest(view: StoreView, query: Float32Array): Promise<{ similarities: number[]; consistent: boolean }> {
  const hits = await view.searchVectors(query, 5);
  const vectors = await view.vectors(hits.map((h) => h.id));
  const consistent = hits.every((h, i) => vectors[i] !== null && Math.abs(vectors[i]!.reduce((sum, x, j) => sum + x * query[j]!, 0) - h.similarity) < 1e-4);
  return { similarities: hits.map((h) => Number(h.similarity.toFixed(5))), consistent };
}

/** Rewrites a space's checkpoint as the previous format wrote it (no stored tables), same name. */
async function downgrade(file: string): Promise<void> {
  const loaded = await readLexicalCheckpoint(file, { pause: async () => undefined, autoCompact: true });
  const snapshot = loaded.index.snapshot();
  const labels = loaded.labels.slice();
  loaded.index.close();
  writeLexicalCheckpoint(file, { snapshot, labels, bodyDf: bodyFrequencies(snapshot) }, { format: 1 });
}

/**
 * The same 30 articles committed to two spaces: one folded into a checkpoint at every commit (its
 * store closed, so the fold is done and the test reopens it), one that never folds.
 */
async function foldedAndPlain(): Promise<{ foldedDir: string; plain: IndexStore }> {
  const [foldedDir, plainDir] = [tempIndex(), tempIndex()];
  const folded = open(foldedDir, 1);
  const plain = open(plainDir, Number.MAX_SAFE_INTEGER);
  const first = { meta: META, upsert: Array.from({ length: 30 }, (_, i) => articleNo(i)) };
  for (const s of [folded, plain]) await s.commit(first);
  await folded.close();
  return { foldedDir, plain };
}

describe('lexical checkpoint format', () => {
  it('a reader loads the stored tables and answers, finds vectors and follows changes exactly like one indexing every passage', async () => {
    const { foldedDir, plain } = await foldedAndPlain();
    const folded = open(foldedDir, 1);
    expect(magicOf(lexicalFile(foldedDir))).toBe('DPLX0002');
    const readers = [folded.reader(), plain.reader()];
    const [a, b] = await Promise.all(readers.map(async (r) => answers(await r.refresh())));
    expect(a).toEqual(b);
    expect(a!.passages).toBe(60);
    expect(a!.hits.every((h) => h.length > 0)).toBe(true);
    expect(a!.nearest.every((n) => n.consistent && n.similarities.length === 5)).toBe(true);
    // A running reader: passages read from the checkpoint replaced, removed, and new ones added.
    const change = { upsert: [articleNo(3, 2), articleNo(40), articleNo(6, 1)], remove: [idOf(7), idOf(11)] };
    for (const s of [folded, plain]) await s.commit(change);
    const [c, d] = await Promise.all(readers.map(async (r) => answers(await r.refresh())));
    expect(c).toEqual(d);
    expect(c!.ids).not.toContain(`${idOf(7)}#0`);
    expect(c!.ids).toContain(`${idOf(40)}#1`);
    expect(c!.nearest.every((n) => n.consistent)).toBe(true);
  });

  it('a checkpoint written before stored tables still loads to the same answers, and the next fold rewrites it in the current format', async () => {
    const { foldedDir, plain } = await foldedAndPlain();
    let folded: IndexStore;
    const file = lexicalFile(foldedDir);
    await downgrade(file);
    expect(magicOf(file)).toBe('DPLX0001');
    folded = open(foldedDir, 1);
    const plainReader = plain.reader();
    const old = await answers(await folded.reader().refresh());
    expect(old).toEqual(await answers(await plainReader.refresh()));
    expect(old.nearest.every((n) => n.consistent)).toBe(true);
    // Enough changes to make a fold due: it starts from the old file and writes the new format.
    const many = { upsert: Array.from({ length: 220 }, (_, i) => articleNo(100 + i)), remove: [idOf(4)] };
    for (const s of [folded, plain]) await s.commit(many);
    await folded.close();
    folded = open(foldedDir, 1);
    const upgraded = lexicalFile(foldedDir);
    expect(upgraded).not.toBe(file);
    expect(magicOf(upgraded)).toBe('DPLX0002');
    const fresh = await answers(await folded.reader().refresh());
    expect(fresh).toEqual(await answers(await plainReader.refresh()));
    expect(fresh.passages).toBe(2 * (30 + 220 - 1));
    expect(fresh.nearest.every((n) => n.consistent && n.similarities.length === 5)).toBe(true);
  });

  it('a checkpoint written before stored tables is upgraded in place (same file, the current format) to the same answers; once current it is left alone', async () => {
    const { foldedDir, plain } = await foldedAndPlain();
    const file = lexicalFile(foldedDir);
    await downgrade(file);
    expect(upgradeLexicalCheckpoint(file)).toBe(true);
    expect(magicOf(file)).toBe('DPLX0002');
    expect(lexicalFile(foldedDir)).toBe(file);
    expect(upgradeLexicalCheckpoint(file)).toBe(false);
    const folded = open(foldedDir, 1);
    const upgraded = await answers(await folded.reader().refresh());
    expect(upgraded).toEqual(await answers(await plain.reader().refresh()));
    expect(upgraded.nearest.every((n) => n.consistent && n.similarities.length === 5)).toBe(true);
  });
});
