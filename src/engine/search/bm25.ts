import { ANALYZER_VERSION, analyze, analyzeBoth, analyzeWords } from '../text/analyze.js';
import { expandQuery as expandAcrossLanguages } from '../text/cross-lingual.js';
import type { LexicalQuery } from '../text/question-analysis.js';

/**
 * Lexical search over chunks. BM25F over the chunk body and its article's title,
 * plus smaller bonuses that each paid on the French eval sets (scripts/tune-lexical.ts):
 * exact unstemmed words, adjacent query bigrams, shared 5-letter prefixes
 * ("risquent" ~ "risque"), and one-edit typo matches for words the coverage never uses.
 */

export interface LexicalDoc {
  id: string;
  text: string;
  /** Title of the chunk's article: context the chunk text itself often lacks. */
  title?: string;
}

export interface LexicalHit {
  id: string;
  score: number;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface LexicalIndexOptions {
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation. */
  b?: number;
  /** Weight of a title occurrence relative to a body occurrence (0 ignores titles). */
  titleWeight?: number;
  /** Weight of exact (unstemmed) word matches, on top of the stemmed match; 0 disables. */
  exactWeight?: number;
  /** Weight of query bigrams found adjacent in the chunk; 0 disables. */
  bigramWeight?: number;
  /** Weight of matches on the first `prefixLength` letters of a term; 0 disables. */
  prefixWeight?: number;
  prefixLength?: number;
  /** Weight of one-edit matches for query terms absent from the index (typos); 0 disables. */
  fuzzyWeight?: number;
}

export interface SearchSetup {
  /**
   * Turns a question into weighted terms. Defaults to the question's own terms plus,
   * for English questions, French renderings (src/engine/text/cross-lingual.ts).
   */
  expandQuery?: (query: string) => WeightedTerm[];
}

type ScoringOptions = Required<LexicalIndexOptions>;

/** Tuned on PIAF (French Wikipedia questions) and the seed dev set; see the tuning report. */
export const DEFAULT_LEXICAL_OPTIONS: Readonly<ScoringOptions> = Object.freeze({
  k1: 0.6,
  b: 0.5,
  titleWeight: 1,
  exactWeight: 0.5,
  bigramWeight: 0.5,
  prefixWeight: 0.2,
  prefixLength: 5,
  fuzzyWeight: 0.5,
});

export interface LexicalIndex {
  /**
   * Best `k` chunks for `query`, best first, ties by id; only chunks scoring above 0. The query
   * is a text, or a question analysed once for the whole ask (`analyseQuestion`).
   */
  search(query: string | LexicalQuery, k: number): LexicalHit[];
  /** Adds chunks; a chunk whose id is already indexed is replaced. */
  add(docs: LexicalDoc[]): void;
  /** Adds one chunk from its analysed body and title (what an index store keeps), replacing one of the same id. */
  addAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): void;
  /** Removes chunks by id; unknown ids are ignored. */
  remove(ids: Iterable<string>): void;
  has(id: string): boolean;
  /** The stemmed body terms of an indexed chunk. */
  termsOf(id: string): readonly string[] | undefined;
  readonly size: number;
  toJSON(): LexicalIndexJSON;
}

/** Persisted form: analysed terms, so loading needs no re-analysis. */
export interface LexicalIndexJSON {
  format: 'depeche-lexical';
  version: 1;
  /** Analyzer that produced the terms; another version cannot be loaded (rebuild instead). */
  analyzer: number;
  options: ScoringOptions;
  titles: string[][];
  docs: { id: string; terms: string[]; words: string[]; title: number | null }[];
}

/**
 * Okapi BM25 weight of one term in one document (Lucene's idf, never negative).
 *
 * @example bm25(2, 3, 100, 120, 150, 1.2, 0.75) // → ≈ 4.78
 */
export function bm25(tf: number, df: number, n: number, dl: number, avgdl: number, k1: number, b: number): number {
  if (tf <= 0 || df <= 0 || n <= 0) return 0;
  return idf(df, n) * saturate(tf / lengthNorm(dl, avgdl, b), k1);
}

/** BM25 inverse document frequency, with the +1 inside the log so common terms still count a little. */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function lengthNorm(dl: number, avgdl: number, b: number): number {
  return avgdl > 0 ? 1 - b + (b * dl) / avgdl : 1;
}

function saturate(tf: number, k1: number): number {
  return (tf * (k1 + 1)) / (tf + k1);
}

