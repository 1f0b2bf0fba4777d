import { analyseSentence, type SentenceTerms } from './sentence-terms.js';

/** A quotation running over several sentences of a passage, and who said it. */
export interface Quotation {
  /** Its first and last sentences, inclusive (from < to). */
  from: number;
  to: number;
  /**
   * Stemmed terms of the words outside the quotation marks in its first and last sentences: the
   * attribution ("…”, estime Claire Dumas, directrice de l’office."), which every sentence of
   * the quotation is about as much as the one that happens to hold it.
   */
  speaker: ReadonlySet<string>;
}

const made = new WeakMap<readonly SentenceTerms[], readonly Quotation[]>();

/**
 * The quotations of a passage that run over more than one sentence, each with the terms of who
 * said it. Worked out once per analysed passage (`sentencesOf` keeps its sentences). Pure.
 * @example quotationsOf(['“La vallée n’a pas les moyens.', 'Nous ne paierons pas”, prévient le maire.'].map(analyseSentence))
 *   // [{ from: 0, to: 1, speaker: Set { 'previent', 'mair' } }]
 */
export function quotationsOf(sentences: readonly SentenceTerms[]): readonly Quotation[] {
  const known = made.get(sentences);
  if (known) return known;
  const out: Quotation[] = [];
  // How many quotations are open before each sentence.
  let open = 0;
  let from = -1;
  sentences.forEach((s, i) => {
    const before = open;
    open = Math.max(0, open + quoteBalance(s.text));
    if (before === 0 && open > 0) from = i;
    else if (before > 0 && open === 0 && from >= 0) {
      const outside = `${s.text.slice(lastClosing(s.text) + 1)} ${sentences[from]!.text.slice(0, firstOpening(sentences[from]!.text))}`;
      out.push({ from, to: i, speaker: analyseSentence(outside).terms });
      from = -1;
    }
  });
  made.set(sentences, out);
  return out;
}

/**
 * Quotation marks a text opens less those it closes. Straight quotes open after a space or at the
 * start ("“" and "«" always open, "”" and "»" always close).
 */
export function quoteBalance(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += markAt(text, i);
  return n;
}

/** +1 where a quotation opens at `i`, −1 where one closes, else 0. */
function markAt(text: string, i: number): number {
  const c = text[i]!;
  if (c === '“' || c === '«') return 1;
  if (c === '”' || c === '»') return -1;
  if (c === '"') return i === 0 || /[\s([]/.test(text[i - 1]!) ? 1 : -1;
  return 0;
}

function lastClosing(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (markAt(text, i) < 0) return i;
  return text.length - 1;
}

function firstOpening(text: string): number {
  for (let i = 0; i < text.length; i++) if (markAt(text, i) > 0) return i;
  return 0;
}
