import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig } from '../src/bot/config.js';

const token = 'MTU3NTQ4MDk4MDM2MDI2NTczMA.GfAkE1.aVeryLongHmacPartThatIsSecret0123456789';
const valid = { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '1575480980360265730' };

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadBotConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadBotConfig', () => {
  it('fills defaults and returns a frozen object', () => {
    const config = loadBotConfig(valid);
    expect(config).toMatchObject({
      token,
      applicationId: valid.DISCORD_APPLICATION_ID,
      guildId: null,
      apiUrl: null,
      dataDir: 'data',
      answerMentions: true,
      rateLimit: { max: 5, windowMs: 60_000 },
      maxConcurrentAnswers: 2,
      maxQueuedAnswers: 100,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rateLimit)).toBe(true);
  });

  it('keeps SQLite unless DATABASE_URL names a PostgreSQL database, and never echoes a bad one', () => {
    expect(loadBotConfig(valid).databaseUrl).toBeNull();
    const url = 'postgresql://bot:pw@db.internal:5432/depeche';
    expect(loadBotConfig({ ...valid, DATABASE_URL: url }).databaseUrl).toBe(url);
    const message = errorOf({ ...valid, DATABASE_URL: 'mysql://bot:hunter2-secret@db/depeche' });
    expect(message).toBe('DATABASE_URL must be a PostgreSQL connection string (postgresql://user:password@host:5432/database).');
    expect(message).not.toContain('hunter2');
  });

  it('names a missing token in one line', () => {
    expect(errorOf({ DISCORD_APPLICATION_ID: valid.DISCORD_APPLICATION_ID })).toBe('DISCORD_TOKEN is not set (see .env.example).');
    expect(errorOf({ ...valid, DISCORD_TOKEN: '   ' })).toBe('DISCORD_TOKEN is not set (see .env.example).');
  });

  it('names a malformed token without echoing its value', () => {
    const secret = 'my-secret-but-malformed-token';
    const message = errorOf({ ...valid, DISCORD_TOKEN: secret });
    expect(message).toMatch(/^DISCORD_TOKEN must be/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('\n');
  });

  it('names a malformed application id', () => {
    expect(errorOf({ ...valid, DISCORD_APPLICATION_ID: 'abc' })).toMatch(/^DISCORD_APPLICATION_ID must be the numeric application id/);
  });

  it('reads the REST base, guild, limits and switches', () => {
    const config = loadBotConfig({
      ...valid,
      DISCORD_API_URL: 'http://127.0.0.1:8080/api',
      DISCORD_GUILD_ID: '1575480980360265731',
      ANSWER_MENTIONS: 'false',
      RATE_LIMIT_MAX: '2',
      RATE_LIMIT_WINDOW_SECONDS: '10',
    });
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:8080/api', guildId: '1575480980360265731', answerMentions: false, rateLimit: { max: 2, windowMs: 10_000 } });
    expect(errorOf({ ...valid, DISCORD_API_URL: 'ftp://x' })).toMatch(/^DISCORD_API_URL must be an http\(s\) URL/);
    expect(errorOf({ ...valid, RATE_LIMIT_MAX: '-1' })).toBe('RATE_LIMIT_MAX must be a positive whole number.');
  });
});

describe('gateway intents', () => {
  it('asks for message content only when mention answering is on', async () => {
    const { GatewayIntentBits } = await import('discord.js');
    const { intentsFor } = await import('../src/bot/client.js');
    expect(intentsFor(false)).toEqual([GatewayIntentBits.Guilds]);
    expect(intentsFor(true)).toEqual([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]);
  });
});
