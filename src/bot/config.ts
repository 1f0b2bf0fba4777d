import { z } from 'zod';
import { ConfigError } from '../config.js';
import { allowHostsFromEnv } from '../engine/ingest/index.js';

export { ConfigError } from '../config.js';

/**
 * The bot's configuration, read once from the environment at start-up into a frozen object.
 * Errors name the variable and what is wrong with it, never its value: DISCORD_TOKEN is a secret.
 */

const snowflake = /^\d{17,20}$/;
// A bot token is three base64url parts joined by dots; anything else is a paste error.
const botToken = /^[\w-]{20,}\.[\w-]{3,}\.[\w-]{10,}$/;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  DISCORD_TOKEN: z.string().regex(botToken),
  DISCORD_APPLICATION_ID: z.string().regex(snowflake),
  DISCORD_GUILD_ID: z.string().regex(snowflake).optional(),
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/).optional(),
  USER_HASH_SALT: z.string().min(16).optional(),
  ANSWER_MENTIONS: bool.default(true),
  RATE_LIMIT_MAX: positiveInt(5),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  MAX_CONCURRENT_ANSWERS: positiveInt(2),
  MAX_QUEUED_ANSWERS: positiveInt(100),
  HEALTH_WINDOW_SECONDS: positiveInt(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INGEST_ALLOW_HOSTS: z.string().optional(),
});

const problems: Record<string, string> = {
  DISCORD_TOKEN: 'must be the bot token from the Developer Portal (Bot → Reset Token)',
  DISCORD_APPLICATION_ID: 'must be the numeric application id (General Information → Application ID)',
  DISCORD_GUILD_ID: 'must be a numeric server id',
  DISCORD_API_URL: 'must be an http(s) URL such as https://discord.com/api',
  USER_HASH_SALT: 'must be at least 16 characters',
  DATABASE_URL: 'must be a PostgreSQL connection string (postgresql://user:password@host:5432/database)',
  ANSWER_MENTIONS: 'must be true or false',
  LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
};

export interface BotConfig {
  token: string;
  applicationId: string;
  /** Deploy commands to this guild only (instant, for development); global when null. */
  guildId: string | null;
  /** REST base; the gateway address comes from its `/gateway/bot` answer. Null: Discord's own. */
  apiUrl: string | null;
  dataDir: string;
  /** PostgreSQL connection string (a secret: never logged); null keeps the SQLite file under dataDir. */
  databaseUrl: string | null;
  /** Salt for hashing user ids; null lets the store keep a random one in the database. */
  userHashSalt: string | null;
  /** Answer mentions and thread follow-ups (needs the Message Content intent). */
  answerMentions: boolean;
  rateLimit: { max: number; windowMs: number };
  maxConcurrentAnswers: number;
  maxQueuedAnswers: number;
  /** Event-loop delay is measured (and logged) per window of this length. */
  healthWindowSeconds: number;
  logLevel: string;
  /**
   * TESTS ONLY (`INGEST_ALLOW_HOSTS`): hosts /ingest may fetch although the address policy
   * refuses them (e.g. 127.0.0.1). Empty in production.
   */
  ingestAllowHosts: readonly string[];
}

/** `loadBotConfig(process.env)` → frozen BotConfig, or throws a one-line ConfigError naming the variable. */
export function loadBotConfig(env: Record<string, string | undefined>): Readonly<BotConfig> {
  // Empty strings (as in a copied .env.example) count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const missing = !(name in present);
    const why = missing ? 'is not set' : (problems[name] ?? 'must be a positive whole number');
    throw new ConfigError(`${name} ${why}${missing && name.startsWith('DISCORD_') ? ' (see .env.example)' : ''}.`);
  }
  const e = parsed.data;
  return Object.freeze({
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    guildId: e.DISCORD_GUILD_ID ?? null,
    apiUrl: e.DISCORD_API_URL ?? null,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    userHashSalt: e.USER_HASH_SALT ?? null,
    answerMentions: e.ANSWER_MENTIONS,
    rateLimit: Object.freeze({ max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000 }),
    maxConcurrentAnswers: e.MAX_CONCURRENT_ANSWERS,
    maxQueuedAnswers: e.MAX_QUEUED_ANSWERS,
    healthWindowSeconds: e.HEALTH_WINDOW_SECONDS,
    logLevel: e.LOG_LEVEL,
    ingestAllowHosts: Object.freeze(allowHostsFromEnv({ INGEST_ALLOW_HOSTS: e.INGEST_ALLOW_HOSTS })),
  });
}
