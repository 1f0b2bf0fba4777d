/**
 * Page data is hostile until cleaned: a title can carry terminal escape sequences (OSC 52
 * writes some terminals' clipboard), bidi overrides that make "fin‮gnp.exe" read backwards,
 * or run to megabytes. Every metadata string is cleaned here once, at the edge, before it is
 * compared, stored or shown; article text loses its control characters the same way.
 */

/** C0 controls, DEL and C1 controls. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** C0/C1 controls except tab and line feed, which article text keeps. */
const TEXT_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi embeddings, overrides and isolates (they reorder what follows), and the bare direction marks. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
/** In text, only the reordering controls go: the marks belong to right-to-left writing. */
const TEXT_BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** Lengths past which a metadata string is not a title any more. */
export const METADATA_MAX = { title: 200, publisher: 120, author: 200, url: 2048 } as const;

/**
 * One line of metadata: controls and bidi overrides removed, whitespace collapsed, capped at
 * `max` characters (between words when one ends near the limit, with "…"). Never builds a
 * regular expression from its input.
 *
 * @example cleanLine('Titre\u001b]52;c;aGk=\u0007 \u202efin', 200) // 'Titre]52;c;aGk= fin'
 */
export function cleanLine(value: string, max: number): string {
  const flat = value.replace(CONTROLS, ' ').replace(BIDI, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** `cleanLine` for an optional field: null stays null, and so does a value that cleans to nothing. */
export function cleanOptional(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const clean = cleanLine(value, max);
  return clean ? clean : null;
}

/**
 * A declared URL fit to store: http(s) only, no credentials, no control characters, at most
 * `METADATA_MAX.url` characters; anything else is null (unknown), never repaired into a guess.
 */
export function cleanUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    // URL serialization percent-encodes controls and bidi characters in the path and query.
    const text = url.toString();
    return text.length <= METADATA_MAX.url ? text : null;
  } catch {
    return null;
  }
}

/**
 * Article text without control characters (tab and line feed kept, carriage returns made line
 * feeds) and without bidi overrides, so no stored passage can drive a terminal.
 *
 * @example cleanText('Rouge\u001b[31m vif\r\nfin') // 'Rouge[31m vif\nfin'
 */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(TEXT_CONTROLS, '').replace(TEXT_BIDI, '');
}
