import { readSync } from 'node:fs';
import { ensureLength } from './growable.js';

/** Where one key space's sealed postings sit in a checkpoint file: byte positions of its three columns. */
export interface PostingColumns {
  docs: number;
  tfs: number;
  /** The stemmed-term space's title frequencies; null in the other spaces. */
  titleTfs: number | null;
  /** Postings in each column. */
  count: number;
}

/** One key's postings: `docs[i]`, `tfs[i]` (and `titleTfs[i]`) for i in `from .. to`. */
export interface PostingRun {
  docs: Int32Array;
  tfs: Uint16Array;
  titleTfs: Uint16Array | null;
  from: number;
  to: number;
}

/**
 * The sealed postings of one key space left in the checkpoint file and read key by key when a
 * query needs them (a few reads per query key, from the page cache once warm), instead of
 * resident typed arrays: at a million passages the postings are ~2.6 GB, most of a served
 * index, and a query touches a few dozen keys. The descriptor belongs to the index (its forward
 * records read the same file) and is closed with it.
 */
export class FilePostings {
  private docs = new Int32Array(1024);
  private tfs = new Uint16Array(1024);
  private titleTfs: Uint16Array | null;

  constructor(
    private readonly fd: number,
    readonly columns: PostingColumns,
  ) {
    this.titleTfs = columns.titleTfs === null ? null : new Uint16Array(1024);
  }

  /**
   * Postings `start .. end` of the column, read into buffers reused by the next call: a run is
   * valid until the next `run` on this space (scoring reads one key at a time).
   */
  run(start: number, end: number): PostingRun {
    const n = end - start;
    this.docs = ensureLength(this.docs, n);
    this.tfs = ensureLength(this.tfs, n);
    readColumn(this.fd, this.docs, n, this.columns.docs + start * 4);
    readColumn(this.fd, this.tfs, n, this.columns.tfs + start * 2);
    if (this.titleTfs && this.columns.titleTfs !== null) {
      this.titleTfs = ensureLength(this.titleTfs, n);
      readColumn(this.fd, this.titleTfs, n, this.columns.titleTfs + start * 2);
    }
    return { docs: this.docs, tfs: this.tfs, titleTfs: this.titleTfs, from: 0, to: n };
  }

  /** Every posting in memory (a fold rewrites them all). */
  readAll(): { docs: Int32Array; tfs: Uint16Array; titleTfs: Uint16Array | null } {
    const { count } = this.columns;
    const docs = new Int32Array(count);
    const tfs = new Uint16Array(count);
    const titleTfs = this.columns.titleTfs === null ? null : new Uint16Array(count);
    readColumn(this.fd, docs, count, this.columns.docs);
    readColumn(this.fd, tfs, count, this.columns.tfs);
    if (titleTfs) readColumn(this.fd, titleTfs, count, this.columns.titleTfs!);
    return { docs, tfs, titleTfs };
  }
}

function readColumn(fd: number, target: Int32Array | Uint16Array, count: number, position: number): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, count * target.BYTES_PER_ELEMENT);
  let read = 0;
  // One read is at most 2 GB: a whole column at a million passages comes in several.
  while (read < bytes.length) {
    const n = readSync(fd, bytes, read, Math.min(bytes.length - read, 1 << 30), position + read);
    if (n === 0) throw new Error('lexical checkpoint is truncated');
    read += n;
  }
}
