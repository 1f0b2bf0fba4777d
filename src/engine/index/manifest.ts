import type { ChunkOptions } from '../text/chunk.js';
import type { SourceMeta } from '../types.js';
import type { HnswParams } from './vector-index.js';

/** Describes one generation of the persisted index; `current.json` names the live one. */
export interface Manifest {
  format: 'depeche-index';
  version: 1;
  createdAt: string;
  chunker: { version: number; options: ChunkOptions };
  /** Null when the index was built without a model (lexical search only). */
  model: { id: string; dimension: number } | null;
  hnsw: (HnswParams & { nextLabel: number; deleted: number[] }) | null;
  /** One entry per indexed article: content hash (to skip unchanged ones), source, chunk ids. */
  articles: Record<string, { hash: string; source: SourceMeta; chunks: string[] }>;
  /** Size and sha256 of each data file, to tell a corrupt generation from a good one. */
  files: Record<string, { bytes: number; sha256: string }>;
}

export const MANIFEST_FILE = 'manifest.json';
export const CHUNKS_FILE = 'chunks.json';
export const VECTORS_FILE = 'vectors.hnsw';
export const LEXICAL_FILE = 'lexical.json';
export const POINTER_FILE = 'current.json';
