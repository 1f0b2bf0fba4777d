import { createTwoGenerationCache } from '../cache/two-generation-cache.js';
import { termsOfTokens, tokenize, wordsOfTokens, type Token } from '../text/analyze.js';
import type { Range } from '../types.js';

/** A sentence of a passage with its analysis, computed once per passage and reused by every ask. */
export interface SentenceTerms {
  text: string;
  tokens: Token[];
  /** Stemmed terms, in order. */
  order: string[];
  terms: ReadonlySet<string>;
  /** Unstemmed, accent-folded words: a shared stem is not always a shared word ("capitale" / "capitaux"). */
  words: ReadonlySet<string>;
  /** First letters of its longer words: "reprise" and "reprendre" share more than their stems say. */
  prefixes: ReadonlySet<string>;
  /** The stemmed terms of each token, by token position: where in the sentence a term stands. */
  at: readonly (readonly string[])[];
}

/** Letters a word prefix keeps, and the shortest word that has one. */
export const PREFIX_LENGTH = 5;
const MIN_PREFIX_WORD = 4;

/** Prefixes of words, as sentences keep them. */
export function prefixesOf(words: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const w of words) if (w.length >= MIN_PREFIX_WORD && !/^\d/.test(w)) out.add(w.slice(0, PREFIX_LENGTH));
  return out;
}

/** The shape of a passage this module reads. */
export interface PassageText {
  id: string;
  text: string;
  sentences: { local: Range }[];
}

/** Passages kept analysed; past it the least used are dropped (a coverage's hot passages stay). */
const CACHE_SIZE = 20_000;
const analysed = createTwoGenerationCache<string, { text: string; sentences: SentenceTerms[] }>(CACHE_SIZE);

/** Whether the passage's sentences are already analysed (and its text unchanged since). */
export function hasSentences(passage: PassageText): boolean {
  return analysed.peek(passage.id)?.text === passage.text;
}

/**
 * The passage's sentences, analysed. Remembered by passage id (and checked against its text,
 * so a replaced passage is analysed again): answering the same passages again costs nothing.
 * `indexTerms`: the stemmed terms the index keeps for the passage's text (joined by spaces), so
 * words the stemmer has not met yet take their stems from there instead of from the stemmer.
 * @example sentencesOf({ id: 'a#0', text: 'Son a promis. Il part.', sentences: [...] })[0].terms // Set { 'son', 'promis' }
 */
export function sentencesOf(passage: PassageText, indexTerms?: string): SentenceTerms[] {
  const hit = analysed.get(passage.id);
  if (hit && hit.text === passage.text) return hit.sentences;
  let primed = indexTerms === undefined;
  const prime = () => {
    if (!primed) learnTokenTerms(passage.text, indexTerms!);
    primed = true;
  };
  const sentences = passage.sentences.map(({ local }) => new AnalysedSentence(passage.text.slice(local.start, local.end), prime));
  analysed.set(passage.id, { text: passage.text, sentences });
  return sentences;
}

export function analyseSentence(text: string): SentenceTerms {
  return new AnalysedSentence(text);
}

/**
 * Tokens kept with their terms and words; past it the least used half is dropped at a time (a
 * full Map cleared at once cost every later ask its stemming again, frequent words included).
 */
const TOKEN_CACHE_SIZE = 200_000;
/** Tokens' stemmed terms (`termsOfTokens` of the token alone), by token: most words come back sentence after sentence. */
const tokenTerms = createTwoGenerationCache<string, readonly string[]>(TOKEN_CACHE_SIZE);
// The same word capitalised away from a sentence's start can be a name ("Son"): a key of its own.
const keyOf = (t: Token) => (t.proper ? `\u0001${t.text}` : t.text);

/** Tokens' unstemmed, folded words (`wordsOfTokens` of the token alone), by token. */
const tokenWords = createTwoGenerationCache<string, readonly string[]>(TOKEN_CACHE_SIZE);

function wordsOfToken(t: Token): readonly string[] {
  const key = keyOf(t);
  let words = tokenWords.get(key);
  if (words === undefined) tokenWords.set(key, (words = wordsOfTokens([t])));
  return words;
}

