import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { renderStats } from '../render/stats-embed.js';
import { NO_MENTIONS } from '../reply.js';

export const moderatorOnly = true;

export const data = new SlashCommandBuilder()
  .setName('stats')
  .setDescription('Questions asked, answered vs abstained, feedback, coverage gaps (moderators)')
  .setDescriptionLocalizations(
    localized('Questions posées, réponses et abstentions, avis, manques de la couverture (modérateurs)', 'Questions asked, answered vs abstained, feedback, coverage gaps (moderators)'),
  )
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const stats = ctx.store.stats(interaction.guildId);
  await interaction.reply({
    embeds: [renderStats(stats, ctx.t(interaction.locale), interaction.locale)],
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}
