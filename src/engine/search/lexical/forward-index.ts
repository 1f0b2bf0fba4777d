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
  /** Start of each record (and the end), in ids. */
  readonly offsets: Uint32Array;
  /** Copies the records of ordinals `from .. to` (contiguous) into `target` at `at`: one copy, not one per record. */
  copyRecords(from: number, to: number, target: Uint32Array, at: number): void;
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

  copyRecords(from: number, to: number, target: Uint32Array, at: number): void {
    target.set(this.arena.subarray(this.offsets[from]!, this.offsets[to]!), at);
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
    const out = new Uint32Array(this.offsets[ord + 1]! - this.offsets[ord]!);
    this.copyRecords(ord, ord + 1, out, 0);
    return out;
  }

  copyRecords(from: number, to: number, target: Uint32Array, at: number): void {
    const start = this.offsets[from]!;
    const bytes = new Uint8Array(target.buffer, target.byteOffset + at * 4, (this.offsets[to]! - start) * 4);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(this.fd, bytes, read, Math.min(bytes.length - read, 1 << 30), this.position + start * 4 + read);
      if (n === 0) throw new Error('lexical snapshot is truncated');
      read += n;
    }
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
