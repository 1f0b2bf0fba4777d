import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadEngineConfig } from '../config.js';
import { createEngine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import { engineFolders, toStorageError } from '../engine/fs/storage-error.js';
import { createBot } from './client.js';
import { loadBotConfig } from './config.js';
import type { BotContext } from './context.js';
import { createCoverageIngest } from './coverage-ingest.js';
import { translate } from './i18n/index.js';
import { createAnswerQueue } from './limits/answer-queue.js';
import { createTurnPacer } from './limits/turn-pacer.js';
import { createRateLimiter } from './limits/rate-limiter.js';
import { startLoopMonitor } from './health/loop-monitor.js';
import { createLogger, flushLogs } from './logger.js';
import { createOperatorWarnings } from './operator-warnings.js';
import { runShardManager } from './sharding/run-shards.js';
import { runningShards, shardPlan, type ShardPlan } from './sharding/shard-config.js';
import { openStore } from './store/store.js';
import { warmAnswerPath } from './warm-answer-path.js';

/** `npm start`: configuration, engine, database, then the Discord connection; clean stop on SIGINT/SIGTERM. */

// A closed stdout or stderr (the log reader is gone) must not crash the bot or stop its exit.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

function fail(message: string): never {
  console.error(`depeche: ${message}`);
  process.exit(1);
}

loadDotenv({ quiet: true });
let botConfig: ReturnType<typeof loadBotConfig>;
let engineConfig: ReturnType<typeof loadEngineConfig>;
let plan: ShardPlan | null;
try {
  botConfig = loadBotConfig(process.env);
  engineConfig = loadEngineConfig(process.env);
  plan = shardPlan(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

// A shard process's every log line says which shard it is.
const shards = runningShards(process.env);
const logger = shards ? createLogger(botConfig.logLevel).child({ shard: shards.length === 1 ? shards[0] : shards }) : createLogger(botConfig.logLevel);

// SHARD_COUNT: this process only manages shard processes, each running this same file.
if (plan) {
  const code = await runShardManager({ plan, token: botConfig.token, apiUrl: botConfig.apiUrl, file: fileURLToPath(import.meta.url), execArgv: process.execArgv, logger });
  await flushLogs();
  process.exit(code);
}

const warnings = createOperatorWarnings(logger);
let engine: Awaited<ReturnType<typeof createEngine>>;
try {
  engine = await createEngine(engineConfig, {
    onIndexProgress: (p) => logger.debug({ ...p }, 'indexing'),
    preloadModel: true,
  });
  // Bring the index level with the corpus (articles edited while the bot was down, a crash
  // mid-ingest) — only changed articles are embedded — then load the model before members ask.
  const report = await engine.reindex();
  logger.info({ articles: report.articles, chunks: report.chunks, embedded: report.embedded.length, warning: report.warning }, 'index ready');
  if (report.warning) warnings.note(report.warning, 'start-up index');
  const warning = await engine.warmUp();
  if (warning) warnings.note(warning, 'start-up model');
  logger.debug({ answers: await warmAnswerPath(engine, translate) }, 'answer path warmed up');
} catch (error) {
  if (error instanceof EngineError) fail(error.message);
  // A full disk, a read-only or forbidden folder: one line naming it and the fix.
  const storage = toStorageError(error, engineFolders(engineConfig, 'index'));
  if (storage) fail(storage.message);
  throw error;
}

let store: Awaited<ReturnType<typeof openStore>>;
try {
  store = await openStore({ dataDir: botConfig.dataDir, databaseUrl: botConfig.databaseUrl, salt: botConfig.userHashSalt });
} catch (error) {
  await engine.dispose();
  fail(`could not open the bot's database (${botConfig.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR'}): ${(error as Error).message}`);
}
const queue = createAnswerQueue({ concurrency: botConfig.maxConcurrentAnswers, maxQueued: botConfig.maxQueuedAnswers });
const ctx: BotContext = {
  engine,
  ingest: createCoverageIngest(engine, { corpusDir: engineConfig.corpusDir, indexDir: engineConfig.indexDir, allowHosts: botConfig.ingestAllowHosts, logger, maxPassages: engineConfig.maxPassagesPerArticle }),
  store,
  config: botConfig,
  t: translate,
  logger,
  limiter: createRateLimiter(store, botConfig.rateLimit),
  queue,
  pacer: createTurnPacer(),
  loop: startLoopMonitor({
    logger,
    windowMs: botConfig.healthWindowSeconds * 1000,
    context: () => ({ answers: { running: queue.running, waiting: queue.waiting } }),
  }),
  warnings,
  state: { shuttingDown: false, reindexing: false },
};
const bot = createBot(ctx);

/** Longest wait for answers in flight before exiting anyway. */
const SHUTDOWN_GRACE_MS = 30_000;
let stopping = false;
async function shutdown(signal: string, exitCode = 0): Promise<void> {
  // npm and tsx both relay the signal: the same stop request often arrives twice.
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing answers in flight');
  setTimeout(() => {
    logger.error('answers still running after the grace period: exiting anyway');
    void flushLogs().then(() => process.exit(1));
  }, SHUTDOWN_GRACE_MS).unref();
  ctx.loop.stop();
  try {
    await bot.stop();
    await engine.dispose();
  } finally {
    await store.close();
    logger.info('stopped');
    await flushLogs();
    process.exit(exitCode);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// A gateway closed for good (bad token, disallowed intents) ends the process non-zero with one
// line naming cause and fix: during start-up through fail(), once connected through a stop.
let connected = false;
let fatalClose: string | null = null;
bot.onFatal((message, code) => {
  fatalClose = message;
  if (!connected) return;
  logger.fatal({ code }, message);
  void shutdown(`gateway closed (${code})`, 1);
});

try {
  await bot.start();
  connected = true;
} catch (error) {
  await store.close();
  await engine.dispose();
  const code = (error as { code?: unknown }).code;
  fail(
    fatalClose ??
      (code === 'TokenInvalid' ? 'Discord refused the token in DISCORD_TOKEN.' : `could not connect to Discord: ${(error as Error).message}`),
  );
}
