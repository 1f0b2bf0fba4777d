/** Small pure text helpers for Discord markdown. */

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` characters on a word boundary, ending with an ellipsis.
 * `truncateWords('le conseil a voté hier', 15)` → `'le conseil a…'`.
 */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  const room = text.slice(0, max - ELLIPSIS.length + 1);
  const lastSpace = room.search(/\s\S*$/);
  // A single very long word (an URL, say) is cut mid-word rather than dropped.
  const cut = lastSpace > max / 2 ? room.slice(0, lastSpace) : room.slice(0, max - ELLIPSIS.length);
  return cut.replace(/[\s,;:.–—-]+$/u, '') + ELLIPSIS;
}

/**
 * Escapes text so Discord shows it literally: emphasis, code, spoilers, links,
 * and line-start syntax (headings, lists, quotes).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]<]/g, '\\$&')
    .replace(/^(\s*)([#>-]|\d+\.)/gm, (_m, space: string, mark: string) => `${space}\\${mark}`);
}

/** A link Discord accepts in an embed url or a masked link, or null. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
    return href.length <= 2048 ? href : null;
  } catch {
    return null;
  }
}

/** `[title](<url>)` when the url is usable (angle brackets keep Discord from unfurling it), else the title. */
export function maskedLink(title: string, url: string | null | undefined): string {
  const href = safeUrl(url);
  const text = escapeMarkdown(title).replace(/[()]/g, '\\$&');
  return href ? `[${text}](<${href}>)` : text;
}
