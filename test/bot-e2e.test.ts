import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitViolations } from '../src/bot/render/limits.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './fake-discord/server.js';
import { commandInteraction, userMessage } from './fake-discord/world.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { botEnv } from './helpers/bot-env.js';
import { isAlive, killStarted, run, until, type Run } from './helpers/child-process.js';

/**
 * The bot as users run it: `npm start` in a child process, configured only through the
 * environment, talking to the fake Discord on 127.0.0.1 and the real engine on the tiny model.
 */

let fake: FakeDiscord;
let scratch: Scratch;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeDiscord();
  scratch = makeScratch({ seed: true });
  env = botEnv(fake, scratch);
});
afterAll(async () => {
  killStarted();
  await fake?.close();
  scratch?.cleanup();
});

describe('npm run deploy-commands', () => {
  it('registers the eight localized commands in the configured guild', async () => {
    const deploy = run('npm', ['run', '--silent', 'deploy-commands'], env);
    expect(await deploy.exited).toBe(0);
    expect(deploy.stdout().trim()).toBe(`Registered 8 commands (guild ${fake.world.guildId}).`);
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`/applications/${fake.world.applicationId}/guilds/${fake.world.guildId}/commands`);
    const byName = Object.fromEntries((put.body as any[]).map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['ask', 'channels', 'ingest', 'reindex', 'remove', 'source', 'sources', 'stats']);
    expect(byName.ask.name_localizations).toEqual({ fr: 'demander' });
    expect(byName.ask.description_localizations.fr).toMatch(/^Poser une question/);
    for (const name of ['reindex', 'ingest', 'remove', 'stats', 'channels']) expect(byName[name].default_member_permissions).toBe('32');
    expect(byName.ask.default_member_permissions).toBeUndefined();
    expect(byName.source.options[0].autocomplete).toBe(true);
  });
});

describe('npm start', () => {
  it('exits with one line naming a missing or malformed token, never its value', async () => {
    const missing = run('npm', ['start', '--silent'], { ...env, DISCORD_TOKEN: '' });
    expect(await missing.exited).toBe(1);
    expect(missing.stderr().trim()).toBe('depeche: DISCORD_TOKEN is not set (see .env.example).');
    const secret = 'not-a-token-but-secret-anyway';
    const malformed = run('npm', ['start', '--silent'], { ...env, DISCORD_TOKEN: secret });
    expect(await malformed.exited).toBe(1);
    expect(malformed.stderr().trim()).toMatch(/^depeche: DISCORD_TOKEN must be .*\.$/);
    expect(malformed.stderr() + malformed.stdout()).not.toContain(secret);
  });

  let bot: Run;
  it('connects with only the intents it needs and answers /ask within the 3-second window', async () => {
    bot = run('npm', ['start', '--silent'], env);
    await fake.ready(60_000);
    const identify = fake.gatewayFrames.find((f) => f.op === 2)!;
    // Guilds | GuildMessages | MessageContent: mention answering is on by default.
    expect(identify.d.intents).toBe(1 | 512 | 32768);

    const from = fake.requests.length;
    const sent = Date.now();
    const interaction = fake.interact(
      commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: 'Abilene Texas centre de données Stargate' }]),
    );
    const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(interaction.token), 30_000);
    const calls = fake.requests.slice(from).filter((r) => r.path.includes(interaction.token));
    expect(calls.map((r) => `${r.method} ${r.path.replace(interaction.token, ':token').replace(/\d{17,20}/g, ':id')}`)).toEqual([
      'POST /interactions/:id/:token/callback',
      'PATCH /webhooks/:id/:token/messages/@original',
    ]);
    expect(calls[0]!.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(calls[0]!.at - sent).toBeLessThan(3000);

    expect(edit.body.content).toMatch(/^\*\*Réponse :\*\* .*Abilene/);
    expect(edit.body.embeds.length).toBeGreaterThan(0);
    expect(edit.body.embeds[0].description).toMatch(/\*\*[^*]*Abilene[^*]*\*\*/);
    expect(edit.body.components[0].components.map((b: any) => b.custom_id.split(':')[0])).toEqual(['more', 'vote', 'vote', 'srcs']);
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(limitViolations(edit.body)).toEqual([]);
  });

  it('answers a mention in an allowed channel in a thread', async () => {
    const allow = fake.interact(
      commandInteraction(fake.world, 'channels', [{ name: 'allow', type: 1, options: [{ name: 'channel', type: 7, value: fake.world.generalChannelId }] }], {
        user: fake.world.moderator,
      }),
    );
    await fake.waitForRequest((r) => r.path.includes(`${allow.token}/callback`));
    const msg = fake.say(userMessage(fake.world, `<@${fake.world.bot.id}> Qui est Masayoshi Son ?`, { mentionsBot: true }));
    const thread = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${fake.world.generalChannelId}/messages/${msg.id}/threads`, 30_000);
    expect(thread.body.name).toBe('Qui est Masayoshi Son ?');
    const answer = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${msg.id}/messages`, 30_000);
    expect(answer.body.embeds.length).toBeGreaterThan(0);
    expect(answer.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('on SIGTERM finishes the answer in flight, then exits cleanly without ever logging the token', async () => {
    const interaction = fake.interact(commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: 'Stargate OpenAI centres de données' }]));
    await fake.waitForRequest((r) => r.path.includes(`${interaction.token}/callback`));
    process.kill(-bot.child.pid!, 'SIGTERM');
    const edit: RecordedRequest = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(interaction.token), 30_000);
    expect(edit.body.embeds.length).toBeGreaterThan(0);
    // npm returns at once; the bot itself logs when it has stopped, then its process ends.
    await until(() => bot.stdout().includes('"msg":"stopped"'), 20_000);
    const logs = bot.stdout().trim().split('\n').map((l) => JSON.parse(l) as { msg: string; pid: number });
    const botPid = logs[0]!.pid;
    await until(() => !isAlive(botPid), 10_000);
    const order = logs.map((l) => l.msg);
    expect(order).toEqual(expect.arrayContaining(['connected to Discord', 'shutting down: finishing answers in flight', 'stopped']));
    // The gateway connection closed only after the last answer went out.
    expect(order.lastIndexOf('answered')).toBeLessThan(order.indexOf('stopped'));
    expect(bot.stdout() + bot.stderr()).not.toContain(fake.token);
  });
});
