import type { StoredPassage as IndexedChunk } from '../index/store.js';
import type { SearchHit } from '../search/hybrid-search.js';
import { createTermStats, type TermStats } from '../search/term-weights.js';
import type { Answer, Passage, SearchMode, SourceMeta } from '../types.js';
import { shouldAbstain, type AbstainThresholds } from './abstain.js';
import { textFragmentLink } from './deep-link.js';
import { findDisagreements, type ClaimSentence } from './disagreement.js';
import { evidenceTerms, lexicalEvidence } from './evidence.js';
import { pickHighlights, scoreSentences, type SentenceScore } from './highlight.js';

export interface ComposeInput {
  question: string;
  /** The question as searched (with conversation context), for highlighting. */
  searchText: string;
  mode: SearchMode;
  hits: SearchHit[];
  sources: ReadonlyMap<string, SourceMeta>;
  k: number;
  offset: number;
  thresholds: AbstainThresholds;
  /** Term statistics of the whole coverage; defaults to those of the hits alone. */
  termStats?: TermStats;
  warnings: string[];
}

const CLAIM_DEPTH = 8;
/** Hits whose evidence counts for answering: the answer is often one or two ranks down. */
const EVIDENCE_DEPTH = 3;

const sentenceTexts = (c: IndexedChunk) => c.sentences.map((s) => c.text.slice(s.local.start, s.local.end));

/** Builds the answer from ranked hits: passages with highlights and links, direct answer, abstention, disagreements. Pure. */
export function composeAnswer(input: ComposeInput): Answer {
  const { hits, k, offset } = input;
  const stats = input.termStats ?? createTermStats(hits.map((h) => h.chunk.text));
  const termWeight = stats.weight;
  const leading = hits.slice(0, EVIDENCE_DEPTH);
  const evidence = lexicalEvidence(
    evidenceTerms(input.searchText, stats),
    leading.map((h) => `${input.sources.get(h.articleId)?.title ?? ''}\n${h.chunk.text}`),
    stats,
  );
  const similarities = leading.flatMap((h) => (h.similarity === null ? [] : [h.similarity]));
  const similarity = similarities.length ? Math.max(...similarities) : null;
  const abstained = shouldAbstain(leading.length ? { ...evidence, similarity } : null, input.thresholds);
  const base = { question: input.question, mode: input.mode, warnings: input.warnings };
  if (abstained) {
    const suggestions: SourceMeta[] = [];
    for (const h of hits) {
      const s = input.sources.get(h.articleId);
      if (s && !suggestions.includes(s)) suggestions.push(s);
      if (suggestions.length === 3) break;
    }
    return { ...base, abstained: true, directAnswer: null, passages: [], suggestions, disagreements: [], hasMore: false };
  }

  // Each hit's sentences are scored once: for highlights on the page and for disagreements
  // (which only ask whether a sentence is on topic, score > 0, the same with or without the title).
  const scored = new Map<string, { texts: string[]; scores: SentenceScore[] }>();
  const scoresOf = (chunk: IndexedChunk, source: SourceMeta) => {
    let entry = scored.get(chunk.id);
    if (!entry) {
      const texts = sentenceTexts(chunk);
      entry = { texts, scores: scoreSentences(input.searchText, texts, termWeight, { title: source.title }) };
      scored.set(chunk.id, entry);
    }
    return entry;
  };
  const passages: Passage[] = [];
  const claims: ClaimSentence[] = [];
  let direct: Answer['directAnswer'] = null;
  for (const hit of hits.slice(offset, offset + k)) {
    const { chunk } = hit;
    const source = input.sources.get(chunk.articleId);
    if (!source) continue;
    const { texts, scores } = scoresOf(chunk, source);
    const { best: bestIdx, highlights } = pickHighlights(scores, chunk.sentences.map((s) => s.local));
    const bestSentence = chunk.sentences[bestIdx];
    // Link text as the page writes it (’ not '), or text fragments would not match.
    const original = bestSentence
      ? chunk.original.slice(bestSentence.start - chunk.range.start, bestSentence.end - chunk.range.start).replace(/\s+/g, ' ')
      : '';
    const link = textFragmentLink(source.url, original);
    passages.push({ chunkId: chunk.id, text: chunk.text, score: hit.score, source, link, highlights });
    if (!direct && bestIdx >= 0) direct = { text: texts[bestIdx]!, chunkId: chunk.id, source, link };
  }
  // Disagreements are looked for among the leading hits, not only the page shown, so a
  // conflicting figure one rank further down is still reported.
  for (const hit of hits.slice(0, Math.max(offset + k, CLAIM_DEPTH))) {
    const source = input.sources.get(hit.articleId);
    if (!source) continue;
    const { texts, scores } = scoresOf(hit.chunk, source);
    // A sentence continuing the previous one ("Il prévoit…") is about the same thing.
    const onTopic = (i: number) => (scores[i]?.score ?? 0) > 0 || (i > 0 && (scores[i - 1]?.score ?? 0) > 0);
    texts.forEach((text, i) => {
      if (onTopic(i)) claims.push({ text, chunkId: hit.chunk.id, source });
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