/**
 * Creates a lexical index over chunks.
 *
 * @example
 * const index = createLexicalIndex([{ id: 'a#0', text: 'SoftBank a investi 4 milliards.', title: 'Nvidia' }]);
 * index.search('Combien SoftBank a-t-il investi ?', 5) // → [{ id: 'a#0', score: 2.1 }]
 */
export function createLexicalIndex(
  docs: LexicalDoc[] = [],
  options: LexicalIndexOptions = {},
  setup: SearchSetup = {},
): LexicalIndex {
  const index = new BM25Index({ ...DEFAULT_LEXICAL_OPTIONS, ...definedOnly(options) }, setup.expandQuery ?? expandAcrossLanguages);
  index.add(docs);
  return index;
}

/** Restores an index saved with `toJSON()`; throws an Error saying why it cannot. */
export function loadLexicalIndex(json: unknown, setup: SearchSetup = {}): LexicalIndex {
  const data = json as Partial<LexicalIndexJSON> | null;
  if (!data || typeof data !== 'object' || data.format !== 'depeche-lexical' || data.version !== 1) {
    throw new Error('not a lexical index saved by Dépêche');
  }
  if (data.analyzer !== ANALYZER_VERSION) {
    throw new Error(`lexical index built by analyzer v${String(data.analyzer)}, this is v${ANALYZER_VERSION}: rebuild it`);
  }
  if (!Array.isArray(data.docs) || !Array.isArray(data.titles)) throw new Error('lexical index file is incomplete');
  const index = new BM25Index({ ...DEFAULT_LEXICAL_OPTIONS, ...definedOnly(data.options ?? {}) }, setup.expandQuery ?? expandAcrossLanguages);
  for (const d of data.docs) {
    const title = d.title === null ? null : (data.titles[d.title] ?? null);
    index.addAnalysed(d.id, d.terms, d.words, title);
  }
  return index;
}

function definedOnly(options: LexicalIndexOptions): LexicalIndexOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

interface DocEntry {
  id: string;
  /** Stemmed body terms, in order. */
  terms: string[];
  /** Unstemmed body words, in order. */
  words: string[];
  tf: Map<string, number>;
  wordTf: Map<string, number>;
  bigrams: Map<string, number>;
  prefixes: Map<string, number>;
  title: number | null;
}

interface TitleEntry {
  terms: string[];
  tf: Map<string, number>;
}

/** Postings of one body-only key space (exact words, bigrams, prefixes). */
type Postings = Map<string, Set<string>>;

class BM25Index implements LexicalIndex {
  private readonly docs = new Map<string, DocEntry>();
  /** Stemmed term → ids of chunks holding it in body or title. */
  private readonly postings: Postings = new Map();
  private readonly wordPostings: Postings = new Map();
  private readonly bigramPostings: Postings = new Map();
  private readonly prefixPostings: Postings = new Map();
  private readonly titles: TitleEntry[] = [];
  private readonly titleSlots = new Map<string, number>();
  private totalLength = 0;
  /** Indexed terms one edit from a query term the index lacks; cleared on every change. */
  private readonly near = new Map<string, string[]>();
  /** Hits of analysed questions asked again (analyses are memoized, so the same object); forgotten on every change. */
  private repeated = new WeakMap<LexicalQuery, { k: number; hits: LexicalHit[] }>();
  private totalTitleLength = 0;

  constructor(
    private readonly options: ScoringOptions,
    private readonly expandQuery: (query: string) => WeightedTerm[],
  ) {}

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  termsOf(id: string): readonly string[] | undefined {
    return this.docs.get(id)?.terms;
  }

  add(docs: LexicalDoc[]): void {
    const titleCache = new Map<string, string[]>();
    for (const doc of docs) {
      let title: string[] | null = null;
      if (doc.title !== undefined && doc.title.trim() !== '') {
        title = titleCache.get(doc.title) ?? analyze(doc.title);
        titleCache.set(doc.title, title);
      }
      const { terms, words } = analyzeBoth(doc.text);
      this.addAnalysed(doc.id, terms, words, title);
    }
  }

