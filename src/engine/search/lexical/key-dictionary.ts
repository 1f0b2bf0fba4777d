import { ensureLength } from './growable.js';

/**
 * Interns the keys of one key space (stemmed terms, unstemmed words, prefixes) as dense integer
 * ids, so postings and per-passage records hold 4-byte ids instead of strings. Ids are never
 * reused: a key whose last passage left keeps its id (its document frequency is 0).
 */
export class StringKeys {
  private readonly ids = new Map<string, number>();
  /** Key of each id. */
  readonly keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  id(key: string): number | undefined {
    return this.ids.get(key);
  }

  /**
   * Appends keys known to be new and distinct (a snapshot's list, in id order): one Map insert
   * each, no lookup first. `from`/`to` bound the slice, so a caller can yield between slices.
   */
  appendDistinct(list: readonly string[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      this.ids.set(list[i]!, this.keys.length);
      this.keys.push(list[i]!);
    }
  }

  intern(key: string): number {
    let id = this.ids.get(key);
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
 * pair: an open-addressing hash table over typed arrays, about 16 bytes a pair.
 */
export class PairKeys {
  /** First and second term id of each pair id. */
  private firsts: Uint32Array = new Uint32Array(16);
  private seconds: Uint32Array = new Uint32Array(16);
  private count = 0;
  /** Slot → pair id + 1 (0: empty). Kept under half full. */
  private slots: Uint32Array = new Uint32Array(64);

  /**
   * Sized for `pairs` and a quarter more up front: restoring millions of pairs, then the next
   * article's few new ones, never rehash or regrow the whole table (one long stall each).
   */
  constructor(pairs = 0) {
    const room = Math.ceil(pairs * 1.25) + 1024;
    let size = 64;
    while (size < room * 2) size *= 2;
    this.slots = new Uint32Array(size);
    this.firsts = new Uint32Array(room);
    this.seconds = new Uint32Array(room);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends pairs known to be new and distinct (a snapshot's, in id order), `from`..`to`, with no
   * lookup first; the table was sized for them by the constructor.
   */
  appendDistinct(firsts: Uint32Array, seconds: Uint32Array, from: number, to: number): void {
    this.firsts = ensureLength(this.firsts, this.count + (to - from));
    this.seconds = ensureLength(this.seconds, this.count + (to - from));
    for (let i = from; i < to; i++) {
      const id = this.count++;
      this.firsts[id] = firsts[i]!;
      this.seconds[id] = seconds[i]!;
      if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
      else this.place(id);
    }
  }

  pair(id: number): [number, number] {
    return [this.firsts[id]!, this.seconds[id]!];
  }

  id(a: number, b: number): number | undefined {
    const mask = this.slots.length - 1;
    for (let s = hash(a, b) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return undefined;
      if (this.firsts[v - 1] === a && this.seconds[v - 1] === b) return v - 1;
    }
  }

  intern(a: number, b: number): number {
    const known = this.id(a, b);
    if (known !== undefined) return known;
    const id = this.count++;
    this.firsts = ensureLength(this.firsts, this.count);
    this.seconds = ensureLength(this.seconds, this.count);
    this.firsts[id] = a;
    this.seconds[id] = b;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
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

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** The pairs as two parallel arrays (for a snapshot), and back. */
export function pairArrays(keys: PairKeys): { firsts: Uint32Array; seconds: Uint32Array } {
  const firsts = new Uint32Array(keys.size);
  const seconds = new Uint32Array(keys.size);
  for (let id = 0; id < keys.size; id++) [firsts[id], seconds[id]] = keys.pair(id);
  return { firsts, seconds };
}

export function pairKeysOf(firsts: Uint32Array, seconds: Uint32Array): PairKeys {
  const keys = new PairKeys();
  for (let id = 0; id < firsts.length; id++) keys.intern(firsts[id]!, seconds[id]!);
  return keys;
}

export function stringKeysOf(list: readonly string[]): StringKeys {
  const keys = new StringKeys();
  for (const k of list) keys.intern(k);
  return keys;
}
