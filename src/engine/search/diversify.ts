export interface DiversifyOptions {
  /** Passages of one article allowed before the others are moved down. */
  perArticle: number;
  /** Share of words two passages may have in common before the lower one counts as a near-duplicate. */
  maxOverlap: number;
}

/**
 * Measured on PIAF (lexical, hit@3): a score decay per article costs a lot (RRF scores are
 * close together: decay 0.9 → −5.8 points, 0.7 → −6.5) because the answer is often the second
 * or third passage of the best article; a cap of two passages per article costs 2 points, three
 * costs nothing. Near-duplicates (the same text twice, e.g. a republished article) are what
 * crowds a top 3 out; passages sharing over 80 % of their words move down.
 */
export const DEFAULT_DIVERSIFY: DiversifyOptions = { perArticle: 3, maxOverlap: 0.8 };

// Word sets by chunk object: built once per passage, not on every query.
const wordSets = new WeakMap<object, Set<string>>();
function wordsOf(chunk: { text: string }): Set<string> {
  let words = wordSets.get(chunk);
  if (!words) {
    words = new Set(chunk.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
    wordSets.set(chunk, words);
  }
  return words;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.size));
}

/**
 * Re-orders ranked hits so that near-duplicate passages and a third passage of the same
 * article come after passages from other articles, keeping the order otherwise. Corroborating
 * passages from different articles thus come before another copy of the same one. Pure;
 * nothing is dropped, only moved down.
 * @example diversify([a#1, a#2, a#3, a#4, b#1]) // a#1, a#2, a#3, b#1, a#4
 */
export function diversify<T extends { articleId: string; chunk: { text: string } }>(
  hits: T[],
  options: DiversifyOptions = DEFAULT_DIVERSIFY,
  /** Hits that need ordering (the page asked for and a little more); the rest keep their order. */
  limit = hits.length,
): T[] {
  const kept: T[] = [];
  const keptWords: Set<string>[] = [];
  const deferred: T[] = [];
  const perArticle = new Map<string, number>();
  for (const [i, hit] of hits.entries()) {
    if (kept.length >= limit) return [...kept, ...deferred, ...hits.slice(i)];
    const words = wordsOf(hit.chunk);
    const seen = perArticle.get(hit.articleId) ?? 0;
    if (seen >= options.perArticle || keptWords.some((w) => overlap(words, w) > options.maxOverlap)) {
      deferred.push(hit);
      continue;
    }
    kept.push(hit);
    keptWords.push(words);
    perArticle.set(hit.articleId, seen + 1);
  }
  return [...kept, ...deferred];
}
