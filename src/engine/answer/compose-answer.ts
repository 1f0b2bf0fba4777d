import type { IndexedChunk } from '../index/index-store.js';
import type { SearchHit } from '../search/hybrid-search.js';
import type { Answer, Passage, SearchMode, SourceMeta } from '../types.js';
import { shouldAbstain, type AbstainThresholds } from './abstain.js';
import { textFragmentLink } from './deep-link.js';
import { findDisagreements, type ClaimSentence } from './disagreement.js';
import { pickHighlights, scoreSentences, type TermWeight } from './highlight.js';

export interface ComposeInput {
  question: string;
  /** The question as searched (with conversation context), for highlighting. */
  searchText: string;
  mode: SearchMode;
  hits: SearchHit[];
  sources: Map<string, SourceMeta>;
  k: number;
  offset: number;
  thresholds: AbstainThresholds;
  termWeight?: TermWeight;
  warnings: string[];
}

const CLAIM_DEPTH = 8;

const sentenceTexts = (c: IndexedChunk) => c.sentences.map((s) => c.text.slice(s.local.start, s.local.end));

/** Builds the answer from ranked hits: passages with highlights and links, direct answer, abstention, disagreements. Pure. */
export function composeAnswer(input: ComposeInput): Answer {
  const { hits, k, offset } = input;
  const best = hits[0];
  const coverage = best ? Math.max(...scoreSentences(input.searchText, [best.chunk.text], input.termWeight).map((s) => s.score)) : 0;
  const abstained = shouldAbstain(best ? { coverage, similarity: best.similarity } : null, input.thresholds);
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

  const passages: Passage[] = [];
  const claims: ClaimSentence[] = [];
  let direct: Answer['directAnswer'] = null;
  for (const hit of hits.slice(offset, offset + k)) {
    const { chunk } = hit;
    const source = input.sources.get(chunk.articleId);
    if (!source) continue;
    const texts = sentenceTexts(chunk);
    const scores = scoreSentences(input.searchText, texts, input.termWeight);
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
    const texts = sentenceTexts(hit.chunk);
    const scores = scoreSentences(input.searchText, texts, input.termWeight);
    texts.forEach((text, i) => {
      if ((scores[i]?.score ?? 0) > 0) claims.push({ text, chunkId: hit.chunk.id, source });
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
