/**
 * Measures retrieval and abstention variants side by side, on dev sets only (never on tests):
 * every question goes through the engine's own ask path (lexical search, second stage,
 * diversity, answer assembly with abstention), with one stage swapped per variant. Prints one
 * table (a row per variant and set: answer@1, hit@1, hit@3, MRR, answerable abstained,
 * off-topic abstained) and writes it as JSON.
 *
 *   npx tsx scripts/tune-retrieval.ts --piaf ../shared/eval/piaf [--try main,ltr,proximity,neighbour,question-words,kind-share] [--json OUT (.cache/tune-retrieval.json)]
 *
 * PIAF is read in halves: a (odd lines) to tune on, b (even lines) only to read. The seed set,
 * the follow-ups and the tuned off-topic set are tuned on; eval/off-topic-holdout.jsonl is read.
 * Variants (docs/quality.md, "Session 5 — retrieval and abstention"):
 *   ltr             a listwise linear rerank of the first 20 hits over 12 passage features, trained on half a here
 *   proximity       + w × BM25TP-like term-pair proximity over the whole passage, in the second stage
 *   neighbour       + w × the first-stage score of the passage's neighbour in its article, in the second stage
 *   question-words  answer-type words ("nom", "année"…) at w of their weight in lexical search
 *   kind-share      abstention: LEXICAL_THRESHOLD.statedKindShare at other values
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evalIndexDir } from '../src/cli/commands/eval.js';
import { LEXICAL_THRESHOLD, thresholdsFor } from '../src/engine/answer/abstain.js';
import { bestSentenceScorer, composeAnswer, type ScoredHits } from '../src/engine/answer/compose-answer.js';
import { coverageOf, evidenceTerms } from '../src/engine/answer/evidence.js';
import { sentencesOf, titleTerms } from '../src/engine/answer/sentence-terms.js';
import { createEngine } from '../src/engine/engine.js';
import { isHit } from '../src/engine/eval/hit-test.js';
import { halfOf, parseEvalQuestions, type EvalQuestion } from '../src/engine/eval/questions.js';
import { gradeAnswer } from '../src/engine/eval/run-eval.js';
import { createStore } from '../src/engine/index/create-store.js';
import type { StoreView } from '../src/engine/index/store.js';
import { diversify } from '../src/engine/search/diversify.js';
import { fusionWeightsFor } from '../src/engine/search/fusion-weights.js';
import { hybridSearch, type SearchHit } from '../src/engine/search/hybrid-search.js';
import { rerank } from '../src/engine/search/rerank.js';
import { fitsKind } from '../src/engine/text/answer-kind.js';
import { analyze } from '../src/engine/text/analyze.js';
import { analyseQuestion, type AnalysedQuestion } from '../src/engine/text/question-analysis.js';

const { values } = parseArgs({
  options: {
    piaf: { type: 'string' },
    try: { type: 'string', default: 'main,ltr,proximity,neighbour,question-words,kind-share' },
    json: { type: 'string', default: '.cache/tune-retrieval.json' },
  },
});
if (!values.piaf) throw new Error('--piaf DIR (a folder with dev-questions.jsonl and corpus/) is required');

interface QSet { name: string; view: StoreView; questions: EvalQuestion[] }
type Scorer = (h: SearchHit) => number;
interface Variant {
  name: string;
  analysis?: (a: AnalysedQuestion) => AnalysedQuestion;
  rerank?: (found: SearchHit[], a: AnalysedQuestion, view: StoreView, scorer: Scorer) => SearchHit[];
  before?: () => void;
  after?: () => void;
}

/** A lexical eval index of the folder, built (or brought up to date) once, and its view. */
async function viewOf(corpus: string): Promise<StoreView> {
  const dir = resolve(corpus);
  const indexDir = evalIndexDir(dir, 'lexical-tune');
  const engine = await createEngine({ corpusDir: dir, indexDir, model: 'none', modelDir: null, cacheDir: null, mode: 'lexical', k: 5 });
  await engine.reindex();
  await engine.dispose();
  return (await createStore({ backend: 'local', indexDir, lancedbUri: null }).reader().refresh({ wait: true }))!;
}