  addAnalysed(id: string, terms: string[], words: string[], titleTerms: string[] | null): void {
    this.near.clear();
    this.repeated = new WeakMap();
    if (this.docs.has(id)) this.remove([id]);
    const entry: DocEntry = {
      id,
      terms,
      words,
      tf: countTerms(terms),
      wordTf: countTerms(words),
      bigrams: countTerms(bigramsOf(terms)),
      prefixes: countTerms(prefixesOf(terms, this.options.prefixLength)),
      title: titleTerms === null ? null : this.internTitle(titleTerms),
    };
    this.docs.set(id, entry);
    this.totalLength += terms.length;
    this.totalTitleLength += this.titleOf(entry)?.terms.length ?? 0;
    for (const t of this.indexedTerms(entry)) addPosting(this.postings, t, id);
    for (const w of entry.wordTf.keys()) addPosting(this.wordPostings, w, id);
    for (const bg of entry.bigrams.keys()) addPosting(this.bigramPostings, bg, id);
    for (const p of entry.prefixes.keys()) addPosting(this.prefixPostings, p, id);
  }

  remove(ids: Iterable<string>): void {
    this.near.clear();
    this.repeated = new WeakMap();
    for (const id of ids) {
      const entry = this.docs.get(id);
      if (!entry) continue;
      for (const t of this.indexedTerms(entry)) removePosting(this.postings, t, id);
      for (const w of entry.wordTf.keys()) removePosting(this.wordPostings, w, id);
      for (const bg of entry.bigrams.keys()) removePosting(this.bigramPostings, bg, id);
      for (const p of entry.prefixes.keys()) removePosting(this.prefixPostings, p, id);
      this.totalLength -= entry.terms.length;
      this.totalTitleLength -= this.titleOf(entry)?.terms.length ?? 0;
      this.docs.delete(id);
    }
  }

  search(query: string | LexicalQuery, k: number): LexicalHit[] {
    const n = this.docs.size;
    if (n === 0 || k <= 0) return [];
    if (typeof query === 'string') {
      if (query.trim() === '') return [];
      return this.searchQuery({ weighted: this.expandQuery(query), words: analyzeWords(query), terms: analyze(query) }, k);
    }
    const known = this.repeated.get(query);
    if (known && known.k >= k) return known.hits.slice(0, k);
    const hits = this.searchQuery(query, k);
    this.repeated.set(query, { k, hits });
    return hits.slice();
  }

  private searchQuery(query: LexicalQuery, k: number): LexicalHit[] {
    const n = this.docs.size;
    const queryTerms = mergeWeights(query.weighted);
    if (queryTerms.size === 0) return [];

    const o = this.options;
    const avgdl = this.totalLength / n;
    const scores = new Map<string, number>();

    for (const [term, weight] of queryTerms) {
      if (this.postings.has(term)) this.scoreTerm(term, weight, scores, avgdl);
      else if (o.fuzzyWeight > 0) {
        for (const near of this.nearTerms(term)) this.scoreTerm(near, weight * o.fuzzyWeight, scores, avgdl);
      }
    }
    if (o.exactWeight > 0) {
      for (const w of new Set(query.words)) this.scoreKey(this.wordPostings, (d) => d.wordTf, w, o.exactWeight, scores, avgdl);
    }
    if (o.bigramWeight > 0) {
      // Bigrams of the question's own terms only, not of its translations.
      for (const bg of new Set(bigramsOf(query.terms))) {
        this.scoreKey(this.bigramPostings, (d) => d.bigrams, bg, o.bigramWeight, scores, avgdl);
      }
    }
    if (o.prefixWeight > 0) {
      const prefixes = new Map<string, number>();
      for (const [term, weight] of queryTerms) {
        const p = prefixOf(term, o.prefixLength);
        if (p !== null) prefixes.set(p, Math.max(prefixes.get(p) ?? 0, weight));
      }
      for (const [p, weight] of prefixes) {
        this.scoreKey(this.prefixPostings, (d) => d.prefixes, p, o.prefixWeight * weight, scores, avgdl);
      }
    }

    const hits: LexicalHit[] = [];
    for (const [id, score] of scores) if (score > 0) hits.push({ id, score });
    hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return hits.slice(0, k);
  }

  toJSON(): LexicalIndexJSON {
    // Only titles still in use are written, renumbered.
    const slots = new Map<number, number>();
    const titles: string[][] = [];
    const docs: LexicalIndexJSON['docs'] = [];
    for (const d of this.docs.values()) {
      let slot: number | null = null;
      if (d.title !== null) {
        slot = slots.get(d.title) ?? null;
        if (slot === null) {
          slot = titles.length;
          slots.set(d.title, slot);
          titles.push(this.titles[d.title]?.terms ?? []);
        }
      }
      docs.push({ id: d.id, terms: d.terms, words: d.words, title: slot });
    }
    return { format: 'depeche-lexical', version: 1, analyzer: ANALYZER_VERSION, options: { ...this.options }, titles, docs };
  }

