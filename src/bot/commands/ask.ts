import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { admit } from '../ask-question.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { decidedWithin } from '../limits/decided-within.js';
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
 * Longest wait for admission before acknowledging anyway. On SQLite admission is decided at once;
 * on PostgreSQL it is a database round trip, which a burst of 200 questions through a few pooled
 * connections stretched to 0.5 s and more (p95 550 ms measured): past this, the bot defers first.
 */
export const ADMISSION_WAIT_MS = 250;

/**
 * Acknowledges first: admission is decided before anything is sent when it can be (then the first
 * call to Discord is the private refusal or the public defer); when the database is slow to decide,
 * the defer goes first, and a refusal then replaces it with a private message. The engine starts
 * after the defer.
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
  const admitting = admit(ctx, interaction.user.id, interaction.locale);
  const early = await decidedWithin(admitting, ADMISSION_WAIT_MS);
  if (early.decided && !early.value.ok) {
    await interaction.reply(ephemeral(early.value.reason));
    return;
  }
  try {
    await interaction.deferReply();
  } catch (error) {
    void admitting.then((a) => a.ok && a.release(), () => undefined);
    throw error;
  }
  const admission = early.decided ? early.value : await admitting;
  if (!admission.ok) {
    // Decided after the defer: the public "thinking…" goes, the refusal is shown to the member alone.
    await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp(ephemeral(admission.reason));
    return;
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
