import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { APIEmbed } from 'discord.js';
import type { Answer } from '../engine/types.js';
import type { BotContext } from './context.js';
import { renderAnswer } from './render/answer-embeds.js';
import { answerButtons, type ButtonRow } from './render/components.js';
import type { AskVia } from './store/store.js';

/**
 * The one path from a question to a Discord message, shared by /ask, mentions, thread
 * follow-ups and "more passages": admission (shutdown, rate limit, queue), engine, question log, rendering.
 */

export interface AskRequest {
  question: string;
  /** Previous question of the conversation, for follow-ups. */
  context: string | null;
  /** Passages to skip ("more passages"); such asks reuse `questionId` and are not logged again. */
  offset: number;
  questionId: number | null;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  via: AskVia;
  locale: string | null;
}

export interface AnswerMessage {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
}

export interface AskOutcome {
  answer: Answer;
  message: AnswerMessage;
  questionId: number;
}

/**
 * Whether a member's question can be taken now, decided before anything is sent to Discord (the
 * rate limit is one round trip to the bot's database — under a millisecond on SQLite, where it
 * runs synchronously; a few on PostgreSQL — and the queue a counter), so the handler's first
 * network call to Discord is the acknowledgement either way: the refusal itself, or a defer/typing
 * followed by `ask`. Engine work starts only in `ask`.
 */
export type Admission =
  | { ok: true; ask(req: AskRequest): Promise<AskOutcome>; release(): void }
  | { ok: false; reason: string };

export async function admit(ctx: BotContext, userId: string, locale: string | null): Promise<Admission> {
  const m = ctx.t(locale);
  if (ctx.state.shuttingDown) return { ok: false, reason: m.shuttingDown };
  const slot = await ctx.limiter.take(userId);
  if (!slot.ok) return { ok: false, reason: m.rateLimited(Math.max(1, Math.ceil(slot.retryAfterMs / 1000))) };
  const place = ctx.queue.reserve();
  if (!place) return { ok: false, reason: m.busy };
  return {
    ok: true,
    release: () => place.release(),
    async ask(req) {
      const started = performance.now();
      const answer = await place.run(async () => {
        // Each answer starts on a fresh turn of the event loop. Otherwise, when a question needs
        // no thread (its vector is cached), p-queue starts the next one inside the same microtask
        // run: a burst of answers then runs back to back while acknowledgements wait (1.7 s measured).
        await yieldToEventLoop();
        return ctx.engine.ask(req.question, {
          offset: req.offset,
          ...(req.context ? { context: req.context } : {}),
        });
      });
      return finish(ctx, req, answer, performance.now() - started);
    },
  };
}

async function finish(ctx: BotContext, req: AskRequest, answer: Answer, latencyMs: number): Promise<AskOutcome> {
  for (const warning of answer.warnings) ctx.warnings.note(warning, 'answer');
  const questionId =
    req.questionId ??
    (await ctx.store.logQuestion({
      guildId: req.guildId,
      channelId: req.channelId,
      userId: req.userId,
      question: req.question,
      context: req.context,
      via: req.via,
      abstained: answer.abstained,
      passageIds: answer.passages.map((p) => p.chunkId),
      sourceIds: [...new Set(answer.passages.map((p) => p.source.id))],
      latencyMs,
    }));
  ctx.logger.info(
    { questionId, via: req.via, offset: req.offset, abstained: answer.abstained, passages: answer.passages.length, ms: Math.round(latencyMs) },
    'answered',
  );
  return { answer, questionId, message: answerMessage(answer, questionId, req.offset, ctx.t(req.locale)) };
}

export function answerMessage(answer: Answer, questionId: number, offset: number, m: ReturnType<BotContext['t']>): AnswerMessage {
  const rendered = renderAnswer(answer, m);
  const shown = answer.abstained ? 0 : answer.passages.length;
  const nextOffset = answer.hasMore && shown > 0 ? offset + shown : null;
  return { ...rendered, components: answerButtons(questionId, nextOffset, shown > 0, m) };
}
