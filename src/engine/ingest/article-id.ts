import { createHash } from 'node:crypto';

/** Longest slug part of an id; the loader accepts ids up to 120 characters. */
const SLUG_MAX = 60;

/**
 * Id of a new article: a readable slug of its title plus a short hash of what identifies it
 * (its URL, or its text when it has none), so two articles with one title still differ.
 *
 * @example articleId('Stargate : 500 milliards pour l’IA', 'https://site.example/a') // 'stargate-500-milliards-pour-l-ia-3f9c2a1b'
 */
export function articleId(title: string, identity: string, hashLength = 8): string {
  const slug = slugify(title) || 'article';
  return `${slug}-${sha256(identity).slice(0, hashLength)}`;
}

/** Lower-case ASCII words joined by "-", accents folded: "Élection à Paris" → "election-a-paris". */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= SLUG_MAX) return words;
  const cut = words.slice(0, SLUG_MAX);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 20 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
