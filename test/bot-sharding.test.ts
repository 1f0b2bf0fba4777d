import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/server.js';
import { addGuild, commandInteraction, shardOfGuild, user } from './fake-discord/world.js';
import { isAlive, killStarted, run, until } from './helpers/child-process.js';
import { botEnv } from './helpers/bot-env.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * `npm start` with SHARD_COUNT: discord.js's ShardingManager runs each shard in a real process of
 * its own; the fake Discord sends each guild's events only to the shard the guild is on.
 */

let fake: FakeDiscord;
let scratch: Scratch;
let env: Record<string, string>;
let guilds: { guildId: string; generalChannelId: string }[];

beforeAll(async () => {
  // Discord would recommend two shards for this bot: what SHARD_COUNT=auto gets.
  fake = await startFakeDiscord({ recommendedShards: 2 });
  guilds = [addGuild(fake.world, { onShard: [0, 2] }), addGuild(fake.world, { onShard: [1, 2] })];
  scratch = makeScratch({ seed: true });
  env = botEnv(fake, scratch, {}, { guild: false });
});
afterAll(async () => {
  killStarted();
  await fake?.close();
  scratch?.cleanup();
});

const ask = (channelId: string, question: string) =>
  fake.interact(commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: question }], { channelId, user: user('lectrice') }));
const answerOf = (interaction: Record<string, any>) =>
  fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(`${interaction.token}/messages/@original`), 60_000);

describe('npm start with SHARD_COUNT', () => {
  it('runs the recommended number of shards (auto) as separate processes, each answering its own guild, every log line naming its shard', async () => {
    expect(guilds.map((g) => shardOfGuild(g.guildId, 2))).toEqual([0, 1]);
    const manager = run('npm', ['start', '--silent'], { ...env, SHARD_COUNT: 'auto' });
    expect(await fake.shardReady(0, 120_000)).toBe(2);
    expect(await fake.shardReady(1, 120_000)).toBe(2);
    const identified = fake.gatewayFrames.filter((f) => f.op === 2).map((f) => f.d.shard);
    expect(identified).toEqual([
      [0, 2],
      [1, 2],
    ]);
    await until(() => manager.logs().some((l) => l.msg === 'all shards ready'), 60_000, 'all shards ready');

    const [first, second] = [ask(guilds[0]!.generalChannelId, 'Abilene Texas centre de données Stargate'), ask(guilds[1]!.generalChannelId, 'Qui est Masayoshi Son ?')];
    for (const edit of await Promise.all([answerOf(first), answerOf(second)])) expect(edit.body.embeds.length).toBeGreaterThan(0);

    // Each guild's question was answered by the shard its guild is on, in that shard's own process.
    // A shard's log lines are written asynchronously and may trail its reply.
    const answeredShards = () => manager.logs().filter((l) => l.msg === 'answered').map((l) => l.shard).sort();
    await until(() => answeredShards().length >= 2, 10_000, 'both shards log their answer').catch(() => undefined);
    expect(answeredShards()).toEqual([0, 1]);
    const logs = manager.logs();
    // The manager's own lines about a shard carry its id too; the shard processes are the others.
    const managerPid = logs.find((l) => l.msg === 'starting shards')!.pid;
    const pids = (shard: number) => new Set(logs.filter((l) => l.shard === shard && l.pid !== managerPid).map((l) => l.pid));
    expect(pids(0).size).toBe(1);
    expect(pids(1).size).toBe(1);
    expect([...pids(0)][0]).not.toBe([...pids(1)][0]);
    // Every line a shard process wrote carries its shard id.
    for (const line of logs.filter((l) => l.pid !== managerPid)) expect(line.shard === 0 || line.shard === 1).toBe(true);

    manager.signal('SIGTERM');
    await until(() => manager.logs().some((l) => l.msg === 'all shards stopped'), 30_000, 'all shards stopped');
    for (const pid of [managerPid, ...pids(0), ...pids(1)]) await until(() => !isAlive(pid), 15_000, `process ${pid} gone`);
    expect(manager.stdout() + manager.stderr()).not.toContain(fake.token);
  });

  it('runs only the shards SHARD_IDS lists, for spreading shards over machines', async () => {
    const framesBefore = fake.gatewayFrames.length;
    const machine = run('npm', ['start', '--silent'], { ...env, SHARD_COUNT: '2', SHARD_IDS: '1' });
    await until(() => machine.logs().some((l) => l.msg === 'all shards ready'), 120_000, 'shard 1 ready');
    const identified = fake.gatewayFrames.slice(framesBefore).filter((f) => f.op === 2).map((f) => f.d.shard);
    expect(identified).toEqual([[1, 2]]);
    const edit = await answerOf(ask(guilds[1]!.generalChannelId, 'SoftBank investissement OpenAI'));
    expect(edit.body.embeds.length).toBeGreaterThan(0);
    machine.signal('SIGTERM');
    expect(await machine.exited).not.toBeNull();
    await until(() => machine.logs().some((l) => l.msg === 'all shards stopped'), 30_000, 'stopped');
  });

  it('refuses a bad shard setting in one line naming the variable', async () => {
    const bad = run('npm', ['start', '--silent'], { ...env, SHARD_COUNT: '2', SHARD_IDS: '0,2' });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr().trim()).toBe('depeche: SHARD_IDS must list shard numbers from 0 to 1, separated by commas (e.g. 0,1).');
  });
});
