import { analyze, analyzeWords } from '../text/analyze.js';

/**
 * Lexical search over chunks: BM25F over two fields (chunk body, article title),
 * plus a bonus for query bigrams found adjacent in the body, and a typo fallback
 * for query words the coverage never uses.
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

export interface LexicalIndexOptions {
  /** BM25 saturation. */
  k1?: number;
  /** BM25 length normalisation of the body field. */
  b?: number;
  /** Weight of a title occurrence relative to a body occurrence. */
  titleWeight?: number;
  /** Weight of the adjacent-bigram bonus (0 disables it). */
  bigramWeight?: number;
  /** Weight of typo-tolerant matches for query terms absent from the index (0 disables them). */
  fuzzyWeight?: number;
  /** Weight of matches on the first `prefixLength` letters of a term ("caractérise" ~ "caractéristique"); 0 disables. */
  prefixWeight?: number;
  prefixLength?: number;
  /** Weight of exact (unstemmed) word matches, on top of the stemmed match; 0 disables. */
  exactWeight?: number;
  /** Turns a question into weighted query terms; defaults to `analyze` with weight 1. */
  expandQuery?: (query: string) => WeightedTerm[];
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

type ResolvedOptions = Required<Omit<LexicalIndexOptions, 'expandQuery'>>;

export const DEFAULT_LEXICAL_OPTIONS: ResolvedOptions = {
  k1: 1.2,
  b: 0.75,
  titleWeight: 0.5,
  bigramWeight: 0.3,
  fuzzyWeight: 0.5,
  prefixWeight: 0,
  prefixLength: 5,
  exactWeight: 0,
};

export interface LexicalIndex {
  /** Best `k` chunks for `query`, best first; only chunks with a positive score. */
  search(query: string, k: number): LexicalHit[];
  /** Adds chunks; a chunk whose id is already indexed is replaced. */
  add(docs: LexicalDoc[]): void;
  /** Removes chunks by id; unknown ids are ignored. */
  remove(ids: Iterable<string>): void;
  has(id: string): boolean;
  readonly size: number;
  toJSON(): LexicalIndexJSON;
}

/** Persisted form: analysed term counts, so loading needs no re-analysis. */
export interface LexicalIndexJSON {
  format: 'depeche-lexical';
  version: 1;
  options: ResolvedOptions;
  titles: string[][];
  docs: { id: string; terms: string[]; title: number | null }[];
}

/**
 * Okapi BM25 weight of one term in one document.
 *
 * @example bm25(2, 3, 100, 120, 150, 1.2, 0.75) // → ≈ 4.1
 */
export function bm25(tf: number, df: number, n: number, dl: number, avgdl: number, k1: number, b: number): number {
  if (tf <= 0 || df <= 0 || n <= 0) return 0;
  return idf(df, n) * saturate(tf / lengthNorm(dl, avgdl, b), k1);
}

/** BM25 idf with the +1 inside the log (Lucene), never negative even for terms in every document. */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function lengthNorm(dl: number, avgdl: number, b: number): number {
  return avgdl > 0 ? 1 - b + (b * dl) / avgdl : 1;
}

function saturate(tf: number, k1: number): number {
  return (tf * (k1 + 1)) / (tf + k1);
}

interface DocEntry {
  id: string;
  /** Analysed body terms, in order (kept for bigrams and persistence). */
  terms: string[];
  tf: Map<string, number>;
  bigrams: Map<string, number>;
  prefixes: Map<string, number>;
  words: Map<string, number>;
  title: number | null;
}

