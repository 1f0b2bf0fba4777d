import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** HNSW settings; defaults chosen from the scale curve in bench/README.md. */
export interface HnswParams {
  M: number;
  efConstruction: number;
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParams = { M: 16, efConstruction: 200, efSearch: 64 };

export interface VectorHit {
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** An HNSW index over unit vectors in cosine space, with integer labels. */
export interface VectorIndex {
  readonly dimension: number;
  /** Live (not deleted) points. */
  readonly size: number;
  add(vectors: Float32Array[], labels: number[]): void;
  remove(labels: Iterable<number>): void;
  search(query: Float32Array, k: number): VectorHit[];
  write(path: string): void;
}

function wrap(index: InstanceType<typeof HierarchicalNSW>, dimension: number, params: HnswParams, deleted: Set<number>): VectorIndex {
  index.setEf(params.efSearch);
  return {
    dimension,
    get size() {
      return index.getCurrentCount() - deleted.size;
    },
    add(vectors, labels) {
      const needed = index.getCurrentCount() + vectors.length;
      if (needed > index.getMaxElements()) index.resizeIndex(Math.max(needed, Math.ceil(index.getMaxElements() * 1.5)));
      vectors.forEach((v, i) => {
        if (v.length !== dimension) throw new Error(`vector of dimension ${v.length}, index has ${dimension}`);
        index.addPoint(Array.from(v), labels[i]!);
      });
    },
    remove(labels) {
      for (const label of labels) {
        if (deleted.has(label)) continue;
        index.markDelete(label);
        deleted.add(label);
      }
    },
    search(query, k) {
      const n = Math.min(k, index.getCurrentCount() - deleted.size);
      if (n <= 0) return [];
      // ef below k makes hnswlib return fewer than k results.
      index.setEf(Math.max(params.efSearch, n));
      const { neighbors, distances } = index.searchKnn(Array.from(query), n);
      return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
    },
    write(path) {
      index.writeIndexSync(path);
    },
  };
}

export function createVectorIndex(dimension: number, capacity: number, params: HnswParams = DEFAULT_HNSW): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex(Math.max(capacity, 16), params.M, params.efConstruction, 100);
  return wrap(index, dimension, params, new Set());
}

/** Reads an index written by `write`; `deleted` are the labels marked deleted in it. */
export function readVectorIndex(path: string, dimension: number, params: HnswParams, deleted: Iterable<number>): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  index.readIndexSync(path);
  return wrap(index, dimension, params, new Set(deleted));
}