  /** BM25F: body and title frequencies are length-normalised, weighted and summed, then saturated once. */
  private scoreTerm(term: string, weight: number, scores: Map<string, number>, avgdl: number): void {
    const ids = this.postings.get(term);
    if (!ids) return;
    const { k1, b, titleWeight } = this.options;
    const n = this.docs.size;
    const avgtl = this.totalTitleLength / n;
    const w = weight * idf(ids.size, n);
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (!doc) continue;
      let tf = (doc.tf.get(term) ?? 0) / lengthNorm(doc.terms.length, avgdl, b);
      const title = this.titleOf(doc);
      if (title && titleWeight > 0) tf += (titleWeight * (title.tf.get(term) ?? 0)) / lengthNorm(title.terms.length, avgtl, b);
      if (tf > 0) scores.set(id, (scores.get(id) ?? 0) + w * saturate(tf, k1));
    }
  }

  /** Plain BM25 of one body-only key (exact word, bigram, prefix), added into `scores`. */
  private scoreKey(
    postings: Postings,
    counts: (d: DocEntry) => Map<string, number>,
    key: string,
    weight: number,
    scores: Map<string, number>,
    avgdl: number,
  ): void {
    const ids = postings.get(key);
    if (!ids) return;
    const { k1, b } = this.options;
    const w = weight * idf(ids.size, this.docs.size);
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (!doc) continue;
      const tf = counts(doc).get(key) ?? 0;
      scores.set(id, (scores.get(id) ?? 0) + w * saturate(tf / lengthNorm(doc.terms.length, avgdl, b), k1));
    }
  }

  private titleOf(entry: DocEntry): TitleEntry | undefined {
    return entry.title === null ? undefined : this.titles[entry.title];
  }

  /** Chunks of one article share one title entry. */
  private internTitle(terms: string[]): number {
    const key = terms.join(' ');
    const known = this.titleSlots.get(key);
    if (known !== undefined) return known;
    this.titles.push({ terms, tf: countTerms(terms) });
    this.titleSlots.set(key, this.titles.length - 1);
    return this.titles.length - 1;
  }

  private indexedTerms(entry: DocEntry): Set<string> {
    const all = new Set(entry.tf.keys());
    for (const t of this.titleOf(entry)?.tf.keys() ?? []) all.add(t);
    return all;
  }

  /** Indexed terms one edit away, for words of five letters or more (shorter ones have too many neighbours). */
  private nearTerms(term: string): string[] {
    if (term.length < 5 || /^\d/.test(term)) return [];
    let out = this.near.get(term);
    if (out) return out;
    out = [];
    for (const candidate of this.postings.keys()) {
      if (withinOneEdit(term, candidate)) out.push(candidate);
    }
    // A question's unknown words come back (the same typo, the same name): the scan is remembered until the index changes.
    if (this.near.size > 10_000) this.near.clear();
    this.near.set(term, out);
    return out;
  }
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

function bigramsOf(terms: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < terms.length; i++) out.push(`${terms[i - 1]} ${terms[i]}`);
  return out;
}

/** First `length` letters of a word term; null for numbers and shorter words. */
function prefixOf(term: string, length: number): string | null {
  if (term.length < length || /^\d/.test(term)) return null;
  return term.slice(0, length);
}

function prefixesOf(terms: readonly string[], length: number): string[] {
  const out: string[] = [];
  for (const t of terms) {
    const p = prefixOf(t, length);
    if (p !== null) out.push(p);
  }
  return out;
}

/** A term asked twice, or also reached through a translation, counts once at its strongest weight. */
function mergeWeights(terms: WeightedTerm[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { term, weight } of terms) if (weight > 0) out.set(term, Math.max(out.get(term) ?? 0, weight));
  return out;
}

function addPosting(postings: Postings, key: string, id: string): void {
  let ids = postings.get(key);
  if (!ids) postings.set(key, (ids = new Set()));
  ids.add(id);
}

function removePosting(postings: Postings, key: string, id: string): void {
  const ids = postings.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) postings.delete(key);
}

/** Damerau–Levenshtein distance ≤ 1: one substitution, insertion, deletion or swap of neighbours ("dexu" ~ "deux"). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  // What differs is a[i .. a.length-j) against b[i .. b.length-j).
  const da = a.length - i - j;
  const db = b.length - i - j;
  if (da <= 1 && db <= 1) return true;
  return da === 2 && db === 2 && a[i] === b[i + 1] && a[i + 1] === b[i];
}
