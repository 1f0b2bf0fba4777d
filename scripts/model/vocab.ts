// The package ships no types; its JSON maps ISO codes to word lists.
import stopwords from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import { ENGLISH_WORDS, FRENCH_WORDS } from './word-lists.js';

/** Special tokens, in id order (ids 0–4). */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzœæß';
const DIGITS = '0123456789';
// BERT's pre-tokenizer splits every punctuation character into a token of its own.
const PUNCTUATION = `.,;:!?'"()[]{}-_/\\@#$%&*+=<>~\`^|«»€£’‘“”…–—°§`;

export interface VocabOptions {
  /** How many word-start pieces ("inv") to keep, most frequent first. */
  prefixPieces?: number;
  /** How many continuation pieces ("##ment") to keep, most frequent first. */
  suffixPieces?: number;
  /** Pad with `[unusedN]` tokens up to this size (full-size timing model). */
  padTo?: number;
}

/** What BERT uncased does to text before splitting it: lowercase, then drop accents. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Builds a WordPiece vocabulary (tokens in id order) from the built-in French and
 * English word lists. Deterministic: same options, same list.
 * Example: buildVocab().slice(0, 3) → ['[PAD]', '[UNK]', '[CLS]'].
 */
export function buildVocab(options: VocabOptions = {}): string[] {
  const { prefixPieces = 900, suffixPieces = 900, padTo } = options;
  const words = knownWords();
  const tokens: string[] = [...SPECIAL_TOKENS];
  const seen = new Set<string>(tokens);
  const add = (token: string): void => {
    if (!seen.has(token)) {
      seen.add(token);
      tokens.push(token);
    }
  };

  for (const ch of LETTERS + DIGITS + PUNCTUATION) add(ch);
  for (const ch of LETTERS + DIGITS) add(`##${ch}`);
  for (const word of words) add(word);
  for (let n = 0; n <= 100; n++) add(String(n));
  for (let year = 1900; year <= 2040; year++) add(String(year));
  for (const piece of topPieces(words, prefixesOf, prefixPieces)) add(piece);
  for (const piece of topPieces(words, continuationsOf, suffixPieces)) add(`##${piece}`);

  if (padTo !== undefined) {
    for (let i = 0; tokens.length < padTo; i++) add(`[unused${i}]`);
  }
  return tokens;
}

function knownWords(): string[] {
  const all = [...FRENCH_WORDS, ...ENGLISH_WORDS, ...stopwords.fr, ...stopwords.en] as string[];
  const out = new Set<string>();
  for (const raw of all) {
    const word = normalizeWord(raw);
    // Words with apostrophes or hyphens are split by the pre-tokenizer anyway.
    if (/^[a-zœæß0-9]+$/.test(word)) out.add(word);
  }
  return [...out];
}

function prefixesOf(word: string): string[] {
  const out: string[] = [];
  for (let n = 2; n <= Math.min(5, word.length - 1); n++) out.push(word.slice(0, n));
  return out;
}

function continuationsOf(word: string): string[] {
  const out: string[] = [];
  for (let start = 1; start < word.length; start++) {
    for (let n = 2; n <= 5 && start + n <= word.length; n++) out.push(word.slice(start, start + n));
  }
  return out;
}

function topPieces(words: string[], piecesOf: (w: string) => string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const word of words) {
    for (const piece of new Set(piecesOf(word))) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([, count]) => count >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([piece]) => piece);
}
