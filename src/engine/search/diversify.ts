export interface DiversifyOptions {
  /** Passages of one article allowed before the others are moved down. */
  perArticle: number;
  /** Share of words two passages may have in common before the lower one counts as a near-duplicate. */
  maxOverlap: number;
}

/**
 * Measured on PIAF (lexical, hit@3): a score decay per article costs a lot (RRF scores are
 * close together: decay 0.9 → −5.8 points, 0.7 → −6.5) because the answer is often the second
 * or third passage of the best article; a cap of two passages per article costs 2 points, three
 * costs nothing. Near-duplicates (the same text twice, e.g. a republished article) are what
 * crowds a top 3 out; passages sharing over 80 % of their words move down.
 */
export const DEFAULT_DIVERSIFY: DiversifyOptions = { perArticle: 3, maxOverlap: 0.8 };

/**
 * A passage's distinct words as numbers (ids shared by every passage) plus a bit signature of
 * them: a word whose bit is unset in the other passage's signature is surely not there, so most
 * words of a comparison cost a bit test instead of a string lookup. Same answers as comparing
 * the word sets themselves.
 */
interface WordSet {
  text: string;
  ids: Int32Array;
  has: Set<number>;
  signature: Uint32Array;
  /** Words whose bit another of its words set already (the signature's bits undercount its words by that many). */
  spare: number;
}

const SIGNATURE_WORDS = 32; // 1 024 bits: a passage's hundred-odd words leave most unset

// Word sets by passage id (a store hands out new passage objects on every read): built once
// per passage, not on every query; checked against the text, so a replaced passage is redone.
const WORD_SETS = 20_000;
/** Ids start again (with the word sets) past this many words, so a vocabulary never grows without bound. */
const WORD_IDS = 500_000;
const wordSets = new Map<string, WordSet>();
const wordIds = new Map<string, number>();

function wordsOf(chunk: { id?: string; text: string }): WordSet {
  const key = chunk.id ?? chunk.text;
  const hit = wordSets.get(key);
  if (hit && hit.text === chunk.text) return hit;
  const has = new Set<number>();
  for (const word of chunk.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let id = wordIds.get(word);
    if (id === undefined) wordIds.set(word, (id = wordIds.size));
    has.add(id);
  }
  const ids = Int32Array.from(has);
  const signature = new Uint32Array(SIGNATURE_WORDS);
  for (const id of ids) signature[(id >>> 5) % SIGNATURE_WORDS]! |= 1 << (id & 31);
  let bits = 0;
  for (const x of signature) bits += popcount(x);
  const words: WordSet = { text: chunk.text, ids, has, signature, spare: ids.length - bits };
  wordSets.set(key, words);
  if (wordSets.size > WORD_SETS) wordSets.delete(wordSets.keys().next().value!);
  return words;
}

/**
 * Whether the smaller set shares more than `max` of its words with the other. Stops at the
 * first miss too many: most pairs of passages share few words, so this reads a few of them.
 */
function overlapsMore(a: WordSet, b: WordSet, max: number): boolean {
  const [small, large] = a.ids.length <= b.ids.length ? [a, b] : [b, a];
  const size = small.ids.length;
  if (size === 0) return false;
  // shared / size > max  ⟺  misses < size × (1 − max)
  const allowed = size * (1 - max);
  // Shared words are at most the bits both signatures hold plus the smaller set's spare words:
  // when even that leaves misses enough, the words need no look (most pairs of passages).
  let both = 0;
  for (let i = 0; i < SIGNATURE_WORDS; i++) both += popcount(small.signature[i]! & large.signature[i]!);
  if (size - (both + small.spare) >= allowed) return false;
  const { signature } = large;
  let misses = 0;
  for (const id of small.ids) {
    const surelyMissing = (signature[(id >>> 5) % SIGNATURE_WORDS]! & (1 << (id & 31))) === 0;
    if ((surelyMissing || !large.has.has(id)) && ++misses >= allowed) return false;
  }
  return true;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Re-orders ranked hits so that near-duplicate passages and a third passage of the same
 * article come after passages from other articles, keeping the order otherwise. Corroborating
 * passages from different articles thus come before another copy of the same one. Pure;
 * nothing is dropped, only moved down.
 * @example diversify([a#1, a#2, a#3, a#4, b#1]) // a#1, a#2, a#3, b#1, a#4
 */
export function diversify<T extends { articleId: string; chunk: { id?: string; text: string } }>(
  hits: T[],
  options: DiversifyOptions = DEFAULT_DIVERSIFY,
  /** Hits that need ordering (the page asked for and a little more); the rest keep their order. */
  limit = hits.length,
): T[] {
  // Between calls only: sets of one call must share one numbering.
  if (wordIds.size > WORD_IDS) {
    wordIds.clear();
    wordSets.clear();
  }
  const kept: T[] = [];
  const keptWords: WordSet[] = [];
  const deferred: T[] = [];
  const perArticle = new Map<string, number>();
  for (const [i, hit] of hits.entries()) {
    if (kept.length >= limit) return [...kept, ...deferred, ...hits.slice(i)];
    const seen = perArticle.get(hit.articleId) ?? 0;
    if (seen >= options.perArticle) {
      deferred.push(hit);
      continue;
    }
    const words = wordsOf(hit.chunk);
    if (keptWords.some((w) => overlapsMore(words, w, options.maxOverlap))) {
      deferred.push(hit);
      continue;
    }
    kept.push(hit);
    keptWords.push(words);
    perArticle.set(hit.articleId, seen + 1);
  }
  return [...kept, ...deferred];
}
