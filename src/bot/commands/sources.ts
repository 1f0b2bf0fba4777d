import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { renderCoverage } from '../render/coverage.js';
import { NO_MENTIONS } from '../reply.js';

export const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('List the articles the bot can answer from')
  .setDescriptionLocalizations(localized('Lister les articles dont le bot peut citer des passages', 'List the articles the bot can answer from'))
  .setContexts(InteractionContextType.Guild)
  .addIntegerOption((o) =>
    o
      .setName('page')
      .setDescription('Page number')
      .setDescriptionLocalizations(localized('Numéro de page', 'Page number'))
      .setMinValue(1),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const page = interaction.options.getInteger('page') ?? 1;
  const rendered = renderCoverage(ctx.engine.sources(), page, ctx.t(interaction.locale));
  await interaction.reply({ ...rendered, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
