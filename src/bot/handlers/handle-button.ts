import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { SourceMeta } from '../../engine/types.js';
import { admit } from '../ask-question.js';
import type { BotContext } from '../context.js';
import { renderAnswerSources, renderCoverage } from '../render/coverage.js';
import { parseCustomId } from '../render/custom-id.js';
import { ephemeral, NO_MENTIONS } from '../reply.js';

/** Buttons under answers and the coverage list. Everything beyond the id is read from the store. */
export async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  const action = parseCustomId(interaction.customId);
  if (!action) {
    await interaction.reply(ephemeral(m.expiredAnswer));
    return;
  }
  if (action.kind === 'coverage') {
    await interaction.update({ ...renderCoverage(ctx.engine.sources(), action.page, m), allowedMentions: NO_MENTIONS });
    return;
  }
  const logged = await ctx.store.getQuestion(action.questionId);
  if (!logged) {
    await interaction.reply(ephemeral(m.expiredAnswer));
    return;
  }
  switch (action.kind) {
    case 'vote': {
      await ctx.store.recordFeedback(logged.id, interaction.user.id, action.vote);
      await interaction.reply(ephemeral(m.feedbackThanks));
      return;
    }
    case 'sources': {
      const sources = logged.sourceIds.map((id) => ctx.engine.source(id)).filter((s): s is SourceMeta => s !== undefined);
      await interaction.reply({ embeds: [renderAnswerSources(sources, m)], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    case 'more': {
      const admission = await admit(ctx, interaction.user.id, interaction.locale);
      if (!admission.ok) {
        await interaction.reply(ephemeral(admission.reason));
        return;
      }
      try {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      } catch (error) {
        admission.release();
        throw error;
      }
      const { answer, message } = await admission.ask({
        question: logged.question,
        context: logged.context,
        offset: action.offset,
        questionId: logged.id,
        userId: interaction.user.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        via: 'slash',
        locale: interaction.locale,
      });
      if (answer.passages.length === 0) {
        await interaction.editReply({ content: m.noMorePassages, allowedMentions: NO_MENTIONS });
        return;
      }
      await interaction.editReply({ ...message, allowedMentions: NO_MENTIONS });
    }
  }
}
