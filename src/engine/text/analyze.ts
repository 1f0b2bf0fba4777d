import { createRequire } from 'node:module';

/**
 * French (and English-tolerant) text analysis for lexical search: pure functions
 * from text to index terms, used for both chunks and questions so the two sides agree.
 * Lowercase, accents folded, elisions dropped, stop words removed, Snowball French
 * stems, numbers normalised, hyphenated words split and joined.
 *
 * @example analyze("L'investissement de SoftBank aux États-Unis : 4,9 %")
 *   // → ['invest', 'softbank', 'etat', 'unis', 'etatsun', '4.9']
 */

/** Bump when `analyze` output changes: persisted lexical indexes record it and must be rebuilt. */
export const ANALYZER_VERSION = 3;

// Neither package ships types; the shapes we use are tiny.
const require = createRequire(import.meta.url);
const snowball = require('snowball-stemmers') as {
  newStemmer(language: string): { stem(word: string): string };
};
const stopwordsIso = require('stopwords-iso') as Record<string, string[]>;

/** Lowercases, then strips diacritics and expands ligatures: "Œuvre été" → "oeuvre ete". */
export function foldAccents(text: string): string {
  return text
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

// stopwords-iso `fr` is generous: it lists content words that carry meaning in
// news questions (numbers, "état", "premier", "dernier", "valeur"…). Those stay searchable.
const FRENCH_KEPT = new Set(
  [
    'bas', 'haut', 'beau', 'bon', 'cent', 'mille', 'cinq', 'cinquante', 'cinquantaine', 'deux', 'trois', 'quatre',
    'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'vingt', 'trente',
    'quarante', 'soixante', 'quatre-vingt', 'dix-huit', 'dix-neuf', 'dix-sept', 'premier', 'premiere', 'dernier',
    'derniere', 'deuxieme', 'troisieme', 'quatrieme', 'cinquieme', 'sixieme', 'septieme', 'huitieme', 'neuvieme',
    'dixieme', 'onzieme', 'douzieme', 'cinquantieme', 'etat', 'valeur', 'retour', 'sujet', 'debut', 'gens', 'parole',
    'mot', 'piece', 'force', 'effet', 'droite', 'personne', 'personnes', 'nouveau', 'nouveaux', 'naturel',
    'naturelle', 'naturelles', 'particulier', 'particuliere', 'essai', 'ouvert', 'ouverte', 'ouverts', 'dos',
    'compris', 'different', 'differente', 'differentes', 'differents', 'direct', 'directe', 'directement', 'longtemps',
    'proche', 'rare', 'rares', 'unique', 'uniques', 'multiple', 'multiples', 'possible', 'possibles', 'seul', 'seule',
    'juste', 'parler', 'parle', 'parlent', 'dire', 'dit', 'dite', 'dits', 'rendre', 'rend', 'tenir', 'suivre',
    'laisser', 'tente', 'passe', 'remarquable', 'comparable', 'comparables', 'maximale', 'minimale', 'tardive',
    'merci', 'vive', 'stop', 'fois', 'pire', 'mine', 'sein', 'vif', 'vifs', 'moindres', 'specifique', 'specifiques',
    'necessaire', 'exterieur', 'relative', 'quanta', 'outre', 'nombreux', 'nombreuses',
  ],
);

// A short list of English function words: the stopwords-iso English list is long and
// holds words that are French content words too ("place", "point", "date", "face").
const ENGLISH_STOP = [
  'a', 'about', 'after', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before', 'being',
  'between', 'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does', 'doing', 'during', 'each', 'for', 'from',
  'had', 'has', 'have', 'having', 'he', 'her', 'here', 'hers', 'him', 'his', 'how', 'i', 'if', 'in', 'into', 'is',
  'it', 'its', 'itself', 'just', 'many', 'me', 'much', 'my', 'no', 'nor', 'not', 'of', 'off', 'on', 'once', 'only',
  'or', 'other', 'our', 'ours', 'out', 'over', 'own', 'same', 'she', 'should', 'so', 'some', 'such', 'than',
  'that', 'the', 'their', 'theirs', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'through', 'to',
  'too', 'under', 'until', 'up', 'us', 'very', 'was', 'we', 'were', 'what', 'when', 'where', 'which', 'while',
  'who', 'whom', 'whose', 'why', 'will', 'with', 'would', 'you', 'your', 'yours', 'according', 'besides',
  'able', 'happen', 'happened', 'describe', 'described', 'say', 'said', 'says', 'tell', 'told',
];

const STOP_WORDS: ReadonlySet<string> = new Set([
  ...(stopwordsIso.fr ?? []).map(foldAccents).filter((w) => !FRENCH_KEPT.has(w)),
  ...ENGLISH_STOP,
  // Question words and fillers that the list misses.
  'quelle', 'quelles', 'quels', 'quel', 'est-ce', 'fut', 'ete', 'etaient', 'etait', 'cest', 'aujourd',
]);

/**
 * Stop words that are also names ("Masayoshi Son", "Asie de l'Est"): they count as
 * terms when capitalised away from the start of a sentence.
 */
const NAME_LIKE_STOP_WORDS: ReadonlySet<string> = new Set(['son', 'est']);

/**
 * Words whose accent is all that tells them from a stop word: "né" (born) is not "ne", "sûr"
 * not "sur", "dû" not "du". Written with the accent they are content words ("Où est né… ?").
 */
const ACCENTED_CONTENT: ReadonlySet<string> = new Set(['né', 'sûr', 'sûre', 'sûrs', 'sûres', 'dû']);

const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'(?=.)/;
const ELISION_ANY_CASE = new RegExp(ELISION.source, 'i');

const frenchStemmer = snowball.newStemmer('french');
const stemCache = new Map<string, string>();

/** Snowball French stem of a lowercased word, accent-folded afterwards (the stemmer needs the accents). */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = foldAccents(frenchStemmer.stem(word));
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/**
 * Snowball French leaves a verb's third person plural in "-ent" whole ("dirigent", "ressemblent"),
 * since the ending is also a noun's ("moment", "client"): the stem of the same verb without it
 * ("dirig", "ressembl"), for a stemmed term of six letters or more ending so; null otherwise.
 * Only a fallback for a question term the coverage never uses: it may name another word.
 * @example thirdPluralStem('dirigent') // 'dirig'
 */
export function thirdPluralStem(term: string): string | null {
  if (term.length < 6 || !term.endsWith('ent')) return null;
  const other = stem(term.slice(0, -2));
  return other !== term && other.length >= 4 ? other : null;
}

export function isStopWord(foldedWord: string): boolean {
  return STOP_WORDS.has(foldedWord);
}

/** A raw token: a word (letters, inner apostrophes and hyphens) or a number. */
export interface Token {
  /** Lowercased, apostrophes normalized, accents kept. */
  text: string;
  kind: 'word' | 'number';
  /** Capitalised and not the first word of a sentence: likely a name. */
  proper: boolean;
}

const APOSTROPHES = /[’‘`´ʼ]/g;
// Numbers: digit groups joined by spaces (French thousands: "100 000"), then decimals/thousands with , or .
const TOKEN =
  /(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])(?:[.,]\d+)?|\d+(?:[.,]\d+)*)|([\p{L}\p{M}]+(?:['-][\p{L}\p{M}\d]+)*)/gu;

/** Chinese and Japanese write words without spaces: a run of them is cut into words by the platform's segmenter. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const segmenters = {
  ja: new Intl.Segmenter('ja', { granularity: 'word' }),
  zh: new Intl.Segmenter('zh', { granularity: 'word' }),
};

function cjkWords(run: string): string[] {
  const segmenter = KANA.test(run) ? segmenters.ja : segmenters.zh;
  const out: string[] = [];
  for (const seg of segmenter.segment(run)) if (seg.isWordLike) out.push(seg.segment);
  return out;
}

/** Splits text into word and number tokens; keeps hyphenated words and elided forms whole; cuts Chinese and Japanese into words. */
export function tokenize(text: string): Token[] {
  const normalized = text.replace(APOSTROPHES, "'").normalize('NFC');
  const tokens: Token[] = [];
  let sentenceStart = true;
  let last = 0;
  for (const m of normalized.matchAll(TOKEN)) {
    const index = m.index ?? 0;
    if (/[.!?\n]/.test(normalized.slice(last, index))) sentenceStart = true;
    last = index + m[0].length;
    if (m[1] !== undefined) {
      tokens.push({ text: normalizeNumber(m[1]), kind: 'number', proper: false });
    } else {
      const raw = m[0];
      if (CJK.test(raw)) {
        for (const w of cjkWords(raw)) tokens.push({ text: w.toLowerCase(), kind: 'word', proper: false });
        sentenceStart = false;
        continue;
      }
      // "l'Est", "d'Arm": the capital that matters comes after the elision.
      const first = raw.replace(ELISION_ANY_CASE, '').charAt(0);
      const proper = !sentenceStart && first !== first.toLowerCase();
      tokens.push({ text: raw.toLowerCase(), kind: 'word', proper });
    }
    sentenceStart = false;
  }
  return tokens;
}

/** "100 000" → "100000", "4,9" → "4.9", "1,000,000" → "1000000", "2.17" → "2.17". */
export function normalizeNumber(raw: string): string {
  const compact = raw.replace(/[ \u00a0\u202f]/g, '');
  const groups = compact.split(/[.,]/);
  // Several separators each followed by three digits read as thousands ("1,000,000", "1.500.000").
  if (groups.length > 2 && groups.slice(1).every((g) => g.length === 3)) return groups.join('');
  if (groups.length > 2) return compact.replace(/[.,]/g, '.');
  return compact.replace(',', '.');
}

function wordTerms(word: string, proper: boolean, out: string[], norm: (w: string) => string): void {
  let w = word.replace(ELISION, '');
  // English possessive: "SoftBank's" → "softbank".
  w = w.replace(/'s$/, '');
  if (w.includes("'") && !STOP_WORDS.has(foldAccents(w))) {
    // Leftover apostrophes ("aujourd'hui", "o'neill"): index the joined form and the parts.
    const parts = w.split("'").filter(Boolean);
    for (const p of parts) wordTerms(p, proper, out, norm);
    if (parts.length > 1) simpleTerm(parts.join(''), proper, out, norm);
    return;
  }
  if (w.includes('-')) {
    const parts = w.split('-').filter(Boolean);
    const kept: string[] = [];
    for (const p of parts) {
      if (simpleTerm(p, proper, out, norm)) kept.push(p);
    }
    // "états-unis", "mar-a-lago": also the joined form; not for "a-t-il", "celle-ci".
    if (kept.length >= 2) out.push(norm(parts.join('')));
    return;
  }
  simpleTerm(w, proper, out, norm);
}

/** Pushes the term for one plain word; returns whether it was kept. */
function simpleTerm(w: string, proper: boolean, out: string[], norm: (w: string) => string): boolean {
  if (w.length === 0) return false;
  if (/^\d/.test(w)) {
    out.push(w);
    return true;
  }
  const folded = foldAccents(w);
  if (STOP_WORDS.has(folded) && !(proper && NAME_LIKE_STOP_WORDS.has(folded)) && !ACCENTED_CONTENT.has(w.normalize('NFC'))) return false;
  // One Latin letter says nothing; one Chinese character is often a word.
  if (folded.length === 1 && !CJK.test(folded)) return false;
  out.push(norm(w));
  return true;
}

/**
 * Index/search terms of a text, in order (duplicates kept, so callers can count them).
 *
 * @example analyze("Qu'a répondu Sam Altman à Elon Musk ?") // → ['repondu', 'sam', 'altman', 'elon', 'musk']
 */
export function analyze(text: string): string[] {
  return analyzeWith(text, stem);
}

/** Like `analyze`, without stemming: whole words, accent-folded ("investissements" stays whole). */
export function analyzeWords(text: string): string[] {
  return analyzeWith(text, foldAccents);
}

/** `analyze` and `analyzeWords` of one text, tokenized once (indexing needs both). */
export function analyzeBoth(text: string): { terms: string[]; words: string[] } {
  const tokens = tokenize(text);
  return { terms: termsOf(tokens, stem), words: termsOf(tokens, foldAccents) };
}

/** Weight of question-frame words ("nom", "cité", "manière"): they shape the question more than its topic. */
export const FRAME_WORD_WEIGHT = 0.5;
/**
 * Weight of the noun a "quel" question asks for ("Quelle est la couleur…"): it names the kind of
 * answer, not the topic. A setting scripts/tune-retrieval.ts sweeps (docs/quality.md, "Session 7 —
 * retrieval": 0.5 and 0.3 gain on PIAF half a, hold on half b; 0.7 loses on half b).
 */
export const ASKED_NOUN = { weight: 0.5 };
let frameTerms: ReadonlySet<string> | undefined;

/** "quel" and its forms, and the words that may stand between it and its noun ("Quelle est la couleur…"). */
const WHICH: ReadonlySet<string> = new Set(['quel', 'quelle', 'quels', 'quelles']);
const WHICH_TO_NOUN: ReadonlySet<string> = new Set(['est', 'sont', 'etait', 'etaient', 'fut', 'furent', 'sera', 'seront', 'le', 'la', 'les']);

/**
 * Terms of the noun a "quel" question asks for: "Quelle est la couleur de… ?" → "couleur", "Dans
 * quel pays… ?" → "pays". It names the kind of answer ("jaune", "la Pologne"), which a passage
 * stating that answer rarely repeats, so lexical search weighs it less. A name is never it
 * ("Quel Stablinski… ?").
 * @example askedNounTerms("Quel est l'avantage économique de l'énergie ?") // Set { 'avantag' }
 */
export function askedNounTerms(question: string): Set<string> {
  return askedNounOf(tokenize(question));
}

function askedNounOf(tokens: readonly Token[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'word' || !WHICH.has(foldAccents(tokens[i]!.text))) continue;
    let j = i + 1;
    while (j < tokens.length && WHICH_TO_NOUN.has(foldAccents(tokens[j]!.text))) j++;
    const noun = tokens[j];
    if (noun && noun.kind === 'word' && !noun.proper) for (const t of termsOf([noun], stem)) out.add(t);
  }
  return out;
}

/**
 * Terms of the noun "combien de" counts: "Combien de colonies… ?" → "colonies", "combien
 * d'emplois… ?" → "emplois". A passage stating the count asked states it in that noun ("les
 * treize colonies"): the second stage reads it (search/rerank.ts). A name is never it.
 * @example countedNounTerms("Combien d'emplois Stargate doit-il créer ?") // Set { 'emploi' }
 */
export function countedNounTerms(question: string): Set<string> {
  const tokens = tokenize(question);
  const out = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (foldAccents(tokens[i]!.text) !== 'combien') continue;
    const next = tokens[i + 1]!;
    const noun = next.text === 'de' ? tokens[i + 2] : next.text.startsWith("d'") ? next : undefined;
    if (noun && noun.kind === 'word' && !noun.proper) for (const t of termsOf([noun], stem)) out.add(t);
  }
  return out;
}

/**
 * Terms of a question with their weights: like `analyze`, but words that frame the question
 * rather than name its topic ("nom", "manière"; the noun "quel" asks for) count for less.
 *
 * @example analyzeQuestion('Quel est le nom du volcan ?') // → [{ term: 'nom', weight: 0.5 }, { term: 'volcan', weight: 1 }]
 * @example analyzeQuestion('Quelle est la couleur du drapeau ?') // → [{ term: 'couleur', weight: 0.5 }, { term: 'drapeau', weight: 1 }]
 */
export function analyzeQuestion(question: string): { term: string; weight: number }[] {
  frameTerms ??= new Set(
    analyze('nom appelle appelait appelé citer cite mentionné mentionnée texte manière façon sorte type chose'),
  );
  const frame = frameTerms;
  const tokens = tokenize(question);
  const asked = askedNounOf(tokens);
  return termsOf(tokens, stem).map((term) => ({
    term,
    weight: frame.has(term) ? FRAME_WORD_WEIGHT : asked.has(term) ? ASKED_NOUN.weight : 1,
  }));
}

function analyzeWith(text: string, norm: (w: string) => string): string[] {
  return termsOf(tokenize(text), norm);
}

/** Stemmed terms of tokens already split by `tokenize` (so a caller that needs both tokenizes once). */
export function termsOfTokens(tokens: readonly Token[]): string[] {
  return termsOf(tokens, stem);
}

/** Unstemmed, accent-folded words of tokens already split by `tokenize`. */
export function wordsOfTokens(tokens: readonly Token[]): string[] {
  return termsOf(tokens, foldAccents);
}

function termsOf(tokens: readonly Token[], norm: (w: string) => string): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'number') out.push(token.text);
    else wordTerms(token.text, token.proper, out, norm);
  }
  return out;
}