const piafView = await viewOf(`${values.piaf}/corpus`);
const seedView = await viewOf('corpus');
const read = (file: string) => parseEvalQuestions(readFileSync(file, 'utf8'));
const piaf = read(`${values.piaf}/dev-questions.jsonl`);
const sets: QSet[] = [
  { name: 'PIAF half a', view: piafView, questions: halfOf(piaf, 'a') },
  { name: 'PIAF half b', view: piafView, questions: halfOf(piaf, 'b') },
  { name: 'seed', view: seedView, questions: read('eval/seed-questions.jsonl') },
  { name: 'follow-ups', view: seedView, questions: read('eval/follow-up-questions.jsonl') },
  { name: 'off-topic', view: seedView, questions: read('eval/off-topic-questions.jsonl') },
  { name: 'off-topic kept aside', view: seedView, questions: read('eval/off-topic-holdout.jsonl') },
];

/** engine.ask's path (lexical mode), with the variant's stages in place of the usual ones. */
async function ask(view: StoreView, q: EvalQuestion, v: Variant, spy?: (found: SearchHit[], a: AnalysedQuestion, scorer: Scorer) => void) {
  const base = analyseQuestion(q.question, q.context ?? null);
  const analysis = v.analysis ? v.analysis(base) : base;
  const limit = 5 + 8;
  const found = await hybridSearch(view, { text: analysis, vector: null, mode: 'lexical', depth: 50, limit, weights: fusionWeightsFor(null) });
  const scored: ScoredHits = new Map();
  const scorer = bestSentenceScorer(analysis, view.sources, view.termStats, scored);
  spy?.(found, analysis, scorer);
  const ordered = v.rerank ? v.rerank(found, analysis, view, scorer) : rerank(found, scorer);
  const hits = diversify(ordered, undefined, limit);
  return composeAnswer({ scored, analysis, mode: 'lexical', hits, sources: view.sources, k: 5, offset: 0, thresholds: thresholdsFor(null, 'lexical'), termStats: view.termStats, warnings: [] });
}

interface Row { variant: string; set: string; answerable: number; answerAt1: number; hitAt1: number; hitAt3: number; mrr: number; answerableAbstained: number; offTopic: number; offTopicAbstained: number }
async function measure(v: Variant): Promise<Row[]> {
  v.before?.();
  const rows: Row[] = [];
  for (const s of sets) {
    const r: Row = { variant: v.name, set: s.name, answerable: 0, answerAt1: 0, hitAt1: 0, hitAt3: 0, mrr: 0, answerableAbstained: 0, offTopic: 0, offTopicAbstained: 0 };
    for (const q of s.questions) {
      const answer = await ask(s.view, q, v);
      if (q.abstain) {
        r.offTopic++;
        if (answer.abstained) r.offTopicAbstained++;
        continue;
      }
      const o = gradeAnswer(q, answer, 0);
      r.answerable++;
      if (o.answerRight) r.answerAt1++;
      if (o.rank !== null && o.rank <= 1) r.hitAt1++;
      if (o.rank !== null && o.rank <= 3) r.hitAt3++;
      if (o.rank !== null) r.mrr += 1 / o.rank;
      if (answer.abstained) r.answerableAbstained++;
    }
    if (r.answerable) for (const k of ['answerAt1', 'hitAt1', 'hitAt3', 'mrr'] as const) r[k] = r[k] / r.answerable;
    rows.push(r);
  }
  v.after?.();
  return rows;
}

// --- Second-stage variants ---------------------------------------------------------------

const DEPTH = 20;
/** Re-orders the first DEPTH hits by the usual second stage plus `w` × a normalised extra signal. */
function plus(extra: (head: SearchHit[], all: SearchHit[], a: AnalysedQuestion, view: StoreView) => number[], w: number): Variant['rerank'] {
  return (found, a, view, scorer) => {
    const head = found.slice(0, DEPTH);
    const raw = extra(head, found, a, view);
    const top = Math.max(...raw) || 1;
    const byId = new Map(head.map((h, i) => [h.chunk.id, raw[i]! / top]));
    // rerank() weighs the sentence score by RERANK_WEIGHTS.sentence (0.4): the extra is scaled to count `w`.
    return rerank(found, (h) => scorer(h) + (w / 0.4) * (byId.get(h.chunk.id) ?? 0));
  };
}

