import { Events } from 'discord.js';
import { handleMessage } from '../handlers/handle-message.js';
import { defineEvent } from './event.js';

export const messageCreate = defineEvent({
  name: Events.MessageCreate,
  async execute(ctx, message) {
    try {
      await handleMessage(message, ctx);
    } catch (error) {
      ctx.logger.error({ err: error, message: message.id }, 'failed to handle a message');
    }
  },
});
