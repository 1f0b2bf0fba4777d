const QUOTES: Record<string, string> = {
  '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
};

/**
 * Text as passages show and index it: whitespace runs collapsed to one space (line breaks too:
 * this is one sentence or heading, and a break inside it is the page's source wrapping), typographic apostrophes and English quotes mapped to ASCII, French
 * « » kept. Ranges stay in the original: callers slice it, then normalize the slice.
 * @example normalizeText("l\u2019IA   d\u00e9cide") // "l'IA décide"
 */
export function normalizeText(original: string, start = 0, end = original.length): string {
  return original
    .slice(start, end)
    .replace(/\s+/g, ' ')
    .replace(/[\u2019\u2018\u02bc\u201c\u201d\u201e]/g, (q) => QUOTES[q]!)
    .trim();
}