/** BM25TP-like: each pair of distinct question terms within 10 tokens adds min(idf) / distance² (a sentence break counts 5). */
function pairProximity(head: SearchHit[], _all: SearchHit[], a: AnalysedQuestion, view: StoreView): number[] {
  const wanted = new Set(evidenceTerms(a, view.termStats).map((t) => t.term));
  return head.map((h) => {
    const at: { pos: number; term: string }[] = [];
    let offset = 0;
    for (const s of sentencesOf(h.chunk)) {
      s.at.forEach((terms, i) => { for (const t of terms) if (wanted.has(t)) at.push({ pos: offset + i, term: t }); });
      offset += s.at.length + 5;
    }
    let score = 0;
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length && at[j]!.pos - at[i]!.pos <= 10; j++) {
        if (at[i]!.term === at[j]!.term) continue;
        const d = at[j]!.pos - at[i]!.pos;
        score += Math.min(view.termStats.weight(at[i]!.term), view.termStats.weight(at[j]!.term)) / (d * d);
      }
    }
    return score;
  });
}

/** The first-stage score of the passage before or after it in its article, when found. */
function neighbourScore(head: SearchHit[], all: SearchHit[]): number[] {
  const lexical = new Map(all.map((h) => [h.chunk.id, h.lexical ?? 0]));
  return head.map((h) => Math.max(lexical.get(`${h.articleId}#${h.chunk.ordinal - 1}`) ?? 0, lexical.get(`${h.articleId}#${h.chunk.ordinal + 1}`) ?? 0));
}

/** Twelve general features of a hit among the first DEPTH: first stage, sentence, rank, coverage (passage, windows, with the kind asked, title, body), neighbour, article, exact words. */
function features(found: SearchHit[], a: AnalysedQuestion, view: StoreView, scorer: Scorer): number[][] {
  const stats = view.termStats;
  const terms = evidenceTerms(a, stats);
  const head = found.slice(0, DEPTH);
  const top = Math.max(...head.map((h) => h.lexical ?? 0)) || 1;
  const nb = neighbourScore(head, found);
  const articleBest = new Map<string, number>();
  for (const h of found) articleBest.set(h.articleId, Math.max(articleBest.get(h.articleId) ?? 0, h.lexical ?? 0));
  const words = new Set(a.words);
  return head.map((h, rank) => {
    const title = titleTerms(view.sources.get(h.articleId)?.title ?? '');
    const sents = sentencesOf(h.chunk);
    let win = 0;
    let kindWin = 0;
    for (let i = 0; i < sents.length; i++) {
      const parts = sents[i + 1] ? [sents[i]!, sents[i + 1]!] : [sents[i]!];
      const c = coverageOf(terms, [title, ...parts], stats);
      win = Math.max(win, c);
      if (a.kind !== null && parts.some((p) => fitsKind(p.tokens, p.text, a.kind, a.asked))) kindWin = Math.max(kindWin, c);
    }
    let exact = 0;
    for (const x of words) if (sents.some((s) => s.words.has(x))) exact++;
    return [
      (h.lexical ?? 0) / top, scorer(h), 1 / (1 + rank), coverageOf(terms, [title, ...sents], stats), win, kindWin,
      coverageOf(terms, [title], stats), nb[rank]! / top, ((articleBest.get(h.articleId) ?? 0) - (h.lexical ?? 0)) / top,
      coverageOf(terms, sents, stats), words.size ? exact / words.size : 0, a.kind === null ? 0 : kindWin - win,
    ];
  });
}

