import { describe, expect, it, vi } from 'vitest';
import { withFreshVectors } from '../src/engine/index/local/fresh-vectors.js';
import { createVectorIndex } from '../src/engine/index/vector-index.js';

/**
 * A reader's vectors: new ones wait in an exact set beside the HNSW graph (an ingest never
 * inserts into a large graph on the main thread) and join the graph later; searches see them
 * at once, ranked with the graph's.
 */
const DIM = 16;
function vectors(n: number, seed: number): Float32Array[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Array.from({ length: n }, () => Float32Array.from({ length: DIM }, next));
}
const labelsOf = (hits: { label: number }[]) => hits.map((h) => h.label);

describe('fresh vectors beside the graph', () => {
  it('finds a vector the moment it is added, ranked exactly as a graph holding it would rank it', () => {
    const [old, added, queries] = [vectors(200, 1), vectors(5, 2), vectors(10, 3)];
    const plain = createVectorIndex(DIM, 256);
    plain.add([...old, ...added], [...old.keys(), ...added.map((_, i) => 1000 + i)]);
    const graph = createVectorIndex(DIM, 256);
    graph.add(old, [...old.keys()]);
    const reader = withFreshVectors(graph);
    reader.add(added, added.map((_, i) => 1000 + i));

    expect(reader.freshCount).toBe(5);
    expect(graph.has(1000)).toBe(false);
    expect(reader.has(1000)).toBe(true);
    expect(reader.size).toBe(205);
    for (const q of queries) {
      const want = plain.search(q, 8);
      const got = reader.search(q, 8);
      expect(labelsOf(got)).toEqual(labelsOf(want));
      got.forEach((h, i) => expect(h.similarity).toBeCloseTo(want[i]!.similarity, 5));
    }
    expect(Array.from(reader.vector(1002))).toEqual(Array.from(plain.vector(1002)).map((x) => expect.closeTo(x, 6)));
  });

  it('moves them into the graph once additions pause, with the same answers after', async () => {
    const graph = createVectorIndex(DIM, 64);
    graph.add(vectors(20, 4), [...Array(20).keys()]);
    const reader = withFreshVectors(graph);
    const added = vectors(3, 5);
    reader.add(added, [100, 101, 102]);
    const q = vectors(1, 6)[0]!;
    const before = reader.search(q, 5);
    // Still fresh right after (a burst of ingests is not slowed by graph inserts)…
    expect(reader.freshCount).toBe(3);
    // …then, once additions pause (a second), they join the graph one per turn of the event loop.
    await vi.waitFor(() => expect(reader.freshCount).toBe(0), { timeout: 20_000, interval: 50 });
    expect([100, 101, 102].every((l) => graph.has(l))).toBe(true);
    expect(labelsOf(reader.search(q, 5))).toEqual(labelsOf(before));
  });

  it('forgets a removed fresh vector without touching the graph, and removes graph vectors from the graph', () => {
    const graph = createVectorIndex(DIM, 64);
    const old = vectors(10, 7);
    graph.add(old, [...old.keys()]);
    const reader = withFreshVectors(graph);
    const [fresh] = vectors(1, 8);
    reader.add([fresh!], [50]);
    reader.remove([50, 3]);
    expect(reader.has(50)).toBe(false);
    expect(reader.has(3)).toBe(false);
    expect(graph.has(3)).toBe(false);
    expect(reader.size).toBe(9);
    expect(labelsOf(reader.search(fresh!, 10))).not.toContain(50);
    reader.settle();
    expect(graph.has(50)).toBe(false);
  });
});
