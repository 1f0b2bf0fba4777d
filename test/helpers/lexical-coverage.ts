import { afterAll, beforeAll } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, SourceMeta } from '../../src/engine/types.js';
import { makeScratch, type Scratch } from './coverage.js';

/** One article of a small coverage written for a test: its id, what is known of its source, its body. */
export type ArticleSpec = [id: string, meta: Partial<Omit<SourceMeta, 'id'>>, body: string];

/**
 * A lexical engine over a scratch coverage of `articles` (and nothing else), indexed before the
 * calling `describe` block's tests and disposed after them. Read `.engine` inside the tests.
 */
export function lexicalCoverage(articles: readonly ArticleSpec[]): { readonly engine: Engine; readonly scratch: Scratch } {
  let scratch: Scratch | undefined;
  let engine: Engine | undefined;
  beforeAll(async () => {
    scratch = makeScratch();
    for (const [id, meta, body] of articles) scratch.writeArticle(id, meta, body);
    engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
  });
  afterAll(async () => {
    await engine?.dispose();
    scratch?.cleanup();
  });
  return {
    get engine() {
      return engine!;
    },
    get scratch() {
      return scratch!;
    },
  };
}
