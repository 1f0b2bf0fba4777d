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
const TRAILER = /^\s*(r[ée]f[ée]rences?|sources?|notes?|liens?|notes et r[ée]f[ée]rences|bibliographie|voir aussi|references|see also|further reading|external links)\s*:?\s*$/i;

/**
 * A trailer heading ends the article only near the end (less than this share of the body after
 * it) or where what follows reads as a list of references. Elsewhere it is a section heading
 * ("Sources" inside an encyclopedia page's body, "Notes" before more text) and only that line goes.
 */
const TRAILER_TAIL_SHARE = 0.3;
/** A line of a reference list: numbered, bulleted, a caret back-link, or holding an address. */
const REFERENCE_LINE = /^\s*(?:\d+[.)]|\[\d+\]|[-•*^↑])|https?:\/\/|www\./i;

function opensTrailer(body: string, after: number): boolean {
  if (body.length - after < body.length * TRAILER_TAIL_SHARE) return true;
  const next = body.slice(after).split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 5);
  return next.length > 0 && next.filter((l) => REFERENCE_LINE.test(l)).length / next.length >= 0.5;
}

const URL_ONLY = /^\s*(\d+\.\s*)?(https?:\/\/|www\.)\S+\s*$/i;

function normalizeLine(s: string): string {
  return foldAccents(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function letterShare(s: string): number {
  const visible = s.replace(/\s/g, '');
  if (!visible) return 0;
  return (visible.match(/\p{L}/gu)?.length ?? 0) / visible.length;
}

const SCRIPTS = ['Latin', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Cyrillic', 'Arabic', 'Hebrew', 'Greek', 'Devanagari', 'Thai'] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);

/** The script most letters of a text are written in (Japanese kana count as Han: one writing). */
function mainScript(s: string): string | null {
  const counts = new Map<string, number>();
  for (const c of s.match(/\p{L}/gu) ?? []) {
    const found = SCRIPT_TESTS.find(([, re]) => re.test(c))?.[0] ?? 'Other';
    const key = found === 'Hiragana' || found === 'Katakana' ? 'Han' : found;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [k, n] of counts) if (best === null || n > counts.get(best)!) best = k;
  return best;
}

/** Longest line judged a caption when written in another script than the article's. */
const CAPTION_CHARS = 160;

/** True for a short line in a script other than the article's (e.g. a Chinese image caption in a French article). */
function foreignCaption(s: string, articleScript: string | null): boolean {
  if (articleScript === null || s.length > CAPTION_CHARS) return false;
  const script = mainScript(s);
  return script !== null && script !== articleScript;
}

const CLOSES_SENTENCE = /[.!?…:;»"”)\]]\s*$/;
/** A line that goes on with the sentence the previous line left open: a break of the page's source, not a paragraph. */
const CONTINUES = /^\s*[\p{Ll}\d(«"“]/u;

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
  const articleScript = mainScript(body);
  let offset = 0;
  let afterPromo = false;
  /** Whether the last line read was kept and left its sentence open (so a continuation joins it). */
  let open = false;
  for (const line of body.split('\n')) {
    const range = trimRange(body, { start: offset, end: offset + line.length });
    offset += line.length + 1;
    if (range.end <= range.start) {
      open = false;
      continue;
    }
    const text = body.slice(range.start, range.end);
    const norm = normalizeLine(text);
    const previous = kept[kept.length - 1];
    // A line break inside a sentence (the page's source was wrapped): the line joins the sentence.
    if (open && previous && CONTINUES.test(text) && !TRAILER.test(text) && !BOILERPLATE.some((re) => re.test(text))) {
      previous.end = range.end;
      open = !CLOSES_SENTENCE.test(text);
      continue;
    }
    open = false;
    if (TRAILER.test(text)) {
      if (opensTrailer(body, range.end)) break;
      continue;
    }
    if (!norm || letterShare(text) < 0.5 || foreignCaption(text, articleScript) || URL_ONLY.test(text)) continue;
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
    open = !CLOSES_SENTENCE.test(text) && text.length >= 40;
  }
  return kept;
}
