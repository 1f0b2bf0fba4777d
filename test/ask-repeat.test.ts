import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import type { Engine, SearchMode } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

// A question asked again (the same page, its next page, another size) reuses what the engine
// worked out for it on the same state of the coverage (its sentence scores; its whole answer when
// both retrievers find what they found then): the answers must be those of an engine meeting the
// question for the first time, and a change to the coverage must show at once. Hybrid asks embed
// the question every time (no query-vector cache), as a new question does.
const QUESTION = 'Combien SoftBank va-t-il investir dans Stargate ?';
const PAGES = [{ k: 5 }, { k: 5, offset: 5 }, { k: 3 }, { k: 5 }];

describe.each<SearchMode>(['lexical', 'hybrid'])('a question asked again (%s)', (mode) => {
  let scratch: Scratch;
  let engine: Engine;
  const config = () => scratch.config({ mode, queryCacheSize: 0 });

  beforeAll(async () => {
    scratch = makeScratch({ seed: true });
    engine = await createEngine(config());
    await engine.reindex();
  });

  afterAll(async () => {
    await engine.dispose();
    scratch.cleanup();
  });

  /** Each page as an engine that never saw the question answers it. */
  async function freshAnswers(question: string, context?: string) {
    const out = [];
    for (const page of PAGES) {
      const fresh = await createEngine(config());
      out.push(await fresh.ask(question, { ...page, ...(context ? { context } : {}) }));
      await fresh.dispose();
    }
    return out;
  }

  it('gets, page after page, the answers an engine meeting it for the first time gives', async () => {
    const again = [];
    for (const page of PAGES) again.push(await engine.ask(QUESTION, page));
    expect(again[0]!.passages.length).toBeGreaterThan(0);
    expect(again[0]!.mode).toBe(mode);
    expect(again).toEqual(await freshAnswers(QUESTION));
    // A follow-up with the question as its context is another question.
    const followUp = await engine.ask('Et avec qui ?', { ...PAGES[0], context: QUESTION });
    expect([followUp]).toEqual((await freshAnswers('Et avec qui ?', QUESTION)).slice(0, 1));
  });

  it('gets an answer of its own: what a caller changes in one answer is not in the next', async () => {
    const first = await engine.ask(QUESTION);
    const expected = structuredClone(first);
    first.warnings.push('added by the caller');
    first.passages.reverse();
    first.disagreements.length = 0;
    expect(await engine.ask(QUESTION)).toEqual(expected);
  });

  it('is answered from the new state of the coverage once an article joined it', async () => {
    const before = await engine.ask(QUESTION);
    scratch.writeArticle('zz_stargate', { title: 'Stargate : SoftBank investira 19 milliards' }, 'SoftBank va investir 19 milliards de dollars dans Stargate, selon son président. Stargate réunit SoftBank, OpenAI et Oracle.');
    await engine.reindex();
    const after = await engine.ask(QUESTION);
    expect(after.passages.map((p) => p.source.id)).toContain('zz_stargate');
    expect(after).not.toEqual(before);
    const again = [];
    for (const page of PAGES) again.push(await engine.ask(QUESTION, page));
    expect(again).toEqual(await freshAnswers(QUESTION));
  });
});
