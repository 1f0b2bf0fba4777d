import {
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { isIngestError } from '../../engine/ingest/index.js';
import type { BotContext } from '../context.js';
import { moderatorCommand } from './moderator-command.js';
import { renderIngestRefusal, renderRemoval } from '../render/coverage-change.js';
import { renderStorageProblem } from '../render/storage-problem.js';
import { StorageError } from '../../engine/fs/storage-error.js';
import { NO_MENTIONS } from '../reply.js';
import { coverageActor } from './coverage-actor.js';
import { articleOption, autocomplete as autocompleteTitles, matchSources } from './source.js';

export const moderatorOnly = true;

export const data = moderatorCommand({ name: 'remove', fr: 'retirer' }, {
  en: 'Take an article out of the coverage (moderators)',
  fr: 'Retirer un article de la couverture (modérateurs)',
})
  .addStringOption(articleOption);

/** Same choices as /source: titles matching what is typed, at most 25, value = article id. */
export const autocomplete: (interaction: AutocompleteInteraction, ctx: BotContext) => Promise<void> = autocompleteTitles;

/**
 * Removes the article picked from autocomplete (its id). Free text is accepted only when it
 * names exactly one article, so a half-typed title matching several never removes a guess.
 */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  const typed = interaction.options.getString('article', true).trim();
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const actor = coverageActor(interaction, ctx);
  const matches = ctx.engine.source(typed) ? [] : matchSources(ctx.engine.sources(), typed);
  const id = matches.length === 1 ? matches[0]!.id : typed;
  try {
    const { source } = await ctx.ingest.remove(id, { actor });
    await interaction.editReply({ content: renderRemoval(source, m), allowedMentions: NO_MENTIONS });
  } catch (error) {
    if (error instanceof StorageError) {
      ctx.logger.error({ actor, code: error.code, reason: error.message }, 'remove failed: storage');
      await interaction.editReply({ content: m.removeRefused(renderStorageProblem(error, m)), allowedMentions: NO_MENTIONS });
      return;
    }
    if (!isIngestError(error)) throw error;
    ctx.logger.warn({ actor, code: error.code, reason: error.message }, 'remove refused');
    await interaction.editReply({ content: m.removeRefused(renderIngestRefusal(error, m)), allowedMentions: NO_MENTIONS });
  }
}
