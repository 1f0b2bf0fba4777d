import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../src/bot/i18n/index.js';
import { warmAnswerPath, WARM_UP_QUESTIONS } from '../src/bot/warm-answer-path.js';
import { createEngine } from '../src/engine/engine.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

describe('warming the answer path before the bot connects', () => {
  let scratch: Scratch;
  let engine: Engine;
  beforeAll(async () => {
    scratch = makeScratch();
    for (let i = 0; i < WARM_UP_QUESTIONS + 2; i++) {
      scratch.writeArticle(`60${i}_conseil`, { title: `Le conseil municipal vote le budget ${i}` }, `Le conseil municipal a voté le budget ${i} mardi soir. Les écoles recevront ${i + 2} millions d’euros.`);
    }
    engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
  });
  afterAll(async () => {
    await engine?.dispose();
    scratch?.cleanup();
  });

  it('answers and renders a few of the coverage’s own titles', async () => {
    expect(await warmAnswerPath(engine, translate)).toBe(WARM_UP_QUESTIONS);
  });
});
