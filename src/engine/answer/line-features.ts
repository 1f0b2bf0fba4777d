import type { AnalysedQuestion } from '../text/question-analysis.js';
import type { SentenceScore } from './highlight.js';
import type { SentenceTerms } from './sentence-terms.js';

/** A leading passage as the answer line reads it: its sentences, their scores, its title and how search ranked it. */
export interface LinePassage {
  articleId: string;
  sentences: readonly SentenceTerms[];
  scores: readonly SentenceScore[];
  title: SentenceTerms;
  /** First-stage score over the first passage's (1 for the first passage). */
  firstStage: number;
}

/** A sentence that may become the answer line. */
export interface LineCandidate {
  passage: number;
  sentence: number;
  articleId: string;
  text: string;
  /** Its score (highlight.ts) and share of the question's terms. */
  score: number;
  share: number;
  /** Other articles stating the same answer on the topic (corroboration.ts). */
  corroboration: number;
  /** Holds the kind of answer asked for (highlight.ts). */
  fits: boolean;
  previousShare: number;
  nextShare: number;
  /** Share of its terms that neither the question nor the passage's title has: what it adds. */
  novelty: number;
  tokens: number;
  /** Its passage's first-stage score over the first passage's. */
  firstStage: number;
  /** The question says no kind of answer ("Que fait… ?"). */
  kindless: boolean;
}

/** Below this share of the question's terms a sentence is no candidate (measured with scripts/tune-answer.ts). */
export const MIN_SHARE = 0.2;

/**
 * The answer line's candidates across the leading passages: every sentence holding at least
 * `MIN_SHARE` of the question's terms, with what the pick and its confidence read of it. Pure.
 * @example lineCandidates(q, [passage], () => 0) // [{ passage: 0, sentence: 1, score: 1.3, share: 0.8, … }]
 */
export function lineCandidates(
  q: AnalysedQuestion,
  passages: readonly LinePassage[],
  corroboration: (passage: number, sentence: number) => number,
): LineCandidate[] {
  const asked = new Set(q.content.map((t) => t.term));
  const out: LineCandidate[] = [];
  passages.forEach((p, passage) => {
    p.scores.forEach((s) => {
      // A quotation's sentence counts who said it (highlight.ts, `attributed`).
      const share = s.share + s.attributed;
      if (share < MIN_SHARE) return;
      const sentence = p.sentences[s.index]!;
      let added = 0;
      for (const t of sentence.terms) if (!asked.has(t) && !p.title.terms.has(t)) added++;
      out.push({
        passage,
        sentence: s.index,
        articleId: p.articleId,
        text: sentence.text,
        score: s.score + s.attributed,
        share,
        corroboration: corroboration(passage, s.index),
        fits: s.fits,
        previousShare: p.scores[s.index - 1]?.share ?? 0,
        nextShare: p.scores[s.index + 1]?.share ?? 0,
        novelty: sentence.terms.size ? added / sentence.terms.size : 0,
        tokens: sentence.tokens.length,
        firstStage: p.firstStage,
        kindless: q.kind === null,
      });
    });
  });
  return out;
}
