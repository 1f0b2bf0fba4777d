import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { BotContext } from './context.js';
import { events } from './events/index.js';
import { fatalCloseMessage } from './gateway-close.js';
import { NO_MENTIONS } from './reply.js';

/** Only the intents the bot uses; message content only when it answers mentions and thread follow-ups. */
export function intentsFor(answerMentions: boolean): GatewayIntentBits[] {
  return answerMentions
    ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : [GatewayIntentBits.Guilds];
}

export interface Bot {
  client: Client;
  /** Logs in and resolves once the gateway is ready. */
  start(): Promise<void>;
  /** Declines new questions, waits for the ones in flight, then disconnects. */
  stop(): Promise<void>;
  /**
   * Called once when Discord closes the gateway for good (bad token, disallowed intents…):
   * discord.js will not reconnect, so the process must stop. `message` names cause and fix.
   */
  onFatal(listener: (message: string, code: number) => void): void;
}

export function createBot(ctx: BotContext): Bot {
  const client = new Client({
    intents: intentsFor(ctx.config.answerMentions),
    allowedMentions: NO_MENTIONS,
    // Discord's own REST base unless a proxy or a test server is configured; the gateway url follows from it.
    ...(ctx.config.apiUrl ? { rest: { api: ctx.config.apiUrl } } : {}),
  });
  // Handlers still running, so shutdown can let every started answer reach Discord.
  const inFlight = new Set<Promise<unknown>>();
  for (const event of events) {
    if (event.name === Events.MessageCreate && !ctx.config.answerMentions) continue;
    const listener = (...args: unknown[]) => {
      const run: Promise<unknown> = Promise.resolve()
        .then(() => (event.execute as (...a: unknown[]) => unknown)(ctx, ...args))
        .catch((error: unknown) => ctx.logger.error({ err: error, event: event.name }, 'event handler failed'))
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    };
    if (event.once) client.once(event.name, listener);
    else client.on(event.name, listener);
  }
  const fatalListeners: ((message: string, code: number) => void)[] = [];
  // discord.js emits ShardDisconnect only for the close codes after which it will not reconnect.
  client.on(Events.ShardDisconnect, (event) => {
    for (const listener of fatalListeners.splice(0)) listener(fatalCloseMessage(event.code), event.code);
  });
  client.on(Events.Error, (error) => ctx.logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => ctx.logger.warn({ message }, 'discord client warning'));

  return {
    client,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(ctx.config.token);
      await ready;
    },
    async stop() {
      ctx.state.shuttingDown = true;
      await ctx.queue.drained();
      await Promise.allSettled([...inFlight]);
      await client.destroy();
    },
    onFatal(listener) {
      fatalListeners.push(listener);
    },
  };
}
