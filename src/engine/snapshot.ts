import type { IndexedChunk, StoredIndex } from './index/index-store.js';
import { createLexicalIndex, loadLexicalIndex, type LexicalIndex } from './search/bm25.js';
import type { SearchableIndex } from './search/hybrid-search.js';
import { createTermStats, createTermStatsFromTerms, type TermStats } from './search/term-weights.js';
import type { SourceMeta } from './types.js';

/** One generation of the index, ready to search: what every ask reads. */
export interface Snapshot {
  stored: StoredIndex;
  searchable: SearchableIndex;
  sources: Map<string, SourceMeta>;
  termStats: TermStats;
}

/** Builds the in-memory search structures of a stored generation. */
export function toSnapshot(stored: StoredIndex): Snapshot {
  const chunks = new Map<string, IndexedChunk>(stored.chunks.map((c) => [c.id, c]));
  const byLabel = new Map<number, IndexedChunk>();
  for (const c of stored.chunks) if (c.label !== null) byLabel.set(c.label, c);
  const sources = new Map(Object.entries(stored.manifest.articles).map(([id, a]) => [id, a.source]));
  // The persisted lexical index saves analysing every passage again; an older or damaged one is rebuilt.
  let lexical: LexicalIndex | null = null;
  try {
    if (stored.lexical) lexical = loadLexicalIndex(stored.lexical);
  } catch {
    lexical = null;
  }
  const termStats = lexical && stored.lexical ? createTermStatsFromTerms(stored.lexical.docs.map((d) => d.terms)) : createTermStats(stored.chunks.map((c) => c.text));
  lexical ??= createLexicalIndex(stored.chunks.map((c) => ({ id: c.id, text: c.text, title: sources.get(c.articleId)?.title })));
  return { stored, searchable: { chunks, byLabel, lexical, vectors: stored.vectors }, sources, termStats };
}
