import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitViolations } from '../src/bot/render/limits.js';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import type { RecordedRequest } from './fake-discord/server.js';
import { commandInteraction, PERMISSIONS, userMessage, type MessageOptions } from './fake-discord/world.js';

let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.stop();
});

const mention = (text: string) => `<@${h.fake.world.bot.id}> ${text}`;

function say(content: string, o: MessageOptions = {}) {
  return h.fake.say(userMessage(h.fake.world, content, o));
}

/** Resolves with the bot's message in `channelId`, or null if none arrives within `ms`. */
async function botPostIn(channelId: string, after: number, ms = 8000): Promise<RecordedRequest | null> {
  return h.fake
    .waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.at >= after, ms)
    .catch(() => null);
}

async function setChannel(sub: 'allow' | 'deny', channelId: string) {
  const interaction = h.fake.interact(
    commandInteraction(h.fake.world, 'channels', [{ name: sub, type: 1, options: [{ name: 'channel', type: 7, value: channelId }] }], {
      user: h.fake.world.moderator,
    }),
  );
  return h.fake.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
}

describe('mentions', () => {
  it('ignores mentions in channels no moderator allowed', async () => {
    const start = Date.now();
    say(mention('Qui est Masayoshi Son ?'), { mentionsBot: true, channelId: h.fake.world.otherChannelId });
    await new Promise((r) => setTimeout(r, 1500));
    const made = h.fake.requests.filter((r) => r.at >= start && r.method === 'POST' && r.path.startsWith('/channels/'));
    expect(made).toEqual([]);
  });

  it('lets a moderator allow a channel with /channels', async () => {
    const reply = await setChannel('allow', h.fake.world.generalChannelId);
    expect(reply.body.data).toMatchObject({ content: `Je répondrai aux mentions dans <#${h.fake.world.generalChannelId}>.`, flags: 64 });
    expect(await h.ctx.store.allowedChannels(h.fake.world.guildId)).toEqual([h.fake.world.generalChannelId]);
  });

  let threadId = '';
  it('answers a mention in an allowed channel in a new thread, pinging no one', async () => {
    const start = Date.now();
    const msg = say(mention('@everyone combien SoftBank promet-il d’investir aux États-Unis ?'), { mentionsBot: true });
    const thread = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.fake.world.generalChannelId}/messages/${msg.id}/threads`);
    expect(thread.body.name).toBe('@everyone combien SoftBank promet-il d’investir aux États-Unis ?');
    threadId = msg.id as string;
    const answer = await botPostIn(threadId, start);
    expect(answer).not.toBeNull();
    expect(answer!.body.embeds.length).toBeGreaterThan(0);
    expect(answer!.body.content).toMatch(/^\*\*Réponse :\*\*/);
    expect(answer!.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(limitViolations(answer!.body)).toEqual([]);
  });

  it('understands a follow-up in the thread with the previous question as context', async () => {
    const start = Date.now();
    say('Et combien d’emplois ?', { channelId: threadId });
    const answer = await botPostIn(threadId, start);
    expect(answer).not.toBeNull();
    const logged = (await h.ctx.store.getQuestion((await h.ctx.store.stats(null)).questions))!;
    expect(logged).toMatchObject({ question: 'Et combien d’emplois ?', context: '@everyone combien SoftBank promet-il d’investir aux États-Unis ?' });
    // The passages are those the engine gives with the previous question as context, not without it.
    const withContext = await h.engine.ask(logged.question, { context: logged.context! });
    const alone = await h.engine.ask(logged.question);
    expect(logged.passageIds).toEqual(withContext.passages.map((p) => p.chunkId));
    expect(logged.passageIds).not.toEqual(alone.passages.map((p) => p.chunkId));
    expect(answer!.body.embeds.map((e: any) => e.title)).toEqual(withContext.passages.map((p) => p.source.title));
    expect(await h.ctx.store.threadQuestion(threadId)).toBe('Et combien d’emplois ?');
  });

  it('answers a reply to one of its answers like a mention, in a thread', async () => {
    const botAnswer = [...h.fake.messages.values()].find((m) => m.author.id === h.fake.world.bot.id && m.channel_id === threadId)!;
    expect(botAnswer).toBeDefined();
    // A bot answer posted directly in the allowed channel, that a member then replies to.
    const posted = h.fake.say({ ...botAnswer, id: `${BigInt(botAnswer.id) + 7n}`, channel_id: h.fake.world.generalChannelId });
    const start = Date.now();
    const reply = say('Et Stargate, c’est quoi ?', { replyTo: posted });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.fake.world.generalChannelId}/messages/${reply.id}/threads`);
    expect(await botPostIn(reply.id as string, start)).not.toBeNull();
  });

  it('stops answering, even in its threads, once the channel is denied', async () => {
    await setChannel('deny', h.fake.world.generalChannelId);
    const start = Date.now();
    say('Encore une question sur Trump ?', { channelId: threadId });
    say(mention('Qui est Masayoshi Son ?'), { mentionsBot: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.fake.requests.filter((r) => r.at >= start && r.method === 'POST' && r.path.startsWith('/channels/'))).toEqual([]);
  });

  it('never answers its own messages', () => {
    const own = h.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/threads'));
    // Every thread was opened on a member's message, none on one of the bot's.
    for (const r of own) {
      const messageId = r.path.split('/')[4]!;
      expect(h.fake.messages.get(messageId)?.author.bot).not.toBe(true);
    }
  });
});

