import { ensureLength } from './growable.js';
import { findId, placeIds, stringHash } from './key-table.js';

/**
 * Interns the keys of one key space (stemmed terms, unstemmed words, prefixes) as dense integer
 * ids, so postings and per-passage records hold 4-byte ids instead of strings. Ids are never
 * reused: a key whose last passage left keeps its id (its document frequency is 0).
 *
 * A dictionary restored from a checkpoint is sealed: the stored keys are looked up through the
 * checkpoint's own hash table (see key-table.ts); only keys interned since go into a Map.
 */
export class StringKeys {
  /** Ids of keys interned after the sealed ones. */
  private readonly ids = new Map<string, number>();
  /** Key of each id. */
  readonly keys: string[] = [];
  /** Table of the sealed keys (ids below its count), or null. */
  private sealedSlots: Uint32Array | null = null;

  /**
   * A dictionary over stored keys (distinct, in id order) and their table (`stringTable(keys)`,
   * or read from a checkpoint): adopted as they are (`keys` becomes this dictionary's own list).
   */
  static sealed(keys: string[], slots: Uint32Array): StringKeys {
    const out = new StringKeys();
    (out as { keys: string[] }).keys = keys;
    out.sealedSlots = slots;
    return out;
  }

  get size(): number {
    return this.keys.length;
  }

  id(key: string): number | undefined {
    if (this.sealedSlots) {
      const { keys } = this;
      const found = findId(this.sealedSlots, stringHash(key), (id) => keys[id] === key);
      if (found !== undefined) return found;
    }
    return this.ids.get(key);
  }

  intern(key: string): number {
    let id = this.id(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }
}

/**
 * Interns pairs of term ids (adjacent-term bigrams) without making a string or a Map entry per
 * pair: an open-addressing hash table over typed arrays, about 16 bytes a pair. A dictionary
 * restored from a checkpoint keeps the stored pairs and their stored table as they were read
 * (sealed, read-only); pairs interned since get ids after them, in a small table of their own.
 */
export class PairKeys {
  /** First and second term id of each pair id (after the sealed ones). */
  private firsts: Uint32Array = new Uint32Array(16);
  private seconds: Uint32Array = new Uint32Array(16);
  private count = 0;
  /** Slot → pair id + 1 (0: empty), of the pairs after the sealed ones. Kept under half full. */
  private slots: Uint32Array = new Uint32Array(64);
  private sealed: { firsts: Uint32Array; seconds: Uint32Array; slots: Uint32Array; count: number } | null = null;

  /** The stored pairs of a checkpoint with their table (`pairTable`), adopted without a copy. */
  static sealed(firsts: Uint32Array, seconds: Uint32Array, slots: Uint32Array): PairKeys {
    const out = new PairKeys();
    out.sealed = { firsts, seconds, slots, count: firsts.length };
    return out;
  }

  get size(): number {
    return (this.sealed?.count ?? 0) + this.count;
  }

  pair(id: number): [number, number] {
    const s = this.sealed;
    if (s && id < s.count) return [s.firsts[id]!, s.seconds[id]!];
    const own = id - (s?.count ?? 0);
    return [this.firsts[own]!, this.seconds[own]!];
  }

  id(a: number, b: number): number | undefined {
    const h = hash(a, b);
    const s = this.sealed;
    if (s) {
      const found = probe(s.slots, s.firsts, s.seconds, h, a, b);
      if (found !== undefined) return found;
    }
    const own = probe(this.slots, this.firsts, this.seconds, h, a, b);
    return own === undefined ? undefined : own + (s?.count ?? 0);
  }

  intern(a: number, b: number): number {
    const known = this.id(a, b);
    if (known !== undefined) return known;
    const own = this.count++;
    this.firsts = ensureLength(this.firsts, this.count);
    this.seconds = ensureLength(this.seconds, this.count);
    this.firsts[own] = a;
    this.seconds[own] = b;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(own);
    return own + (this.sealed?.count ?? 0);
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let s = hash(this.firsts[id]!, this.seconds[id]!) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = new Uint32Array(size);
    for (let id = 0; id < this.count; id++) this.place(id);
  }
}

function probe(slots: Uint32Array, firsts: Uint32Array, seconds: Uint32Array, h: number, a: number, b: number): number | undefined {
  const mask = slots.length - 1;
  for (let s = h & mask; ; s = (s + 1) & mask) {
    const v = slots[s]!;
    if (v === 0) return undefined;
    if (firsts[v - 1] === a && seconds[v - 1] === b) return v - 1;
  }
}

/** The table of stored pairs (what a checkpoint keeps beside them); `from`/`to` build it in slices. */
export function placePairs(slots: Uint32Array, firsts: Uint32Array, seconds: Uint32Array, from: number, to: number): void {
  placeIds(slots, (i) => hash(firsts[i]!, seconds[i]!), from, to);
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** The pairs as two parallel arrays (for a snapshot). */
export function pairArrays(keys: PairKeys): { firsts: Uint32Array; seconds: Uint32Array } {
  const firsts = new Uint32Array(keys.size);
  const seconds = new Uint32Array(keys.size);
  for (let id = 0; id < keys.size; id++) [firsts[id], seconds[id]] = keys.pair(id);
  return { firsts, seconds };
}
