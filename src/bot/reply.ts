import { randomBytes } from 'node:crypto';
import {
  MessageFlags,
  type InteractionReplyOptions,
  type MessageMentionOptions,
  type RepliableInteraction,
} from 'discord.js';
import { EngineError, type QuestionProblem } from '../engine/errors.js';
import type { BotContext } from './context.js';

/** No reply of this bot may ping anyone, whatever the question or the sources contain. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

export function ephemeral(content: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  return { content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS };
}

/** A short reference people can quote to a moderator, matching the logged error. */
export function errorReference(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The one place errors reach people. A refused question says why (engine messages are safe to show);
 * anything else is logged in full and shown as a short apology with a reference id.
 */
export function describeError(error: unknown, ctx: BotContext, locale: string | null, details: object): string {
  const m = ctx.t(locale);
  if (error instanceof EngineError && error.code === 'BAD_QUESTION') {
    const [problem, length, limit] = error.params as [QuestionProblem, number?, number?];
    return m.badQuestion(m.questionProblems[problem](length ?? 0, limit ?? 0));
  }
  const ref = errorReference();
  ctx.logger.error({ err: error, ref, ...details }, 'failed to answer');
  return m.apology(ref);
}

/** Answers an interaction that failed, whatever state it is in; never throws. */
export async function replyWithError(interaction: RepliableInteraction, error: unknown, ctx: BotContext): Promise<void> {
  const content = describeError(error, ctx, interaction.locale, {
    interaction: interaction.id,
    command: interaction.isCommand() ? interaction.commandName : undefined,
  });
  try {
    if (interaction.deferred || interaction.replied) {
      await interaction.editReply({ content, embeds: [], components: [], allowedMentions: NO_MENTIONS });
    } else {
      await interaction.reply(ephemeral(content));
    }
  } catch (sendError) {
    ctx.logger.error({ err: sendError, interaction: interaction.id }, 'could not deliver the error reply');
  }
}
