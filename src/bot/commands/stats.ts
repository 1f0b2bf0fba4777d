import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { moderatorCommand } from './moderator-command.js';
import { renderStats } from '../render/stats-embed.js';
import { NO_MENTIONS } from '../reply.js';

export const moderatorOnly = true;

export const data = moderatorCommand({ name: 'stats' }, {
  en: 'Questions asked, answered vs abstained, feedback, coverage gaps (moderators)',
  fr: 'Questions posées, réponses et abstentions, avis, manques de la couverture (modérateurs)',
});

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const stats = await ctx.store.stats(interaction.guildId);
  const health = { loop: ctx.loop.recent(), running: ctx.queue.running, waiting: ctx.queue.waiting, warnings: ctx.warnings.list() };
  await interaction.reply({
    embeds: [renderStats(stats, ctx.t(interaction.locale), interaction.locale, health)],
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}
