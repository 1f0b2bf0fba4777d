/**
 * Open-addressing hash tables over typed arrays, written into a lexical checkpoint beside the keys
 * they index: a reader looks its keys up in what it read, instead of inserting every key into a
 * JS Map at load (at a million passages, seconds of the event loop and of garbage collection, and
 * the longest stalls of a running bot's reload). Slots hold id + 1 (0: empty), probed linearly,
 * at most half full. A string's hash is over its UTF-16 code units: writer and reader both hash JS
 * strings, so a lookup encodes nothing.
 */

/** Slots of a table for `count` keys: a power of two, at least twice the count. */
export function tableSize(count: number): number {
  let size = 16;
  while (size < count * 2) size *= 2;
  return size;
}

/** FNV-1a over UTF-16 code units, then mixed (the low bits pick the slot). */
export function stringHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Places ids `from .. to` into `slots` by their hash; called over consecutive ranges, it builds a table in slices. */
export function placeIds(slots: Uint32Array, hashOf: (id: number) => number, from: number, to: number): void {
  const mask = slots.length - 1;
  for (let id = from; id < to; id++) {
    let s = hashOf(id) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = id + 1;
  }
}

/** The id whose key `matches`, probing from `hash`; undefined when there is none. */
export function findId(slots: Uint32Array, hash: number, matches: (id: number) => boolean): number | undefined {
  const mask = slots.length - 1;
  for (let s = hash & mask; ; s = (s + 1) & mask) {
    const v = slots[s]!;
    if (v === 0) return undefined;
    if (matches(v - 1)) return v - 1;
  }
}

/** The table of a list of distinct strings (id = position). */
export function stringTable(keys: readonly string[]): Uint32Array {
  const slots = new Uint32Array(tableSize(keys.length));
  placeIds(slots, (id) => stringHash(keys[id]!), 0, keys.length);
  return slots;
}

/**
 * Builds a table in slices of `slice` ids, awaiting `pause` between them: what a reader does for
 * a checkpoint written before tables were stored in it.
 */
export async function tableInSlices(count: number, hashOf: (id: number) => number, pause: () => Promise<void>, slice = 8192): Promise<Uint32Array> {
  const slots = new Uint32Array(tableSize(count));
  for (let id = 0; id < count; id += slice) {
    placeIds(slots, hashOf, id, Math.min(count, id + slice));
    await pause();
  }
  return slots;
}
