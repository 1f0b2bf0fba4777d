import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createBot, type Bot } from '../../src/bot/client.js';
import { loadBotConfig } from '../../src/bot/config.js';
import type { BotContext } from '../../src/bot/context.js';
import { createCoverageIngest } from '../../src/bot/coverage-ingest.js';
import { translate } from '../../src/bot/i18n/index.js';
import { createAnswerQueue } from '../../src/bot/limits/answer-queue.js';
import { createTurnPacer } from '../../src/bot/limits/turn-pacer.js';
import { createRateLimiter } from '../../src/bot/limits/rate-limiter.js';
import { startLoopMonitor } from '../../src/bot/health/loop-monitor.js';
import { createLogger } from '../../src/bot/logger.js';
import { createOperatorWarnings } from '../../src/bot/operator-warnings.js';
import { openStore } from '../../src/bot/store/store.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, EngineConfig } from '../../src/engine/types.js';
import { makeScratch, type Scratch } from '../helpers/coverage.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './server.js';

/**
 * The real bot (real discord.js Client, real engine on the tiny model, real SQLite store)
 * connected to the fake Discord, in the test process.
 */
export interface BotHarness {
  fake: FakeDiscord;
  bot: Bot;
  ctx: BotContext;
  engine: Engine;
  scratch: Scratch;
  /** Parsed JSON log lines the bot wrote. */
  logs: Record<string, any>[];
  /** Raw log text, to check nothing secret was written. */
  logText(): string;
  /** The final message of an interaction: the body of its last PATCH @original (or the callback's data). */
  finalReply(interaction: Record<string, any>, timeoutMs?: number): Promise<RecordedRequest>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  engine?: Partial<EngineConfig>;
  /** Skip building the index (to test an engine that fails). */
  skipIndex?: boolean;
  /** Shared scratch coverage, so several harnesses reuse one built index. */
  scratch?: Scratch;
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const fake = await startFakeDiscord();
  const ownScratch = !options.scratch;
  const scratch = options.scratch ?? makeScratch({ seed: true });
  const engineConfig = scratch.config(options.engine);
  const engine = await createEngine(engineConfig);
  if (!options.skipIndex && engine.sources().length === 0) await engine.reindex();

  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadBotConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.world.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    DATA_DIR: join(scratch.root, `data-${Math.random().toString(36).slice(2)}`),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, salt: config.userHashSalt });
  const logger = createLogger(config.logLevel, sink);
  const ctx: BotContext = {
    engine,
    ingest: createCoverageIngest(engine, { corpusDir: engineConfig.corpusDir, indexDir: engineConfig.indexDir, allowHosts: config.ingestAllowHosts, logger }),
    store,
    config,
    t: translate,
    logger,
    limiter: createRateLimiter(store, config.rateLimit),
    queue: createAnswerQueue({ concurrency: config.maxConcurrentAnswers, maxQueued: config.maxQueuedAnswers }),
    pacer: createTurnPacer(),
    loop: startLoopMonitor({ logger, windowMs: config.healthWindowSeconds * 1000 }),
    warnings: createOperatorWarnings(logger),
    state: { shuttingDown: false, reindexing: false },
  };
  const bot = createBot(ctx);
  await bot.start();

  return {
    fake,
    bot,
    ctx,
    engine,
    scratch,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, any>);
    },
    logText: () => lines.join('\n'),
    async finalReply(interaction, timeoutMs = 30_000) {
      const token = interaction.token as string;
      return fake.waitForRequest(
        (r) =>
          (r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`)) ||
          (r.method === 'POST' && r.path.includes(`/${token}/callback`) && [4, 7].includes(r.body?.type)),
        timeoutMs,
      );
    },
    async stop() {
      ctx.loop.stop();
      await bot.stop();
      await engine.dispose();
      await store.close();
      await fake.close();
      if (ownScratch) scratch.cleanup();
    },
  };
}
