import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/**
 * HNSW settings; defaults chosen from the scale curve in bench/README.md. A space keeps the
 * settings it was created with (its `hnsw` setting): a change here applies to new builds only.
 */
export interface HnswParams {
  M: number;
  efConstruction: number;
  efSearch: number;
}

// efConstruction 100, not 200 (session 4): same recall@10 at efSearch 64 (1.000 at 100k clustered
// vectors) for 2.4× fewer CPU-seconds per insert, which decides whether a million fit a bulk build.
export const DEFAULT_HNSW: HnswParams = { M: 16, efConstruction: 100, efSearch: 64 };

export interface LabelHit {
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/**
 * An HNSW index over unit vectors in cosine space, with integer labels: the local backend's
 * vector file format (labels never leave the backend).
 */
export interface VectorIndex {
  readonly dimension: number;
  /** Live (not deleted) points. */
  readonly size: number;
  add(vectors: Float32Array[], labels: number[]): void;
  /** Marks labels deleted; labels not in the index, or already deleted, are ignored. */
  remove(labels: Iterable<number>): void;
  has(label: number): boolean;
  /** Every label in the index, deleted ones included. */
  labels(): number[];
  vector(label: number): Float32Array;
  search(query: Float32Array, k: number): LabelHit[];
  /** Writes the index file off the main thread. */
  write(path: string): Promise<void>;
  /**
   * For an index still searched on its file (a reader's, staged-vectors.ts): reads it into memory
   * and resolves once searches run there. Wrappers forward it.
   */
  load?(): Promise<void>;
  /** Lets go of what the index holds open (a released reader state). Wrappers forward it. */
  close?(): void;
}

/**
 * The query as hnswlib-node takes it (a plain array): copied by index, which is ~10× faster than
 * `Array.from`'s iteration (0.7 against 8 µs for 384 numbers), on the asking thread of every search.
 */
function plainArray(v: Float32Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return out;
}

/** `known`: the labels already in `index`, a byte per label, and how many (an index read from a file). */
function wrap(index: InstanceType<typeof HierarchicalNSW>, dimension: number, params: HnswParams, known?: { present: Uint8Array; count: number }): VectorIndex {
  index.setEf(params.efSearch);
  const deleted = new Set<number>();
  // Labels are dense small integers: a byte per label, not a Set entry (a million labels load without a long stall).
  let present = known?.present ?? new Uint8Array(16);
  let presentCount = known?.count ?? 0;
  const mark = (label: number) => {
    if (label >= present.length) {
      const grown = new Uint8Array(Math.max(label + 1, present.length * 2));
      grown.set(present);
      present = grown;
    }
    if (!present[label]) presentCount++;
    present[label] = 1;
  };
  const isPresent = (label: number) => label >= 0 && label < present.length && present[label] === 1;
  return {
    dimension,
    get size() {
      return presentCount - deleted.size;
    },
    add(vectors, labels) {
      const needed = index.getCurrentCount() + vectors.length;
      if (needed > index.getMaxElements()) index.resizeIndex(Math.max(needed, Math.ceil(index.getMaxElements() * 1.5)));
      vectors.forEach((v, i) => {
        if (v.length !== dimension) throw new Error(`vector of dimension ${v.length}, index has ${dimension}`);
        index.addPoint(Array.from(v), labels[i]!);
        mark(labels[i]!);
        deleted.delete(labels[i]!);
      });
    },
    remove(labels) {
      for (const label of labels) {
        if (!isPresent(label) || deleted.has(label)) continue;
        try {
          index.markDelete(label);
        } catch {
          // Already marked in the file this index was read from.
        }
        deleted.add(label);
      }
    },
    has(label) {
      return isPresent(label) && !deleted.has(label);
    },
    labels() {
      const out: number[] = [];
      for (let label = 0; label < present.length; label++) if (present[label]) out.push(label);
      return out;
    },
    vector(label) {
      return Float32Array.from(index.getPoint(label));
    },
    search(query, k) {
      const n = Math.min(k, presentCount - deleted.size);
      if (n <= 0) return [];
      // ef below k makes hnswlib return fewer than k results.
      index.setEf(Math.max(params.efSearch, n));
      const { neighbors, distances } = index.searchKnn(plainArray(query), n);
      return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
    },
    async write(path) {
      await index.writeIndex(path);
    },
  };
}

export function createVectorIndex(dimension: number, capacity: number, params: HnswParams = DEFAULT_HNSW): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex(Math.max(capacity, 16), params.M, params.efConstruction, 100);
  return wrap(index, dimension, params);
}

/**
 * Reads an index file off the main thread (hnswlib's own worker). `deleted` are labels to mark
 * deleted once loaded (those the file still holds but the store no longer does).
 * Throws when the file is missing, truncated or of another dimension.
 */
export async function readVectorIndex(path: string, dimension: number, params: HnswParams, pause: () => Promise<void> = async () => undefined): Promise<VectorIndex> {
  const index = new HierarchicalNSW('cosine', dimension);
  await index.readIndex(path);
  if (index.getNumDimensions() !== dimension) throw new Error(`vector file has dimension ${index.getNumDimensions()}, expected ${dimension}`);
  // One native call for every label (a million: tens of milliseconds); the byte map from it in slices.
  const ids = index.getCurrentCount() > 0 ? index.getIdsList() : [];
  let max = -1;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! > max) max = ids[i]!;
    if ((i & 65535) === 65535) await pause();
  }
  const present = new Uint8Array(max + 1);
  for (let i = 0; i < ids.length; i++) {
    present[ids[i]!] = 1;
    if ((i & 65535) === 65535) await pause();
  }
  return wrap(index, dimension, params, { present, count: ids.length });
}
