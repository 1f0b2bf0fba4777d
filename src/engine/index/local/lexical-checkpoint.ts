import { closeSync, fstatSync, openSync, read, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { promisify } from 'node:util';
import { fsyncPath } from '../../fs/atomic-write.js';
import { restoreLexicalIndex, type LexicalIndex, type LexicalSnapshot } from '../../search/bm25.js';
import { FilePostings } from '../../search/lexical/file-postings.js';
import { FileForward } from '../../search/lexical/forward-index.js';

/**
 * The lexical checkpoint of a space: the compacted BM25 index as flat arrays (see
 * `LexicalSnapshot`), plus what a reader needs beside it — each passage's vector label and each
 * term's document frequency over passage bodies — so a reader starts with a few large reads
 * instead of re-indexing every passage. Passages' own key records stay in the file and are read
 * only when a passage is removed.
 *
 * Layout: "DPLX0001", u32 header length, JSON header (section offsets and sizes), then the
 * sections, each 8-byte aligned. Written whole to a temporary file, fsynced, renamed into place:
 * a crash leaves the previous checkpoint, or an orphan that `sweepSpace` removes.
 */
const MAGIC = 'DPLX0001';

export interface LexicalCheckpointData {
  snapshot: LexicalSnapshot;
  /** Vector label of each passage (by ordinal), -1 for none. */
  labels: Int32Array;
  /** Passages whose body holds each term (by term id). */
  bodyDf: Uint32Array;
}

interface SectionInfo {
  name: string;
  offset: number;
  bytes: number;
  /** Entries of a string list. */
  count?: number;
}

interface Header {
  analyzer: number;
  options: LexicalSnapshot['options'];
  sections: SectionInfo[];
  fileBytes: number;
}

const LISTS = ['terms', 'words', 'prefixes', 'ids'] as const;

/** Writes a checkpoint atomically (tmp + fsync + rename + directory fsync). Synchronous: meant for a worker thread. */
export function writeLexicalCheckpoint(path: string, data: LexicalCheckpointData): void {
  const { snapshot: s } = data;
  const parts: { name: string; bytes: Uint8Array; count?: number }[] = [];
  const typed = (name: string, a: ArrayBufferView) => parts.push({ name, bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  for (const name of LISTS) parts.push({ name, bytes: Buffer.from(s[name].join('\0'), 'utf8'), count: s[name].length });
  typed('bigramFirsts', s.bigramFirsts);
  typed('bigramSeconds', s.bigramSeconds);
  s.spaces.forEach((p, i) => {
    typed(`offsets${i}`, p.offsets);
    typed(`docs${i}`, p.docs);
    typed(`tfs${i}`, p.tfs);
    if (p.titleTfs) typed(`titleTfs${i}`, p.titleTfs);
  });
  typed('lengths', s.lengths);
  typed('titleLengths', s.titleLengths);
  typed('labels', data.labels);
  typed('bodyDf', data.bodyDf);
  typed('forwardOffsets', s.forwardOffsets);
  typed('forward', s.forward);

  // The header's size depends on the offsets it lists: lay out with a generous fixed header room.
  const sections: SectionInfo[] = [];
  const draft = (start: number) => {
    sections.length = 0;
    let at = start;
    for (const p of parts) {
      sections.push({ name: p.name, offset: at, bytes: p.bytes.byteLength, ...(p.count === undefined ? {} : { count: p.count }) });
      at = align(at + p.bytes.byteLength);
    }
    return at;
  };
  let start = 4096;
  let header: Buffer;
  for (;;) {
    const fileBytes = draft(start);
    header = Buffer.from(JSON.stringify({ analyzer: s.analyzer, options: s.options, sections, fileBytes } satisfies Header), 'utf8');
    if (12 + header.byteLength <= start) break;
    start = align(12 + header.byteLength * 2);
  }
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    const lead = Buffer.alloc(start);
    lead.write(MAGIC, 0, 'latin1');
    lead.writeUInt32LE(header.byteLength, 8);
    header.copy(lead, 12);
    writeAll(fd, lead, 0);
    parts.forEach((p, i) => writeAll(fd, p.bytes, sections[i]!.offset));
    const end = sections.at(-1)!;
    const pad = align(end.offset + end.bytes) - (end.offset + end.bytes);
    if (pad > 0) writeAll(fd, new Uint8Array(pad), end.offset + end.bytes);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    fsyncPath(path.replace(/[/\\][^/\\]+$/, ''));
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface LoadedLexicalCheckpoint {
  index: LexicalIndex;
  labels: Int32Array;
  bodyDf: Uint32Array;
  terms: string[];
  ids: string[];
}

const readAt = promisify(read);

/**
 * Reads a checkpoint with one read per section (on libuv's threads), then builds the key
 * lookups in slices, awaiting `pause` between them. Throws when the file is not a whole
 * checkpoint. The file stays open (for removals) until the index is closed.
 */
export async function readLexicalCheckpoint(
  path: string,
  options: {
    pause: () => Promise<void>;
    autoCompact?: boolean;
    /**
     * 'file': the postings stay in the file and are read per query key (a served index: they are
     * most of its size); 'memory' (default): read whole (a fold rewrites them all anyway).
     */
    postings?: 'file' | 'memory';
  },
): Promise<LoadedLexicalCheckpoint> {
  const fd = openSync(path, 'r');
  let handedOver = false;
  try {
    const lead = new Uint8Array(12);
    await readFully(fd, lead, 0);
    if (Buffer.from(lead.subarray(0, 8)).toString('latin1') !== MAGIC) throw new Error('not a lexical checkpoint');
    const headerBytes = new Uint8Array(Buffer.from(lead.buffer).readUInt32LE(8));
    await readFully(fd, headerBytes, 12);
    const header = JSON.parse(Buffer.from(headerBytes).toString('utf8')) as Header;
    if (fstatSync(fd).size !== header.fileBytes) throw new Error('lexical checkpoint is truncated');
    const byName = new Map(header.sections.map((s) => [s.name, s]));
    // Every section but the forward records, in one allocation: each large ArrayBuffer makes V8
    // weigh its external memory and run a full GC (100-200 ms pauses at 100k passages), so one
    // buffer, not zero-filled (the reads overwrite it whole).
    const onFile = options.postings === 'file';
    const isPosting = (name: string) => /^(docs|tfs|titleTfs)\d$/.test(name);
    const kept = header.sections.filter((s) => s.name !== 'forward' && !(onFile && isPosting(s.name)));
    const arena = Buffer.allocUnsafeSlow(kept.reduce((n, s) => n + align(s.bytes), 0));
    const placed = new Map<string, number>();
    kept.reduce((at, s) => (placed.set(s.name, at), at + align(s.bytes)), 0);
    const section = async (name: string): Promise<Uint8Array> => {
      const info = byName.get(name);
      const at = placed.get(name);
      if (!info || at === undefined) throw new Error(`lexical checkpoint lacks ${name}`);
      const bytes = arena.subarray(at, at + info.bytes);
      await readFully(fd, bytes, info.offset);
      return bytes;
    };
    const view = async <T>(name: string, make: (buffer: ArrayBuffer, offset: number, length: number) => T, width: number) => {
      const bytes = await section(name);
      return make(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / width);
    };
    const u32 = (name: string) => view(name, (b, o, n) => new Uint32Array(b, o, n), 4);
    const i32 = (name: string) => view(name, (b, o, n) => new Int32Array(b, o, n), 4);
    const u16 = (name: string) => view(name, (b, o, n) => new Uint16Array(b, o, n), 2);
    const list = async (name: string) => decodeList(await section(name), byName.get(name)!.count ?? 0, options.pause);
    const [terms, words, prefixes, ids] = [await list('terms'), await list('words'), await list('prefixes'), await list('ids')];
    const spaces = [];
    for (let i = 0; i < 4; i++) {
      if (onFile) {
        const at = (name: string) => {
          const info = byName.get(name);
          if (!info) throw new Error(`lexical checkpoint lacks ${name}`);
          return info;
        };
        const docs = at(`docs${i}`);
        const title = byName.get(`titleTfs${i}`);
        const columns = { docs: docs.offset, tfs: at(`tfs${i}`).offset, titleTfs: title ? title.offset : null, count: docs.bytes / 4 };
        spaces.push({ offsets: await u32(`offsets${i}`), file: new FilePostings(fd, columns) });
      } else {
        spaces.push({ offsets: await u32(`offsets${i}`), docs: await i32(`docs${i}`), tfs: await u16(`tfs${i}`), titleTfs: byName.has(`titleTfs${i}`) ? await u16(`titleTfs${i}`) : null });
      }
    }
    const forwardOffsets = await u32('forwardOffsets');
    const forwardInfo = byName.get('forward');
    if (!forwardInfo) throw new Error('lexical checkpoint lacks forward');
    const forward = new FileForward(forwardOffsets, fd, forwardInfo.offset);
    const snapshot = {
      analyzer: header.analyzer,
      options: header.options,
      terms,
      words,
      prefixes,
      bigramFirsts: await u32('bigramFirsts'),
      bigramSeconds: await u32('bigramSeconds'),
      spaces,
      ids,
      lengths: await u32('lengths'),
      titleLengths: await u32('titleLengths'),
      forwardOffsets,
      forward: null,
    };
    const labels = await i32('labels');
    const bodyDf = await u32('bodyDf');
    if (labels.length !== ids.length || bodyDf.length !== terms.length) throw new Error('lexical checkpoint is inconsistent');
    const index = await restoreLexicalIndex(snapshot, { forward, pause: options.pause, autoCompact: options.autoCompact ?? false });
    handedOver = true;
    return { index, labels, bodyDf, terms, ids };
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/** Document frequency over passage bodies of each term id: postings with a body occurrence. */
export function bodyFrequencies(snapshot: LexicalSnapshot): Uint32Array {
  const { offsets, tfs } = snapshot.spaces[0]!;
  const out = new Uint32Array(snapshot.terms.length);
  for (let k = 0; k < out.length && k < offsets.length - 1; k++) {
    let n = 0;
    for (let i = offsets[k]!, end = offsets[k + 1]!; i < end; i++) if (tfs[i]! > 0) n++;
    out[k] = n;
  }
  return out;
}

const align = (n: number) => Math.ceil(n / 8) * 8;

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}

async function readFully(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  // One read is at most 2 GB: larger sections come in several.
  while (done < bytes.byteLength) {
    const { bytesRead } = await readAt(fd, bytes, done, Math.min(bytes.byteLength - done, 1 << 30), position + done);
    if (bytesRead === 0) throw new Error('lexical checkpoint is truncated');
    done += bytesRead;
  }
}

/** A NUL-separated list, decoded a quarter megabyte at a time (a million ids is one long string otherwise; a slice is some 10 000 strings). */
async function decodeList(bytes: Uint8Array, count: number, pause: () => Promise<void>): Promise<string[]> {
  if (count === 0) return [];
  const out: string[] = [];
  const decoder = new TextDecoder();
  const SLICE = 1 << 18;
  for (let start = 0; start <= bytes.length; ) {
    let end = Math.min(bytes.length, start + SLICE);
    if (end < bytes.length) {
      const nul = bytes.indexOf(0, end);
      end = nul < 0 ? bytes.length : nul;
    }
    const parts = decoder.decode(bytes.subarray(start, end)).split('\0');
    for (const p of parts) out.push(p);
    start = end + 1;
    if (end >= bytes.length) break;
    await pause();
  }
  if (out.length !== count) throw new Error('lexical checkpoint is inconsistent');
  return out;
}
