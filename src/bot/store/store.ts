import { createHash } from 'node:crypto';

/**
 * The bot's own memory: question log, feedback, per-guild channel settings, thread context,
 * per-member rate limits. SQLite by default (one file under DATA_DIR); PostgreSQL when
 * DATABASE_URL is set, so several shards and machines share one state. Both backends pass
 * the same contract tests (test/bot-store.test.ts) and run the same migrations.
 * User ids are never stored, only salted sha256 hashes of them.
 */

export type AskVia = 'slash' | 'mention' | 'thread';
export type Vote = 1 | -1;

export interface LoggedQuestion {
  guildId: string | null;
  channelId: string | null;
  userId: string;
  question: string;
  context: string | null;
  via: AskVia;
  abstained: boolean;
  passageIds: string[];
  sourceIds: string[];
  latencyMs: number;
}

export interface StoredQuestion {
  id: number;
  question: string;
  context: string | null;
  abstained: boolean;
  passageIds: string[];
  sourceIds: string[];
}

export interface QuestionCount {
  question: string;
  count: number;
}

export interface Stats {
  questions: number;
  answered: number;
  abstained: number;
  up: number;
  down: number;
  mostAsked: QuestionCount[];
  /** Questions the bot abstained on, most frequent first: the coverage gaps. */
  unanswered: QuestionCount[];
}

export interface RateWindow {
  max: number;
  windowMs: number;
}

export type RateSlot = { ok: true } | { ok: false; retryAfterMs: number };

export interface Store {
  /** Which engine holds the state, for logs. */
  readonly backend: 'sqlite' | 'postgres';
  hashUser(userId: string): string;
  logQuestion(entry: LoggedQuestion): Promise<number>;
  getQuestion(id: number): Promise<StoredQuestion | undefined>;
  /** Records or replaces one user's vote on an answer; false when the question is unknown. */
  recordFeedback(questionId: number, userId: string, vote: Vote): Promise<boolean>;
  stats(guildId: string | null, top?: number): Promise<Stats>;
  setChannelAllowed(guildId: string, channelId: string, allowed: boolean): Promise<void>;
  isChannelAllowed(guildId: string, channelId: string): Promise<boolean>;
  allowedChannels(guildId: string): Promise<string[]>;
  rememberThread(threadId: string, guildId: string | null, question: string): Promise<void>;
  /** The last question asked in a thread the bot opened, or undefined when it is not one. */
  threadQuestion(threadId: string): Promise<string | undefined>;
  /**
   * Takes one of a member's `max` slots per sliding `windowMs`, atomically in the database
   * (two shards taking at once never both get the last slot); when none is free, says how
   * long until one is. `now` is injectable for tests.
   */
  takeRateSlot(userId: string, window: RateWindow, now?: number): Promise<RateSlot>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** SQLite folder, used when `databaseUrl` is null. */
  dataDir: string;
  /** PostgreSQL connection string (DATABASE_URL); null keeps SQLite. */
  databaseUrl?: string | null;
  /** Salt for user-id hashes; when null, a random one is created once and kept in the database. */
  salt: string | null;
}

export const DATABASE_FILE = 'depeche.sqlite';

/** `openStore({ dataDir: 'data', databaseUrl: null, salt: null })` → the SQLite store, migrated. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(options.databaseUrl, options.salt);
  }
  const { openSqliteStore } = await import('./sqlite-store.js');
  return openSqliteStore(options.dataDir, options.salt);
}

/** The salted hash every backend stores instead of a user id. */
export function userHasher(salt: string): (userId: string) => string {
  return (userId) => createHash('sha256').update(`${salt}:${userId}`).digest('hex');
}

/** A `questions` row as both backends read it (PostgreSQL hands BIGSERIAL ids back as strings). */
export function questionFromRow(row: Record<string, any>): StoredQuestion {
  return {
    id: Number(row.id),
    question: row.question,
    context: row.context,
    abstained: row.abstained === 1,
    passageIds: JSON.parse(row.passage_ids),
    sourceIds: JSON.parse(row.source_ids),
  };
}

/** How long until the oldest hit in the window leaves it. */
export function retryAfter(oldestAt: number, window: RateWindow, now: number): number {
  return Math.max(1, window.windowMs - (now - oldestAt));
}

/** Idle members' old hits are swept now and then (every this many takes per process), not on every take. */
export const RATE_SWEEP_EVERY = 500;
