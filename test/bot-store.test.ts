import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/bot/store/migrations.js';
import { DATABASE_FILE, openStore, type LoggedQuestion, type Store } from '../src/bot/store/store.js';
import { describePostgres, freshDatabase, type TestDatabase } from './helpers/postgres.js';

const LOG_THEN_FREEZE = resolve(import.meta.dirname, 'fixtures/store/log-then-freeze.ts');

/**
 * One contract for the bot's store, run against SQLite (the default) and PostgreSQL
 * (DATABASE_URL): the same behaviour whichever database holds the state.
 */

const entry = (over: Partial<LoggedQuestion> = {}): LoggedQuestion => ({
  guildId: 'g1',
  channelId: 'c1',
  userId: '123456789012345678',
  question: 'Combien SoftBank investit-il ?',
  context: null,
  via: 'slash',
  abstained: false,
  passageIds: ['a#0', 'b#1'],
  sourceIds: ['a', 'b'],
  latencyMs: 12.4,
  ...over,
});

interface Backend {
  /** Opens the store on this test's database (again after a close: the same data). */
  open(salt?: string | null): Promise<Store>;
  /** A second, separate database. */
  openOther(salt: string): Promise<Store>;
  /** The schema version recorded in the database. */
  schemaVersion(): Promise<number>;
  setSchemaVersion(v: number): Promise<void>;
  /** Every stored byte, to check raw user ids are not among them. */
  dump(): Promise<string>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-store-'));
  const dataDir = join(dir, 'data');
  const raw = <T>(f: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, DATABASE_FILE));
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  return {
    open: (salt = null) => openStore({ dataDir, salt }),
    openOther: (salt) => openStore({ dataDir: join(dir, 'other'), salt }),
    schemaVersion: async () => raw((db) => db.pragma('user_version', { simple: true }) as number),
    setSchemaVersion: async (v) => raw((db) => void db.pragma(`user_version = ${v}`)),
    dump: async () => readFileSync(join(dataDir, DATABASE_FILE)).toString('latin1'),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const main = await freshDatabase();
  const others: TestDatabase[] = [];
  const raw = async <T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await f(client);
    } finally {
      await client.end();
    }
  };
  return {
    open: (salt = null) => openStore({ dataDir: 'unused', databaseUrl: main.url, salt }),
    async openOther(salt) {
      const other = await freshDatabase();
      others.push(other);
      return openStore({ dataDir: 'unused', databaseUrl: other.url, salt });
    },
    schemaVersion: () => raw(main.url, async (c) => (await c.query('SELECT version FROM schema_version')).rows[0].version),
    setSchemaVersion: (v) => raw(main.url, async (c) => void (await c.query('UPDATE schema_version SET version = $1', [v]))),
    dump: () =>
      raw(main.url, async (c) => {
        const tables = ['meta', 'questions', 'feedback', 'channel_settings', 'threads', 'rate_hits'];
        const rows: unknown[] = [];
        for (const t of tables) rows.push((await c.query(`SELECT * FROM ${t}`)).rows);
        return JSON.stringify(rows);
      }),
    async cleanup() {
      for (const db of [main, ...others]) await db.drop();
    },
  };
}

