import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS, newerSchemaError, POSTGRES } from './migrations.js';
import { RATE_SWEEP_EVERY, questionFromRow, retryAfter, userHasher, type Store } from './store.js';

/**
 * The shared store (DATABASE_URL): every shard and machine reads and writes one PostgreSQL
 * database, so /stats counts all of them and a member has one rate limit everywhere.
 */

/** Arbitrary constant key of the advisory lock that serializes migrations across processes. */
const MIGRATION_LOCK = 4_172_015_001;

export async function openPostgresStore(connectionString: string, salt: string | null): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  // An idle connection dropped by the server would otherwise crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
    const hashUser = userHasher(salt ?? (await keptSalt(pool)));
    return createPostgresStore(pool, hashUser);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

function createPostgresStore(pool: pg.Pool, hashUser: (userId: string) => string): Store {
  const q = <R extends pg.QueryResultRow = Record<string, any>>(text: string, values: unknown[] = []) => pool.query<R>(text, values);
  const scope = 'WHERE ($1::text IS NULL OR guild_id = $1)';
  const topQuestions = (filter: string, guildId: string | null, top: number) =>
    q<{ question: string; count: number }>(
      `SELECT min(question) AS question, count(*)::int AS count FROM questions ${scope} ${filter}
       GROUP BY lower(trim(question)) ORDER BY count DESC, max(asked_at) DESC LIMIT $2`,
      [guildId, top],
    ).then((r) => r.rows);
  let takes = 0;

  return {
    backend: 'postgres',
    hashUser,
    async logQuestion(e) {
      const r = await q<{ id: string }>(
        `INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, context, via, abstained, passage_ids, source_ids, latency_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          Date.now(),
          e.guildId,
          e.channelId,
          hashUser(e.userId),
          e.question,
          e.context,
          e.via,
          e.abstained ? 1 : 0,
          JSON.stringify(e.passageIds),
          JSON.stringify(e.sourceIds),
          Math.round(e.latencyMs),
        ],
      );
      return Number(r.rows[0]!.id);
    },
    async getQuestion(id) {
      const row = (await q('SELECT * FROM questions WHERE id = $1', [id])).rows[0];
      return row ? questionFromRow(row) : undefined;
    },
    async recordFeedback(questionId, userId, vote) {
      // One statement: the vote lands only when the question exists.
      const r = await q(
        `INSERT INTO feedback (question_id, user_hash, vote, at)
         SELECT id, $2, $3, $4 FROM questions WHERE id = $1
         ON CONFLICT (question_id, user_hash) DO UPDATE SET vote = excluded.vote, at = excluded.at`,
        [questionId, hashUser(userId), vote, Date.now()],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async stats(guildId, top = 5) {
      const [c, v, mostAsked, unanswered] = await Promise.all([
        q<{ questions: number; abstained: number }>(
          `SELECT count(*)::int AS questions, coalesce(sum(abstained), 0)::int AS abstained FROM questions ${scope}`,
          [guildId],
        ),
        q<{ up: number; down: number }>(
          `SELECT count(*) FILTER (WHERE vote = 1)::int AS up, count(*) FILTER (WHERE vote = -1)::int AS down
           FROM feedback JOIN questions ON questions.id = feedback.question_id ${scope}`,
          [guildId],
        ),
        topQuestions('', guildId, top),
        topQuestions('AND abstained = 1', guildId, top),
      ]);
      const { questions, abstained } = c.rows[0]!;
      return { questions, answered: questions - abstained, abstained, up: v.rows[0]!.up, down: v.rows[0]!.down, mostAsked, unanswered };
    },
    async setChannelAllowed(guildId, channelId, allowed) {
      await q(
        `INSERT INTO channel_settings (guild_id, channel_id, allowed, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (guild_id, channel_id) DO UPDATE SET allowed = excluded.allowed, updated_at = excluded.updated_at`,
        [guildId, channelId, allowed ? 1 : 0, Date.now()],
      );
    },
    async isChannelAllowed(guildId, channelId) {
      const r = await q<{ allowed: number }>('SELECT allowed FROM channel_settings WHERE guild_id = $1 AND channel_id = $2', [guildId, channelId]);
      return r.rows[0]?.allowed === 1;
    },
    async allowedChannels(guildId) {
      const r = await q<{ channel_id: string }>('SELECT channel_id FROM channel_settings WHERE guild_id = $1 AND allowed = 1 ORDER BY channel_id', [guildId]);
      return r.rows.map((row) => row.channel_id);
    },
    async rememberThread(threadId, guildId, question) {
      await q(
        `INSERT INTO threads (thread_id, guild_id, last_question, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (thread_id) DO UPDATE SET last_question = excluded.last_question, updated_at = excluded.updated_at`,
        [threadId, guildId, question, Date.now()],
      );
    },
    async threadQuestion(threadId) {
      const r = await q<{ last_question: string }>('SELECT last_question FROM threads WHERE thread_id = $1', [threadId]);
      return r.rows[0]?.last_question;
    },
    async takeRateSlot(userId, window, now = Date.now()) {
      const since = now - window.windowMs;
      if (++takes % RATE_SWEEP_EVERY === 0) await q('DELETE FROM rate_hits WHERE at <= $1', [since]);
      const [, , inserted, left] = (await pool.query(rateTakeSql(hashUser(userId), window.max, since, now))) as unknown as pg.QueryResult[];
      if (inserted!.rowCount === 1) return { ok: true as const };
      return { ok: false as const, retryAfterMs: retryAfter(Number(left!.rows[0]?.oldest ?? now), window, now) };
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * A member's rate-limit take as one round trip: admission waits for it before the acknowledgement,
 * and as a transaction of six statements (six round trips through a pool of four connections) a
 * burst of 200 questions held acknowledgements for over a second. Several statements in one
 * simple query run as one implicit transaction, each with its own snapshot: the advisory lock is
 * held to the end, and the count after it sees every take that committed before — count-then-insert
 * stays atomic across shards. Simple queries take no parameters, so the values are written in, and
 * only these: a hex digest and integers, checked here.
 * Results, in order: lock, delete, insert (one row when the slot is taken), what is left.
 */
export function rateTakeSql(userHash: string, max: number, since: number, now: number): string {
  if (!/^[0-9a-f]{64}$/.test(userHash) || ![max, since, now].every(Number.isSafeInteger)) {
    throw new Error('rate take: a user hash must be a sha256 hex digest and the numbers integers');
  }
  const user = `'${userHash}'`;
  return [
    `SELECT pg_advisory_xact_lock(hashtextextended(${user}, 0))`,
    `DELETE FROM rate_hits WHERE user_hash = ${user} AND at <= ${since}`,
    `INSERT INTO rate_hits (user_hash, at) SELECT ${user}, ${now} WHERE (SELECT count(*) FROM rate_hits WHERE user_hash = ${user}) < ${max}`,
    `SELECT min(at) AS oldest FROM rate_hits WHERE user_hash = ${user}`,
  ].join(';\n');
}

/**
 * Brings the database to the latest schema under an advisory lock (shards starting together
 * migrate once); `schema_version` records how many steps ran. Returns the version it was at.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    if (!row) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    const from = row?.version ?? 0;
    if (from > MIGRATIONS.length) throw newerSchemaError(from);
    for (let v = from; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!(POSTGRES));
      await client.query('UPDATE schema_version SET version = $1', [v + 1]);
    }
    return from;
  });
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function keptSalt(pool: pg.Pool): Promise<string> {
  // INSERT-or-keep then read: shards opening a new database at once agree on one salt.
  await pool.query("INSERT INTO meta (key, value) VALUES ('user_hash_salt', $1) ON CONFLICT (key) DO NOTHING", [randomBytes(24).toString('hex')]);
  const r = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'user_hash_salt'");
  return r.rows[0]!.value;
}