/** A token's stemmed terms: remembered, else (after `prime`, once per passage) stemmed. */
function termsOfToken(t: Token, prime?: () => void): readonly string[] {
  const key = keyOf(t);
  let terms = tokenTerms.get(key);
  if (terms === undefined && prime) {
    prime();
    terms = tokenTerms.get(key);
  }
  if (terms === undefined) tokenTerms.set(key, (terms = termsOfTokens([t])));
  return terms;
}

/**
 * Learns the stems of the text's tokens not met yet from the index's terms for that very text
 * (the index analysed it with the same analyzer: its terms are each token's terms, one after the
 * other). How many terms a token gives needs no stemmer (its unstemmed words are as many);
 * when the counts do not add up to the index's, nothing is learnt and the stemmer does it.
 */
function learnTokenTerms(text: string, indexTerms: string): void {
  const stored = indexTerms === '' ? [] : indexTerms.split(' ');
  const fresh: { key: string; from: number; to: number }[] = [];
  let at = 0;
  for (const t of tokenize(text)) {
    const key = keyOf(t);
    const known = tokenTerms.get(key);
    const count = known ? known.length : wordsOfToken(t).length;
    if (!known) fresh.push({ key, from: at, to: at + count });
    at += count;
    if (at > stored.length) return;
  }
  if (at !== stored.length) return;
  for (const { key, from, to } of fresh) if (!tokenTerms.has(key)) tokenTerms.set(key, stored.slice(from, to));
}

/**
 * A sentence's analysis. Its stemmed terms are worked out once, token by token (`order` is their
 * concatenation: what `termsOfTokens` gives for the whole sentence); its unstemmed words and
 * their prefixes only when first read: most sentences of a passage share no term with the
 * question, and scoring never reads their words.
 */
class AnalysedSentence implements SentenceTerms {
  readonly tokens: Token[];
  readonly order: string[];
  readonly terms: ReadonlySet<string>;
  readonly at: readonly (readonly string[])[];
  #words: ReadonlySet<string> | null = null;
  #prefixes: ReadonlySet<string> | null = null;

  constructor(readonly text: string, prime?: () => void) {
    this.tokens = tokenize(text);
    this.at = this.tokens.map((t) => termsOfToken(t, prime));
    this.order = this.at.flat();
    this.terms = new Set(this.order);
  }

  get words(): ReadonlySet<string> {
    if (!this.#words) {
      const words = new Set<string>();
      for (const t of this.tokens) for (const w of wordsOfToken(t)) words.add(w);
      this.#words = words;
    }
    return this.#words;
  }

  get prefixes(): ReadonlySet<string> {
    return (this.#prefixes ??= prefixesOf(this.words));
  }
}

const termIndexes = new WeakMap<readonly SentenceTerms[], ReadonlyMap<string, readonly number[]>>();

/**
 * Which sentences of a passage hold each term (sentence positions, in order): scoring a passage
 * looks up each question term once instead of asking every sentence for every term. Made once
 * per analysed passage (`sentencesOf` keeps its sentences, so later asks find it made).
 * @example sentenceIndex([analyseSentence('Le parc ouvre.'), analyseSentence('Le parc ferme.')]).get('parc') // [0, 1]
 */
export function sentenceIndex(sentences: readonly SentenceTerms[]): ReadonlyMap<string, readonly number[]> {
  let index = termIndexes.get(sentences);
  if (!index) {
    const made = new Map<string, number[]>();
    sentences.forEach((s, i) => {
      for (const term of s.terms) {
        const list = made.get(term);
        if (list) list.push(i);
        else made.set(term, [i]);
      }
    });
    termIndexes.set(sentences, (index = made));
  }
  return index;
}

const titles = createTwoGenerationCache<string, SentenceTerms>(CACHE_SIZE);

/** An article title, analysed and remembered (few titles, asked again and again). */
export function titleTerms(title: string): SentenceTerms {
  let t = titles.get(title);
  if (!t) titles.set(title, (t = analyseSentence(title)));
  return t;
}
