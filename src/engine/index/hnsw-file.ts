import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { LabelHit } from './vector-index.js';

/**
 * An hnswlib index file (cosine space) searched where it lies: each node's record is read from
 * the file when the search reaches it, with hnswlib's own algorithm (greedy descent through the
 * upper levels, then the best-first search of level 0 with `ef` candidates). Nothing of the graph
 * is copied into memory but the small upper-level link lists, so a reader answers at once from
 * the page cache while hnswlib's `readIndex` (1.7 GB of fresh memory at a million vectors, 13 to
 * 29 CPU-s here) is still loading the same file. Read-only; about 2 000 small reads a search.
 *
 * Format (hnswlib 0.8 `saveIndex`): a 96-byte header, then `count` level-0 records of
 * `sizePerElement` bytes — u32 header (u16 link count, deleted flag in byte 2), maxM0 u32
 * links, the vector (float32 × dimension), a u64 label — then, per element, a u32 byte size
 * and its upper-level link lists (per level: u32 count header, maxM u32 links).
 */
export interface HnswFile {
  /**
   * A path to this very file, for another reader of it (hnswlib's): on Linux the open
   * descriptor's, so a compaction that replaced the checkpoint meanwhile does not matter.
   */
  readonly path: string;
  readonly dimension: number;
  /** Elements in the file, those marked deleted included. */
  readonly count: number;
  /**
   * The k nearest elements whose label `allowed` accepts and that the file does not mark
   * deleted, best first: hnswlib's `searchKnn` with a filter, on the same graph.
   */
  search(query: Float32Array, k: number, ef: number, allowed: (label: number) => boolean): LabelHit[];
  /** The stored (unit) vector of a label, or null when the file does not hold it. */
  vectorOf(label: number): Float32Array | null;
  close(): void;
}

const HEADER_BYTES = 96;
const DELETE_MARK = 0x01;

const readAt = promisify(read);

/**
 * Opens a file hnswlib wrote; rejects when it is not a whole index file of this dimension. The
 * upper levels are read on libuv's threads and indexed in slices, awaiting `pause` between them.
 */
