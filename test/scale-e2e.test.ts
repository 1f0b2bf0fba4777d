import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './fake-discord/server.js';
import { addGuild, buttonInteraction, commandInteraction, shardOfGuild, user, type FakeUser } from './fake-discord/world.js';
import { startPageServer, type PageServer } from './fixtures/ingest/page-server.js';
import { botEnv } from './helpers/bot-env.js';
import { killStarted, run, until, type Run } from './helpers/child-process.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { describePostgres, freshDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * Dépêche at scale, all real processes: an indexer builds the coverage into LanceDB; `npm start`
 * with SHARD_COUNT=2 runs two shard processes (one guild each) on that index and one PostgreSQL
 * database; a separate `npm run ingest` process writes to the same index while a shard ingests.
 * Timings are printed (not asserted, except the 5 s for a change to reach the other shard).
 */

const STARGATE_TITLE = 'Stargate : OpenAI et SoftBank promettent 500 milliards de dollars';
const WORKERS_QUESTION = 'Combien d’ouvriers le chantier emploiera-t-il selon le maire Weldon Hurt ?';
const NOTE_QUESTION = 'Le conseil municipal a-t-il voté le budget à l’unanimité ?';

let fake: FakeDiscord;
let pages: PageServer;
let scratch: Scratch;
let db: TestDatabase;
let env: Record<string, string>;
let guilds: { guildId: string; generalChannelId: string }[];
let bot: Run;
const timings: Record<string, number> = {};

