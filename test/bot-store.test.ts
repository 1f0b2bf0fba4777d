import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/bot/store/migrations.js';
import { DATABASE_FILE, openStore, type LoggedQuestion, type Store } from '../src/bot/store/store.js';

let dir: string;
let store: Store;

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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-store-'));
  store = openStore({ dataDir: join(dir, 'data'), salt: null });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bot store', () => {
  it('creates the schema at the latest version and reopens without migrating again', () => {
    store.logQuestion(entry());
    store.close();
    const db = new Database(join(dir, 'data', DATABASE_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    store = openStore({ dataDir: join(dir, 'data'), salt: null });
    expect(store.getQuestion(1)?.question).toBe('Combien SoftBank investit-il ?');
  });

  it('refuses a database written by a newer bot', () => {
    store.close();
    const db = new Database(join(dir, 'data', DATABASE_FILE));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openStore({ dataDir: join(dir, 'data'), salt: null })).toThrow(/newer than this bot/);
  });

  it('stores user ids only as salted hashes, stable across restarts', () => {
    const userId = '987654321098765432';
    store.logQuestion(entry({ userId }));
    const hash = store.hashUser(userId);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    store.close();
    const bytes = readFileSync(join(dir, 'data', DATABASE_FILE)).toString('latin1');
    expect(bytes).not.toContain(userId);
    store = openStore({ dataDir: join(dir, 'data'), salt: null });
    expect(store.hashUser(userId)).toBe(hash);
    const other = openStore({ dataDir: join(dir, 'other'), salt: 'a-configured-salt-value' });
    expect(other.hashUser(userId)).not.toBe(hash);
    other.close();
  });

  it('keeps one vote per user per answer, the last one', () => {
    const id = store.logQuestion(entry());
    expect(store.recordFeedback(id, 'u1', 1)).toBe(true);
    expect(store.recordFeedback(id, 'u1', -1)).toBe(true);
    expect(store.recordFeedback(id, 'u2', 1)).toBe(true);
    expect(store.recordFeedback(999, 'u1', 1)).toBe(false);
    const s = store.stats('g1');
    expect([s.up, s.down]).toEqual([1, 1]);
  });

  it('counts answered vs abstained and lists the most asked and unanswered questions per guild', () => {
    store.logQuestion(entry({ question: 'Qui est Masayoshi Son ?' }));
    store.logQuestion(entry({ question: '  qui est masayoshi son ? ' }));
    store.logQuestion(entry({ question: 'Quel temps fera-t-il ?', abstained: true }));
    store.logQuestion(entry({ question: 'Quel temps fera-t-il ?', abstained: true }));
    store.logQuestion(entry({ question: 'Autre serveur', guildId: 'g2' }));
    const s = store.stats('g1');
    expect({ questions: s.questions, answered: s.answered, abstained: s.abstained }).toEqual({ questions: 4, answered: 2, abstained: 2 });
    expect(s.mostAsked.map((q) => q.count)).toEqual([2, 2]);
    expect(s.mostAsked.map((q) => q.question.trim().toLowerCase()).sort()).toEqual(['quel temps fera-t-il ?', 'qui est masayoshi son ?']);
    expect(s.unanswered).toEqual([{ question: 'Quel temps fera-t-il ?', count: 2 }]);
    expect(store.stats(null).questions).toBe(5);
  });

  it('allows and denies channels per guild, denied by default', () => {
    expect(store.isChannelAllowed('g1', 'c1')).toBe(false);
    store.setChannelAllowed('g1', 'c1', true);
    store.setChannelAllowed('g1', 'c2', true);
    store.setChannelAllowed('g1', 'c2', false);
    expect(store.isChannelAllowed('g1', 'c1')).toBe(true);
    expect(store.isChannelAllowed('g2', 'c1')).toBe(false);
    expect(store.allowedChannels('g1')).toEqual(['c1']);
  });

  it('remembers the last question of each bot thread', () => {
    expect(store.threadQuestion('t1')).toBeUndefined();
    store.rememberThread('t1', 'g1', 'première');
    store.rememberThread('t1', 'g1', 'seconde');
    expect(store.threadQuestion('t1')).toBe('seconde');
  });
});
