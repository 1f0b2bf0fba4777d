import { closeSync, fstatSync, openSync, read, readSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { promisify } from 'node:util';
import { fsyncPath } from '../../fs/atomic-write.js';
import { keyTablesOf, restoreLexicalIndex, type LexicalIndex, type LexicalSnapshot } from '../../search/bm25.js';
import { FilePostings } from '../../search/lexical/file-postings.js';
import { FileForward } from '../../search/lexical/forward-index.js';
import { placePairs } from '../../search/lexical/key-dictionary.js';
import { findId, stringHash, stringTable, tableSize } from '../../search/lexical/key-table.js';
import { packIds, PassageIds } from '../../search/lexical/passage-ids.js';

/**
 * The lexical checkpoint of a space: the compacted BM25 index as flat arrays (see
 * `LexicalSnapshot`), plus what a reader needs beside it — each passage's vector label and each
 * term's document frequency over passage bodies — so a reader starts with a few large reads
 * instead of re-indexing every passage. Passages' own key records stay in the file and are read
 * only when a passage is removed.
 *
 * Since version 2 it also holds the lookup tables a reader used to rebuild at every load: a hash
 * table per key space and of the passage ids (see key-table.ts), and where each id starts, so a
 * load reads them (ids stay packed, decoded one at a time when asked for) and builds no Map.
 * Version 1 files still load: their tables are built at load, in slices (the slow path); the
 * space's next fold writes version 2 (`LEXICAL_FORMAT`, recorded in the space's checkpoint ref).
 *
 * Layout: "DPLX0002", u32 header length, JSON header (section offsets and sizes), then the
 * sections, each 8-byte aligned. Written whole to a temporary file, fsynced, renamed into place:
 * a crash leaves the previous checkpoint, or an orphan that `sweepSpace` removes.
 */
export const LEXICAL_FORMAT = 2;
const MAGIC = `DPLX000${LEXICAL_FORMAT}`;
/** Files this version reads: version 1 (no stored tables) and the current one. */
const READABLE = new Set(['DPLX0001', MAGIC]);

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

/**
 * Writes a checkpoint atomically (tmp + fsync + rename + directory fsync). Synchronous: meant for a
 * worker thread. `format: 1` writes the file an older version wrote (no tables), for tests of
 * the path that still reads them.
 */
export function writeLexicalCheckpoint(path: string, data: LexicalCheckpointData, options: { format?: 1 | typeof LEXICAL_FORMAT } = {}): void {
  const format = options.format ?? LEXICAL_FORMAT;
  const { snapshot: s } = data;
  const parts: Part[] = [];
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
  // Lookup tables (version 2): built here, on the fold's worker thread, once per checkpoint.
  if (format >= 2) tables(s, typed);
  writeParts(path, { analyzer: s.analyzer, options: s.options }, parts, format);
}

/** A section to write: bytes in memory, or `bytes` bytes copied from `copy.fd` at `copy.offset` (an upgrade). */
interface Part {
  name: string;
  bytes: Uint8Array | number;
  count?: number;
  copy?: { fd: number; offset: number };
}

/** Lays the sections out after the header and writes the file atomically (tmp, fsync, rename, directory fsync). */
function writeParts(path: string, head: Pick<Header, 'analyzer' | 'options'>, parts: Part[], format: number): void {
  const size = (p: Part) => (typeof p.bytes === 'number' ? p.bytes : p.bytes.byteLength);
  // The header's size depends on the offsets it lists: lay out with a generous fixed header room.
  const sections: SectionInfo[] = [];
  const draft = (start: number) => {
    sections.length = 0;
    let at = start;
    for (const p of parts) {
      sections.push({ name: p.name, offset: at, bytes: size(p), ...(p.count === undefined ? {} : { count: p.count }) });
      at = align(at + size(p));
    }
    return at;
  };
  let start = 4096;
  let header: Buffer;
  for (;;) {
    const fileBytes = draft(start);
    header = Buffer.from(JSON.stringify({ analyzer: head.analyzer, options: head.options, sections, fileBytes } satisfies Header), 'utf8');
    if (12 + header.byteLength <= start) break;
    start = align(12 + header.byteLength * 2);
  }
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    const lead = Buffer.alloc(start);
    lead.write(`DPLX000${format}`, 0, 'latin1');
    lead.writeUInt32LE(header.byteLength, 8);
    header.copy(lead, 12);
    writeAll(fd, lead, 0);
    parts.forEach((p, i) => (typeof p.bytes === 'number' ? copyAll(p.copy!.fd, p.copy!.offset, p.bytes, fd, sections[i]!.offset) : writeAll(fd, p.bytes, sections[i]!.offset)));
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

/**
 * Rewrites a format-1 checkpoint in the current format, in place (same name: a reader holding the
 * old file keeps reading it): its sections copied as they are, the tables computed from its key
 * lists, ids and pairs. Nothing else of the space changes and nothing is embedded again. False when
 * the file is already current. Synchronous (a script or a worker thread); memory is the key lists
 * and tables, never the postings.
 */
export function upgradeLexicalCheckpoint(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const lead = Buffer.alloc(12);
    readAllSync(fd, lead, 0);
    const magic = lead.toString('latin1', 0, 8);
    if (magic === MAGIC) return false;
    if (!READABLE.has(magic)) throw new Error('not a lexical checkpoint');
    const headerBytes = Buffer.alloc(lead.readUInt32LE(8));
    readAllSync(fd, headerBytes, 12);
    const header = JSON.parse(headerBytes.toString('utf8')) as Header;
    if (fstatSync(fd).size !== header.fileBytes) throw new Error('lexical checkpoint is truncated');
    const byName = new Map(header.sections.map((s) => [s.name, s]));
    const read = (name: string) => {
      const info = byName.get(name);
      if (!info) throw new Error(`lexical checkpoint lacks ${name}`);
      const bytes = Buffer.allocUnsafe(info.bytes);
      readAllSync(fd, bytes, info.offset);
      return bytes;
    };
    const list = (name: string) => {
      const text = read(name).toString('utf8');
      return byName.get(name)!.count ? text.split('\0') : [];
    };
    const u32 = (name: string) => {
      const bytes = read(name);
      return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    };
    const keys = { terms: list('terms'), words: list('words'), prefixes: list('prefixes'), ids: list('ids'), bigramFirsts: u32('bigramFirsts'), bigramSeconds: u32('bigramSeconds') };
    const parts: Part[] = header.sections.map((s) => ({ name: s.name, bytes: s.bytes, ...(s.count === undefined ? {} : { count: s.count }), copy: { fd, offset: s.offset } }));
    tables(keys, (name, a) => parts.push({ name, bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) }));
    writeParts(path, header, parts, LEXICAL_FORMAT);
    return true;
  } finally {
    closeSync(fd);
  }
}

