import type { EvalQuestion } from './questions.js';

/**
 * Text as compared by the eval: lowercased, typographic apostrophes mapped to `'`,
 * every run of whitespace (incl. non-breaking spaces) collapsed to one space.
 * @example normalizeForMatch('L’Etat  a\u202fdit') // "l'etat a dit"
 */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/[’‘ʼ]/g, "'").replace(/\s+/g, ' ').trim();
}

export interface ReturnedPassage {
  /** Article id of the passage's source. */
  sourceId: string;
  text: string;
}

/** A hit: the passage comes from an expected article (id starts with one of `sources`) and contains an expected phrase. */
export function isHit(passage: ReturnedPassage, q: Pick<EvalQuestion, 'sources' | 'answerContains'>): boolean {
  if (!q.sources.some((s) => passage.sourceId.startsWith(s))) return false;
  const text = normalizeForMatch(passage.text);
  return q.answerContains.some((phrase) => text.includes(normalizeForMatch(phrase)));
}

/**
 * 1-based rank of the first hit among the returned passages, or null when none is a hit.
 * @example firstHitRank([{sourceId:'001_x',text:'…'},{sourceId:'000_y',text:'Le 16 décembre'}], {sources:['000'],answerContains:['le 16 décembre']}) // 2
 */
export function firstHitRank(passages: ReturnedPassage[], q: Pick<EvalQuestion, 'sources' | 'answerContains'>): number | null {
  const i = passages.findIndex((p) => isHit(p, q));
  return i < 0 ? null : i + 1;
}
