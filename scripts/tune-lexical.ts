/**
 * Measures lexical retrieval on a question set, to tune the analyzer and BM25.
 *
 *   tsx scripts/tune-lexical.ts --corpus DIR --questions FILE [--seed-sources]
 *        [--words 0,150,200] [--paragraphs] [--set k1=1.2,b=0.75 --set titleWeight=0]
 *        [--cross-lingual on|off|both] [--misses]
 *
 * Corpus formats: PIAF (`<slug>.txt`: title line, blank line, paragraphs) or, with
 * --seed-sources, the seed coverage (`NNN_….txt` raw bodies, titles in sources.json).
 * Passages: the engine's loader, cleaner and `chunkArticle`, aiming at --words words
 * (max 1.5×; 0 = the chunker's defaults). With --paragraphs: blank-line paragraphs merged
 * up to --words words (0 = one paragraph each). Each --set is one scoring configuration.
 * Prints hit@1/3/5/10 and MRR, overall and by language; --misses lists questions not in the top 3.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLexicalIndex, type LexicalIndexOptions } from '../src/engine/search/bm25.js';
import { analyze } from '../src/engine/text/analyze.js';
import { chunkArticle, DEFAULT_CHUNK_OPTIONS } from '../src/engine/text/chunk.js';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { findArticleText } from '../src/engine/corpus/clean.js';
import type { Article } from '../src/engine/types.js';

interface Question {
  id: string;
  lang: string;
  question: string;
  sources?: string[];
  answer_contains?: string[];
  abstain?: boolean;
}

interface Passage {
  id: string;
  articleId: string;
  text: string;
  title: string;
}

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    questions: { type: 'string' },
    'seed-sources': { type: 'boolean', default: false },
    words: { type: 'string', default: '0' },
    set: { type: 'string', multiple: true },
    'cross-lingual': { type: 'string', default: 'on' },
    misses: { type: 'boolean', default: false },
    paragraphs: { type: 'boolean', default: false },
  },
});

if (!values.corpus || !values.questions) {
  console.error('usage: tsx scripts/tune-lexical.ts --corpus DIR --questions FILE [--seed-sources] [--words N,…] [--set k=v,…]');
  process.exit(1);
}

const normalize = (s: string): string => s.toLowerCase().replace(/’/g, "'").replace(/\s+/g, ' ');

function loadArticles(dir: string, seed: boolean): { id: string; title: string; body: string }[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (seed) {
    const meta = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8')) as { articles: { file: string; title: string }[] };
    const titles = new Map(meta.articles.map((a) => [a.file, a.title]));
    return files.map((f) => ({ id: f.replace(/\.txt$/, ''), title: titles.get(f) ?? '', body: readFileSync(join(dir, f), 'utf8') }));
  }
  return files.map((f) => {
    const raw = readFileSync(join(dir, f), 'utf8');
    const [title = '', ...rest] = raw.split('\n');
    return { id: f.replace(/\.txt$/, ''), title: title.trim(), body: rest.join('\n') };
  });
}

function splitPassages(article: { id: string; title: string; body: string }, maxWords: number): Passage[] {
  const paragraphs = article.body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const out: Passage[] = [];
  let current: string[] = [];
  let words = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    out.push({ id: `${article.id}#${out.length}`, articleId: article.id, text: current.join('\n\n'), title: article.title });
    current = [];
    words = 0;
  };
  for (const p of paragraphs) {
    const w = p.split(/\s+/).length;
    if (maxWords > 0 && words > 0 && words + w > maxWords) flush();
    current.push(p);
    words += w;
    if (maxWords <= 0) flush();
  }
  flush();
  return out;
}

/** The engine's own loading, cleaning and chunking; seed titles come from sources.json. */
async function loadEngineArticles(dir: string, seed: boolean): Promise<Article[]> {
  const { articles: loaded } = await loadCorpus(dir);
  if (!seed) return loaded;
  const meta = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8')) as {
    articles: { file: string; title: string; publisher: string | null }[];
  };
  return loaded.map((a) => {
    const m = meta.articles.find((x) => x.file === `${a.id}.txt`);
    if (!m) return a;
    return { ...a, title: m.title, kept: findArticleText(a.text, { title: m.title, publisher: m.publisher }) };
  });
}

