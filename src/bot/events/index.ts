import { clientReady } from './client-ready.js';
import type { BotEvent } from './event.js';
import { interactionCreate } from './interaction-create.js';
import { messageCreate } from './message-create.js';

/** Events the bot listens to; messageCreate only matters when mention answering is on. */
export const events: readonly BotEvent<any>[] = [clientReady, interactionCreate, messageCreate];
