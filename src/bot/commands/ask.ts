import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { admit } from '../ask-question.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { validateQuestion } from '../../engine/question.js';
import { describeError, ephemeral, NO_MENTIONS } from '../reply.js';

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

/**
 * Acknowledges first: admission is decided before anything is sent, then the first call to Discord is the
 * acknowledgement (the private refusal, or the public defer); the engine starts after the defer.
 */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const question = interaction.options.getString('question', true);
  // A question the engine would refuse (blank, no words) is refused privately, before anything
  // public appears; the check is a few string operations.
  try {
    validateQuestion(question);
  } catch (error) {
    await interaction.reply(ephemeral(describeError(error, ctx, interaction.locale, { interaction: interaction.id })));
    return;
  }
  const admission = await admit(ctx, interaction.user.id, interaction.locale);
  if (!admission.ok) {
    await interaction.reply(ephemeral(admission.reason));
    return;
  }
  try {
    await interaction.deferReply();
  } catch (error) {
    admission.release();
    throw error;
  }
  const { message } = await admission.ask({
    question,
    context: null,
    offset: 0,
    questionId: null,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    via: 'slash',
    locale: interaction.locale,
  });
  await interaction.editReply({ ...message, allowedMentions: NO_MENTIONS });
}
