import type { IndexedChunk } from '../index/index-store.js';
import type { VectorIndex } from '../index/vector-index.js';
import type { SearchMode } from '../types.js';
import type { LexicalIndex } from './bm25.js';
import { diversify } from './diversify.js';
import type { FusionWeights } from './fusion-weights.js';
import { fuse, type RankedList } from './fuse.js';

export interface SearchableIndex {
  chunks: Map<string, IndexedChunk>;
  byLabel: Map<number, IndexedChunk>;
  lexical: LexicalIndex;
  vectors: VectorIndex | null;
}

export interface SearchHit {
  chunk: IndexedChunk;
  articleId: string;
  /** Fused score (reciprocal rank fusion). */
  score: number;
  /** BM25 score, when the lexical side found the chunk. */
  lexical: number | null;
  /** Cosine similarity, when the dense side found the chunk. */
  similarity: number | null;
}

export interface SearchRequest {
  text: string;
  vector: Float32Array | null;
  mode: SearchMode;
  /** How many candidates each side contributes before fusion. */
  depth: number;
  /** How many leading hits the caller will read; only those are re-ordered for diversity. */
  limit?: number;
  /** Per model: see fusion-weights.ts. */
  weights: FusionWeights;
}


/**
 * Lexical → dense → fuse → diversify. Each side runs only if the mode asks for it and it
 * is available (no vectors: lexical only). Pure apart from reading the indexes.
 */
export function hybridSearch(index: SearchableIndex, req: SearchRequest): SearchHit[] {
  const { weights } = req;
  const lists: RankedList[] = [];
  const lexicalScores = new Map<string, number>();
  const similarities = new Map<string, number>();
  if (req.mode !== 'dense') {
    const hits = index.lexical.search(req.text, req.depth);
    for (const h of hits) lexicalScores.set(h.id, h.score);
    lists.push({ name: 'lexical', weight: weights.lexical, hits });
  }
  if (req.mode !== 'lexical' && index.vectors && req.vector) {
    const hits = index.vectors.search(req.vector, req.depth).flatMap((h) => {
      const chunk = index.byLabel.get(h.label);
      if (!chunk) return [];
      similarities.set(chunk.id, h.similarity);
      return [{ id: chunk.id, score: h.similarity }];
    });
    lists.push({ name: 'dense', weight: weights.dense, hits });
  }
  const fused = fuse(lists).flatMap((f) => {
    const chunk = index.chunks.get(f.id);
    if (!chunk) return [];
    return [{ chunk, articleId: chunk.articleId, score: f.score, lexical: lexicalScores.get(f.id) ?? null, similarity: similarities.get(f.id) ?? null }];
  });
  return diversify(fused, undefined, req.limit);
}