function tables(s: Pick<LexicalSnapshot, 'terms' | 'words' | 'prefixes' | 'ids' | 'bigramFirsts' | 'bigramSeconds'>, typed: (name: string, a: ArrayBufferView) => void): void {
  typed('termSlots', stringTable(s.terms));
  typed('wordSlots', stringTable(s.words));
  typed('prefixSlots', stringTable(s.prefixes));
  const bigramSlots = new Uint32Array(tableSize(s.bigramFirsts.length));
  placePairs(bigramSlots, s.bigramFirsts, s.bigramSeconds, 0, s.bigramFirsts.length);
  typed('bigramSlots', bigramSlots);
  typed('idStarts', packIds(s.ids).starts);
  typed('idSlots', stringTable(s.ids));
}

export interface LoadedLexicalCheckpoint {
  index: LexicalIndex;
  /** Vector label by the index's ordinal (-1: none), as written. */
  labels: Int32Array;
  /** Passages whose body holds each term, by term id (the terms of the file: ids below its length). */
  bodyDf: Uint32Array;
  terms: string[];
  /** Id of a term of the file (below `terms.length` as read), through the file's table. */
  termId(term: string): number | undefined;
  /** The passage ids as written, by ordinal (packed: decoded when asked for). */
  ids: { readonly length: number; at(ord: number): string };
  /** Format version of the file read (below `LEXICAL_FORMAT`: its tables were built at load). */
  format: number;
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
    const magic = Buffer.from(lead.subarray(0, 8)).toString('latin1');
    if (!READABLE.has(magic)) throw new Error('not a lexical checkpoint');
    const format = Number(magic.slice(4));
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
    const [terms, words, prefixes] = [await list('terms'), await list('words'), await list('prefixes')];
    // Version 2: ids stay packed, with their starts and table; version 1: decoded (the index puts them in a Map).
    const packed = byName.has('idSlots') ? { bytes: await section('ids'), starts: await u32('idStarts'), slots: await u32('idSlots') } : null;
    const ids = packed ?? (await list('ids'));
    const idCount = packed ? packed.starts.length - 1 : (ids as string[]).length;
    const bigramFirsts = await u32('bigramFirsts');
    const bigramSeconds = await u32('bigramSeconds');
    const tables = byName.has('termSlots')
      ? { terms: await u32('termSlots'), words: await u32('wordSlots'), prefixes: await u32('prefixSlots'), bigrams: await u32('bigramSlots') }
      : await keyTablesOf({ terms, words, prefixes, bigramFirsts, bigramSeconds }, options.pause);
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
      bigramFirsts,
      bigramSeconds,
      spaces,
      ids,
      lengths: await u32('lengths'),
      titleLengths: await u32('titleLengths'),
      forwardOffsets,
      forward: null,
      tables,
    };
    const labels = await i32('labels');
    const bodyDf = await u32('bodyDf');
    if (labels.length !== idCount || bodyDf.length !== terms.length) throw new Error('lexical checkpoint is inconsistent');
    // The terms list becomes the index's own (new terms are appended to it): bound lookups by the file's count.
    const termCount = terms.length;
    const termId = (term: string) => findId(tables.terms, stringHash(term), (id) => id < termCount && terms[id] === term);
    const index = await restoreLexicalIndex(snapshot, { forward, pause: options.pause, autoCompact: options.autoCompact ?? false });
    handedOver = true;
    return { index, labels, bodyDf, terms, termId, ids: packed ? PassageIds.packed(packed) : listOf(ids as string[]), format };
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

const listOf = (ids: string[]) => ({ length: ids.length, at: (ord: number) => ids[ord]! });

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

function readAllSync(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) {
    const n = readSync(fd, bytes, done, Math.min(bytes.byteLength - done, 1 << 30), position + done);
    if (n === 0) throw new Error('lexical checkpoint is truncated');
    done += n;
  }
}

/** Copies `bytes` bytes between files, 16 MB at a time. */
function copyAll(from: number, fromOffset: number, bytes: number, to: number, toOffset: number): void {
  const buffer = Buffer.allocUnsafe(Math.min(bytes, 1 << 24));
  for (let done = 0; done < bytes; ) {
    const chunk = buffer.subarray(0, Math.min(buffer.byteLength, bytes - done));
    readAllSync(from, chunk, fromOffset + done);
    writeAll(to, chunk, toOffset + done);
    done += chunk.byteLength;
  }
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

/** A NUL-separated list, decoded 64 kB at a time (a slice is some 5 000 strings: a few milliseconds of the event loop). */
async function decodeList(bytes: Uint8Array, count: number, pause: () => Promise<void>): Promise<string[]> {
  if (count === 0) return [];
  const out: string[] = [];
  const decoder = new TextDecoder();
  const SLICE = 1 << 16;
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
