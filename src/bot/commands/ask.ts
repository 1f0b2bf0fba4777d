import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { refusal, startAsk } from '../ask-question.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { ephemeral, NO_MENTIONS } from '../reply.js';

export const data = new SlashCommandBuilder()
  .setName('ask')
  .setNameLocalizations({ fr: 'demander' })
  .setDescription('Ask a question about the news coverage')
  .setDescriptionLocalizations(localized('Poser une question sur la couverture de l’actualité', 'Ask a question about the news coverage'))
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName('question')
      .setDescription('Your question, in French or English')
      .setDescriptionLocalizations(localized('Votre question, en français ou en anglais', 'Your question, in French or English'))
      .setRequired(true)
      .setMaxLength(500),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  // Admission (rate limit, queue) is synchronous and answers ephemerally, so it comes before the (public) defer.
  const refused = refusal(ctx, interaction.user.id, interaction.locale);
  if (refused) {
    await interaction.reply(ephemeral(refused));
    return;
  }
  const pending = startAsk(ctx, {
    question: interaction.options.getString('question', true),
    context: null,
    offset: 0,
    questionId: null,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    via: 'slash',
    locale: interaction.locale,
  });
  if (!pending) {
    await interaction.reply(ephemeral(ctx.t(interaction.locale).busy));
    return;
  }
  await interaction.deferReply();
  const { message } = await pending;
  await interaction.editReply({ ...message, allowedMentions: NO_MENTIONS });
}
