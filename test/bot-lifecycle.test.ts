import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

/**
 * How the running bot ends: as an operator's supervisor sees it (exit code, one log line),
 * with the real process (`npm start` runs dist/bot/main.js) against the fake Discord.
 */

const ROOT = resolve(import.meta.dirname, '..');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | string | null>;
}

const started: Run[] = [];
function startBot(fake: FakeDiscord, command: string[]): Run {
  let out = '';
  let err = '';
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...envFor(fake) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | string | null>((done) => child.on('exit', (code, signal) => done(code ?? signal)));
  const run = { child, stdout: () => out, stderr: () => err, exited };
  started.push(run);
  return run;
}

let scratch: Scratch;
const fakes: FakeDiscord[] = [];
function envFor(fake: FakeDiscord): Record<string, string> {
  return {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.world.applicationId,
    DISCORD_GUILD_ID: fake.world.guildId,
    DISCORD_API_URL: fake.apiUrl,
    DATA_DIR: join(scratch.root, 'data'),
    CORPUS_DIR: scratch.corpusDir,
    INDEX_DIR: scratch.indexDir,
    MODEL: TINY_MODEL_ID,
    MODEL_DIR: TINY_MODEL_DIR,
    LOG_LEVEL: 'info',
  };
}
async function newFake(): Promise<FakeDiscord> {
  const fake = await startFakeDiscord();
  fakes.push(fake);
  return fake;
}

beforeAll(() => {
  scratch = makeScratch({ seed: true });
});
afterAll(async () => {
  for (const r of started) {
    try {
      process.kill(-r.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const fake of fakes) await fake.close();
  scratch?.cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a gateway Discord closes for good while the bot runs', () => {
  it.each([
    [4004, /^Discord closed the gateway \(4004 authentication failed\): the token in DISCORD_TOKEN is no longer valid; reset it in the Developer Portal/],
    [4013, /^Discord closed the gateway \(4013 invalid intents\): /],
    [4014, /^Discord closed the gateway \(4014 disallowed intents\): turn on Message Content Intent in the Developer Portal \(Bot page\), or set ANSWER_MENTIONS=false/],
  ])('close code %i: exits non-zero with one fatal line naming cause and fix', async (code, line) => {
    const fake = await newFake();
    const bot = startBot(fake, [process.execPath, 'dist/bot/main.js']);
    await fake.ready(90_000);
    await expect.poll(() => bot.stdout().includes('"msg":"connected to Discord"'), { timeout: 10_000 }).toBe(true);
    fake.closeGateway(code, 'closed by the test');
    expect(await bot.exited).toBe(1);
    const logs = bot.stdout().trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; code?: number });
    const fatal = logs.filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.code).toBe(code);
    expect(fatal[0]!.msg).toMatch(line);
    expect(logs.at(-1)!.msg).toBe('stopped');
    expect(bot.stdout() + bot.stderr()).not.toContain(fake.token);
  });
});

describe('stopping when the log reader is gone', () => {
  it('exits within 2 s of Ctrl-C when its stdout pipe closes meanwhile (npm start | pino-pretty)', async () => {
    const fake = await newFake();
    const bot = startBot(fake, ['npm', 'start', '--silent']);
    await fake.ready(90_000);
    await expect.poll(() => bot.stdout().includes('"msg":"connected to Discord"'), { timeout: 10_000 }).toBe(true);
    const botPid = (JSON.parse(bot.stdout().split('\n')[0]!) as { pid: number }).pid;
    const signalled = Date.now();
    process.kill(-bot.child.pid!, 'SIGINT');
    // Ctrl-C stops the log reader too, while the bot is still writing its last lines.
    await expect.poll(() => bot.stdout().includes('"msg":"shutting down: finishing answers in flight"'), { timeout: 5_000, interval: 5 }).toBe(true);
    bot.child.stdout!.destroy();
    await expect.poll(() => isAlive(botPid), { timeout: 10_000, interval: 50 }).toBe(false);
    expect(Date.now() - signalled).toBeLessThan(2000);
  });

  it('exits at once with log lines still queued for a closed pipe', async () => {
    // The log reader is gone before the bot's last burst of lines; process.exit must not wait for them.
    const script = `
      import { createLogger } from './dist/bot/logger.js';
      setTimeout(() => {
        const logger = createLogger('info');
        for (let i = 0; i < 200; i++) logger.info({ i }, 'line '.repeat(50));
        process.exit(0);
      }, 300);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.destroy();
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(0);
  });
});
