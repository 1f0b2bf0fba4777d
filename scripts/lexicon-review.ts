/**
 * The English → French lexicon (src/engine/text/cross-lingual.ts) as the analyzer reads it, against
 * the words of one or more coverages: for each English word, each French rendering, the stems the
 * analyzer gives it, and the words of the coverage that share each stem (most frequent first).
 * What to look for:
 * - a rendering that analyses to nothing (all function words: "moins chères", "il y a");
 * - a rendering the press writes otherwise ("startup" → {} while articles write "start-up" → start);
 * - a stem shared by a word of another meaning ("aliment" ← "alimenter", "don" ← "donner").
 *
 * Usage: npx tsx scripts/lexicon-review.ts --corpus DIR [--corpus DIR …] [--word ENGLISH …]
 * Folders are read recursively (.md and .txt files); the text is analysed whole, front matter included.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, analyzeBoth } from '../src/engine/text/analyze.js';
import { lexiconEntries } from '../src/engine/text/cross-lingual.js';

const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, word: { type: 'string', multiple: true } } });
if (!values.corpus?.length) throw new Error('--corpus DIR is required (a folder of articles, .md or .txt)');

/** Stem → the coverage's words with that stem, and how often each occurs. */
const wordsByStem = new Map<string, Map<string, number>>();
function addText(text: string): void {
  // Terms and words come out of one tokenization, one for one.
  const { terms, words: all } = analyzeBoth(text);
  all.forEach((word, i) => {
    if (/^\d/.test(word)) return;
    const s = terms[i]!;
    const words = wordsByStem.get(s) ?? new Map<string, number>();
    words.set(word, (words.get(word) ?? 0) + 1);
    wordsByStem.set(s, words);
  });
}
function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(md|txt)$/.test(name)) addText(readFileSync(path, 'utf8'));
  }
}
for (const dir of values.corpus) walk(dir);

const only = values.word ? new Set(values.word) : null;
for (const [english, french] of lexiconEntries()) {
  if (only && !only.has(english)) continue;
  const cells = french.split(' ').map((word) => {
    const stems = analyze(word).map((s) => {
      const words = [...(wordsByStem.get(s) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 6);
      return `${s}{${words.map(([w, n]) => `${w}:${n}`).join(',')}}`;
    });
    return `${word} → ${stems.join(' + ') || '∅'}`;
  });
  console.log(`${english}: ${cells.join('   ')}`);
}
