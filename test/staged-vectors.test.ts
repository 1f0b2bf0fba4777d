/**
 * A reader does not wait for hnswlib to read the vector checkpoint into memory: its first
 * searches run on the checkpoint file itself (plus the vectors logged since), then the index
 * moves into memory (src/engine/index/local/staged-vectors.ts). Real SQLite space, real hnswlib.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { vectorStream } from '../bench/lib/vectors.js';
import type { ArticleWrite, IndexMeta } from '../src/engine/index/store.js';
import { openSpaceDb, type SpaceDb } from '../src/engine/index/local/space-db.js';
import { compactVectors, liveLabels, loadSpaceVectors } from '../src/engine/index/local/space-vectors.js';
import { commitToSpace } from '../src/engine/index/local/space-writes.js';
import type { StagedVectors } from '../src/engine/index/local/staged-vectors.js';
import { ANALYZER_VERSION, analyze, analyzeBoth } from '../src/engine/text/analyze.js';
import { CHUNKER_VERSION } from '../src/engine/text/chunk.js';

const DIM = 32;
const META: IndexMeta = { chunkerVersion: CHUNKER_VERSION, analyzerVersion: ANALYZER_VERSION, model: { id: 'test/model', dimension: DIM } };
const TERMS = analyzeBoth('Une centrale solaire au Maroc.');
const next = vectorStream('clustered', DIM, 20, 5);

/** Articles a<from>… of four passages each, with clustered (embedding-like) vectors. */
function articles(from: number, count: number): ArticleWrite[] {
  return Array.from({ length: count }, (_, a) => {
    const id = `a${String(from + a).padStart(4, '0')}`;
    return {
      source: { id, title: `Article ${id}`, publisher: null, url: null, date: null, language: 'fr' },
      hash: id,
      titleTerms: analyze(`Article ${id}`),
      passages: Array.from({ length: 4 }, (_, ordinal) => {
        const text = `Passage ${ordinal} de ${id}.`;
        const range = { start: 0, end: text.length };
        return { passage: { id: `${id}#${ordinal}`, articleId: id, ordinal, text, range, sentences: [{ ...range, local: range }], original: text }, terms: TERMS, vector: next() };
      }),
    };
  });
}

let root = '';
let db: SpaceDb | null = null;
const opened: StagedVectors[] = [];
afterEach(() => {
  for (const v of opened.splice(0)) v.close();
  db?.close();
  db = null;
  rmSync(root, { recursive: true, force: true });
});

const labelsOf = (space: SpaceDb, articleId: string) => space.prepare('SELECT label FROM passages WHERE article_id = ? ORDER BY ordinal').pluck().all(articleId) as number[];
const vectorOf = (space: SpaceDb, label: number) => {
  const blob = space.prepare('SELECT vector FROM vector_log WHERE label = ?').pluck().get(label) as Buffer | undefined;
  return blob ? new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)) : null;
};

/** A space with a checkpoint of 1 200 vectors, then 80 vectors logged after it and 10 articles removed. */
async function spaceWithLog(): Promise<{ space: SpaceDb; queries: Float32Array[]; removed: number[]; logged: number[] }> {
  root = mkdtempSync(join(tmpdir(), 'depeche-staged-'));
  const space = (db = openSpaceDb(join(root, 'index.db'), { create: true }));
  commitToSpace(space, { meta: META, upsert: articles(0, 300) });
  await compactVectors(root, space);
  const late = articles(300, 20);
  commitToSpace(space, { upsert: late });
  const removed = ['a0003', 'a0050', 'a0101', 'a0150', 'a0151', 'a0200', 'a0222', 'a0250', 'a0280', 'a0299'].flatMap((id) => labelsOf(space, id));
  commitToSpace(space, { remove: ['a0003', 'a0050', 'a0101', 'a0150', 'a0151', 'a0200', 'a0222', 'a0250', 'a0280', 'a0299'] });
  const logged = late.flatMap((a) => labelsOf(space, a.source.id));
  // Near stored vectors: some of the checkpoint's, some logged since, some removed ones'.
  const queries = [...late.slice(0, 8).flatMap((a) => a.passages.map((p) => p.vector!)), ...Array.from({ length: 30 }, () => next())];
  return { space, queries, removed, logged };
}

async function staged(space: SpaceDb): Promise<StagedVectors> {
  const loaded = (await loadSpaceVectors(root, space, liveLabels(space), { staged: true }))!;
  const v = loaded.vectors as StagedVectors;
  opened.push(v);
  return v;
}

describe('a reader’s vectors, staged', () => {
  it('search the checkpoint file at once as well as the index read into memory does, then move there', async () => {
    const { space, queries, removed, logged } = await spaceWithLog();
    const inMemory = (await loadSpaceVectors(root, space, liveLabels(space)))!.vectors;
    const v = await staged(space);
    expect(v.inMemory).toBe(false);
    expect(v.size).toBe(inMemory.size);
    const fromFile = queries.map((q) => v.search(q, 10).map((h) => h.label));
    const reference = queries.map((q) => inMemory.search(q, 10).map((h) => h.label));
    expect(fromFile).toEqual(reference);
    // Nothing removed comes back; a vector logged after the checkpoint finds itself first.
    expect(fromFile.flat().some((l) => removed.includes(l))).toBe(false);
    expect(fromFile.slice(0, 32).map((hits) => hits[0])).toEqual(logged.slice(0, 32));

    await v.load();
    expect(v.inMemory).toBe(true);
    expect(queries.map((q) => v.search(q, 10).map((h) => h.label))).toEqual(reference);
    expect(v.size).toBe(inMemory.size);
  });

  it('keep what changed while the file answered once the index is in memory', async () => {
    const { space, removed } = await spaceWithLog();
    const v = await staged(space);
    const [gone] = labelsOf(space, 'a0010');
    const fresh = next();
    const freshLabel = 5000;
    v.remove([gone!]);
    const reading = v.load();
    // Between the start of hnswlib's read and its adoption, as a reader applying a delta would.
    v.add([fresh], [freshLabel]);
    expect(v.search(fresh, 1)[0]!.label).toBe(freshLabel);
    await reading;
    expect(v.inMemory).toBe(true);
    expect(v.has(gone!)).toBe(false);
    expect(v.has(removed[0]!)).toBe(false);
    expect(v.has(freshLabel)).toBe(true);
    expect(v.search(fresh, 1)[0]!.label).toBe(freshLabel);
    expect(v.search(vectorOf(space, labelsOf(space, 'a0010')[1]!) ?? next(), 50).map((h) => h.label)).not.toContain(gone);
  });

  it.runIf(process.platform === 'linux')('move into memory even when a compaction replaced the checkpoint they search meanwhile', async () => {
    const { space, queries } = await spaceWithLog();
    const v = await staged(space);
    const before = queries.map((q) => v.search(q, 5).map((h) => h.label));
    // A writer folds the log into a new checkpoint file and deletes the one this reader opened.
    await compactVectors(root, space);
    await v.load();
    expect(v.inMemory).toBe(true);
    expect(queries.map((q) => v.search(q, 5).map((h) => h.label))).toEqual(before);
  });

  it('read nothing more once released', async () => {
    const { space, queries } = await spaceWithLog();
    const v = await staged(space);
    v.close();
    await v.load();
    expect(v.inMemory).toBe(false);
    expect(() => v.search(queries[0]!, 5)).toThrow(/closed/);
  });
});
