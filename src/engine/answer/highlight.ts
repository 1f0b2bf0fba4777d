import { fitsKind } from '../text/answer-kind.js';
import type { AnalysedQuestion, QuestionTerm } from '../text/question-analysis.js';
import type { Range } from '../types.js';
import { quotationsOf } from './quotations.js';
import { prefixesOf, sentenceIndex, type SentenceTerms } from './sentence-terms.js';

/** Weight of a query term; rarer terms say more (the lexical index's idf, or 1). */
export type TermWeight = (term: string) => number;

export interface SentenceScore {
  index: number;
  /** What ranks sentences: `share` plus the bonuses below. 0 for a sentence off topic. */
  score: number;
  /** Weighted share of the question's content terms the sentence holds, 0–1. */
  share: number;
  /** Whether it holds the kind of answer asked for (a figure, a date, a name…) that the question does not already say. */
  fits: boolean;
  /**
   * Share of the question's terms only the attribution of the quotation it belongs to holds (who
   * said it: quotations.ts), times `SENTENCE_WEIGHTS.speaker`. Read by the answer line, not by
   * `score`: the passages' order does not change with it.
   */
  attributed: number;
}

/**
 * How sentences are weighed to find the one that answers. Measured on the dev sets (PIAF dev
 * and the seed questions) with scripts/tune-answer.ts; docs/quality.md ("Answers") gives the figures.
 * Only that script changes them, to measure.
 */
export const SENTENCE_WEIGHTS = {
  /** Terms the passage's title already gives are its topic: they say less about which sentence answers. */
  topic: 0.5,
  /** Added to a sentence on topic that holds the kind of answer asked for. */
  kind: 0.05,
  /** Added on top for a figure or a date, which a sentence either states or does not (names, places, causes are read less surely). */
  kindStated: 0.4,
  /** Times the share of the question's word prefixes the sentence holds ("reprend" / "reprise", which stems miss). */
  prefix: 0.25,
  /** Times the share of the question's words the sentence holds as written ("investir", not only "investi"). */
  exact: 0.1,
  /** Times the share of the question's adjacent term pairs found adjacent in the sentence ("fondation Son"). */
  pair: 0,
  /** Times the previous sentence's share: an answer often continues the sentence that names its subject. */
  previous: 0.2,
  /** Times the next sentence's share: or introduces what the next one says about it. */
  next: 0.1,
  /** Times the density of the question's terms in the shortest stretch of the sentence holding them all. */
  proximity: 0.05,
  /** Times the share of the question's terms that only the attribution of a sentence's quotation holds (who said it), for the answer line. */
  speaker: 1,
};

/**
 * Scores each sentence of a passage by the weighted share of the question's content terms it
 * holds (terms of the article's title count less), plus bonuses for holding the kind of answer
 * asked for (more for a figure or a date), for the question's words standing close together,
 * and for following a sentence on the subject. Pure.
 * @example scoreSentences(analyseQuestion('Combien de meules ?'), [analyseSentence('Il fait beau.'), analyseSentence('Elle accueille 12 000 meules.')])
 *   // [{ index: 0, score: 0, … }, { index: 1, score: 1.8, share: 1, fits: true }]
 */
export function scoreSentences(
  q: AnalysedQuestion,
  sentences: readonly SentenceTerms[],
  weight: TermWeight = () => 1,
  title: ReadonlySet<string> = new Set(),
  terms: readonly QuestionTerm[] = q.content,
): SentenceScore[] {
  const W = SENTENCE_WEIGHTS;
  // Each term's weight once per passage, not once per sentence (same sums, in the same order).
  const weights = terms.map((t) => weight(t.term) * t.weight * (title.has(t.term) ? W.topic : 1));
  const total = weights.reduce((n, x) => n + x, 0);
  const { words, asks } = questionSets(q);
  const pairs = W.pair ? pairsOf(q.terms) : null;
  const shares = sharesOf(sentences, terms, weights, total);
  if (q.kindOnly) return sentences.map((s, index) => kindOnlyScore(q, s, index, shares));
  const attributed = W.speaker ? attributedShares(sentences, terms, weights, total) : null;
  return sentences.map((s, index) => {
    const share = shares[index]!;
    const credit = attributed ? W.speaker * attributed[index]! : 0;
    if (share === 0) return { index, score: 0, share, fits: false, attributed: credit };
    const fits = q.kind !== null && fitsKind(s.tokens, s.text, q.kind, q.asked);
    const pairShare = pairs && pairs.size ? countPairs(s.order, pairs) / pairs.size : 0;
    const prefixShare = asks.size ? countIn(asks, s.prefixes) / asks.size : 0;
    const exactShare = words.size ? countIn(words, s.words) / words.size : 0;
    const previous = shares[index - 1] ?? 0;
    const dense = W.proximity ? W.proximity * density(s, wantedOf(terms)) : 0;
    const stated = fits && (q.kind === 'figure' || q.kind === 'date') ? W.kindStated : 0;
    const score = share + (fits ? W.kind : 0) + stated + W.prefix * prefixShare + W.exact * exactShare + W.pair * pairShare + W.previous * previous + W.next * (shares[index + 1] ?? 0) + dense;
    return { index, score, share, fits, attributed: credit };
  });
}

/**
 * Each sentence's weighted share of the question's terms that it lacks but the attribution of
 * the quotation it belongs to holds: in “La stratégie de la région arrive trop tard. Les hôtels
 * ont perdu leurs clients”, estime Claire Dumas, the first sentence is Claire Dumas's as much as
 * the second, which only happens to hold her name. null when the passage has no quotation of several sentences.
 */
