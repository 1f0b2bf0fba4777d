import { cosineUnit } from '../hnsw-file.js';
import type { LabelHit, VectorIndex } from '../vector-index.js';

/** Quiet time after the last addition before fresh vectors move into the graph (a burst of ingests is not slowed). */
const SETTLE_DELAY_MS = 1000;
/** Fresh vectors past which they move at once, quiet or not: an exact scan of this many is about a millisecond per question. */
const MOST_FRESH = 2048;

/** A reader's vector index whose newest vectors wait in an exact set before they join the graph. */
export interface FreshVectorIndex extends VectorIndex {
  /** Vectors not in the graph yet. */
  readonly freshCount: number;
  /** Moves every fresh vector into the graph now (tests, and before a write). */
  settle(): void;
}

/**
 * Wraps a reader's HNSW graph so that adding a vector costs O(1) on the caller's thread: it
 * joins a small exact set, searched beside the graph (brute force, cosine) and merged by
 * similarity, and moves into the graph later, one vector per turn of the event loop, once
 * additions pause. At a million vectors one insert into the graph walks some thousands of
 * neighbours through 1.6 GB (about 10–50 ms per vector here, on the main thread): that cost no
 * longer sits inside an ingest, and the event loop is held for at most one insert at a time.
 * Answers are the same meanwhile: the fresh set is searched exactly.
 *
 * @example const vectors = withFreshVectors(await readVectorIndex(path, 384, params)); vectors.add([v], [42]); vectors.search(q, 5)
 */
export function withFreshVectors(graph: VectorIndex): FreshVectorIndex {
  const fresh = new Map<number, Float32Array>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let moving = false;

  const moveOne = () => {
    timer = null;
    const next = fresh.entries().next();
    if (next.done) {
      moving = false;
      return;
    }
    const [label, vector] = next.value;
    // Graph and set change in one synchronous step: a search sees the vector in exactly one of them.
    graph.add([vector], [label]);
    fresh.delete(label);
    if (fresh.size === 0) {
      moving = false;
      return;
    }
    timer = setTimeout(moveOne, 0);
    timer.unref();
  };
  const schedule = () => {
    if (moving) return;
    if (timer) clearTimeout(timer);
    const now = fresh.size >= MOST_FRESH;
    moving = now;
    timer = setTimeout(moveOne, now ? 0 : SETTLE_DELAY_MS);
    timer.unref();
  };

  const exact = (query: Float32Array, k: number): LabelHit[] => {
    const q = cosineUnit(query);
    const hits: LabelHit[] = [];
    for (const [label, v] of fresh) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += q[i]! * v[i]!;
      hits.push({ label, similarity: dot });
    }
    return hits.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  };

  return {
    dimension: graph.dimension,
    get size() {
      return graph.size + fresh.size;
    },
    get freshCount() {
      return fresh.size;
    },
    add(vectors, labels) {
      vectors.forEach((v, i) => {
        if (v.length !== graph.dimension) throw new Error(`vector of dimension ${v.length}, index has ${graph.dimension}`);
        // Stored unit-length, as the cosine graph stores them: a scan is then one dot product.
        fresh.set(labels[i]!, cosineUnit(v));
      });
      if (vectors.length > 0) schedule();
    },
    remove(labels) {
      const inGraph: number[] = [];
      for (const label of labels) if (!fresh.delete(label)) inGraph.push(label);
      graph.remove(inGraph);
    },
    has: (label) => fresh.has(label) || graph.has(label),
    labels: () => [...graph.labels(), ...fresh.keys()],
    vector: (label) => {
      const v = fresh.get(label);
      return v ? Float32Array.from(v) : graph.vector(label);
    },
    search(query, k) {
      if (fresh.size === 0) return graph.search(query, k);
      const merged = [...graph.search(query, k), ...exact(query, k)];
      return merged.sort((a, b) => b.similarity - a.similarity).slice(0, k);
    },
    settle() {
      if (timer) clearTimeout(timer);
      timer = null;
      moving = false;
      if (fresh.size > 0) graph.add([...fresh.values()], [...fresh.keys()]);
      fresh.clear();
    },
    async write(path) {
      this.settle();
      await graph.write(path);
    },
    // A staged graph (staged-vectors.ts) is read into memory, or let go, through its wrapper.
    load: () => graph.load?.() ?? Promise.resolve(),
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      fresh.clear();
      graph.close?.();
    },
  };
}
