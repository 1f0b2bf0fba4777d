/**
 * Where the answer line's misses are, on dev sets only: every question is asked in lexical mode
 * through the real engine, and each miss is put in one place: abstained or no line; the answering
 * sentence just after or just before the line, elsewhere in the line's passage, in another of the
 * passages the line is read from (`ANSWER_WEIGHTS.depth`), or in none of them. For the answering
 * sentences found, it also tells whether they were candidates at all (`MIN_SHARE` of the
 * question, line-features.ts) and by how much they lost to the pick. What docs/quality.md's
 * "Where the misses are" sections count.
 *
 * Usage: npx tsx scripts/answer-misses.ts --set PIAF_QUESTIONS@a:PIAF_CORPUS [--set …] [--verbose]
 * `--verbose` lists each miss: the question, what it expects, the line, where the answer is.
 * Sentences are told apart by their text, as the passages shown give them (text/sentences.ts).
 */
import { parseArgs } from 'node:util';
import { openDevSet } from './lib/dev-set.js';
import { isHit, normalizeForMatch } from '../src/engine/eval/hit-test.js';
import type { LineCandidate } from '../src/engine/answer/line-features.js';
import { ANSWER_WEIGHTS, lineValue, recordLineCandidates } from '../src/engine/answer/pick-answer.js';
import { splitSentences } from '../src/engine/text/sentences.js';

const { values } = parseArgs({ options: { set: { type: 'string', multiple: true }, verbose: { type: 'boolean', default: false } } });

type Place = 'right' | 'no line' | 'next sentence' | 'previous sentence' | 'same passage' | 'another leading passage' | 'no leading passage';
const PLACES: Place[] = ['right', 'no line', 'next sentence', 'previous sentence', 'same passage', 'another leading passage', 'no leading passage'];

for (const spec of values.set ?? []) {
  const { name, engine, questions } = await openDevSet(spec);
  let seen: readonly LineCandidate[] = [];
  recordLineCandidates((c) => (seen = c));
  const counts = new Map<Place, { n: number; candidates: number }>(PLACES.map((p) => [p, { n: 0, candidates: 0 }]));
  let answerable = 0;
  try {
    for (const q of questions) {
      if (q.abstain) continue;
      answerable++;
      seen = [];
      const a = await engine.ask(q.question, { k: 5, ...(q.context ? { context: q.context } : {}) });
      const line = a.directAnswer;
      const phrases = q.answerContains.map(normalizeForMatch);
      const holds = (text: string) => phrases.some((p) => normalizeForMatch(text).includes(p));
      let place: Place;
      const notes: string[] = [];
      let candidate = false;
      if (line && isHit({ sourceId: line.source.id, text: line.text }, q)) place = 'right';
      else if (!line) place = 'no line';
      else {
        const best = seen.length ? seen.reduce((b, c) => (lineValue(c) > lineValue(b) ? c : b)) : null;
        // The answering sentences of the leading passages, by passage and sentence.
        const found: { passage: number; sentence: number; text: string }[] = [];
        a.passages.slice(0, ANSWER_WEIGHTS.depth).forEach((p, passage) => {
          if (!isHit({ sourceId: p.source.id, text: p.text }, q)) return;
          splitSentences(p.text).forEach((r, sentence) => {
            const text = p.text.slice(r.start, r.end);
            if (holds(text)) found.push({ passage, sentence, text });
          });
        });
        const linePassage = a.passages.findIndex((p) => p.chunkId === line.chunkId);
        const lineSentences = linePassage < 0 ? [] : splitSentences(a.passages[linePassage]!.text).map((r) => a.passages[linePassage]!.text.slice(r.start, r.end));
        const lineAt = lineSentences.findIndex((s) => line.text.includes(s));
        const lineEnd = lineSentences.reduce((end, s, i) => (line.text.includes(s) ? i : end), -1);
        const inLine = found.filter((f) => f.passage === linePassage);
        if (found.length === 0) place = 'no leading passage';
        else if (inLine.some((f) => f.sentence === lineEnd + 1)) place = 'next sentence';
        else if (inLine.some((f) => f.sentence === lineAt - 1)) place = 'previous sentence';
        else if (inLine.length) place = 'same passage';
        else place = 'another leading passage';
        for (const f of found) {
          const c = seen.find((s) => s.text === f.text && s.passage === f.passage);
          if (c) candidate = true;
          notes.push(`p${f.passage + 1} s${f.sentence + 1}: ${c ? `candidate, value ${lineValue(c).toFixed(2)} (share ${c.share.toFixed(2)})` : 'below the candidates\' share'} — ${f.text.slice(0, 160)}`);
        }
        if (best) notes.push(`pick p${best.passage + 1}: value ${lineValue(best).toFixed(2)} (share ${best.share.toFixed(2)})`);
      }
      const count = counts.get(place)!;
      count.n++;
      if (candidate) count.candidates++;
      if (values.verbose && place !== 'right') {
        console.log(`\n${q.id} [${place}] ${q.question} → ${q.answerContains.join(' | ')}`);
        console.log(`  line: ${line ? line.text.slice(0, 200) : a.abstained ? '(abstained)' : '(none)'}`);
        for (const n of notes) console.log(`  ${n}`);
      }
    }
  } finally {
    recordLineCandidates(null);
    await engine.dispose();
  }
  console.log(`\n${name}: ${answerable} answerable`);
  for (const p of PLACES) {
    const c = counts.get(p)!;
    const among = p === 'right' || p === 'no line' || p === 'no leading passage' ? '' : ` (${c.candidates} among the candidates)`;
    console.log(`  ${p.padEnd(24)} ${String(c.n).padStart(4)}${among}`);
  }
}
