import { findId, stringHash } from './key-table.js';

/**
 * Passage ids as a checkpoint stores them: UTF-8, NUL-separated, in ordinal order (`bytes`), the
 * start of each (`starts`, one more entry: the end of the last plus one) and a hash table of them
 * (`slots`, see key-table.ts).
 */
export interface PackedIds {
  bytes: Uint8Array;
  starts: Uint32Array;
  slots: Uint32Array;
}

/**
 * Passage id by ordinal, and ordinal by id. The ids of a restored checkpoint stay packed in the
 * buffer they were read into and are decoded one at a time when asked for (a hit, a removal):
 * a million of them are neither decoded nor put in a Map at load, which was most of a reader's
 * load on the event loop and of the garbage it left. Ids added since are plain strings in a Map.
 * An id removed and added again gets a new ordinal; `ord` gives the newest, and the caller knows
 * which ordinals are still live.
 */
export class PassageIds {
  private packed: (PackedIds & { view: Buffer; count: number }) | null = null;
  private readonly added: string[] = [];
  private readonly addedOrd = new Map<string, number>();

  /** Ids given as strings, in ordinal order (an index built in memory, or a checkpoint written before packed ids). */
  static of(ids: readonly string[]): PassageIds {
    const out = new PassageIds();
    for (const id of ids) out.push(id);
    return out;
  }

  static packed(p: PackedIds): PassageIds {
    const out = new PassageIds();
    out.packed = { ...p, view: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength), count: p.starts.length - 1 };
    return out;
  }

  /** Ordinals handed out (live or not). */
  get length(): number {
    return (this.packed?.count ?? 0) + this.added.length;
  }

  at(ord: number): string {
    const p = this.packed;
    if (p && ord < p.count) return p.view.toString('utf8', p.starts[ord]!, p.starts[ord + 1]! - 1);
    return this.added[ord - (p?.count ?? 0)]!;
  }

  /** The newest ordinal given to `id`, or undefined. */
  ord(id: string): number | undefined {
    const added = this.addedOrd.get(id);
    if (added !== undefined) return added;
    const p = this.packed;
    if (!p) return undefined;
    return findId(p.slots, stringHash(id), (ord) => sameId(p.bytes, p.starts[ord]!, p.starts[ord + 1]! - 1, id));
  }

  push(id: string): number {
    const ord = this.stage(id);
    this.addedOrd.set(id, ord);
    return ord;
  }

  /** A new ordinal for `id` that `ord(id)` gives only once `show` is called (a staged passage stays hidden). */
  stage(id: string): number {
    const ord = this.length;
    this.added.push(id);
    return ord;
  }

  /** From now on `ord(id)` is `ord`. */
  show(id: string, ord: number): void {
    this.addedOrd.set(id, ord);
  }
}

/** Whether `bytes[start .. end)` is `id` in UTF-8, decoding only when either holds non-ASCII. */
function sameId(bytes: Uint8Array, start: number, end: number, id: string): boolean {
  const n = end - start;
  // UTF-8 never takes fewer bytes than UTF-16 takes code units, and as many only when all ASCII.
  if (n < id.length) return false;
  if (n === id.length) {
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      if (c >= 0x80 || bytes[start + i] !== c) return false;
    }
    return true;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, n).toString('utf8') === id;
}

/** The packed form of ids (what a checkpoint writes). */
export function packIds(ids: readonly string[]): { bytes: Buffer; starts: Uint32Array } {
  const bytes = Buffer.from(ids.join('\0'), 'utf8');
  const starts = new Uint32Array(ids.length + 1);
  for (let i = 0, at = 0; i < ids.length; i++) {
    starts[i] = at;
    at += Buffer.byteLength(ids[i]!, 'utf8') + 1;
    starts[i + 1] = at;
  }
  return { bytes, starts };
}
