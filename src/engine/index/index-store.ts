import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chunk } from '../types.js';
import { createError } from '../errors.js';
import { fsyncPath, writeFileAtomic } from '../fs/atomic-write.js';
import type { LexicalIndexJSON } from '../search/bm25.js';
import { CHUNKS_FILE, LEXICAL_FILE, MANIFEST_FILE, POINTER_FILE, VECTORS_FILE, type Manifest } from './manifest.js';
import { readVectorIndex, type VectorIndex } from './vector-index.js';

/** A chunk as stored in the index: its HNSW label, or null in a lexical-only index. */
export interface IndexedChunk extends Chunk {
  label: number | null;
  /** The chunk's span of the article body as written (typographic quotes and all), for links that must match the page. */
  original: string;
}

/** One loaded generation of the index. */
export interface StoredIndex {
  /** The generation folder this was read from or written to (empty before the first write). */
  generation: string;
  manifest: Manifest;
  chunks: IndexedChunk[];
  vectors: VectorIndex | null;
  /** The lexical index's analysed terms, so loading does not analyse every passage again; null when absent or unreadable. */
  lexical: LexicalIndexJSON | null;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The live generation's name, or null when there is no index. Cheap: one small file. */
export function currentGeneration(dir: string): string | null {
  const pointer = join(dir, POINTER_FILE);
  if (!existsSync(pointer)) return null;
  try {
    const { generation } = JSON.parse(readFileSync(pointer, 'utf8')) as { generation?: unknown };
    if (typeof generation !== 'string' || !/^gen-\d+$/.test(generation)) throw new Error('bad pointer');
    return generation;
  } catch {
    throw createError('INDEX_CORRUPT', `${POINTER_FILE} is unreadable`);
  }
}

export function indexExists(dir: string): boolean {
  return existsSync(join(dir, POINTER_FILE));
}

function readChecked(genDir: string, name: string, manifest: Manifest): Buffer {
  const expected = manifest.files[name];
  const path = join(genDir, name);
  if (!expected || !existsSync(path)) throw createError('INDEX_CORRUPT', `${name} is missing`);
  const data = readFileSync(path);
  if (data.length !== expected.bytes || sha256(data) !== expected.sha256) {
    throw createError('INDEX_CORRUPT', `${name} does not match its checksum`);
  }
  return data;
}

/**
 * Loads the live generation of the index in `dir`.
 * Throws INDEX_MISSING when there is none and INDEX_CORRUPT when a file is damaged.
 */
export function readIndex(dir: string): StoredIndex {
  const generation = currentGeneration(dir);
  if (!generation) throw createError('INDEX_MISSING', dir);
  const genDir = join(dir, generation);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(genDir, MANIFEST_FILE), 'utf8')) as Manifest;
    if (manifest.format !== 'depeche-index' || manifest.version !== 1) throw new Error('unknown format');
  } catch {
    throw createError('INDEX_CORRUPT', `${generation}/${MANIFEST_FILE} is unreadable`);
  }
  let chunks: IndexedChunk[];
  try {
    chunks = JSON.parse(readChecked(genDir, CHUNKS_FILE, manifest).toString('utf8')) as IndexedChunk[];
  } catch (err) {
    throw (err as { code?: string }).code ? err : createError('INDEX_CORRUPT', `${CHUNKS_FILE} is unreadable`);
  }
  let vectors: VectorIndex | null = null;
  if (manifest.model && manifest.hnsw) {
    readChecked(genDir, VECTORS_FILE, manifest);
    vectors = readVectorIndex(join(genDir, VECTORS_FILE), manifest.model.dimension, manifest.hnsw, manifest.hnsw.deleted);
  }
  // The lexical file is a cache of what the passages give: a damaged one is rebuilt, not fatal.
  let lexical: LexicalIndexJSON | null = null;
  if (manifest.files[LEXICAL_FILE]) {
    try {
      lexical = JSON.parse(readChecked(genDir, LEXICAL_FILE, manifest).toString('utf8')) as LexicalIndexJSON;
    } catch {
      lexical = null;
    }
  }
  return { generation, manifest, chunks, vectors, lexical };
}

/**
 * Writes a new generation beside the live one, then switches `current.json` to it with an
 * atomic rename. A crash before the switch leaves the previous generation live and intact.
 */
export function writeIndex(dir: string, data: StoredIndex): void {
  mkdirSync(dir, { recursive: true });
  const previous = currentGeneration(dirSafe(dir));
  const next = `gen-${String(Date.now())}${String(process.pid).padStart(7, '0')}`;
  const genDir = join(dir, next);
  mkdirSync(genDir);
  const files: Manifest['files'] = {};
  const put = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(genDir, name), bytes);
    fsyncPath(join(genDir, name));
    files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
  };
  put(CHUNKS_FILE, Buffer.from(JSON.stringify(data.chunks)));
  if (data.lexical) put(LEXICAL_FILE, Buffer.from(JSON.stringify(data.lexical)));
  if (data.vectors) {
    data.vectors.write(join(genDir, VECTORS_FILE));
    const bytes = readFileSync(join(genDir, VECTORS_FILE));
    fsyncPath(join(genDir, VECTORS_FILE));
    files[VECTORS_FILE] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  const manifest: Manifest = { ...data.manifest, files };
  writeFileSync(join(genDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  fsyncPath(join(genDir, MANIFEST_FILE));
  fsyncPath(genDir);
  writeFileAtomic(join(dir, POINTER_FILE), JSON.stringify({ generation: next }));
  data.manifest = manifest;
  data.generation = next;
  removeOldGenerations(dir, new Set([next, previous ?? '']));
}

/** A corrupt pointer must not block writing a fresh index over it. */
function dirSafe(dir: string): string {
  try {
    currentGeneration(dir);
    return dir;
  } catch {
    return join(dir, '.none');
  }
}

/** Keeps the live and the previous generation (a reader may still hold it); drops the rest and leftovers of crashed writes. */
function removeOldGenerations(dir: string, keep: Set<string>): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stale = (name.startsWith('gen-') && !keep.has(name)) || name.includes('.tmp-');
    if (stale && statSync(path, { throwIfNoEntry: false })) rmSync(path, { recursive: true, force: true });
  }
}