describePostgres('two shards, one ingest process, one LanceDB index, one PostgreSQL database', () => {
  beforeAll(async () => {
    fake = await startFakeDiscord();
    guilds = [addGuild(fake.world, { onShard: [0, 2] }), addGuild(fake.world, { onShard: [1, 2] })];
    pages = await startPageServer();
    scratch = makeScratch({ seed: true });
    db = await freshDatabase();
    env = botEnv(
      fake,
      scratch,
      {
        DATABASE_URL: db.url,
        INDEX_BACKEND: 'lancedb',
        LANCEDB_URI: join(scratch.root, 'lancedb'),
        DATA_DIR: join(scratch.root, 'data-unused'),
        INGEST_ALLOW_HOSTS: '127.0.0.1',
        RATE_LIMIT_MAX: '4',
      },
      { guild: false },
    );
  });
  afterAll(async () => {
    killStarted();
    await fake?.close();
    await pages?.close();
    await db?.drop();
    scratch?.cleanup();
    console.log(`scale e2e timings (ms): ${JSON.stringify(timings)}`);
  });

  const ask = (guild: number, question: string, who: FakeUser = user('lectrice')) =>
    fake.interact(commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: question }], { channelId: guilds[guild]!.generalChannelId, user: who }));
  const finalOf = (interaction: Record<string, any>): Promise<RecordedRequest> =>
    fake.waitForRequest(
      (r) =>
        (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
        (r.method === 'POST' && r.path.includes(`/${interaction.token}/callback`) && [4, 7].includes(r.body?.type)),
      60_000,
    );
  const titlesOf = (r: RecordedRequest): string[] => ((r.body.embeds ?? r.body.data?.embeds ?? []) as { title?: string }[]).map((e) => e.title ?? '');
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('the indexer builds the coverage into LanceDB', async () => {
    const started = Date.now();
    const indexer = run('npm', ['run', '--silent', 'index'], env);
    expect(await indexer.exited).toBe(0);
    timings.indexerBuild = Date.now() - started;
  });

  it('two shard processes answer /ask in their own guild, from the one index', async () => {
    expect(guilds.map((g) => shardOfGuild(g.guildId, 2))).toEqual([0, 1]);
    const started = Date.now();
    bot = run('npm', ['start', '--silent'], { ...env, SHARD_COUNT: '2' });
    await until(() => bot.logs().some((l) => l.msg === 'all shards ready'), 180_000, 'both shards ready');
    timings.shardsReady = Date.now() - started;
    const [a, b] = await Promise.all([finalOf(ask(0, 'Abilene Texas centre de données Stargate')), finalOf(ask(1, 'Qui est Masayoshi Son ?'))]);
    expect(a.body.embeds.length).toBeGreaterThan(0);
    expect(b.body.embeds.length).toBeGreaterThan(0);
    // Log lines travel shard → manager → pipe asynchronously, so they may trail the reply itself.
    const answeredShards = () => bot.logs().filter((l) => l.msg === 'answered').map((l) => l.shard).sort();
    await until(() => answeredShards().length >= 2, 10_000, 'both shards log their answer').catch(() => undefined);
    expect(answeredShards()).toEqual([0, 1]);
  });

  it('an article ingested through shard 0’s /ingest, while another process ingests too, is answered in shard 1’s guild within 5 s', async () => {
    expect(titlesOf(await finalOf(ask(1, WORKERS_QUESTION)))).not.toContain(STARGATE_TITLE);
    // Two writers at the same moment: the shard's /ingest and a separate ingest process.
    const cli = run('npm', ['run', '--silent', 'ingest', '--', `http://127.0.0.1:${pages.port}/note.md`], env);
    const cliDone = cli.exited.then((code) => ({ code, at: Date.now() }));
    const ingest = fake.interact(
      commandInteraction(fake.world, 'ingest', [{ name: 'url', type: 3, value: `http://127.0.0.1:${pages.port}/news/stargate` }], {
        channelId: guilds[0]!.generalChannelId,
        user: fake.world.moderator,
      }),
    );
    const reply = await finalOf(ingest);
    expect(reply.body.content).toMatch(/^Ajouté : « Stargate/);
    const ingestedAt = Date.now();
    let seenAt = 0;
    while (!seenAt) {
      if (titlesOf(await finalOf(ask(1, WORKERS_QUESTION))).includes(STARGATE_TITLE)) seenAt = Date.now();
      else if (Date.now() - ingestedAt > 15_000) break;
      else await new Promise((r) => setTimeout(r, 250));
    }
    timings.ingestToOtherShard = seenAt - ingestedAt;
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt - ingestedAt).toBeLessThanOrEqual(5_000);

    const { code, at: cliDoneAt } = await cliDone;
    expect(code).toBe(0);
    let poolSeen = 0;
    while (!poolSeen && Date.now() - cliDoneAt < 15_000) {
      if (titlesOf(await finalOf(ask(0, NOTE_QUESTION))).includes('Note de synthèse')) poolSeen = Date.now();
      else await new Promise((r) => setTimeout(r, 250));
    }
    timings.cliIngestToShard = poolSeen - cliDoneAt;
    expect(poolSeen).toBeGreaterThan(0);
    expect(poolSeen - cliDoneAt).toBeLessThanOrEqual(5_000);
  });

  it('both shards’ question logs and feedback land in the one PostgreSQL database', async () => {
    const answers = await Promise.all([finalOf(ask(0, 'SoftBank investissement OpenAI')), finalOf(ask(1, 'SoftBank investissement OpenAI'))]);
    for (const [guild, answer] of answers.entries()) {
      const voteId = (answer.body.components[0].components as { custom_id: string }[]).find((c) => c.custom_id.endsWith(':up'))!.custom_id;
      const message = [...fake.messages.values()].find((m) => m.embeds === answer.body.embeds)!;
      const click = fake.interact(buttonInteraction(fake.world, voteId, message, { user: fake.world.member, channelId: guilds[guild]!.generalChannelId }));
      expect((await finalOf(click)).body.data.content).toMatch(/^Merci/);
    }
    const perGuild = await query<{ guild_id: string; n: number }>('SELECT guild_id, count(*)::int AS n FROM questions GROUP BY guild_id');
    const counts = Object.fromEntries(perGuild.map((r) => [r.guild_id, r.n]));
    expect(counts[guilds[0]!.guildId]).toBeGreaterThanOrEqual(3);
    expect(counts[guilds[1]!.guildId]).toBeGreaterThanOrEqual(3);
    const votes = await query<{ guild_id: string }>('SELECT q.guild_id FROM feedback f JOIN questions q ON q.id = f.question_id WHERE f.vote = 1');
    expect(votes.map((v) => v.guild_id).sort()).toEqual([guilds[0]!.guildId, guilds[1]!.guildId].sort());
  });

  it('holds a member present in both guilds to one rate limit across the two shards', async () => {
    const both = user('partout');
    const outcomes: string[] = [];
    for (const guild of [0, 1, 0, 1, 0]) {
      const r = await finalOf(ask(guild, 'Qui est Masayoshi Son ?', both));
      outcomes.push(r.method === 'PATCH' ? 'answered' : r.body.data.content);
    }
    expect(outcomes.slice(0, 4)).toEqual(['answered', 'answered', 'answered', 'answered']);
    expect(outcomes[4]).toMatch(/^Vous posez beaucoup de questions/);
    bot.signal('SIGTERM');
    await until(() => bot.logs().some((l) => l.msg === 'all shards stopped'), 30_000, 'shards stopped');
    expect(bot.stdout() + bot.stderr()).not.toContain(fake.token);
  });
});