function attributedShares(sentences: readonly SentenceTerms[], terms: readonly QuestionTerm[], weights: readonly number[], total: number): number[] | null {
  const quotations = quotationsOf(sentences);
  // Most passages quote no one over several sentences: nothing to credit, nothing made.
  if (quotations.length === 0 || total === 0) return null;
  const sums: number[] = new Array<number>(sentences.length).fill(0);
  for (const q of quotations) {
    terms.forEach((t, j) => {
      if (!q.speaker.has(t.term)) return;
      for (let at = q.from; at <= q.to; at++) if (!sentences[at]!.terms.has(t.term)) sums[at]! += weights[j]!;
    });
  }
  return sums.map((n) => n / total);
}

/**
 * Each sentence's weighted share of the question's terms: a term's weight is added to the
 * sentences holding it, term by term in the question's order (the same sums, in the same order,
 * as asking each sentence for each term), found through the passage's term index.
 */
function sharesOf(sentences: readonly SentenceTerms[], terms: readonly QuestionTerm[], weights: readonly number[], total: number): number[] {
  if (total === 0) return sentences.map(() => 0);
  const sums: number[] = new Array<number>(sentences.length).fill(0);
  const index = sentenceIndex(sentences);
  terms.forEach((t, i) => {
    for (const at of index.get(t.term) ?? []) sums[at]! += weights[i]!;
  });
  return sums.map((n) => n / total);
}

/** The question's own word sets, made once per analysed question (an ask scores twenty passages or more with them). */
const questionSetsMade = new WeakMap<AnalysedQuestion, { words: ReadonlySet<string>; asks: ReadonlySet<string> }>();
function questionSets(q: AnalysedQuestion): { words: ReadonlySet<string>; asks: ReadonlySet<string> } {
  let sets = questionSetsMade.get(q);
  if (!sets) questionSetsMade.set(q, (sets = { words: new Set(q.words), asks: prefixesOf(q.words) }));
  return sets;
}

const wantedMade = new WeakMap<readonly QuestionTerm[], ReadonlySet<string>>();
function wantedOf(terms: readonly QuestionTerm[]): ReadonlySet<string> {
  let wanted = wantedMade.get(terms);
  if (!wanted) wantedMade.set(terms, (wanted = new Set(terms.map((t) => t.term))));
  return wanted;
}

/**
 * A follow-up that only asks for a kind of answer ("Et avec qui ?") about the previous
 * question's subject: the sentence that holds that kind of answer wins, near the subject (its
 * own share of the subject's terms, or a neighbour's: "Il s'associe à Borealis" follows the
 * sentence naming the deal).
 */
function kindOnlyScore(q: AnalysedQuestion, s: SentenceTerms, index: number, shares: readonly number[]): SentenceScore {
  const subject = Math.max(shares[index]!, 0.5 * Math.max(shares[index - 1] ?? 0, shares[index + 1] ?? 0));
  if (subject === 0) return { index, score: 0, share: 0, fits: false, attributed: 0 };
  const fits = fitsKind(s.tokens, s.text, q.kind, q.asked);
  return { index, score: (fits ? 1 : 0) + 0.5 * subject, share: subject, fits, attributed: 0 };
}

/**
 * How tightly the question's distinct terms sit together: their number over the length of
 * the shortest stretch of tokens holding them all (1 when adjacent). 0 below two terms.
 */
function density(s: SentenceTerms, wanted: ReadonlySet<string>): number {
  const hits: { pos: number; term: string }[] = [];
  s.at.forEach((terms, pos) => {
    for (const t of terms) if (wanted.has(t)) hits.push({ pos, term: t });
  });
  const distinct = new Set(hits.map((h) => h.term)).size;
  if (distinct < 2) return 0;
  // Smallest window over positions holding every distinct term (two pointers).
  const count = new Map<string, number>();
  let have = 0;
  let best = Infinity;
  let left = 0;
  for (let right = 0; right < hits.length; right++) {
    const r = hits[right]!;
    count.set(r.term, (count.get(r.term) ?? 0) + 1);
    if (count.get(r.term) === 1) have++;
    while (have === distinct) {
      const l = hits[left]!;
      best = Math.min(best, r.pos - l.pos + 1);
      count.set(l.term, count.get(l.term)! - 1);
      if (count.get(l.term) === 0) have--;
      left++;
    }
  }
  return Math.min(1, distinct / best);
}

function countIn(wanted: ReadonlySet<string>, have: ReadonlySet<string>): number {
  let n = 0;
  for (const x of wanted) if (have.has(x)) n++;
  return n;
}

function pairsOf(terms: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < terms.length; i++) out.add(`${terms[i - 1]} ${terms[i]}`);
  return out;
}

function countPairs(order: readonly string[], pairs: ReadonlySet<string>): number {
  const seen = new Set<string>();
  for (let i = 1; i < order.length; i++) {
    const p = `${order[i - 1]} ${order[i]}`;
    if (pairs.has(p)) seen.add(p);
  }
  return seen.size;
}

/**
 * Picks the sentences to emphasize: the best one, plus a neighbour that scores nearly as
 * well (answers often span two sentences). Falls back to the first sentence when nothing
 * matches, so there is always something to point a link at.
 */
export function pickHighlights(scores: SentenceScore[], ranges: Range[]): { best: number; highlights: Range[] } {
  if (ranges.length === 0) return { best: -1, highlights: [] };
  const sorted = [...scores].sort((a, b) => b.score - a.score || a.index - b.index);
  const top = sorted[0];
  if (!top || top.score === 0) return { best: 0, highlights: [ranges[0]!] };
  const picked = [top.index];
  const second = sorted[1];
  if (second && second.score >= top.score * 0.8 && Math.abs(second.index - top.index) === 1) picked.push(second.index);
  picked.sort((a, b) => a - b);
  return { best: top.index, highlights: picked.map((i) => ranges[i]!) };
}
