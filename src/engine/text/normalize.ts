/** Text normalized for display and indexing, with a map back to the original offsets. */
export interface NormalizedText {
  text: string;
  /** `map[i]` is the offset in the original of normalized char `i`; `map[text.length]` is the end. */
  map: number[];
}

const QUOTES: Record<string, string> = {
  '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
};

/**
 * Collapses whitespace runs to one space (or one newline when the run holds a newline),
 * maps typographic apostrophes and English quotes to ASCII, keeps French « » as they are.
 * @example normalizeWithMap("l\u2019IA   d\u00e9cide").text // "l'IA décide"
 */
export function normalizeWithMap(original: string, start = 0, end = original.length): NormalizedText {
  let text = '';
  const map: number[] = [];
  let i = start;
  while (i < end) {
    const ch = original[i]!;
    if (/\s/.test(ch)) {
      let j = i;
      let newline = false;
      while (j < end && /\s/.test(original[j]!)) {
        if (original[j] === '\n') newline = true;
        j++;
      }
      if (text.length > 0 && j < end) {
        text += newline ? '\n' : ' ';
        map.push(i);
      }
      i = j;
      continue;
    }
    text += QUOTES[ch] ?? ch;
    map.push(i);
    i++;
  }
  map.push(end);
  return { text, map };
}

/** Maps a range of normalized text back to the original. */
export function toOriginalRange(n: NormalizedText, start: number, end: number): { start: number; end: number } {
  const s = n.map[start] ?? n.map[n.map.length - 1]!;
  // The end maps to just past the last kept char, not to the start of the next one.
  const e = end > start ? n.map[end - 1]! + 1 : s;
  return { start: s, end: e };
}
