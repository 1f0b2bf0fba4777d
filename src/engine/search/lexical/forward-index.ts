import { closeSync, readSync } from 'node:fs';

/**
 * Per passage, the key ids it holds in each space — what removing it must decrement, and what
 * `termsOf` reads. One Uint32Array record per passage:
 * `[body terms, title-only terms, words, bigrams, prefixes, ...ids in that order]`.
 */
export const HEADER = 5;

/** Where the records of sealed passages live: one array in memory, or a snapshot file read on demand. */
export interface ForwardSource {
  record(ord: number): Uint32Array;
  /** Records of sealed ordinals `0 .. count` (the ordinals a seal knows). */
  readonly count: number;
  close?(): void;
}

export class MemoryForward implements ForwardSource {
  constructor(
    /** Start of each record in `arena`, plus the end. */
    readonly offsets: Uint32Array,
    readonly arena: Uint32Array,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  record(ord: number): Uint32Array {
    return this.arena.subarray(this.offsets[ord]!, this.offsets[ord + 1]!);
  }
}

/**
 * Records kept in a snapshot file and read when a passage is removed (rare, O(article)), so a
 * served index holds only their offsets. The descriptor stays open while the index lives: a newer
 * snapshot may replace the file meanwhile and the old one stays readable until closed.
 */
export class FileForward implements ForwardSource {
  constructor(
    readonly offsets: Uint32Array,
    private readonly fd: number,
    /** Byte position of the arena in the file. */
    private readonly position: number,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  record(ord: number): Uint32Array {
    const start = this.offsets[ord]!;
    const out = new Uint32Array(this.offsets[ord + 1]! - start);
    const bytes = new Uint8Array(out.buffer);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(this.fd, bytes, read, bytes.length - read, this.position + start * 4 + read);
      if (n === 0) throw new Error('lexical snapshot is truncated');
      read += n;
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private closed = false;
}

/** Builds the record of one passage. */
export function forwardRecord(body: number[], titleOnly: number[], words: number[], bigrams: number[], prefixes: number[]): Uint32Array {
  const out = new Uint32Array(HEADER + body.length + titleOnly.length + words.length + bigrams.length + prefixes.length);
  out[0] = body.length;
  out[1] = titleOnly.length;
  out[2] = words.length;
  out[3] = bigrams.length;
  out[4] = prefixes.length;
  let at = HEADER;
  for (const list of [body, titleOnly, words, bigrams, prefixes]) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}

/** The id lists of a record: body terms, title-only terms, words, bigrams, prefixes. */
export function forwardLists(record: Uint32Array): [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
  let at = HEADER;
  const next = (n: number) => record.subarray(at, (at += n));
  return [next(record[0]!), next(record[1]!), next(record[2]!), next(record[3]!), next(record[4]!)];
}
