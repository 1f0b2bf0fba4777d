import type { Disagreement, SourceMeta } from '../types.js';
import { findQuantities, type Quantity } from './quantities.js';

export interface ClaimSentence {
  text: string;
  chunkId: string;
  source: SourceMeta;
}

const same = (a: Quantity, b: Quantity) => a.unit === b.unit && a.value === b.value;

/**
 * Finds figures that sources state differently about the same thing. Two sentences from
 * different articles are about the same thing when they share a figure (the anchor, e.g.
 * "500 milliards"); if each also gives a figure of another common unit and those differ
 * ("quatre ans" / "cinq ans"), the sources disagree on it. Pure.
 */
export function findDisagreements(sentences: ClaimSentence[]): Disagreement[] {
  const withQ = sentences.map((s) => ({ ...s, q: findQuantities(s.text) })).filter((s) => s.q.length >= 2);
  const found = new Map<string, Disagreement>();
  for (let i = 0; i < withQ.length; i++) {
    for (let j = i + 1; j < withQ.length; j++) {
      const a = withQ[i]!;
      const b = withQ[j]!;
      if (a.source.id === b.source.id) continue;
      const anchors = a.q.filter((qa) => b.q.some((qb) => same(qa, qb)));
      if (anchors.length === 0) continue;
      for (const qa of a.q) {
        // A second amount in the anchor's own unit is another amount ("double it: 200 bn";
        // "about 700 bn yuan"), not an attribute of the anchor that sources could disagree on.
        if (anchors.some((x) => same(x, qa) || x.unit === qa.unit)) continue;
        const qb = b.q.find((x) => x.unit === qa.unit && x.value !== qa.value && !anchors.some((y) => same(y, x)));
        if (!qb) continue;
        const anchor = anchors[0]!;
        const key = `${anchor.unit}:${anchor.value}:${qa.unit}`;
        const entry = found.get(key) ?? { topic: anchor.text, claims: [] };
        for (const [s, q] of [[a, qa], [b, qb]] as const) {
          // One article stating one value is one claim, however many (overlapping) passages hold it.
          if (!entry.claims.some((c) => c.source.id === s.source.id && c.value.toLowerCase() === q.text.toLowerCase())) {
            entry.claims.push({ value: q.text, chunkId: s.chunkId, source: s.source, sentence: s.text });
          }
        }
        found.set(key, entry);
      }
    }
  }
  // Keep only topics where the stated values really differ across sources.
  return [...found.values()].filter((d) => new Set(d.claims.map((c) => c.value.toLowerCase())).size > 1);
}