interface TitleEntry {
  terms: string[];
  tf: Map<string, number>;
  refs: number;
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

/**
 * Creates a lexical index over chunks.
 *
 * @example
 * const index = createLexicalIndex([{ id: 'a#0', text: 'SoftBank investit 4 milliards', title: 'Nvidia' }]);
 * index.search('investissement de SoftBank', 5) // → [{ id: 'a#0', score: 1.3 }]
 */
export function createLexicalIndex(docs: LexicalDoc[] = [], options: LexicalIndexOptions = {}): LexicalIndex {
  const index = new BM25Index(resolve(options), options.expandQuery);
  index.add(docs);
  return index;
}

/** Restores an index saved with `toJSON()`; throws on anything else. */
export function loadLexicalIndex(json: unknown, options: Pick<LexicalIndexOptions, 'expandQuery'> = {}): LexicalIndex {
  const data = json as Partial<LexicalIndexJSON> | null;
  if (!data || data.format !== 'depeche-lexical' || data.version !== 1 || !Array.isArray(data.docs) || !Array.isArray(data.titles)) {
    throw new Error('not a lexical index saved by this version of Dépêche');
  }
  const index = new BM25Index(resolve(data.options ?? {}), options.expandQuery);
  for (const d of data.docs) {
    const title = d.title === null ? null : (data.titles[d.title] ?? null);
    index.addAnalysed(d.id, d.terms, title);
  }
  return index;
}

function resolve(options: LexicalIndexOptions): ResolvedOptions {
  return {
    k1: options.k1 ?? DEFAULT_LEXICAL_OPTIONS.k1,
    b: options.b ?? DEFAULT_LEXICAL_OPTIONS.b,
    titleWeight: options.titleWeight ?? DEFAULT_LEXICAL_OPTIONS.titleWeight,
    bigramWeight: options.bigramWeight ?? DEFAULT_LEXICAL_OPTIONS.bigramWeight,
    fuzzyWeight: options.fuzzyWeight ?? DEFAULT_LEXICAL_OPTIONS.fuzzyWeight,
    prefixWeight: options.prefixWeight ?? DEFAULT_LEXICAL_OPTIONS.prefixWeight,
    prefixLength: options.prefixLength ?? DEFAULT_LEXICAL_OPTIONS.prefixLength,
    exactWeight: options.exactWeight ?? DEFAULT_LEXICAL_OPTIONS.exactWeight,
  };
}

class BM25Index implements LexicalIndex {
  private readonly docs = new Map<string, DocEntry>();
  /** term → ids of chunks holding it in body or title. */
  private readonly postings = new Map<string, Set<string>>();
  private readonly bigramPostings = new Map<string, Set<string>>();
  private readonly prefixPostings = new Map<string, Set<string>>();
  private readonly wordPostings = new Map<string, Set<string>>();
  private readonly titles: TitleEntry[] = [];
  private readonly titleIds = new Map<string, number>();
  private totalLength = 0;
  private totalTitleLength = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly expandQuery: ((query: string) => WeightedTerm[]) | undefined,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  add(docs: LexicalDoc[]): void {
    const titleCache = new Map<string, string[]>();
    for (const doc of docs) {
      let title: string[] | null = null;
      if (doc.title !== undefined && doc.title.trim() !== '') {
        title = titleCache.get(doc.title) ?? analyze(doc.title);
        titleCache.set(doc.title, title);
      }
      this.addAnalysed(doc.id, analyze(doc.text), title, this.options.exactWeight > 0 ? analyzeWords(doc.text) : []);
    }
  }

  addAnalysed(id: string, terms: string[], titleTerms: string[] | null, words: string[] = []): void {
    if (this.docs.has(id)) this.remove([id]);
    const title = titleTerms === null ? null : this.internTitle(titleTerms);
    const entry: DocEntry = {
      id,
      terms,
      tf: countTerms(terms),
      bigrams: countTerms(bigramsOf(terms)),
      words: countTerms(words),
      prefixes: this.options.prefixWeight > 0 ? countTerms(prefixesOf(terms, this.options.prefixLength)) : new Map(),
      title,
    };
    this.docs.set(id, entry);
    this.totalLength += terms.length;
    this.totalTitleLength += title === null ? 0 : (this.titles[title]?.terms.length ?? 0);
    for (const t of this.fieldTerms(entry)) addPosting(this.postings, t, id);
    for (const bg of entry.bigrams.keys()) addPosting(this.bigramPostings, bg, id);
    for (const p of entry.prefixes.keys()) addPosting(this.prefixPostings, p, id);
    for (const w of entry.words.keys()) addPosting(this.wordPostings, w, id);
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      const entry = this.docs.get(id);
      if (!entry) continue;
      for (const t of this.fieldTerms(entry)) removePosting(this.postings, t, id);
      for (const bg of entry.bigrams.keys()) removePosting(this.bigramPostings, bg, id);
      for (const p of entry.prefixes.keys()) removePosting(this.prefixPostings, p, id);
      for (const w of entry.words.keys()) removePosting(this.wordPostings, w, id);
      this.totalLength -= entry.terms.length;
      if (entry.title !== null) {
        const title = this.titles[entry.title];
        if (title) {
          this.totalTitleLength -= title.terms.length;
          title.refs--;
        }
      }
      this.docs.delete(id);
    }
  }

