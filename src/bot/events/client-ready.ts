import { Events } from 'discord.js';
import { defineEvent } from './event.js';

export const clientReady = defineEvent({
  name: Events.ClientReady,
  once: true,
  execute(ctx, client) {
    ctx.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  },
});
