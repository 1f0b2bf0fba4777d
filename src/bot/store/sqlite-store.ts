import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, newerSchemaError, SQLITE } from './migrations.js';
import { DATABASE_FILE, RATE_SWEEP_EVERY, questionFromRow, retryAfter, userHasher, type QuestionCount, type Store } from './store.js';

/**
 * The default store: one SQLite file under DATA_DIR (better-sqlite3, WAL, synchronous=NORMAL). Calls are
 * synchronous underneath and take well under a millisecond; the async interface is the
 * PostgreSQL backend's. Several processes on one machine may share the file: the rate-limit
 * take is one IMMEDIATE transaction, so it is atomic across them too.
 */
export function openSqliteStore(dataDir: string, salt: string | null): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  // No fsync per commit: the rate-limit take runs before every acknowledgement and the question log
  // after every answer, on the event loop, and an fsync there cost up to 20 ms on a busy disk. In WAL
  // mode NORMAL never corrupts the file, and a crash of the process loses nothing (the commit is in the
  // WAL, which the system writes out); only a power cut may lose the last commits before a checkpoint.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db);

  const hashUser = userHasher(salt ?? keptSalt(db));

  const insertQuestion = db.prepare(`
    INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, context, via, abstained, passage_ids, source_ids, latency_ms)
    VALUES (@askedAt, @guildId, @channelId, @userHash, @question, @context, @via, @abstained, @passageIds, @sourceIds, @latencyMs)`);
  const selectQuestion = db.prepare('SELECT * FROM questions WHERE id = ?');
  const upsertVote = db.prepare(`
    INSERT INTO feedback (question_id, user_hash, vote, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (question_id, user_hash) DO UPDATE SET vote = excluded.vote, at = excluded.at`);
  const upsertChannel = db.prepare(`
    INSERT INTO channel_settings (guild_id, channel_id, allowed, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (guild_id, channel_id) DO UPDATE SET allowed = excluded.allowed, updated_at = excluded.updated_at`);
  const selectChannel = db.prepare('SELECT allowed FROM channel_settings WHERE guild_id = ? AND channel_id = ?');
  const selectAllowed = db.prepare('SELECT channel_id FROM channel_settings WHERE guild_id = ? AND allowed = 1 ORDER BY channel_id');
  const upsertThread = db.prepare(`
    INSERT INTO threads (thread_id, guild_id, last_question, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (thread_id) DO UPDATE SET last_question = excluded.last_question, updated_at = excluded.updated_at`);
  const selectThread = db.prepare('SELECT last_question FROM threads WHERE thread_id = ?');

  // "Most asked" groups questions that differ only by case and surrounding spaces.
  const scope = 'WHERE (@guildId IS NULL OR guild_id = @guildId)';
  const counts = db.prepare(`
    SELECT count(*) AS questions, coalesce(sum(abstained), 0) AS abstained FROM questions ${scope}`);
  const votes = db.prepare(`
    SELECT coalesce(sum(vote = 1), 0) AS up, coalesce(sum(vote = -1), 0) AS down
    FROM feedback JOIN questions ON questions.id = feedback.question_id ${scope}`);
  const topQuestions = (filter: string) =>
    db.prepare(`
      SELECT min(question) AS question, count(*) AS count FROM questions ${scope} ${filter}
      GROUP BY lower(trim(question)) ORDER BY count DESC, max(asked_at) DESC LIMIT @top`);
  const mostAsked = topQuestions('');
  const unanswered = topQuestions('AND abstained = 1');

  const forgetOldHits = db.prepare('DELETE FROM rate_hits WHERE user_hash = ? AND at <= ?');
  const recentHits = db.prepare('SELECT count(*) AS n, min(at) AS oldest FROM rate_hits WHERE user_hash = ?');
  const insertHit = db.prepare('INSERT INTO rate_hits (user_hash, at) VALUES (?, ?)');
  const sweepHits = db.prepare('DELETE FROM rate_hits WHERE at <= ?');
  let takes = 0;
  const take = db.transaction((userHash: string, max: number, windowMs: number, now: number) => {
    forgetOldHits.run(userHash, now - windowMs);
    const { n, oldest } = recentHits.get(userHash) as { n: number; oldest: number | null };
    if (n >= max) return { ok: false as const, retryAfterMs: retryAfter(oldest ?? now, { max, windowMs }, now) };
    insertHit.run(userHash, now);
    return { ok: true as const };
  });

  return {
    backend: 'sqlite',
    hashUser,
    async logQuestion(e) {
      const info = insertQuestion.run({
        askedAt: Date.now(),
        guildId: e.guildId,
        channelId: e.channelId,
        userHash: hashUser(e.userId),
        question: e.question,
        context: e.context,
        via: e.via,
        abstained: e.abstained ? 1 : 0,
        passageIds: JSON.stringify(e.passageIds),
        sourceIds: JSON.stringify(e.sourceIds),
        latencyMs: Math.round(e.latencyMs),
      });
      return Number(info.lastInsertRowid);
    },
    async getQuestion(id) {
      const row = selectQuestion.get(id) as Record<string, any> | undefined;
      return row ? questionFromRow(row) : undefined;
    },
    async recordFeedback(questionId, userId, vote) {
      if (!selectQuestion.get(questionId)) return false;
      upsertVote.run(questionId, hashUser(userId), vote, Date.now());
      return true;
    },
    async stats(guildId, top = 5) {
      const c = counts.get({ guildId }) as { questions: number; abstained: number };
      const v = votes.get({ guildId }) as { up: number; down: number };
      return {
        questions: c.questions,
        answered: c.questions - c.abstained,
        abstained: c.abstained,
        up: v.up,
        down: v.down,
        mostAsked: mostAsked.all({ guildId, top }) as QuestionCount[],
        unanswered: unanswered.all({ guildId, top }) as QuestionCount[],
      };
    },
    async setChannelAllowed(guildId, channelId, allowed) {
      upsertChannel.run(guildId, channelId, allowed ? 1 : 0, Date.now());
    },
    async isChannelAllowed(guildId, channelId) {
      const row = selectChannel.get(guildId, channelId) as { allowed: number } | undefined;
      return row?.allowed === 1;
    },
    async allowedChannels(guildId) {
      return (selectAllowed.all(guildId) as { channel_id: string }[]).map((r) => r.channel_id);
    },
    async rememberThread(threadId, guildId, question) {
      upsertThread.run(threadId, guildId, question, Date.now());
    },
    async threadQuestion(threadId) {
      return (selectThread.get(threadId) as { last_question: string } | undefined)?.last_question;
    },
    async takeRateSlot(userId, window, now = Date.now()) {
      if (++takes % RATE_SWEEP_EVERY === 0) sweepHits.run(now - window.windowMs);
      // IMMEDIATE takes the write lock first, so two processes cannot both read "one slot left".
      return take.immediate(hashUser(userId), window.max, window.windowMs, now);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Brings the database to the latest schema; `PRAGMA user_version` records how many steps ran. Returns the version it was at. */
export function migrateSqlite(db: Database.Database): number {
  // Read and migrate under one write lock: two processes opening a new file at once migrate it once.
  const run = db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > MIGRATIONS.length) throw newerSchemaError(from);
    for (let v = from; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!(SQLITE));
      db.pragma(`user_version = ${v + 1}`);
    }
    return from;
  });
  return run.immediate();
}

function keptSalt(db: Database.Database): string {
  // INSERT-or-keep then read: two processes opening a new database at once agree on one salt.
  db.prepare("INSERT INTO meta (key, value) VALUES ('user_hash_salt', ?) ON CONFLICT (key) DO NOTHING").run(randomBytes(24).toString('hex'));
  return (db.prepare("SELECT value FROM meta WHERE key = 'user_hash_salt'").get() as { value: string }).value;
}