describe('channels where the bot lacks permissions', () => {
  it('refuses /channels allow and names the permissions the bot lacks there', async () => {
    const other = h.fake.world.otherChannelId;
    h.fake.denyBotIn(other, PERMISSIONS.createPublicThreads | PERMISSIONS.embedLinks);
    await new Promise((r) => setTimeout(r, 200));
    const reply = await setChannel('allow', other);
    expect(reply.body.data).toMatchObject({
      content: `Je ne peux pas répondre dans <#${other}> : il me manque Créer des fils publics, Intégrer des liens. Accordez ces permissions à mon rôle dans ce salon, puis réessayez.`,
      flags: 64,
    });
    expect(await h.ctx.store.isChannelAllowed(h.fake.world.guildId, other)).toBe(false);
  });

  it('answers a mention in the channel, as a reply, when Discord refuses the thread (403)', async () => {
    const other = h.fake.world.otherChannelId;
    h.fake.denyBotIn(other, 0n);
    await new Promise((r) => setTimeout(r, 200));
    expect((await setChannel('allow', other)).body.data.content).toBe(`Je répondrai aux mentions dans <#${other}>.`);
    // A permission the check cannot see (e.g. a category overwrite changed since): the thread is refused.
    h.fake.refuseThreadsIn(other);
    const start = Date.now();
    const msg = say(mention('Qui est Masayoshi Son ?'), { mentionsBot: true, channelId: other });
    const refused = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${other}/messages/${msg.id}/threads`);
    expect(refused.status).toBe(403);
    const answer = await botPostIn(other, start, 30_000);
    expect(answer).not.toBeNull();
    expect(answer!.body.message_reference).toMatchObject({ message_id: msg.id });
    expect(answer!.body.embeds.length).toBeGreaterThan(0);
    expect(answer!.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(h.logs.some((l) => l.msg === 'cannot create threads in this channel: answering in the channel')).toBe(true);
  });

  it('answers a mention in the language of the question, not the server\'s', async () => {
    const other = h.fake.world.otherChannelId;
    const start = Date.now();
    const msg = say(mention('How much did SoftBank promise to invest in the United States?'), { mentionsBot: true, channelId: other });
    const answer = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${other}/messages` && r.body?.message_reference?.message_id === msg.id && r.at >= start, 30_000);
    expect(answer.body.content).toMatch(/^(\*\*Answer:\*\*|I found nothing)/);
  });
});
