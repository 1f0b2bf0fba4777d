import type { Interaction } from 'discord.js';
import type { BotContext } from '../context.js';

/**
 * Who changed the coverage, for the audit log: the member's salted hash, as every other bot
 * log line names users (compare with `store.hashUser(id)` to find a moderator), and the server.
 */
export function coverageActor(interaction: Interaction, ctx: BotContext): string {
  return `discord:${interaction.guildId ?? 'dm'}:${ctx.store.hashUser(interaction.user.id)}`;
}
