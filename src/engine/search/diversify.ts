/**
 * Re-orders hits so one article does not fill the top: each further hit from an article
 * already shown has its score multiplied by `decay` per earlier hit of that article.
 * Corroborating passages from other articles thus come before a second copy of the same one.
 * @example diversify([{id:'a#1',articleId:'a',score:1},{id:'a#2',articleId:'a',score:0.9},{id:'b#1',articleId:'b',score:0.8}], 0.7)
 *   // a#1, b#1 (0.8), a#2 (0.63)
 */
export function diversify<T extends { articleId: string; score: number }>(hits: T[], decay = 0.7): T[] {
  const pending = [...hits];
  const shown = new Map<string, number>();
  const out: T[] = [];
  while (pending.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    pending.forEach((h, i) => {
      const s = h.score * decay ** (shown.get(h.articleId) ?? 0);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    });
    const [hit] = pending.splice(best, 1);
    out.push(hit!);
    shown.set(hit!.articleId, (shown.get(hit!.articleId) ?? 0) + 1);
  }
  return out;
}