/** ListNet: softmax over a question's first DEPTH hits against its answering ones; gradient descent with L2. */
async function trainListwise(l2: number): Promise<number[]> {
  const samples: { x: number[][]; y: number[] }[] = [];
  const train = sets[0]!;
  for (const q of train.questions) {
    if (q.abstain) continue;
    await ask(train.view, q, { name: 'collect' }, (found, a, scorer) => {
      const y = found.slice(0, DEPTH).map((h) => (isHit({ sourceId: h.articleId, text: h.chunk.text }, q) ? 1 : 0));
      if (y.some((v) => v > 0)) samples.push({ x: features(found, a, train.view, scorer), y });
    });
  }
  const dims = samples[0]!.x[0]!.length;
  const w = new Array<number>(dims).fill(0);
  w[0] = 1;
  w[1] = 0.4; // start from today's second stage
  for (let epoch = 0; epoch < 400; epoch++) {
    const grad = new Array<number>(dims).fill(0);
    for (const { x, y } of samples) {
      const s = x.map((f) => f.reduce((n, v, i) => n + v * w[i]!, 0));
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const z = e.reduce((p, c) => p + c, 0);
      const ys = y.reduce((p, c) => p + c, 0);
      x.forEach((f, j) => f.forEach((v, i) => (grad[i]! += (e[j]! / z - y[j]! / ys) * v)));
    }
    for (let i = 0; i < dims; i++) w[i]! -= 0.5 * (grad[i]! / samples.length + l2 * w[i]!);
  }
  console.log(`ltr l2=${l2}: ${samples.length} questions of half a, weights ${w.map((v) => v.toFixed(2)).join(' ')}`);
  return w;
}

function learned(w: number[]): Variant['rerank'] {
  return (found, a, view, scorer) => {
    if (found.length < 2) return [...found];
    const x = features(found, a, view, scorer);
    const order = x.map((f, rank) => ({ hit: found[rank]!, rank, v: f.reduce((n, v, i) => n + v * w[i]!, 0) }));
    order.sort((p, q) => q.v - p.v || p.rank - q.rank);
    return [...order.map((o) => o.hit), ...found.slice(DEPTH)];
  };
}

const ANSWER_TYPE = new Set(analyze('nom noms date dates année années an ans jour durée raison raisons exemple exemples type types sorte genre nombre signifie signification définition consiste façon manière moyen name names year years day duration reason reasons example examples kind number mean means meaning way'));

const variants: Variant[] = [];
for (const name of values.try!.split(',')) {
  if (name === 'main') variants.push({ name: 'main' });
  if (name === 'ltr') for (const l2 of [0.001, 0.01, 0.1]) variants.push({ name: `ltr l2=${l2}`, rerank: learned(await trainListwise(l2)) });
  if (name === 'proximity') for (const w of [0.05, 0.1, 0.2, 0.4]) variants.push({ name: `passage proximity ${w}`, rerank: plus(pairProximity, w) });
  if (name === 'neighbour') for (const w of [0.05, 0.1, 0.2]) variants.push({ name: `neighbour ${w}`, rerank: plus(neighbourScore, w) });
  if (name === 'question-words') {
    for (const w of [0, 0.25, 0.5]) {
      variants.push({ name: `answer-type words ×${w}`, analysis: (a) => ({ ...a, weighted: a.weighted.map((t) => (ANSWER_TYPE.has(t.term) ? { term: t.term, weight: t.weight * w } : t)) }) });
    }
  }
  if (name === 'kind-share') {
    const keep = LEXICAL_THRESHOLD.statedKindShare;
    for (const share of [0, 0.3, 0.4, 0.6, 0.7]) {
      variants.push({ name: `statedKindShare ${share}`, before: () => ((LEXICAL_THRESHOLD as { statedKindShare: number }).statedKindShare = share), after: () => ((LEXICAL_THRESHOLD as { statedKindShare: number }).statedKindShare = keep) });
    }
  }
}

const rows: Row[] = [];
for (const v of variants) rows.push(...(await measure(v)));
const f = (x: number) => x.toFixed(3);
console.log('| variant | set | answer@1 | hit@1 | hit@3 | MRR | answerable abstained | off-topic abstained |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(r.answerable
    ? `| ${r.variant} | ${r.set} | ${f(r.answerAt1)} | ${f(r.hitAt1)} | ${f(r.hitAt3)} | ${f(r.mrr)} | ${r.answerableAbstained} | ${r.offTopic ? `${r.offTopicAbstained}/${r.offTopic}` : '–'} |`
    : `| ${r.variant} | ${r.set} | – | – | – | – | – | ${r.offTopicAbstained}/${r.offTopic} |`);
}
mkdirSync(dirname(values.json!), { recursive: true });
writeFileSync(values.json!, JSON.stringify({ rows }, null, 2));
console.log(`(${values.json})`);
