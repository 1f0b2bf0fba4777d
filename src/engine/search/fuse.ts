/** A ranked list from one retriever: ids best first, with the retriever's own scores. */
export interface RankedList {
  name: string;
  weight: number;
  hits: { id: string; score: number }[];
}

export interface FusedHit {
  id: string;
  score: number;
  /** Rank (0-based) in each list that had the id. */
  ranks: Record<string, number>;
}

/**
 * Weighted reciprocal rank fusion: score(d) = Σ weight / (k + rank). Rank-based, so it needs
 * no score normalization (BM25 and cosine live on different scales) and is safe on empty
 * lists and zero scores.
 * @example fuse([{ name: 'lexical', weight: 1, hits: [{id:'a',score:3}] }]) // [{ id:'a', score:1/61, ranks:{lexical:0} }]
 */
export function fuse(lists: readonly RankedList[], k = 60): FusedHit[] {
  const byId = new Map<string, FusedHit>();
  for (const list of lists) {
    list.hits.forEach((hit, rank) => {
      const entry = byId.get(hit.id) ?? { id: hit.id, score: 0, ranks: {} };
      entry.score += list.weight / (k + rank + 1);
      entry.ranks[list.name] = rank;
      byId.set(hit.id, entry);
    });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
