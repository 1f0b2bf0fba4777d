import { join } from 'node:path';
import type { FakeDiscord } from '../fake-discord/server.js';
import type { Scratch } from './coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './tiny-model.js';

/**
 * The environment an operator gives the bot (README: Configure), pointed at a fake Discord and a
 * scratch coverage on the tiny model. `guild: false` leaves DISCORD_GUILD_ID out (global commands,
 * as a sharded bot in many guilds runs).
 */
export function botEnv(fake: FakeDiscord, scratch: Scratch, extra: Record<string, string> = {}, options: { guild?: boolean } = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.world.applicationId,
    ...(options.guild === false ? {} : { DISCORD_GUILD_ID: fake.world.guildId }),
    DISCORD_API_URL: fake.apiUrl,
    DATA_DIR: join(scratch.root, 'data'),
    CORPUS_DIR: scratch.corpusDir,
    INDEX_DIR: scratch.indexDir,
    MODEL: TINY_MODEL_ID,
    MODEL_DIR: TINY_MODEL_DIR,
    LOG_LEVEL: 'info',
    ...extra,
  };
}
