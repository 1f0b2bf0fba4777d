import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { moderatorCommand } from './moderator-command.js';
import { ephemeral, NO_MENTIONS } from '../reply.js';
import { renderStorageProblem } from '../render/storage-problem.js';
import { StorageError } from '../../engine/fs/storage-error.js';

export const moderatorOnly = true;

export const data = moderatorCommand({ name: 'reindex', fr: 'reindexer' }, {
  en: 'Bring the index up to date with the corpus folder (moderators)',
  fr: 'Mettre l’index à jour avec le dossier du corpus (modérateurs)',
});

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  if (ctx.state.reindexing) {
    await interaction.reply(ephemeral(m.reindexBusy));
    return;
  }
  ctx.state.reindexing = true;
  try {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    let report;
    try {
      report = await ctx.ingest.reindex();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      ctx.logger.error({ code: error.code, reason: error.message }, 'reindex failed: storage');
      await interaction.editReply({ content: m.reindexFailed(renderStorageProblem(error, m)), allowedMentions: NO_MENTIONS });
      return;
    }
    ctx.logger.info({ articles: report.articles, chunks: report.chunks, embedded: report.embedded.length, removed: report.removed.length }, 'reindexed');
    const lines = [m.reindexDone(report.articles, report.chunks, report.embedded.length, report.removed.length, report.skipped.length)];
    if (report.warning) {
      ctx.warnings.note(report.warning, 'reindex');
      lines.push(`-# ⚠️ ${m.operatorWarningsNote}`);
    }
    await interaction.editReply({ content: lines.join('\n').slice(0, 2000), allowedMentions: NO_MENTIONS });
  } finally {
    ctx.state.reindexing = false;
  }
}
