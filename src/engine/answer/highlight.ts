import { analyze } from '../text/analyze.js';
import type { Range } from '../types.js';

/** Weight of a query term; rarer terms say more (the lexical index's idf, or 1). */
export type TermWeight = (term: string) => number;

export interface SentenceScore {
  index: number;
  score: number;
}

/** What kind of answer the question asks for, where its wording says so. */
export type AnswerKind = 'figure' | 'date' | null;

const FIGURE_QUESTION = /\b(?:combien|how (?:many|much)|quel(?:le)?s? (?:montant|nombre|prix|somme|part|pourcentage|taux|budget)|what (?:amount|number|share|percentage|price))\b/i;
const DATE_QUESTION = /\b(?:quand|when|en quelle année|(?:à|a) quelle date|depuis quand|what (?:year|date)|which year)\b/i;
const MONTHS = 'janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|january|february|march|april|may|june|july|august|september|october|november|december';
const DATE_TEXT = new RegExp(String.raw`\b(?:1[5-9]\d{2}|20\d{2})\b|\b(?:${MONTHS})\b`, 'i');
const FIGURE_TEXT = /\d|\b(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille|million|milliard|one|two|three|four|five|ten|hundred|thousand|million|billion)s?\b/i;

/**
 * The kind of answer a question's wording asks for.
 * @example expectedAnswer('Combien de meules ?') // 'figure'
 */
export function expectedAnswer(question: string): AnswerKind {
  if (DATE_QUESTION.test(question)) return 'date';
  if (FIGURE_QUESTION.test(question)) return 'figure';
  return null;
}

/** Terms the passage's title already gives are its topic: they say little about which sentence answers. */
const TOPIC_DISCOUNT = 0.5;
/** Added to a sentence on the question's topic that holds the kind of answer asked for (a figure, a date). */
const ANSWER_KIND_BONUS = 0.15;

/**
 * Scores each sentence of a passage by the weighted share of the question's terms it holds,
 * terms of the passage's title counting half, plus a bonus when the sentence holds the kind
 * of answer asked for. Pure. Returns scores in sentence order; 0 for a sentence off topic.
 * @example scoreSentences('Son a promis 100 milliards', ['Il fait beau.', 'Son a promis 100 milliards.']) // [{index:0,score:0},{index:1,score:1}]
 */
export function scoreSentences(question: string, sentences: string[], weight: TermWeight = () => 1, context: { title?: string } = {}): SentenceScore[] {
  const terms = [...new Set(analyze(question))];
  const topic = new Set(context.title ? analyze(context.title) : []);
  const w = (t: string) => weight(t) * (topic.has(t) ? TOPIC_DISCOUNT : 1);
  const total = terms.reduce((n, t) => n + w(t), 0);
  const kind = expectedAnswer(question);
  return sentences.map((s, index) => {
    if (total === 0) return { index, score: 0 };
    const have = new Set(analyze(s));
    const share = terms.reduce((n, t) => n + (have.has(t) ? w(t) : 0), 0) / total;
    const fits = kind === 'date' ? DATE_TEXT.test(s) : kind === 'figure' ? FIGURE_TEXT.test(s) : false;
    return { index, score: share > 0 && fits ? share + ANSWER_KIND_BONUS : share };
  });
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
