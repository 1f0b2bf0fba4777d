import { quoteBalance } from './quotations.js';
import type { SentenceTerms } from './sentence-terms.js';

export { quoteBalance };

/**
 * How far the answer line reaches around the sentence picked (pick-answer.ts). Measured on PIAF
 * dev half a, read on half b, the seed set and the follow-ups (docs/quality.md, "Session 6 —
 * answer line"); only scripts/tune-answer.ts changes them, to measure.
 */
export const LINE_SPAN = {
  /** A line of more than one sentence stays within this many characters; past it, the sentence alone. */
  maxChars: 350,
};

/**
 * Words that, opening a sentence, stand for a subject the sentence before names ("Elle peut
 * accueillir…", "Cette voiture marque…"). Personal and demonstrative pronouns and determiners;
 * not possessives or "on" (measured: they extend more lines and carry no more answers).
 */
const POINTS_BACK = new Set([
  'il', 'elle', 'ils', 'elles', 'ce', 'cet', 'cette', 'ces', 'cela',
  'celui-ci', 'celle-ci', 'ceux-ci', 'celles-ci',
  'he', 'she', 'they', 'this', 'these', 'those',
]);

/** The sentences of the line, `from` to `to` inclusive, in the passage's order. */
export interface LineSpan {
  from: number;
  to: number;
}

/**
 * The sentences the answer line shows for the picked one: a line must read on its own.
 * - A sentence inside a quotation that runs over several sentences is shown with the whole
 *   quotation, up to the sentence naming who said it ("“La vallée n’a pas les moyens. Nous ne
 *   paierons pas”, prévient le maire").
 * - A sentence that opens with a pronoun or a demonstrative ("Elle", "Cette voiture") is shown
 *   after the sentence before it, which names its subject.
 * Either only while the line stays within `LINE_SPAN.maxChars`; else the sentence alone. Pure.
 * @example lineSpan([analyseSentence('La cave a ouvert.'), analyseSentence('Elle accueille 12 000 meules.')], 1) // { from: 0, to: 1 }
 */
export function lineSpan(sentences: readonly SentenceTerms[], picked: number, maxChars = LINE_SPAN.maxChars): LineSpan {
  const length = (from: number, to: number) => sentences.slice(from, to + 1).reduce((n, s) => n + s.text.length, 0) + (to - from);
  let { from, to } = quotationAround(sentences, picked);
  if (length(from, to) > maxChars) from = to = picked;
  const opening = sentences[from]?.tokens[0]?.text.toLowerCase();
  if (from > 0 && opening !== undefined && POINTS_BACK.has(opening) && length(from - 1, to) <= maxChars) from--;
  return { from, to };
}

/**
 * The sentences of the quotation the picked one belongs to, when a quotation opened before it or
 * goes on after it; the picked sentence alone otherwise.
 */
function quotationAround(sentences: readonly SentenceTerms[], picked: number): LineSpan {
  // How many quotations are open before each sentence.
  const open: number[] = [0];
  sentences.forEach((s, i) => open.push(Math.max(0, open[i]! + quoteBalance(s.text))));
  let from = picked;
  let to = picked;
  while (from > 0 && open[from]! > 0) from--;
  while (to + 1 < sentences.length && open[to + 1]! > 0) to++;
  return { from, to };
}
