import { Events, PermissionFlagsBits, type Interaction } from 'discord.js';
import { commandsByName } from '../commands/index.js';
import type { BotContext } from '../context.js';
import { handleButton } from '../handlers/handle-button.js';
import { ephemeral, replyWithError } from '../reply.js';
import { defineEvent } from './event.js';

export const interactionCreate = defineEvent({
  name: Events.InteractionCreate,
  // A burst of interactions is handled a slice per event-loop turn (see turn-pacer.ts).
  execute: (ctx, interaction) => ctx.pacer.run(() => routeInteraction(interaction, ctx)),
});

/** Sends every interaction to its handler; whatever happens, the interaction gets an answer. */
export async function routeInteraction(interaction: Interaction, ctx: BotContext): Promise<void> {
  if (interaction.isAutocomplete()) {
    const command = commandsByName.get(interaction.commandName);
    try {
      await command?.autocomplete?.(interaction, ctx);
    } catch (error) {
      ctx.logger.error({ err: error, command: interaction.commandName }, 'autocomplete failed');
    }
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    return;
  }
  if (!interaction.isRepliable()) return;
  try {
    if (interaction.isChatInputCommand()) {
      const command = commandsByName.get(interaction.commandName);
      const m = ctx.t(interaction.locale);
      if (!command) {
        await interaction.reply(ephemeral(m.expiredAnswer));
        return;
      }
      if (command.moderatorOnly && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
        ctx.logger.warn({ command: interaction.commandName, user: ctx.store.hashUser(interaction.user.id) }, 'moderator command refused');
        await interaction.reply(ephemeral(m.notModerator));
        return;
      }
      await command.execute(interaction, ctx);
    } else if (interaction.isButton()) {
      await handleButton(interaction, ctx);
    }
  } catch (error) {
    await replyWithError(interaction, error, ctx);
  }
}
