import type { APIEmbed } from 'discord.js';
import type { Answer } from '../engine/types.js';
import type { BotContext } from './context.js';
import { renderAnswer } from './render/answer-embeds.js';
import { answerButtons, type ButtonRow } from './render/components.js';
import type { AskVia } from './store/store.js';

/**
 * The one path from a question to a Discord message, shared by /ask, mentions, thread
 * follow-ups and "more passages": admission (rate limit, queue), engine, question log, rendering.
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

export class QueueFullError extends Error {
  constructor() {
    super('answer queue is full');
    this.name = 'QueueFullError';
  }
}

export interface AskOutcome {
  answer: Answer;
  message: AnswerMessage;
  questionId: number;
}

/** Why a member's question cannot be taken now (shutting down, over the rate limit), or null. */
export function refusal(ctx: BotContext, userId: string, locale: string | null): string | null {
  const m = ctx.t(locale);
  if (ctx.state.shuttingDown) return m.shuttingDown;
  const slot = ctx.limiter.take(userId);
  if (!slot.ok) return m.rateLimited(Math.max(1, Math.ceil(slot.retryAfterMs / 1000)));
  return null;
}

/**
 * Puts the question in the answer queue at once, so a full queue is known before the
 * interaction is deferred (and the refusal can still be ephemeral). Null when the queue is full.
 * The returned promise is awaited later by the caller; its rejection is never left unhandled.
 */
export function startAsk(ctx: BotContext, req: AskRequest): Promise<AskOutcome> | null {
  const started = performance.now();
  const run = ctx.queue.tryAdd(() =>
    ctx.engine.ask(req.question, {
      offset: req.offset,
      ...(req.context ? { context: req.context } : {}),
    }),
  );
  if (!run) return null;
  const outcome = run.then((answer) => finish(ctx, req, answer, performance.now() - started));
  outcome.catch(() => undefined);
  return outcome;
}

/** `startAsk`, throwing QueueFullError when the queue is full. */
export function askQuestion(ctx: BotContext, req: AskRequest): Promise<AskOutcome> {
  return startAsk(ctx, req) ?? Promise.reject(new QueueFullError());
}

function finish(ctx: BotContext, req: AskRequest, answer: Answer, latencyMs: number): AskOutcome {
  const questionId =
    req.questionId ??
    ctx.store.logQuestion({
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
    });
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
