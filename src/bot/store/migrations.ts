import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append new steps, never edit a released one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    asked_at INTEGER NOT NULL,
    guild_id TEXT,
    channel_id TEXT,
    user_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    context TEXT,
    via TEXT NOT NULL CHECK (via IN ('slash', 'mention', 'thread')),
    abstained INTEGER NOT NULL,
    passage_ids TEXT NOT NULL,
    source_ids TEXT NOT NULL,
    latency_ms INTEGER NOT NULL
  );
  CREATE INDEX questions_by_guild ON questions (guild_id, asked_at);
  CREATE TABLE feedback (
    question_id INTEGER NOT NULL REFERENCES questions (id),
    user_hash TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    at INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_hash)
  );
  CREATE TABLE channel_settings (
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    allowed INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
  );
  CREATE TABLE threads (
    thread_id TEXT PRIMARY KEY,
    guild_id TEXT,
    last_question TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
];

/** Brings the database to the latest schema; returns the version it was at. */
export function migrate(db: Database): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new Error(`database schema version ${from} is newer than this bot (${MIGRATIONS.length}); upgrade the bot`);
  }
  const run = db.transaction(() => {
    for (let v = from; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  run();
  return from;
}
