import { createRng, type Rng } from './rng.js';

/**
 * Synthetic embedding-like vectors for the index scale curve.
 *
 * `uniform`: independent unit vectors, the worst case for any ANN index (intrinsic dimension = 384).
 * `clustered`: closer to what sentence embeddings look like: a shared direction every vector leans
 * towards (embedding models are anisotropic: unrelated texts still score ~0.5–0.8), one of many
 * "topic" centres, a low-rank within-topic variation (local intrinsic dimension ~12) and a little
 * isotropic noise. Still harder than real embeddings, whose local dimension is lower.
 */
export type VectorDistribution = 'clustered' | 'uniform';

export interface VectorSet {
  dim: number;
  count: number;
  /** Row-major, every row unit-length. */
  data: Float32Array;
}

const LOCAL_RANK = 32;

export function generateVectors(
  distribution: VectorDistribution,
  count: number,
  queryCount: number,
  dim: number,
  seed: number,
): { base: VectorSet; queries: VectorSet } {
  const rng = createRng(seed);
  const make = distribution === 'uniform' ? uniformMaker(rng, dim) : clusteredMaker(rng, dim, Math.max(8, Math.round(count / 200)));
  const fill = (n: number): VectorSet => {
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) make(data.subarray(i * dim, (i + 1) * dim));
    return { dim, count: n, data };
  };
  const base = fill(count);
  // Queries come from the same distribution but are not in the index, like real questions.
  const queries = fill(queryCount);
  return { base, queries };
}

function randomUnit(rng: Rng, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rng.gaussian();
  normalize(v);
  return v;
}

function uniformMaker(rng: Rng, dim: number): (out: Float32Array) => void {
  return (out) => {
    for (let i = 0; i < dim; i++) out[i] = rng.gaussian();
    normalize(out);
  };
}

/**
 * Vectors of a distribution made one at a time, for sets too large to hold (the store bench's
 * million passages): `topics` clustered topics, each ~49 KB of basis (keep it to a few thousand).
 * @example const next = vectorStream('clustered', 384, 1000, 7); const v = next(); // unit Float32Array
 */
export function vectorStream(distribution: VectorDistribution, dim: number, topics: number, seed: number): () => Float32Array {
  const rng = createRng(seed);
  const make = distribution === 'uniform' ? uniformMaker(rng, dim) : clusteredMaker(rng, dim, topics);
  return () => {
    const v = new Float32Array(dim);
    make(v);
    return v;
  };
}

function clusteredMaker(rng: Rng, dim: number, clusters: number): (out: Float32Array) => void {
  const shared = randomUnit(rng, dim);
  const centres = Array.from({ length: clusters }, () => randomUnit(rng, dim));
  // Each topic varies along its own few directions (sub-topics), scaled so the part has norm ~1.
  const bases = Array.from({ length: clusters }, () => {
    const b = new Float32Array(LOCAL_RANK * dim);
    for (let i = 0; i < b.length; i++) b[i] = rng.gaussian() / Math.sqrt(dim * LOCAL_RANK);
    return b;
  });
  const z = new Float64Array(LOCAL_RANK);
  return (out) => {
    const c = rng.int(clusters);
    const centre = centres[c]!;
    const basis = bases[c]!;
    for (let r = 0; r < LOCAL_RANK; r++) z[r] = rng.gaussian();
    for (let i = 0; i < dim; i++) {
      let local = 0;
      for (let r = 0; r < LOCAL_RANK; r++) local += basis[r * dim + i]! * z[r]!;
      const noise = rng.gaussian() / Math.sqrt(dim);
      out[i] = 1.2 * shared[i]! + 1.0 * centre[i]! + 0.9 * local + 0.9 * noise;
    }
    normalize(out);
  };
}

export function normalize(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
}

/** Row `i` of a set as a plain array (hnswlib-node takes only `number[]`). */
export function row(set: VectorSet, i: number): number[] {
  return Array.from(set.data.subarray(i * set.dim, (i + 1) * set.dim));
}

/**
 * Exact top-k by cosine (= dot product on unit vectors): the recall reference and the
 * "no index at all" baseline. Returns labels, best first.
 */
export function exactTopK(base: VectorSet, query: Float32Array | readonly number[], k: number): number[] {
  const { dim, count, data } = base;
  const bestIds: number[] = [];
  const bestScores: number[] = [];
  for (let i = 0; i < count; i++) {
    let s = 0;
    const off = i * dim;
    for (let j = 0; j < dim; j++) s += data[off + j]! * query[j]!;
    if (bestScores.length === k && s <= bestScores[k - 1]!) continue;
    let pos = bestScores.length;
    while (pos > 0 && bestScores[pos - 1]! < s) pos--;
    bestScores.splice(pos, 0, s);
    bestIds.splice(pos, 0, i);
    if (bestScores.length > k) {
      bestScores.pop();
      bestIds.pop();
    }
  }
  return bestIds;
}

/** Fraction of the exact top-k found by an approximate search. */
export function recallAtK<T>(found: readonly T[], exact: readonly T[]): number {
  if (exact.length === 0) return 1;
  const truth = new Set(exact);
  let hit = 0;
  for (const id of found) if (truth.has(id)) hit++;
  return hit / exact.length;
}

/**
 * Recall@k that forgives ties: a found row counts when its exact score is within `eps` of the
 * k-th best exact score. Embeddings of a random-weight model are nearly all alike, and two
 * float summation orders then rank equal scores differently; that is not a search miss.
 */
export function recallWithTies(base: VectorSet, query: Float32Array | readonly number[], found: readonly number[], exact: readonly number[], eps = 1e-5): number {
  if (exact.length === 0) return 1;
  const score = (i: number) => {
    let s = 0;
    for (let j = 0; j < base.dim; j++) s += base.data[i * base.dim + j]! * query[j]!;
    return s;
  };
  const kth = score(exact[exact.length - 1]!);
  let hit = 0;
  for (const i of new Set(found)) if (i >= 0 && score(i) >= kth - eps) hit++;
  return Math.min(1, hit / exact.length);
}
