import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/**
 * The bot's own memory: question log, feedback, per-guild channel settings, thread context.
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

export interface Store {
  hashUser(userId: string): string;
  logQuestion(entry: LoggedQuestion): number;
  getQuestion(id: number): StoredQuestion | undefined;
  /** Records or replaces one user's vote on an answer; false when the question is unknown. */
  recordFeedback(questionId: number, userId: string, vote: Vote): boolean;
  stats(guildId: string | null, top?: number): Stats;
  setChannelAllowed(guildId: string, channelId: string, allowed: boolean): void;
  isChannelAllowed(guildId: string, channelId: string): boolean;
  allowedChannels(guildId: string): string[];
  rememberThread(threadId: string, guildId: string | null, question: string): void;
  /** The last question asked in a thread the bot opened, or undefined when it is not one. */
  threadQuestion(threadId: string): string | undefined;
  close(): void;
}

export interface StoreOptions {
  dataDir: string;
  /** Salt for user-id hashes; when null, a random one is created once and kept in the database. */
  salt: string | null;
}

export const DATABASE_FILE = 'depeche.sqlite';

export function openStore({ dataDir, salt }: StoreOptions): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const userSalt = salt ?? keptSalt(db);
  const hashUser = (userId: string) => createHash('sha256').update(`${userSalt}:${userId}`).digest('hex');

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

  return {
    hashUser,
    logQuestion(e) {
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
    getQuestion(id) {
      const row = selectQuestion.get(id) as Record<string, any> | undefined;
      if (!row) return undefined;
      return {
        id: row.id,
        question: row.question,
        context: row.context,
        abstained: row.abstained === 1,
        passageIds: JSON.parse(row.passage_ids),
        sourceIds: JSON.parse(row.source_ids),
      };
    },
    recordFeedback(questionId, userId, vote) {
      if (!selectQuestion.get(questionId)) return false;
      upsertVote.run(questionId, hashUser(userId), vote, Date.now());
      return true;
    },
    stats(guildId, top = 5) {
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
    setChannelAllowed(guildId, channelId, allowed) {
      upsertChannel.run(guildId, channelId, allowed ? 1 : 0, Date.now());
    },
    isChannelAllowed(guildId, channelId) {
      const row = selectChannel.get(guildId, channelId) as { allowed: number } | undefined;
      return row?.allowed === 1;
    },
    allowedChannels(guildId) {
      return (selectAllowed.all(guildId) as { channel_id: string }[]).map((r) => r.channel_id);
    },
    rememberThread(threadId, guildId, question) {
      upsertThread.run(threadId, guildId, question, Date.now());
    },
    threadQuestion(threadId) {
      return (selectThread.get(threadId) as { last_question: string } | undefined)?.last_question;
    },
    close() {
      if (db.open) db.close();
    },
  };
}

function keptSalt(db: Database.Database): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'user_hash_salt'").get() as { value: string } | undefined;
  if (row) return row.value;
  const salt = randomBytes(24).toString('hex');
  db.prepare("INSERT INTO meta (key, value) VALUES ('user_hash_salt', ?)").run(salt);
  return salt;
}
