import type { Engine } from '../engine/types.js';
import { answerMessage } from './ask-question.js';
import type { Translate } from './i18n/index.js';

/** Warm-up questions asked before the bot connects (a few source titles, in each language's rendering). */
export const WARM_UP_QUESTIONS = 6;

/**
 * Runs the whole answer path — search, reranking, composing, rendering — a few times before the bot
 * connects, on questions made of the coverage's own titles, so that members never pay for it. The
 * first answers of a fresh process run code V8 has not compiled yet: at start-up under a burst they
 * held the event loop for 200–300 ms each, several times what a warm answer takes. Nothing is
 * logged or stored; a failure only means the first member's answer is the slow one.
 *
 * @example await warmAnswerPath(engine, translate) // 6 (answers run)
 */
export async function warmAnswerPath(engine: Pick<Engine, 'ask' | 'sources'>, t: Translate): Promise<number> {
  const titles = engine.sources().map((s) => s.title).filter(Boolean);
  let ran = 0;
  for (let i = 0; i < Math.min(WARM_UP_QUESTIONS, titles.length); i++) {
    try {
      const answer = await engine.ask(titles[i]!);
      answerMessage(answer, 0, 0, t(i % 2 === 0 ? 'fr' : 'en-US'));
      ran++;
    } catch {
      return ran;
    }
  }
  return ran;
}
