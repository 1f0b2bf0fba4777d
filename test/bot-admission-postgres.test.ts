import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import { commandInteraction, user, type FakeUser } from './fake-discord/world.js';
import { describePostgres, freshDatabase, type TestDatabase } from './helpers/postgres.js';

const EPHEMERAL = 64;
const ACK_DEADLINE_MS = 3000;

/**
 * Admission on PostgreSQL is a database round trip. A database slow to decide never delays the
 * acknowledgement: here the member's rate-limit lock is held, for real, by another connection,
 * so the bot's take waits on it as it would on a busy server.
 */
describePostgres('/ask when the database is slow to admit', () => {
  let db: TestDatabase;
  let h: BotHarness;
  let holder: pg.Client;
  beforeAll(async () => {
    db = await freshDatabase();
    h = await startBotHarness({ env: { DATABASE_URL: db.url, RATE_LIMIT_MAX: '1' } });
    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await h?.stop();
    await db?.drop();
  });

  /** Holds the lock the member's rate-limit take waits on, until the returned function is called. */
  async function holdMemberLock(member: FakeUser): Promise<() => Promise<void>> {
    const key = h.ctx.store.hashUser(member.id);
    await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    return async () => void (await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]));
  }

  function ask(member: FakeUser) {
    const sent = Date.now();
    const interaction = h.fake.interact(commandInteraction(h.fake.world, 'ask', [{ name: 'question', type: 3, value: 'Combien SoftBank va-t-il investir ?' }], { user: member }));
    const callback = h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${interaction.id}/${interaction.token}/callback`, 10_000);
    return { interaction, sent, callback };
  }

  it('defers before the database decides, then answers once it has', async () => {
    const patient = user('patient');
    const release = await holdMemberLock(patient);
    const { interaction, sent, callback } = ask(patient);
    const ack = await callback;
    expect(ack.body.type).toBe(5);
    // Acknowledged while the database still could not decide: the lock is held until now.
    expect(ack.at - sent).toBeLessThan(ACK_DEADLINE_MS);
    await release();
    const final = await h.finalReply(interaction);
    expect(final.body.embeds.length).toBeGreaterThan(0);
  });

  it('turns a late refusal into a private message, removing the public one', async () => {
    // The member's one question of the window is used up.
    const hurried = user('pressé');
    await h.finalReply(ask(hurried).interaction);
    const release = await holdMemberLock(hurried);
    const { interaction, sent, callback } = ask(hurried);
    const ack = await callback;
    expect(ack.body.type).toBe(5);
    expect(ack.at - sent).toBeLessThan(ACK_DEADLINE_MS);
    await release();
    const removed = h.fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith(`/${interaction.token}/messages/@original`), 10_000);
    const followUp = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/webhooks/${h.fake.world.applicationId}/${interaction.token}`), 10_000);
    await removed;
    expect(followUp.body.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(followUp.body.content).toMatch(/^Vous posez beaucoup de questions : réessayez dans \d+ s\.$/);
  });
});