  search(query: string, k: number): LexicalHit[] {
    const n = this.docs.size;
    if (n === 0 || k <= 0) return [];
    const weighted = this.expandQuery ? this.expandQuery(query) : analyze(query).map((term) => ({ term, weight: 1 }));
    const queryTerms = mergeWeights(weighted);
    if (queryTerms.size === 0) return [];

    const { k1, b, titleWeight, bigramWeight, fuzzyWeight, prefixWeight, prefixLength } = this.options;
    const avgdl = this.totalLength / n;
    const avgtl = this.totalTitleLength / n;
    const scores = new Map<string, number>();

    const scoreTerm = (term: string, weight: number): void => {
      const ids = this.postings.get(term);
      if (!ids) return;
      const w = weight * idf(ids.size, n);
      for (const id of ids) {
        const doc = this.docs.get(id);
        if (!doc) continue;
        // BM25F: field frequencies are length-normalised and weighted, then saturated once.
        let tf = (doc.tf.get(term) ?? 0) / lengthNorm(doc.terms.length, avgdl, b);
        const title = doc.title === null ? undefined : this.titles[doc.title];
        if (title && titleWeight > 0) {
          tf += (titleWeight * (title.tf.get(term) ?? 0)) / lengthNorm(title.terms.length, avgtl, b);
        }
        if (tf > 0) scores.set(id, (scores.get(id) ?? 0) + w * saturate(tf, k1));
      }
    };

    for (const [term, weight] of queryTerms) {
      if (this.postings.has(term)) scoreTerm(term, weight);
      else if (fuzzyWeight > 0) {
        for (const near of this.nearTerms(term)) scoreTerm(near, weight * fuzzyWeight);
      }
    }

    if (prefixWeight > 0) {
      const seen = new Set<string>();
      for (const [term, weight] of queryTerms) {
        const p = prefixOf(term, prefixLength);
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        this.scoreSimple(this.prefixPostings, (d) => d.prefixes, p, prefixWeight * weight, scores, avgdl);
      }
    }

    if (this.options.exactWeight > 0) {
      for (const w of new Set(analyzeWords(query))) {
        this.scoreSimple(this.wordPostings, (d) => d.words, w, this.options.exactWeight, scores, avgdl);
      }
    }

    if (bigramWeight > 0) {
      // Bigrams of the question's own words (not of expansions), in question order.
      const plain = analyze(query);
      const seen = new Set<string>();
      for (const bg of bigramsOf(plain)) {
        if (seen.has(bg)) continue;
        seen.add(bg);
        this.scoreSimple(this.bigramPostings, (d) => d.bigrams, bg, bigramWeight, scores, avgdl);
      }
    }

    const hits: LexicalHit[] = [];
    for (const [id, score] of scores) if (score > 0) hits.push({ id, score });
    hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return hits.slice(0, k);
  }

  toJSON(): LexicalIndexJSON {
    const titleSlots = new Map<number, number>();
    const titles: string[][] = [];
    const docs: LexicalIndexJSON['docs'] = [];
    for (const d of this.docs.values()) {
      let slot: number | null = null;
      if (d.title !== null) {
        slot = titleSlots.get(d.title) ?? titles.length;
        if (!titleSlots.has(d.title)) {
          titleSlots.set(d.title, slot);
          titles.push(this.titles[d.title]?.terms ?? []);
        }
      }
      docs.push({ id: d.id, terms: d.terms, title: slot });
    }
    return { format: 'depeche-lexical', version: 1, options: { ...this.options }, titles, docs };
  }

  /** Plain BM25 of one body-only key (bigram, prefix), added into `scores`. */
  private scoreSimple(
    postings: Map<string, Set<string>>,
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

  private internTitle(terms: string[]): number {
    const key = terms.join(' ');
    const known = this.titleIds.get(key);
    if (known !== undefined) {
      const entry = this.titles[known];
      if (entry) {
        entry.refs++;
        return known;
      }
    }
    const slot = this.titles.length;
    this.titles.push({ terms, tf: countTerms(terms), refs: 1 });
    this.titleIds.set(key, slot);
    return slot;
  }

  private fieldTerms(entry: DocEntry): Set<string> {
    const all = new Set(entry.tf.keys());
    const title = entry.title === null ? undefined : this.titles[entry.title];
    if (title) for (const t of title.tf.keys()) all.add(t);
    return all;
  }

  /** Indexed terms one edit away (typos), for words of five letters or more. */
  private nearTerms(term: string): string[] {
    if (term.length < 5 || /^\d/.test(term)) return [];
    const out: string[] = [];
    for (const candidate of this.postings.keys()) {
      if (Math.abs(candidate.length - term.length) <= 1 && withinOneEdit(term, candidate)) out.push(candidate);
    }
    return out;
  }
}

/** Prefix key of a word term, or null for numbers and words no longer than the prefix. */
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

function mergeWeights(terms: WeightedTerm[]): Map<string, number> {
  // A term asked twice ("Son … son") counts once, at its strongest weight.
  const out = new Map<string, number>();
  for (const { term, weight } of terms) out.set(term, Math.max(out.get(term) ?? 0, weight));
  return out;
}

function addPosting(postings: Map<string, Set<string>>, term: string, id: string): void {
  let ids = postings.get(term);
  if (!ids) postings.set(term, (ids = new Set()));
  ids.add(id);
}

function removePosting(postings: Map<string, Set<string>>, term: string, id: string): void {
  const ids = postings.get(term);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) postings.delete(term);
}

/** Levenshtein distance ≤ 1 (substitution, insertion, deletion), without a matrix. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
