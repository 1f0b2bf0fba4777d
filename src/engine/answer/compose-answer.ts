import type { StoredPassage as IndexedChunk } from '../index/store.js';
import type { SearchHit } from '../search/hybrid-search.js';
import { createTermStats, type TermStats } from '../search/term-weights.js';
import type { AnalysedQuestion } from '../text/question-analysis.js';
import type { Answer, Passage, SearchMode, SourceMeta } from '../types.js';
import { shouldAbstain, type AbstainThresholds } from './abstain.js';
import { lineCandidates, type LinePassage } from './line-features.js';
import { lineSpan } from './line-span.js';
import { ANSWER_WEIGHTS, pickAnswer } from './pick-answer.js';
import { corroboratedBy, type TopicSentence } from './corroboration.js';
import { textFragmentLink } from './deep-link.js';
import { findDisagreements, type ClaimSentence } from './disagreement.js';
import { evidenceTerms, focusCoverage, focusTerms, lexicalEvidence } from './evidence.js';
import { kindWindowCoverage } from './kind-window.js';
import { pickHighlights, scoreSentences, type SentenceScore } from './highlight.js';
import { sentencesOf, titleTerms, type SentenceTerms } from './sentence-terms.js';

export interface ComposeInput {
  /** The question analysed once (with its conversation context), as search saw it. */
  analysis: AnalysedQuestion;
  mode: SearchMode;
  hits: SearchHit[];
  sources: ReadonlyMap<string, SourceMeta>;
  k: number;
  offset: number;
  thresholds: AbstainThresholds;
  /** Term statistics of the whole coverage; defaults to those of the hits alone. */
  termStats?: TermStats;
  warnings: string[];
  /** Hits' sentence scores `bestSentenceScorer` worked out for this very analysis and `termStats`: not scored again. */
  scored?: ScoredHits;
}

/** Each hit's analysed sentences and their scores, by passage id, for one ask. */
export type ScoredHits = Map<string, { sentences: readonly SentenceTerms[]; scores: SentenceScore[] }>;

const CLAIM_DEPTH = 8;
/** Hits whose evidence counts for answering: the answer is often one or two ranks down. */
const EVIDENCE_DEPTH = 3;

/** Link text as the page writes it (’ not '), or text fragments would not match: sentence `sentence` to `last`. */
function linkTo(chunk: IndexedChunk, sentence: number, source: SourceMeta, last = sentence): string | null {
  const s = chunk.sentences[sentence];
  const e = chunk.sentences[last] ?? s;
  const original = s && e ? chunk.original.slice(s.start - chunk.range.start, e.end - chunk.range.start).replace(/\s+/g, ' ') : '';
  return textFragmentLink(source.url, original);
}

/**
 * How well a hit's best sentence answers the question (the score that picks highlights):
 * what the second stage of retrieval (search/rerank.ts) re-orders the leading hits by.
 * The question's evidence terms are worked out once for all the hits of an ask.
 */
export function bestSentenceScorer(
  analysis: AnalysedQuestion,
  sources: ReadonlyMap<string, SourceMeta>,
  stats: TermStats,
  /** Filled with each hit's scores, for `composeAnswer` to reuse (`ComposeInput.scored`). */
  scored: ScoredHits = new Map(),
): (hit: SearchHit) => number {
  const terms = evidenceTerms(analysis, stats);
  return (hit) => {
    let entry = scored.get(hit.chunk.id);
    if (!entry) {
      const title = titleTerms(sources.get(hit.articleId)?.title ?? '');
      const sentences = sentencesOf(hit.chunk);
      entry = { sentences, scores: scoreSentences(analysis, sentences, stats.weight, title.terms, terms) };
      scored.set(hit.chunk.id, entry);
    }
    return entry.scores.reduce((best, s) => Math.max(best, s.score), 0);
  };
}

