import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArticleFile } from '../src/engine/corpus/article-file.js';
import { factsOf } from '../src/engine/corpus/corpus-file-facts.js';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { prepareArticle } from '../src/engine/index/prepare-article.js';
import { runArticleJob } from '../src/engine/ingest/article-jobs.js';
import { runOffThread, startArticleWorker } from '../src/engine/ingest/article-pipeline.js';
import { chunkArticle } from '../src/engine/text/chunk.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

// Real worker thread, real corpus files (the seed coverage).
let scratch: Scratch | null = null;
afterEach(() => {
  scratch?.cleanup();
  scratch = null;
});

const SEED = ['000_dcb9b5e2e5327193', '004_b2dec3012c4769dc'];

describe('the article worker', () => {
  it('reads, chunks and analyses named articles as the calling thread does', async () => {
    scratch = makeScratch({ seed: true });
    const names = SEED.map((id) => `${id}.md`);
    // The cache trusts only files left alone for 2 s (corpus-cache.ts): the copies settle first.
    await new Promise((settled) => setTimeout(settled, 2100));
    const off = await runOffThread({ kind: 'load', corpusDir: scratch.corpusDir, names, only: SEED, remembers: true });
    const here = await loadCorpus(scratch.corpusDir, { only: new Set(SEED), names });

    expect(off.corpus).toEqual(here);
    expect(off.prepared).toEqual(here.articles.map(prepareArticle));
    expect(off.prepared.every((a) => a.passages.length > 0 && a.passages.every((p) => p.terms.terms.length > 0 && p.vector === null))).toBe(true);
    // Rows for the corpus cache the caller owns: each file's facts, as a read of it gives them.
    expect(off.remembered.map((r) => r.name)).toEqual(names);
    expect(off.remembered[0]!.facts).toEqual(factsOf(parseArticleFile(readFileSync(join(scratch.corpusDir, names[0]!), 'utf8'), '.md')));
  });

  it('writes an article file and reads it back as the loader will; counts its passages as the index cuts them', async () => {
    scratch = makeScratch({ seed: true });
    const meta = { title: 'Le chantier du Texas', publisher: 'Le Quotidien du Test', url: 'https://quotidien.example/texas', date: '2025-01-22', language: 'fr' };
    const file = await runOffThread({ kind: 'file', meta, body: 'Le maire Weldon Hurt annonce 1 500 emplois sur le chantier.\n' });
    expect(file.facts).toEqual(factsOf(parseArticleFile(file.content, '.md')));
    expect(file.facts.meta).toMatchObject(meta);

    const id = SEED[1]!;
    const [article] = (await loadCorpus(scratch.corpusDir, { only: new Set([id]) })).articles;
    expect(await runOffThread({ kind: 'count', corpusDir: scratch.corpusDir, id })).toBe(chunkArticle(article!).length);
    expect(await runOffThread({ kind: 'count', corpusDir: scratch.corpusDir, id: 'absent' })).toBe(0);
  });

  it('takes its jobs back to the calling thread when it stops, and a later job starts a new one', async () => {
    scratch = makeScratch({ seed: true });
    const job = { kind: 'count', corpusDir: scratch.corpusDir, id: SEED[0]! } as const;
    const expected = await runArticleJob(job);
    const thread = startArticleWorker()!;
    const running = runOffThread(job);
    await thread.stop();
    expect(await running).toBe(expected);

    expect(startArticleWorker()).not.toBe(thread);
    expect(await runOffThread(job)).toBe(expected);
  });
});
