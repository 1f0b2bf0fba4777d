import type { Range } from '../types.js';

const segmenter = new Intl.Segmenter('fr', { granularity: 'sentence' });

/** Tokens that end with a period but do not end a sentence ("M. Son", "P.-D.G. de"). */
const ABBREVIATIONS = new Set([
  'm', 'mm', 'mme', 'mmes', 'mlle', 'dr', 'pr', 'me', 'st', 'ste', 'mr', 'mrs', 'ms', 'jr', 'sr',
  'p.-d.g', 'pdg', 'cf', 'etc', 'env', 'vol', 'no', 'n°', 'av', 'apr', 'j.-c', 'ex', 'p', 'pp', 'fig',
  'inc', 'corp', 'ltd', 'co', 'vs', 'u.s', 'e.g', 'i.e', 'st', 'gen', 'gal', 'col', 'cie',
]);

function endsWithAbbreviation(segment: string): boolean {
  const m = /(?:^|[\s(«"])([\p{L}.\-°]+)\.\s*$/u.exec(segment);
  if (!m) return false;
  const word = m[1]!.toLowerCase();
  // A lone initial ("J. Smith") or a dotted acronym ("P.-D.G.", "U.S.").
  return ABBREVIATIONS.has(word) || /^\p{Lu}$/u.test(m[1]!) || /^(\p{L}\.-?)+\p{L}$/u.test(m[1]!);
}

/**
 * Splits `text[start, end)` into sentences, French-aware, and returns their ranges in `text`.
 * Ranges are trimmed of surrounding whitespace; empty sentences are dropped.
 * @example splitSentences("M. Son a promis. Il part.") // [{start:0,end:16},{start:17,end:25}]
 */
export function splitSentences(text: string, start = 0, end = text.length): Range[] {
  const slice = text.slice(start, end);
  const raw: Range[] = [];
  for (const seg of segmenter.segment(slice)) {
    raw.push({ start: start + seg.index, end: start + seg.index + seg.segment.length });
  }
  const merged: Range[] = [];
  for (const r of raw) {
    const prev = merged[merged.length - 1];
    // ICU splits after "M."; glue the next segment back.
    if (prev && endsWithAbbreviation(text.slice(prev.start, prev.end))) {
      prev.end = r.end;
      continue;
    }
    // ICU breaks at every line break; one inside a sentence (a wrapped source line, joined by
    // cleaning) is no sentence end: the sentence goes on when the next part starts in lower case.
    if (prev && /\n/.test(text.slice(prev.start, r.start + 1)) && !/[.!?…:;»"”)\]]\s*$/.test(text.slice(prev.start, prev.end)) && /^\s*\p{Ll}/u.test(text.slice(r.start, r.end))) {
      prev.end = r.end;
      continue;
    }
    // ICU also starts the next sentence with the closing "»" of a quote: hand it back.
    const closing = /^\s*[»”")\]]+/.exec(text.slice(r.start, r.end));
    if (prev && closing) {
      prev.end = r.start + closing[0].length;
      const rest = { start: prev.end, end: r.end };
      if (/[\p{L}\p{N}]/u.test(text.slice(rest.start, rest.end))) merged.push(rest);
      continue;
    }
    merged.push({ ...r });
  }
  return merged.map((r) => trimRange(text, r)).filter((r) => r.end > r.start);
}

export function trimRange(text: string, r: Range): Range {
  let { start, end } = r;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}
