import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { botEnv } from './helpers/bot-env.js';
import { isAlive, killStarted, ROOT, run, type Run } from './helpers/child-process.js';

/**
 * How the running bot ends: as an operator's supervisor sees it (exit code, one log line),
 * with the real process (`npm start` runs dist/bot/main.js) against the fake Discord.
 */

function startBot(fake: FakeDiscord, command: string[]): Run {
  return run(command[0]!, command.slice(1), botEnv(fake, scratch));
}

let scratch: Scratch;
const fakes: FakeDiscord[] = [];
async function newFake(): Promise<FakeDiscord> {
  const fake = await startFakeDiscord();
  fakes.push(fake);
  return fake;
}

beforeAll(() => {
  scratch = makeScratch({ seed: true });
});
afterAll(async () => {
  killStarted();
  for (const fake of fakes) await fake.close();
  scratch?.cleanup();
});

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
