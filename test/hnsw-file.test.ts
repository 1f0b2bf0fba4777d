/**
 * A reader answers its first questions by searching the HNSW checkpoint file where it lies
 * (src/engine/index/hnsw-file.ts) while hnswlib reads the same file into memory. These tests
 * hold it to hnswlib-node itself: the same neighbours, in the same order, for the same file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vectorStream } from '../bench/lib/vectors.js';
import { openHnswFile, type HnswFile } from '../src/engine/index/hnsw-file.js';

const DIM = 48;
const COUNT = 4000;
const EF = 64;

describe('an HNSW file searched in place', () => {
  let dir: string;
  let path: string;
  let index: InstanceType<typeof hnswlib.HierarchicalNSW>;
  let file: HnswFile;
  const next = vectorStream('clustered', DIM, 40, 3);
  const queries = Array.from({ length: 60 }, () => next());
  // Labels not equal to positions (every label + 1000), as after a compaction skipped removed vectors.
  const label = (i: number) => i + 1000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'depeche-hnsw-file-'));
    path = join(dir, 'vectors.hnsw');
    const build = new hnswlib.HierarchicalNSW('cosine', DIM);
    build.initIndex(COUNT + 500, 16, 100, 100);
    for (let i = 0; i < COUNT; i++) build.addPoint(Array.from(next()), label(i));
    // Two marked deleted in the file itself, as a compaction leaves removed passages' vectors.
    build.markDelete(label(7));
    build.markDelete(label(2500));
    await build.writeIndex(path);
    index = new hnswlib.HierarchicalNSW('cosine', DIM);
    await index.readIndex(path);
    index.setEf(EF);
    file = await openHnswFile(path, DIM);
  }, 120_000);
  afterAll(() => {
    file?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds what hnswlib finds, in its order, with its similarities', () => {
    for (const q of queries) {
      const want = index.searchKnn(Array.from(q), 10);
      const got = file.search(q, 10, EF, () => true);
      expect(got.map((h) => h.label)).toEqual(want.neighbors);
      got.forEach((h, i) => expect(h.similarity).toBeCloseTo(1 - want.distances[i]!, 5));
    }
    expect(file.count).toBe(COUNT);
  });

  it('skips what the file marks deleted and what the caller filters out, as hnswlib does with the same filter', () => {
    const odd = (l: number) => l % 2 === 1;
    for (const q of queries.slice(0, 20)) {
      const got = file.search(q, 20, EF, odd);
      expect(got.map((h) => h.label)).toEqual(index.searchKnn(Array.from(q), 20, odd).neighbors);
      expect(got.every((h) => odd(h.label) && h.label !== label(7) && h.label !== label(2500))).toBe(true);
    }
  });

  it('widens its search to k when k is above ef', () => {
    const q = queries[0]!;
    const got = file.search(q, 100, EF, () => true);
    expect(got).toHaveLength(100);
    expect(got.map((h) => h.label)).toEqual(index.searchKnn(Array.from(q), 100).neighbors);
  });

  it('reads back a stored vector by label, wherever the element sits', () => {
    const v = file.vectorOf(label(1234))!;
    expect(Array.from(v)).toEqual(index.getPoint(label(1234)).map((x) => Math.fround(x)));
    expect(file.vectorOf(123_456)).toBeNull();
  });

  it('refuses a truncated file, a file of another dimension and a file that is not an index', async () => {
    const empty = join(dir, 'empty.hnsw');
    writeFileSync(empty, '');
    await expect(openHnswFile(empty, DIM)).rejects.toThrow(/not an hnswlib index/);
    // The same bytes cut short inside the upper levels' link lists.
    const short = join(dir, 'short.hnsw');
    const bytes = readFileSync(path);
    writeFileSync(short, bytes.subarray(0, bytes.length - 40));
    await expect(openHnswFile(short, DIM)).rejects.toThrow(/corrupted or truncated/);
    await expect(openHnswFile(path, DIM + 1)).rejects.toThrow(/dimension 48, expected 49/);
    const junk = join(dir, 'junk.hnsw');
    writeFileSync(junk, Buffer.alloc(4096, 7));
    await expect(openHnswFile(junk, DIM)).rejects.toThrow(/not an hnswlib index/);
  });
});