function chunkWithEngine(list: Article[], targetWords: number): Passage[] {
  const options = { ...DEFAULT_CHUNK_OPTIONS, ...(targetWords > 0 ? { targetWords, maxWords: Math.round(targetWords * 1.5) } : {}) };
  return list.flatMap((a) => chunkArticle(a, options).map((c) => ({ id: c.id, articleId: a.id, text: c.text, title: a.title })));
}

function parseSet(spec: string): LexicalIndexOptions {
  const out: Record<string, number> = {};
  for (const pair of spec.split(',').filter(Boolean)) {
    const [k, v] = pair.split('=');
    if (k && v !== undefined) out[k.trim()] = Number(v);
  }
  return out as LexicalIndexOptions;
}

const articles = loadArticles(values.corpus, values['seed-sources']);
const questions = readFileSync(values.questions, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Question)
  .filter((q) => !q.abstain && q.sources && q.answer_contains);

const sizes = values.words.split(',').map(Number);
const sets = values.set && values.set.length > 0 ? values.set : [''];
const crossModes = values['cross-lingual'] === 'both' ? [true, false] : [values['cross-lingual'] !== 'off'];

const engineArticles = !values.paragraphs ? await loadEngineArticles(values.corpus, values['seed-sources']) : [];

for (const size of sizes) {
  const passages = !values.paragraphs ? chunkWithEngine(engineArticles, size) : articles.flatMap((a) => splitPassages(a, size));
  const byId = new Map(passages.map((p) => [p.id, p]));
  const avgWords = passages.reduce((s, p) => s + p.text.split(/\s+/).length, 0) / passages.length;
  for (const spec of sets) {
    for (const cross of crossModes) {
      const options = parseSet(spec);
      const setup = cross ? {} : { expandQuery: (q: string) => analyze(q).map((term) => ({ term, weight: 1 })) };
      const started = performance.now();
      const index = createLexicalIndex(
        passages.map((p) => ({ id: p.id, text: p.text, title: p.title })),
        options,
        setup,
      );
      const built = performance.now() - started;
      const stats = new Map<string, { n: number; h1: number; h3: number; h5: number; h10: number; mrr: number }>();
      const searchStart = performance.now();
      for (const q of questions) {
        const hits = index.search(q.question, 10);
        const answers = (q.answer_contains ?? []).map(normalize);
        const rank = hits.findIndex((h) => {
          const p = byId.get(h.id);
          if (!p || !(q.sources ?? []).some((s) => p.articleId.startsWith(s))) return false;
          const text = normalize(p.text);
          return answers.some((a) => text.includes(a));
        });
        for (const key of ['all', q.lang]) {
          const s = stats.get(key) ?? { n: 0, h1: 0, h3: 0, h5: 0, h10: 0, mrr: 0 };
          s.n++;
          if (rank >= 0) {
            if (rank < 1) s.h1++;
            if (rank < 3) s.h3++;
            if (rank < 5) s.h5++;
            s.h10++;
            s.mrr += 1 / (rank + 1);
          }
          stats.set(key, s);
        }
        if (values.misses && (rank < 0 || rank >= 3)) {
          const top = hits.slice(0, 3).map((h) => `${h.id}(${h.score.toFixed(1)})`).join(' ');
          console.log(`  miss[${rank}] ${q.id} ${q.lang} "${q.question}" → want ${q.sources?.join('/')} | got ${top}`);
        }
      }
      const searchMs = (performance.now() - searchStart) / questions.length;
      const row = [...stats.entries()]
        .map(([k, s]) =>
          `${k}(n=${s.n}) h@1 ${(s.h1 / s.n).toFixed(3)} h@3 ${(s.h3 / s.n).toFixed(3)} h@5 ${(s.h5 / s.n).toFixed(3)} h@10 ${(s.h10 / s.n).toFixed(3)} MRR ${(s.mrr / s.n).toFixed(3)}`,
        )
        .join(' | ');
      console.log(
        `words=${size} passages=${passages.length} avgWords=${avgWords.toFixed(0)} set=[${spec}] cross=${cross} build=${built.toFixed(0)}ms search=${searchMs.toFixed(1)}ms\n  ${row}`,
      );
    }
  }
}
