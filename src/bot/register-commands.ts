import { REST, Routes } from 'discord.js';
import type { BotConfig } from './config.js';
import { commands } from './commands/index.js';

/**
 * Registers every slash command: to one guild when DISCORD_GUILD_ID is set (instant, for
 * development), globally otherwise. Replaces the whole set, so removed commands disappear.
 */
export async function registerCommands(config: Readonly<BotConfig>): Promise<{ count: number; scope: string }> {
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  const body = commands.map((c) => c.data.toJSON());
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  const saved = (await rest.put(route, { body })) as unknown[];
  return { count: saved.length, scope: config.guildId ? `guild ${config.guildId}` : 'global' };
}
