import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { isIngestError, type IngestInput } from '../../engine/ingest/index.js';
import type { BotContext } from '../context.js';
import { moderatorCommand } from './moderator-command.js';
import { downloadAttachment } from '../download-attachment.js';
import { localized } from '../i18n/index.js';
import { renderIngestRefusal, renderIngestResult } from '../render/coverage-change.js';
import { renderStorageProblem } from '../render/storage-problem.js';
import { StorageError } from '../../engine/fs/storage-error.js';
import { ephemeral, NO_MENTIONS } from '../reply.js';
import { coverageActor } from './coverage-actor.js';

export const moderatorOnly = true;

export const data = moderatorCommand({ name: 'ingest', fr: 'ajouter' }, {
  en: 'Add an article to the coverage from a web page or a file (moderators)',
  fr: 'Ajouter un article à la couverture depuis une page web ou un fichier (modérateurs)',
})
  .addStringOption((o) =>
    o
      .setName('url')
      .setDescription('Address of the article (http or https)')
      .setDescriptionLocalizations(localized('Adresse de l’article (http ou https)', 'Address of the article (http or https)'))
      .setMaxLength(2048),
  )
  .addAttachmentOption((o) =>
    o
      .setName('file')
      .setNameLocalizations({ fr: 'fichier' })
      .setDescription('HTML, Markdown, plain text or PDF file')
      .setDescriptionLocalizations(localized('Fichier HTML, Markdown, texte ou PDF', 'HTML, Markdown, plain text or PDF file')),
  )
  .addBooleanOption((o) =>
    o
      .setName('replace')
      .setNameLocalizations({ fr: 'remplacer' })
      .setDescription('Replace an article of the coverage that came from another source (logged)')
      .setDescriptionLocalizations(
        localized(
          'Remplacer un article de la couverture venu d’une autre source (journalisé)',
          'Replace an article of the coverage that came from another source (logged)',
        ),
      ),
  );

/**
 * Adds one article and edits the deferred (private) reply with the result. Refusals (forbidden
 * address, not a document, too large…) are shown as the ingest code words them and logged with
 * who asked; anything else goes to the router's apology with a reference id.
 */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  const url = interaction.options.getString('url')?.trim() || null;
  const file = interaction.options.getAttachment('file');
  if (Boolean(url) === Boolean(file)) {
    await interaction.reply(ephemeral(m.ingestOneInput));
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const actor = coverageActor(interaction, ctx);
  // Edits go out one after the other, so a late "queued" note never overwrites the result.
  let edits: Promise<unknown> = Promise.resolve();
  const edit = (content: string) => {
    edits = edits.then(() => interaction.editReply({ content, allowedMentions: NO_MENTIONS })).catch(() => undefined);
    return edits;
  };
  let queued = false;
  try {
    const replace = interaction.options.getBoolean('replace') === true;
    const input: IngestInput = file
      ? { file: await downloadAttachment(file, ctx.config.ingestAllowHosts), replace }
      : { url: url!, replace };
    const result = await ctx.ingest.ingest(input, {
      actor,
      onProgress: (p) => {
        // Behind another process's index update (a CLI ingest, a long rebuild): say so meanwhile.
        if (p.step === 'index' && p.progress.phase === 'wait' && !queued) {
          queued = true;
          void edit(m.ingestQueued);
        }
      },
    });
    if (result.status === 'duplicate') {
      ctx.logger.info({ actor, id: result.id, matchedBy: result.matchedBy }, 'ingest: already in the coverage');
    }
    if (result.indexError) {
      ctx.logger.error({ actor, id: result.id, reason: result.indexError.message }, 'ingest: article added, index update failed');
    }
    await edit(renderIngestResult(result, m));
  } catch (error) {
    if (error instanceof StorageError) {
      ctx.logger.error({ actor, code: error.code, reason: error.message }, 'ingest failed: storage');
      await edit(m.ingestRefused(renderStorageProblem(error, m)));
      return;
    }
    if (!isIngestError(error)) throw error;
    ctx.logger.warn({ actor, code: error.code, reason: error.message, file: file?.name }, 'ingest refused');
    await edit(m.ingestRefused(renderIngestRefusal(error, m)));
  }
}