/** Builds the answer from ranked hits: passages with highlights and links, direct answer, abstention, disagreements. Pure. */
export function composeAnswer(input: ComposeInput): Answer {
  const { hits, k, offset, analysis } = input;
  const stats = input.termStats ?? createTermStats(hits.map((h) => h.chunk.text));
  const titleOf = (h: SearchHit) => titleTerms(input.sources.get(h.articleId)?.title ?? '');
  const leading = hits.slice(0, EVIDENCE_DEPTH);
  // For an English question, its English words the coverage never uses are left out of both.
  const terms = evidenceTerms(analysis, stats);
  const parts = leading.map((h) => [titleOf(h), ...sentencesOf(h.chunk)]);
  const evidence = lexicalEvidence(terms, parts, stats);
  // Where the question asks for a kind of answer: how much of it (and of its focus, what it asks
  // of its names) is found next to one. Read by abstain.ts only for an unknown word or a date or
  // figure asked, so only worked out then.
  const kindMatters = (evidence.unknownWords.length > 0 || analysis.kind === 'date' || analysis.kind === 'figure');
  const windows = kindMatters ? leading.map((h) => ({ title: titleOf(h), sentences: sentencesOf(h.chunk) })) : [];
  const kindCoverage = kindMatters ? kindWindowCoverage(terms, windows, stats, analysis.kind, analysis.asked) : null;
  const focus = kindMatters ? focusTerms(terms) : [];
  const focused = focus.length ? { focusCoverage: focusCoverage(terms, parts, stats), kindFocusCoverage: kindWindowCoverage(focus, windows, stats, analysis.kind, analysis.asked) } : {};
  const similarities = leading.flatMap((h) => (h.similarity === null ? [] : [h.similarity]));
  const similarity = similarities.length ? Math.max(...similarities) : null;
  const abstained = shouldAbstain(leading.length ? { ...evidence, ...focused, similarity, kindCoverage, kind: analysis.kind } : null, input.thresholds);
  const base = { question: analysis.question, mode: input.mode, warnings: input.warnings };
  if (abstained) {
    const suggestions: SourceMeta[] = [];
    for (const h of hits) {
      const s = input.sources.get(h.articleId);
      if (s && !suggestions.includes(s)) suggestions.push(s);
      if (suggestions.length === 3) break;
    }
    return { ...base, abstained: true, directAnswer: null, passages: [], suggestions, disagreements: [], hasMore: false };
  }

  // Each hit's sentences are scored once: for the answer line, highlights and disagreements.
  const scored: ScoredHits = input.termStats && input.scored ? input.scored : new Map();
  const scoresOf = (hit: SearchHit) => {
    let entry = scored.get(hit.chunk.id);
    if (!entry) {
      const sentences = sentencesOf(hit.chunk);
      entry = { sentences, scores: scoreSentences(analysis, sentences, stats.weight, titleOf(hit).terms, terms) };
      scored.set(hit.chunk.id, entry);
    }
    return entry;
  };
  const page = hits.slice(offset, offset + k).filter((h) => input.sources.has(h.articleId));
  const passages: Passage[] = page.map((hit) => {
    const source = input.sources.get(hit.articleId)!;
    const { best, highlights } = pickHighlights(scoresOf(hit).scores, hit.chunk.sentences.map((s) => s.local));
    return { chunkId: hit.chunk.id, text: hit.chunk.text, score: hit.score, source, link: linkTo(hit.chunk, best, source), highlights };
  });
  // Sentences on the question's topic among the leading hits: what other reports state.
  const topical: TopicSentence[] = [];
  for (const hit of hits.slice(0, CLAIM_DEPTH)) {
    const { sentences, scores } = scoresOf(hit);
    sentences.forEach((s, i) => {
      if ((scores[i]?.share ?? 0) > 0) topical.push({ articleId: hit.articleId, text: s.text });
    });
  }
  // How search ranked them: BM25 when lexical search found them all (it spreads more than fused ranks).
  const reading = page.slice(0, ANSWER_WEIGHTS.depth);
  const firstStage = reading.every((h) => h.lexical !== null) ? (h: SearchHit) => h.lexical! : (h: SearchHit) => h.score;
  const top = reading[0] ? firstStage(reading[0]) || 1 : 1;
  const line: LinePassage[] = reading.map((hit) => ({
    articleId: hit.articleId,
    ...scoresOf(hit),
    title: titleOf(hit),
    firstStage: Math.min(2, firstStage(hit) / top),
  }));
  const picked = pickAnswer(
    lineCandidates(analysis, line, (p, i) =>
      corroboratedBy({ articleId: page[p]!.articleId, text: line[p]!.sentences[i]!.text }, topical, analysis.kind),
    ),
  );
  let direct: Answer['directAnswer'] = null;
  if (picked) {
    const hit = page[picked.passage]!;
    const source = input.sources.get(hit.articleId)!;
    // The line reads on its own: with the sentence naming its subject, or the rest of its quotation.
    const { sentences } = scoresOf(hit);
    const { from, to } = lineSpan(sentences, picked.sentence);
    const text = sentences.slice(from, to + 1).map((s) => s.text).join(' ');
    direct = { text, chunkId: hit.chunk.id, source, link: linkTo(hit.chunk, from, source, to) };
  }
  // Disagreements are looked for among the leading hits, not only the page shown, so a
  // conflicting figure one rank further down is still reported.
  const claims: ClaimSentence[] = [];
  for (const hit of hits.slice(0, Math.max(offset + k, CLAIM_DEPTH))) {
    const source = input.sources.get(hit.articleId);
    if (!source) continue;
    const { sentences, scores } = scoresOf(hit);
    // A sentence continuing the previous one ("Il prévoit…") is about the same thing.
    const onTopic = (i: number) => (scores[i]?.share ?? 0) > 0 || (i > 0 && (scores[i - 1]?.share ?? 0) > 0);
    sentences.forEach((s, i) => {
      if (onTopic(i)) claims.push({ text: s.text, chunkId: hit.chunk.id, source });
    });
  }
  return {
    ...base,
    abstained: false,
    directAnswer: direct,
    passages,
    suggestions: [],
    disagreements: findDisagreements(claims),
    hasMore: hits.length > offset + k,
  };
}
