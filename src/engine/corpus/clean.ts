import type { Range } from '../types.js';
import { foldAccents } from '../text/analyze.js';
import { trimRange } from '../text/sentences.js';

/** Lines that are page furniture rather than article text (newsletter prompts, sharing, credits). */
const BOILERPLATE = [
  /\bnewsletter\b/i,
  /\b(abonnez|inscrivez|d[ée]bloquez|t[ée]l[ée]chargez l'appli|suivez-nous)\b/i,
  /^\s*(lire|à lire) aussi\b/i,
  /^\s*(read more|related|see also|share|partager|publicit[ée]|advertisement|sponsored)\b/i,
  /\b(tous droits r[ée]serv[ée]s|droits d['’]auteur|all rights reserved)\b/i,
  /^\s*(©|copyright\b)/i,
  /^\s*(reportages? suppl[ée]mentaires?|additional reporting|avec l['’]AFP$)/i,
];

/** Lines that open a trailing list of references or sources; what follows is not article text. */
const TRAILER = /^\s*(r[ée]f[ée]rences?|sources?|notes?|liens?)\s*:?\s*$/i;

const URL_ONLY = /^\s*(\d+\.\s*)?(https?:\/\/|www\.)\S+\s*$/i;

function normalizeLine(s: string): string {
  return foldAccents(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function letterShare(s: string): number {
  const visible = s.replace(/\s/g, '');
  if (!visible) return 0;
  return (visible.match(/\p{L}/gu)?.length ?? 0) / visible.length;
}

/** True for a line mostly written in a script other than the article's (e.g. a CJK image caption). */
function foreignScript(s: string): boolean {
  const letters = s.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  return letters.length > 0 && latin / letters.length < 0.5;
}

export interface CleanOptions {
  title?: string;
  publisher?: string | null;
}

/**
 * Finds the paragraphs of `body` that are article text. Pure; returns trimmed line ranges
 * into `body`, so every later offset still points into the original text.
 * Drops: newsletter/share/copyright lines, repeats of the title or publisher (page headers),
 * lines with few letters (separators, junk), foreign-script captions, bare URLs,
 * a trailing "Références :" block, and repeated lines after their first occurrence.
 * @example findArticleText("Abonnez-vous à la newsletter\nLe texte.") // [{start: 29, end: 38}]
 */
export function findArticleText(body: string, options: CleanOptions = {}): Range[] {
  const title = options.title ? normalizeLine(options.title) : '';
  const publisher = options.publisher ? normalizeLine(options.publisher) : '';
  const seen = new Set<string>();
  const kept: Range[] = [];
  let offset = 0;
  let afterPromo = false;
  for (const line of body.split('\n')) {
    const range = trimRange(body, { start: offset, end: offset + line.length });
    offset += line.length + 1;
    if (range.end <= range.start) continue;
    const text = body.slice(range.start, range.end);
    const norm = normalizeLine(text);
    if (TRAILER.test(text)) break;
    if (!norm || letterShare(text) < 0.5 || foreignScript(text) || URL_ONLY.test(text)) continue;
    if (text.length < 300 && BOILERPLATE.some((re) => re.test(text))) {
      afterPromo = true;
      continue;
    }
    // The tagline under a newsletter prompt ("Votre guide sur…") has no closing punctuation.
    const promoTagline = afterPromo && text.length < 200 && !/[.!?»"”…]$/.test(text);
    afterPromo = false;
    if (promoTagline) continue;
    if (norm === title || (publisher && norm === publisher) || seen.has(norm)) continue;
    seen.add(norm);
    kept.push(range);
  }
  return kept;
}
