/**
 * What a change of the sentence splitter does to real articles, before and after in one run: every
 * corpus named is read through the real loader and cleaning, each kept paragraph is split by the
 * splitter of `--before` (a copy of text/sentences.ts from another commit) and by this tree's, and
 * the boundaries only one of them has are listed with their context, to be read and counted by hand
 * (precision). It also counts what looks like a splitter miss under either: a sentence starting
 * with a lower-case letter or a comma (a false split), and a full stop glued to a capital word
 * inside a sentence (a missed split), and the sentences' length in characters.
 *
 * Usage: npx tsx scripts/sentence-boundaries.ts --before OLD_SENTENCES.ts --corpus DIR [--corpus DIR …] [--show N]
 * e.g. `git show main:src/engine/text/sentences.ts > /tmp/old-sentences.ts` first.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import type { Range } from '../src/engine/types.js';
import { splitSentences } from '../src/engine/text/sentences.js';

const { values } = parseArgs({ options: { before: { type: 'string' }, corpus: { type: 'string', multiple: true }, show: { type: 'string', default: '40' } } });
if (!values.before || !values.corpus?.length) {
  console.error('Usage: npx tsx scripts/sentence-boundaries.ts --before OLD_SENTENCES.ts --corpus DIR [--corpus DIR …] [--show N]');
  process.exit(2);
}
const old = (await import(pathToFileURL(resolve(values.before)).href)) as { splitSentences: typeof splitSentences };
const show = Number(values.show);
const splitters = { before: old.splitSentences, after: splitSentences };

const GLUED_INSIDE = /[\p{L}\p{N})»]\.\p{Lu}\p{Ll}/u;
const context = (text: string, at: number) => `${text.slice(Math.max(0, at - 40), at)}┃${text.slice(at, at + 40)}`.replace(/\s+/g, ' ');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

for (const dir of values.corpus) {
  const { articles } = await loadCorpus(resolve(dir));
  const tally = {
    before: { sentences: 0, lowerStarts: [] as string[], gluedInside: [] as string[], lengths: [] as number[] },
    after: { sentences: 0, lowerStarts: [] as string[], gluedInside: [] as string[], lengths: [] as number[] },
  };
  const added: string[] = [];
  const removed: string[] = [];
  for (const article of articles) {
    for (const para of article.kept) {
      const ends: Record<string, Set<number>> = {};
      for (const [name, split] of Object.entries(splitters) as [keyof typeof splitters, typeof splitSentences][]) {
        const ranges: Range[] = split(article.text, para.start, para.end);
        const t = tally[name];
        t.sentences += ranges.length;
        ranges.forEach((r, i) => {
          const s = article.text.slice(r.start, r.end);
          t.lengths.push(s.length);
          if (i > 0 && /^[\p{Ll},;]/u.test(s)) t.lowerStarts.push(`${article.id}: ${context(article.text, r.start)}`);
          const glued = GLUED_INSIDE.exec(s);
          if (glued) t.gluedInside.push(`${article.id}: ${context(article.text, r.start + glued.index + 2)}`);
        });
        ends[name] = new Set(ranges.slice(0, -1).map((r) => r.end));
      }
      for (const at of ends.after!) if (!ends.before!.has(at)) added.push(`${article.id}: ${context(article.text, at)}`);
      for (const at of ends.before!) if (!ends.after!.has(at)) removed.push(`${article.id}: ${context(article.text, at)}`);
    }
  }
  console.log(`\n# ${dir}: ${articles.length} articles`);
  for (const name of ['before', 'after'] as const) {
    const t = tally[name];
    console.log(`${name}: ${t.sentences} sentences, length median ${quantile(t.lengths, 0.5)} p90 ${quantile(t.lengths, 0.9)} max ${quantile(t.lengths, 1)} chars; starting lower-case or with a comma ${t.lowerStarts.length}; a glued full stop inside ${t.gluedInside.length}`);
  }
  const list = (title: string, xs: string[]) => {
    console.log(`\n## ${title}: ${xs.length}`);
    for (const x of xs.slice(0, show)) console.log(`  ${x}`);
  };
  list('boundaries added', added);
  list('boundaries removed', removed);
  list('after: sentences starting lower-case or with a comma', tally.after.lowerStarts);
  list('after: a glued full stop left inside a sentence', tally.after.gluedInside);
}