export async function openHnswFile(path: string, dimension: number, pause: () => Promise<void> = async () => undefined): Promise<HnswFile> {
  const fd = openSync(path, 'r');
  try {
    return await readHeaderAndLevels(fd, path, dimension, pause);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

async function readHeaderAndLevels(fd: number, path: string, dimension: number, pause: () => Promise<void>): Promise<HnswFile> {
  const fileBytes = fstatSync(fd).size;
  const head = Buffer.alloc(HEADER_BYTES);
  if (fileBytes < HEADER_BYTES || readSync(fd, head, 0, HEADER_BYTES, 0) !== HEADER_BYTES) throw new Error(`${path}: not an hnswlib index (too short)`);
  const u64 = (at: number) => Number(head.readBigUInt64LE(at));
  const offsetLevel0 = u64(0);
  const count = u64(16);
  const sizePerElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxLevel = head.readInt32LE(48);
  const entry = head.readUInt32LE(52);
  const maxM = u64(56);
  const maxM0 = u64(64);
  const fileDimension = (labelOffset - offsetData) / 4;
  const sane =
    offsetLevel0 === 0 &&
    offsetData === maxM0 * 4 + 4 &&
    sizePerElement === labelOffset + 8 &&
    Number.isInteger(fileDimension) &&
    maxM > 0 &&
    maxM <= 10_000 &&
    maxLevel >= -1 &&
    maxLevel < 64 &&
    HEADER_BYTES + count * sizePerElement <= fileBytes &&
    (count === 0 || entry < count);
  if (!sane) throw new Error(`${path}: not an hnswlib index (inconsistent header)`);
  if (fileDimension !== dimension) throw new Error(`vector file has dimension ${fileDimension}, expected ${dimension}`);

  // The upper levels: a few bytes per element (8.5 MB at a million), read whole, with where each element's lists start.
  const tailStart = HEADER_BYTES + count * sizePerElement;
  const tail = Buffer.alloc(fileBytes - tailStart);
  for (let got = 0; got < tail.length; ) {
    const { bytesRead } = await readAt(fd, tail, got, tail.length - got, tailStart + got);
    if (bytesRead === 0) throw new Error(`${path}: truncated`);
    got += bytesRead;
  }
  const upper = new Int32Array(count).fill(-1);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > tail.length) throw new Error(`${path}: index seems to be corrupted or truncated`);
    const bytes = tail.readUInt32LE(at);
    if (bytes > 0) upper[i] = at + 4;
    at += 4 + bytes;
    if ((i & 65535) === 65535) await pause();
  }
  // hnswlib's own check: the link lists end exactly where the file does.
  if (at !== tail.length) throw new Error(`${path}: index seems to be corrupted or truncated`);
  const upperLinksBytes = maxM * 4 + 4;

  // One node's level-0 record, read into a scratch buffer (aligned: the vector is read as float32).
  const scratch = new Uint8Array(new ArrayBuffer(sizePerElement + 8));
  const view = new DataView(scratch.buffer);
  const vectorOfScratch = new Float32Array(scratch.buffer, offsetData, dimension);
  const readRecord = (id: number) => {
    if (readSync(fd, scratch, 0, sizePerElement, HEADER_BYTES + id * sizePerElement) !== sizePerElement) throw new Error(`${path}: truncated`);
  };
  const scratchLabel = () => view.getUint32(labelOffset, true) + view.getUint32(labelOffset + 4, true) * 2 ** 32;

  /** A node as a search met it: distance to the query, level-0 links, label, deleted mark. */
  interface Node {
    dist: number;
    links: Uint32Array;
    label: number;
    deleted: boolean;
  }
  const visit = (id: number, query: Float32Array): Node => {
    if (id >= count) throw new Error(`${path}: link to element ${id} of ${count}`);
    readRecord(id);
    let dot = 0;
    for (let d = 0; d < dimension; d++) dot += query[d]! * vectorOfScratch[d]!;
    const n = view.getUint16(0, true);
    return {
      // hnswlib's inner-product distance, in float32 as it computes it.
      dist: Math.fround(1 - Math.fround(dot)),
      links: new Uint32Array(scratch.buffer.slice(4, 4 + Math.min(n, maxM0) * 4)),
      label: scratchLabel(),
      deleted: (scratch[2]! & DELETE_MARK) !== 0,
    };
  };
  const upperLinks = (id: number, level: number): Uint32Array => {
    const start = upper[id]!;
    if (start < 0) return new Uint32Array(0);
    const list = start + (level - 1) * upperLinksBytes;
    const n = tail.readUInt16LE(list);
    const out = new Uint32Array(Math.min(n, maxM));
    for (let i = 0; i < out.length; i++) out[i] = tail.readUInt32LE(list + 4 + i * 4);
    return out;
  };

  let idOfLabel: Map<number, number> | null = null;
  let closed = false;

  return {
    path: process.platform === 'linux' ? `/proc/self/fd/${fd}` : path,
    dimension,
    count,
    search(rawQuery, k, ef, allowed) {
      if (closed) throw new Error('hnsw file closed');
      if (count === 0 || k <= 0) return [];
      const query = cosineUnit(rawQuery);
      const seen = new Map<number, Node>();
      const meet = (id: number) => {
        let node = seen.get(id);
        if (!node) seen.set(id, (node = visit(id, query)));
        return node;
      };
      // Greedy descent through the upper levels (searchKnn).
      let current = entry;
      let currentDist = meet(entry).dist;
      for (let level = maxLevel; level > 0; level--) {
        for (let changed = true; changed; ) {
          changed = false;
          for (const cand of upperLinks(current, level)) {
            const d = meet(cand).dist;
            if (d < currentDist) {
              currentDist = d;
              current = cand;
              changed = true;
            }
          }
        }
      }
      // Level 0, best first (searchBaseLayerST with deletions or a filter).
      const width = Math.max(ef, k);
      const accepts = (n: Node) => !n.deleted && allowed(n.label);
      const top = new Heap((a, b) => a > b); // worst on top
      const candidates = new Heap((a, b) => a < b); // nearest on top
      const visited = new Set<number>([current]);
      const start = meet(current);
      let lowerBound: number;
      if (accepts(start)) {
        lowerBound = start.dist;
        top.push(start.dist, current);
        candidates.push(start.dist, current);
      } else {
        lowerBound = Infinity;
        candidates.push(Infinity, current);
      }
      while (candidates.size > 0) {
        const candDist = candidates.topKey();
        if (candDist > lowerBound && top.size === width) break;
        const id = candidates.pop();
        for (const next of meet(id).links) {
          if (visited.has(next)) continue;
          visited.add(next);
          const node = meet(next);
          if (top.size < width || lowerBound > node.dist) {
            candidates.push(node.dist, next);
            if (accepts(node)) top.push(node.dist, next);
            while (top.size > width) top.pop();
            if (top.size > 0) lowerBound = top.topKey();
          }
        }
      }
      while (top.size > k) top.pop();
      const hits: LabelHit[] = [];
      while (top.size > 0) {
        const dist = top.topKey();
        hits.push({ label: seen.get(top.pop())!.label, similarity: 1 - dist });
      }
      return hits.reverse();
    },
    vectorOf(label) {
      if (closed) throw new Error('hnsw file closed');
      // Elements are usually stored in label order: try there before mapping every label.
      let id = label < count ? label : -1;
      if (id >= 0) {
        readRecord(id);
        if (scratchLabel() !== label) id = -1;
      }
      if (id < 0) {
        idOfLabel ??= mapLabels(fd, count, sizePerElement, labelOffset);
        id = idOfLabel.get(label) ?? -1;
        if (id < 0) return null;
        readRecord(id);
      }
      return Float32Array.from(vectorOfScratch);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/** Every element's label, read in large chunks (only when a label is not at its own position). */
function mapLabels(fd: number, count: number, sizePerElement: number, labelOffset: number): Map<number, number> {
  const out = new Map<number, number>();
  const perChunk = Math.max(1, Math.floor((32 << 20) / sizePerElement));
  const chunk = Buffer.alloc(perChunk * sizePerElement);
  for (let first = 0; first < count; first += perChunk) {
    const n = Math.min(perChunk, count - first);
    readSync(fd, chunk, 0, n * sizePerElement, HEADER_BYTES + first * sizePerElement);
    for (let i = 0; i < n; i++) {
      const at = i * sizePerElement + labelOffset;
      out.set(chunk.readUInt32LE(at) + chunk.readUInt32LE(at + 4) * 2 ** 32, first + i);
    }
  }
  return out;
}

/**
 * A copy of `v` at unit length, computed as hnswlib-node normalises vectors in cosine space
 * (float32), so a similarity computed on it is the one hnswlib would give.
 */
export function cosineUnit(v: Float32Array): Float32Array {
  const out = Float32Array.from(v);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum = Math.fround(sum + Math.fround(out[i]! * out[i]!));
  const norm = Math.fround(Math.sqrt(sum));
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

/** A binary heap of (key, id) pairs; `before(a, b)` puts key a nearer the top. */
class Heap {
  private keys: number[] = [];
  private ids: number[] = [];
  constructor(private readonly before: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.keys.length;
  }
  topKey(): number {
    return this.keys[0]!;
  }
  push(key: number, id: number): void {
    const { keys, ids } = this;
    let i = keys.length;
    keys.push(key);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(keys[i]!, keys[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): number {
    const { keys, ids } = this;
    const top = ids[0]!;
    const lastKey = keys.pop()!;
    const lastId = ids.pop()!;
    if (keys.length > 0) {
      keys[0] = lastKey;
      ids[0] = lastId;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < keys.length && this.before(keys[l]!, keys[best]!)) best = l;
        if (r < keys.length && this.before(keys[r]!, keys[best]!)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
  private swap(a: number, b: number): void {
    const { keys, ids } = this;
    [keys[a], keys[b]] = [keys[b]!, keys[a]!];
    [ids[a], ids[b]] = [ids[b]!, ids[a]!];
  }
}