function storeContract(makeBackend: () => Backend | Promise<Backend>): void {
  let backend: Backend;
  let store: Store;
  beforeEach(async () => {
    backend = await makeBackend();
    store = await backend.open();
  });
  afterEach(async () => {
    await store.close();
    await backend.cleanup();
  });

  it('creates the schema at the latest version and reopens without migrating again', async () => {
    await store.logQuestion(entry());
    await store.close();
    expect(await backend.schemaVersion()).toBe(MIGRATIONS.length);
    store = await backend.open();
    expect((await store.getQuestion(1))?.question).toBe('Combien SoftBank investit-il ?');
  });

  it('refuses a database written by a newer bot', async () => {
    await store.close();
    await backend.setSchemaVersion(MIGRATIONS.length + 1);
    await expect(backend.open()).rejects.toThrow(/newer than this bot/);
    await backend.setSchemaVersion(MIGRATIONS.length);
    store = await backend.open();
  });

  it('stores user ids only as salted hashes, stable across restarts', async () => {
    const userId = '987654321098765432';
    await store.logQuestion(entry({ userId }));
    await store.takeRateSlot(userId, { max: 5, windowMs: 60_000 });
    const hash = store.hashUser(userId);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await store.close();
    expect(await backend.dump()).not.toContain(userId);
    store = await backend.open();
    expect(store.hashUser(userId)).toBe(hash);
    const other = await backend.openOther('a-configured-salt-value');
    expect(other.hashUser(userId)).not.toBe(hash);
    await other.close();
  });

  it('keeps one vote per user per answer, the last one', async () => {
    const id = await store.logQuestion(entry());
    expect(await store.recordFeedback(id, 'u1', 1)).toBe(true);
    expect(await store.recordFeedback(id, 'u1', -1)).toBe(true);
    expect(await store.recordFeedback(id, 'u2', 1)).toBe(true);
    expect(await store.recordFeedback(999, 'u1', 1)).toBe(false);
    const s = await store.stats('g1');
    expect([s.up, s.down]).toEqual([1, 1]);
  });

  it('counts answered vs abstained and lists the most asked and unanswered questions per guild', async () => {
    await store.logQuestion(entry({ question: 'Qui est Masayoshi Son ?' }));
    await store.logQuestion(entry({ question: '  qui est masayoshi son ? ' }));
    await store.logQuestion(entry({ question: 'Quel temps fera-t-il ?', abstained: true }));
    await store.logQuestion(entry({ question: 'Quel temps fera-t-il ?', abstained: true }));
    await store.logQuestion(entry({ question: 'Autre serveur', guildId: 'g2' }));
    const s = await store.stats('g1');
    expect({ questions: s.questions, answered: s.answered, abstained: s.abstained }).toEqual({ questions: 4, answered: 2, abstained: 2 });
    expect(s.mostAsked.map((q) => q.count)).toEqual([2, 2]);
    expect(s.mostAsked.map((q) => q.question.trim().toLowerCase()).sort()).toEqual(['quel temps fera-t-il ?', 'qui est masayoshi son ?']);
    expect(s.unanswered).toEqual([{ question: 'Quel temps fera-t-il ?', count: 2 }]);
    expect((await store.stats(null)).questions).toBe(5);
  });

  it('reads a logged question back whole', async () => {
    const id = await store.logQuestion(entry({ context: 'avant', abstained: true }));
    expect(await store.getQuestion(id)).toEqual({
      id,
      question: 'Combien SoftBank investit-il ?',
      context: 'avant',
      abstained: true,
      passageIds: ['a#0', 'b#1'],
      sourceIds: ['a', 'b'],
    });
    expect(await store.getQuestion(id + 1000)).toBeUndefined();
  });

  it('allows and denies channels per guild, denied by default', async () => {
    expect(await store.isChannelAllowed('g1', 'c1')).toBe(false);
    await store.setChannelAllowed('g1', 'c1', true);
    await store.setChannelAllowed('g1', 'c2', true);
    await store.setChannelAllowed('g1', 'c2', false);
    expect(await store.isChannelAllowed('g1', 'c1')).toBe(true);
    expect(await store.isChannelAllowed('g2', 'c1')).toBe(false);
    expect(await store.allowedChannels('g1')).toEqual(['c1']);
  });

  it('remembers the last question of each bot thread', async () => {
    expect(await store.threadQuestion('t1')).toBeUndefined();
    await store.rememberThread('t1', 'g1', 'première');
    await store.rememberThread('t1', 'g1', 'seconde');
    expect(await store.threadQuestion('t1')).toBe('seconde');
  });

  it('allows max questions per window per member and says when the next slot frees', async () => {
    const window = { max: 2, windowMs: 60_000 };
    let now = 1_000_000;
    expect(await store.takeRateSlot('a', window, now)).toEqual({ ok: true });
    now += 10_000;
    expect(await store.takeRateSlot('a', window, now)).toEqual({ ok: true });
    expect(await store.takeRateSlot('b', window, now)).toEqual({ ok: true });
    expect(await store.takeRateSlot('a', window, now)).toEqual({ ok: false, retryAfterMs: 50_000 });
    now += 50_000;
    expect(await store.takeRateSlot('a', window, now)).toEqual({ ok: true });
  });

  it('gives the last slot to exactly one of two stores taking at once (two processes on one database)', async () => {
    const second = await backend.open();
    try {
      const window = { max: 3, windowMs: 60_000 };
      const takes = Array.from({ length: 10 }, (_, i) => (i % 2 ? store : second).takeRateSlot('busy', window, 5_000_000));
      const slots = await Promise.all(takes);
      expect(slots.filter((s) => s.ok)).toHaveLength(3);
    } finally {
      await second.close();
    }
  });

  it('keeps the rate limit across a restart', async () => {
    const window = { max: 1, windowMs: 60_000 };
    expect(await store.takeRateSlot('u', window, 2_000_000)).toEqual({ ok: true });
    await store.close();
    store = await backend.open();
    expect(await store.takeRateSlot('u', window, 2_030_000)).toEqual({ ok: false, retryAfterMs: 30_000 });
  });
}

describe('bot store on SQLite', () => storeContract(sqliteBackend));

describe('SQLite store durability', () => {
  // Commits skip the fsync (synchronous=NORMAL, WAL): they run on the bot's event loop. What a
  // crash of the bot process must never lose is a committed write.
  it('keeps every question logged before the process was killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'depeche-crash-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', LOG_THEN_FREEZE, join(dir, 'data'), '25'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const killed = await new Promise<NodeJS.Signals | null>((done) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('FROZEN')) child.kill('SIGKILL');
        });
        child.on('exit', (_code, signal) => done(signal));
      });
      expect(killed, err.slice(-2000)).toBe('SIGKILL');
      const ids = [...out.matchAll(/LOGGED (\d+)/g)].map((m) => Number(m[1]));
      expect(ids).toHaveLength(25);

      const store = await openStore({ dataDir: join(dir, 'data'), salt: 'crash-test' });
      try {
        for (const [i, id] of ids.entries()) expect((await store.getQuestion(id))?.question).toBe(`Question ${i} avant la panne ?`);
        expect((await store.stats(null)).questions).toBe(25);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describePostgres('bot store on PostgreSQL', () => storeContract(postgresBackend));

describePostgres('PostgreSQL store start-up', () => {
  it('migrates once when several bots open a new database at the same moment, and they agree on one salt', async () => {
    const db = await freshDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ dataDir: 'unused', databaseUrl: db.url, salt: null })));
      expect(new Set(stores.map((s) => s.hashUser('42'))).size).toBe(1);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await db.drop();
    }
  });

  it('fails with the server’s reason, not the password, when the database cannot be reached', async () => {
    const error = await openStore({ dataDir: 'unused', databaseUrl: 'postgresql://depeche:s3cret-pass@127.0.0.1:1/nowhere', salt: null }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain('s3cret-pass');
  });
});
