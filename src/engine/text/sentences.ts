import type { Range } from '../types.js';

const segmenter = new Intl.Segmenter('fr', { granularity: 'sentence' });

/** Tokens that end with a period but do not end a sentence ("M. Son", "P.-D.G. de"). */
const ABBREVIATIONS = new Set([
  'm', 'mm', 'mme', 'mmes', 'mlle', 'dr', 'pr', 'me', 'st', 'ste', 'mr', 'mrs', 'ms', 'jr', 'sr',
  'p.-d.g', 'pdg', 'cf', 'etc', 'env', 'vol', 'no', 'n°', 'av', 'apr', 'j.-c', 'ex', 'p', 'pp', 'fig',
  'inc', 'corp', 'ltd', 'co', 'vs', 'u.s', 'e.g', 'i.e', 'st', 'gen', 'gal', 'col', 'cie',
]);

/** The start of a sentence: a capital word, or an opening quote. */
const SENTENCE_START = /^\s*[\p{Lu}«“]/u;

/** Whether `segment` ends with an abbreviation's full stop, which goes on into `next`. */
function endsWithAbbreviation(segment: string, next: string): boolean {
  const m = /(?:^|[\s(«"])([\p{L}.\-°]+)\.\s*$/u.exec(segment);
  if (!m) return false;
  const word = m[1]!.toLowerCase();
  // "etc." takes the sentence's full stop: before a capital it ends the sentence (8 of 8 on PIAF).
  if (word === 'etc' && SENTENCE_START.test(next)) return false;
  // A lone initial ("J. Smith") or a dotted acronym ("P.-D.G.", "U.S.").
  return ABBREVIATIONS.has(word) || /^\p{Lu}$/u.test(m[1]!) || /^(\p{L}\.-?)+\p{L}$/u.test(m[1]!);
}

/**
 * A full stop with no space after it, between a word, a figure or a closing mark and the capital
 * word or opening guillemet that starts the next sentence: "évident.Mais", "Arm.Huang",
 * "IA.« Nous". Copied and converted pages lose that space often; ICU ends a sentence there after
 * a figure or a closing mark ("2021.C'est", ").Il"), never after a letter. The next word must go
 * on in lower case (or be "C'", "L'"…), so initialisms ("D.C.", "S.p.A.", "Z.E.A.T."), decimals ("3.5"), domain and file names
 * ("OpenAI.com", "index.html") and ellipses ("…Puis", "...Puis": a dot before the dot) never match.
 */
const GLUED_STOP = /(?<=[\p{L}\p{N})\]»”%])\.(?=\p{Lu}(?:\p{Ll}|['’]\p{L})|[«“])/gu;

/**
 * An ellipsis character followed by a capital word ends its sentence ("musique… L'art et les
 * artistes"); ICU reads "…" as no sentence end at all (it does end one at "..."). Before a
 * lower-case word the sentence goes on ("… puis il signa"), and "(…)" or "[…]" mark a cut in a quote.
 */
const ELLIPSIS_END = /(?<![([])…(?=\s+\p{Lu}(?:\p{Ll}|['’]\p{L}))/gu;

/** A token that is an address or a path: its full stops are no sentence ends ("https://x.fr/Le.Monde"). */
const ADDRESS = /\/|@|\bwww\./i;

/** Where `text[start, end)` has a sentence end ICU missed (a glued full stop, an ellipsis): the offsets just after it. */
function gluedStops(text: string, start: number, end: number): number[] {
  const cuts: number[] = [];
  const slice = text.slice(start, end);
  for (const m of slice.matchAll(ELLIPSIS_END)) cuts.push(start + m.index + 1);
  for (const m of slice.matchAll(GLUED_STOP)) {
    const at = start + m.index;
    if (endsWithAbbreviation(text.slice(start, at + 1), text.slice(at + 1, end))) continue; // "M.Son", "F.Alvarado"
    const token = /\S*$/.exec(text.slice(start, at))![0] + /^\S*/.exec(text.slice(at, end))![0];
    if (ADDRESS.test(token)) continue;
    cuts.push(at + 1);
  }
  return cuts.sort((a, b) => a - b);
}

/**
 * Splits `text[start, end)` into sentences, French-aware, and returns their ranges in `text`.
 * Ranges are trimmed of surrounding whitespace; empty sentences are dropped.
 * @example splitSentences("M. Son a promis. Il part.") // [{start:0,end:16},{start:17,end:25}]
 */
export function splitSentences(text: string, start = 0, end = text.length): Range[] {
  const slice = text.slice(start, end);
  const raw: Range[] = [];
  let carried: number | null = null; // where an opening "«" cut off a sentence's end begins
  for (const seg of segmenter.segment(slice)) {
    let from: number = carried ?? start + seg.index;
    const to = start + seg.index + seg.segment.length;
    carried = null;
    const cuts = gluedStops(text, from, to);
    for (const cut of cuts) {
      raw.push({ start: from, end: cut });
      from = cut;
    }
    // ICU ends its segment after the "«" of "annonce.« Nous": that guillemet opens the next one.
    if (cuts.length > 0 && !/[\p{L}\p{N}]/u.test(text.slice(from, to))) carried = from;
    else raw.push({ start: from, end: to });
  }
  if (carried !== null) raw.push({ start: carried, end });
  const merged: Range[] = [];
  for (let r of raw) {
    const prev = merged[merged.length - 1];
    // ICU splits after "M."; glue the next segment back.
    if (prev && endsWithAbbreviation(text.slice(prev.start, prev.end), text.slice(r.start, r.end))) {
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
      r = { start: prev.end, end: r.end };
      if (!/[\p{L}\p{N}]/u.test(text.slice(r.start, r.end))) continue;
    }
    // After "?" or "!", a lower-case word or a comma goes on with the same sentence: an incise
    // ("… parlez-vous ? » demanda Hughes", "« Oui ! », dit-il") or the rest of an exclamation
    // ("« Debout ! enfants de l'Ibérie »"). ICU ends the sentence there.
    if (prev && /[?!][\s»”"]*$/.test(text.slice(prev.start, prev.end)) && /^\s*[\p{Ll},;]/u.test(text.slice(r.start, r.end))) {
      prev.end = r.end;
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
