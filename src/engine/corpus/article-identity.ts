import { createHash } from 'node:crypto';

/**
 * Identity of a text for duplicate detection: Unicode-normalized, whitespace collapsed,
 * typographic apostrophes folded, so re-extractions that only differ in spacing match.
 */
export function textHash(text: string): string {
  return createHash('sha256').update(text.normalize('NFC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim()).digest('hex');
}

/**
 * Identity of a URL for duplicate detection: scheme, "www.", fragment and trailing slash
 * do not make a different article.
 *
 * @example urlKey('https://www.site.example/a/#top') // 'site.example/a'
 */
export function urlKey(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, '');
    const port = u.port ? `:${u.port}` : '';
    const path = u.pathname.replace(/\/+$/, '');
    return `${host}${port}${path}${u.search}`;
  } catch {
    return null;
  }
}
