import { parse as parseDomain } from 'tldts';

/** Labels that name the same site's other front doors (desktop, mobile, AMP). */
const FRONT_DOORS = new Set(['www', 'm', 'mobile', 'amp']);

/**
 * Whether a page fetched from `fetched` may declare `declared` as its address (canonical link,
 * og:url, JSON-LD url). Only the fetched host itself qualifies, up to its `www.`, `m.`,
 * `mobile.` and `amp.` front doors: a parent domain never does. A subdomain cannot be told
 * from a space handed to strangers (`attacker.medium.com`, `someone.blog.lemonde.fr` — neither
 * is on the Public Suffix List), so a page on one must not speak for the domain above it; and
 * the front doors are never stripped down to a public suffix (`m.github.io` is a user's site,
 * not `github.io`). Scheme and port do not make another site.
 *
 * @example sameSite('https://www.lemonde.fr/a', 'https://amp.lemonde.fr/a') // true
 * @example sameSite('https://medium.com/@victim/post', 'https://attacker.medium.com/x') // false
 */
export function sameSite(declared: string, fetched: string): boolean {
  const a = siteOf(declared);
  const b = siteOf(fetched);
  return a !== null && a === b;
}

/** The host with front-door labels removed down to (never into) the registrable domain. */
export function siteOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const info = parseDomain(host, { allowPrivateDomains: true });
  if (info.isIp || !info.domain) return host;
  const labels = host.split('.');
  const domainLabels = info.domain.split('.').length;
  let start = 0;
  while (labels.length - start > domainLabels && FRONT_DOORS.has(labels[start] ?? '')) start++;
  return labels.slice(start).join('.');
}
