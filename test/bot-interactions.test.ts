import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCustomId } from '../src/bot/render/custom-id.js';
import { DISCORD_LIMITS, limitViolations } from '../src/bot/render/limits.js';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import type { RecordedRequest } from './fake-discord/server.js';
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  user,
  type InteractionOptions,
} from './fake-discord/world.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

const EPHEMERAL = 64;
// One sentence of ~1500 words: the chunker keeps it whole, so its passage is far over any embed limit.
const HUGE_SENTENCE = `Le consortium Zyxwarbleton ${Array.from({ length: 1500 }, (_, i) => `élément${i}`).join(' ')} a été annoncé hier`;

let scratch: Scratch;
let h: BotHarness;

beforeAll(async () => {
  scratch = makeScratch({ seed: true });
  scratch.writeArticle('huge', { title: 'Un article démesuré', publisher: null, url: null, date: null }, `${HUGE_SENTENCE}.\n`);
  h = await startBotHarness({ scratch });
});
afterAll(async () => {
  await h?.stop();
  scratch?.cleanup();
});

/** An /ask from a new member each time unless told, so the per-user rate limit stays out of the way. */
function ask(question: string, o: InteractionOptions = {}) {
  const options = { user: user('membre'), ...o };
  return h.fake.interact(commandInteraction(h.fake.world, 'ask', [{ name: 'question', type: 3, value: question }], options));
}

function callbackOf(interaction: Record<string, any>): Promise<RecordedRequest> {
  return h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
}

function expectNoMentions(body: any) {
  expect(body.allowed_mentions ?? body.data?.allowed_mentions).toEqual({ parse: [], replied_user: false });
}

function buttonIds(body: any): string[] {
  return (body.components ?? []).flatMap((row: any) => row.components.map((b: any) => b.custom_id));
}

describe('/ask', () => {
  it('defers within 3 s, then edits the reply with the answer, sourced passages and buttons', async () => {
    const sent = Date.now();
    const interaction = ask('Combien SoftBank promet-il d’investir aux États-Unis ?');
    const callback = await callbackOf(interaction);
    expect(callback.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(callback.at - sent).toBeLessThan(3000);

    const edit = await h.finalReply(interaction);
    const body = edit.body;
    expect(body.content).toMatch(/^\*\*Réponse :\*\* .*milliards/);
    expect(body.embeds.length).toBeGreaterThan(0);
    for (const embed of body.embeds) {
      expect(embed.description.startsWith('> ')).toBe(true);
      expect(embed.description).toMatch(/\*\*[^*]+\*\*/);
      const source = h.engine.sources().find((s) => s.title === embed.title);
      expect(source).toBeDefined();
      // Linked only when the corpus gives a url; the footer holds only what the source states.
      if (source!.url) expect(embed.url.startsWith(source!.url)).toBe(true);
      else expect(embed.url).toBeUndefined();
      expect(embed.footer?.text ?? '').toBe([source!.publisher, source!.date].filter(Boolean).join(' · '));
    }
    expect(limitViolations(body)).toEqual([]);
    expectNoMentions(body);
    const ids = buttonIds(body);
    expect(ids.map((id) => parseCustomId(id)?.kind)).toEqual(['more', 'vote', 'vote', 'sources']);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
    expect(h.fake.requestsFor(interaction).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 204', 'PATCH 200']);
  });

  it('speaks English to an English client', async () => {
    const edit = await h.finalReply(ask('SoftBank OpenAI Stargate investment', { locale: 'en-US' }));
    expect(edit.body.content).toMatch(/^\*\*Answer:\*\* /);
  });

  it('keeps every embed within Discord limits when the passage is huge', async () => {
    const edit = await h.finalReply(ask('Que sait-on du consortium Zyxwarbleton ?'));
    const huge = edit.body.embeds.find((e: any) => e.title === 'Un article démesuré');
    expect(huge).toBeDefined();
    expect(HUGE_SENTENCE.length).toBeGreaterThan(DISCORD_LIMITS.embedsTotal);
    expect(huge.description.endsWith('…')).toBe(true);
    expect(limitViolations(edit.body)).toEqual([]);
    expect(edit.body.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  });

  it('refuses a question without words privately, in the member’s language, before any public reply', async () => {
    const french = ask('?!?');
    const reply = await h.finalReply(french);
    expect(reply.body).toMatchObject({
      type: 4,
      data: { content: 'Je ne peux pas utiliser cette question : elle ne contient aucun mot.', flags: 64, allowed_mentions: { parse: [], replied_user: false } },
    });
    expect(h.fake.requestsFor(french)).toHaveLength(1);
    const english = await h.finalReply(ask('   ?   ', { locale: 'en-US' }));
    expect(english.body.data).toMatchObject({ content: 'I cannot use this question: it has no words.', flags: 64 });
    const blank = await h.finalReply(ask('   ', { locale: 'fr' }));
    expect(blank.body.data).toMatchObject({ content: 'Je ne peux pas utiliser cette question : elle est vide.', flags: 64 });
  });
});

describe('answer buttons', () => {
  let answer: RecordedRequest;
  beforeAll(async () => {
    answer = await h.finalReply(ask('SoftBank investissement OpenAI'));
  });
  const message = () => [...h.fake.messages.values()].find((m) => m.embeds === answer.body.embeds)!;
  /** Passage embeds only (the "sources disagree" note has no description). */
  const passages = (body: any): any[] => body.embeds.filter((e: any) => e.description);
  const click = (kind: string, o: InteractionOptions = {}) => {
    const id = buttonIds(answer.body).find((x) => x.startsWith(kind))!;
    return h.fake.interact(buttonInteraction(h.fake.world, id, message(), { user: user('curieux'), ...o }));
  };

  it('"More passages" answers privately with the next passages of the same question', async () => {
    const interaction = click('more');
    const callback = await callbackOf(interaction);
    expect(callback.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const more = await h.finalReply(interaction);
    expect(passages(more.body).length).toBeGreaterThan(0);
    expect(limitViolations(more.body)).toEqual([]);
    const first = new Set(passages(answer.body).map((e: any) => e.description));
    for (const e of passages(more.body)) expect(first.has(e.description)).toBe(false);
    const action = parseCustomId(buttonIds(answer.body)[0]!);
    expect(action).toMatchObject({ kind: 'more', offset: passages(answer.body).length });
  });

  it('records 👍 and 👎 once per member and thanks privately', async () => {
    const before = await h.ctx.store.stats(h.fake.world.guildId);
    const up = click('vote:', { user: h.fake.world.member });
    const reply = await callbackOf(up);
    expect(reply.body.type).toBe(4);
    expect(reply.body.data).toMatchObject({ content: 'Merci, votre avis est enregistré.', flags: EPHEMERAL });
    expectNoMentions(reply.body.data);
    const downId = buttonIds(answer.body).find((x) => x.endsWith(':down'))!;
    await callbackOf(h.fake.interact(buttonInteraction(h.fake.world, downId, message(), { user: h.fake.world.member })));
    const after = await h.ctx.store.stats(h.fake.world.guildId);
    expect([after.up - before.up, after.down - before.down]).toEqual([0, 1]);
  });

  it('"Sources" lists every article the answer quotes, privately', async () => {
    const reply = await callbackOf(click('srcs:'));
    expect(reply.body.data.flags).toBe(EPHEMERAL);
    const listed = reply.body.data.embeds[0].description as string;
    for (const e of passages(answer.body)) expect(listed).toContain(e.title.slice(0, 30));
  });
});

describe('/source and /sources', () => {
  it('autocompletes titles with at most 25 choices whose values are article ids', async () => {
    const interaction = h.fake.interact(
      autocompleteInteraction(h.fake.world, 'source', [{ name: 'article', type: 3, value: 'softbank', focused: true }]),
    );
    const reply = await callbackOf(interaction);
    expect(reply.body.type).toBe(8);
    const choices = reply.body.data.choices as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) {
      expect(c.name.toLowerCase()).toContain('softbank');
      expect(h.engine.source(c.value)?.title.startsWith(c.name.replace(/…$/, ''))).toBe(true);
    }
  });

  it('shows one article with its link, and unknown fields as unknown', async () => {
    const withUrl = h.engine.sources().find((s) => s.url)!;
    const card = await callbackOf(h.fake.interact(commandInteraction(h.fake.world, 'source', [{ name: 'article', type: 3, value: withUrl.id }])));
    expect(card.body.data.embeds[0]).toMatchObject({ title: withUrl.title, url: withUrl.url });
    const noUrl = h.engine.sources().find((s) => !s.url && !s.publisher)!;
    const card2 = await callbackOf(h.fake.interact(commandInteraction(h.fake.world, 'source', [{ name: 'article', type: 3, value: noUrl.id }])));
    const fields = card2.body.data.embeds[0].fields as { name: string; value: string }[];
    expect(fields.find((f) => f.name === 'Éditeur')!.value).toBe('*inconnu*');
    expect(fields.find((f) => f.name === 'Lien')!.value).toBe('*inconnu*');
  });

  it('lists the coverage', async () => {
    const reply = await callbackOf(h.fake.interact(commandInteraction(h.fake.world, 'sources')));
    const embed = reply.body.data.embeds[0];
    expect(embed.title).toBe(`Couverture : ${h.engine.sources().length} articles`);
    expect(embed.description.split('\n')).toHaveLength(h.engine.sources().length);
  });
});

describe('moderator commands', () => {
  it('refuses /reindex to a member without Manage Server, even if Discord let the call through', async () => {
    const reply = await callbackOf(h.fake.interact(commandInteraction(h.fake.world, 'reindex', [], { user: h.fake.world.member })));
    expect(reply.body).toMatchObject({ type: 4, data: { content: 'Cette commande est réservée aux modérateurs (permission Gérer le serveur).', flags: EPHEMERAL } });
    expect(h.logs.some((l) => l.msg === 'reindexed')).toBe(false);
  });

  it('reindexes for a moderator and reports the counts', async () => {
    const interaction = h.fake.interact(commandInteraction(h.fake.world, 'reindex', [], { user: h.fake.world.moderator }));
    const edit = await h.finalReply(interaction);
    expect(edit.body.content).toMatch(/^Index à jour : 6 articles, \d+ passages \(0 vectorisés, 0 retirés, 0 ignorés\)\.$/);
  });

  it('/stats shows questions, the answered share, votes and the gaps', async () => {
    const reply = await callbackOf(h.fake.interact(commandInteraction(h.fake.world, 'stats', [], { user: h.fake.world.moderator })));
    const fields = reply.body.data.embeds[0].fields as { name: string; value: string }[];
    const stats = await h.ctx.store.stats(h.fake.world.guildId);
    expect(stats.questions).toBeGreaterThan(0);
    expect(fields[0]!.value).toMatch(new RegExp(`^${stats.questions} — ${stats.answered} répondues, ${stats.abstained} sans réponse`));
    expect(fields[1]!.value).toBe(`👍 ${stats.up} · 👎 ${stats.down}`);
  });
});

describe('limits', () => {
  it('tells a member over the rate limit to wait, privately, without calling the engine', async () => {
    const asker = user('pressée');
    const interactions = Array.from({ length: 6 }, () => ask('Qui est Masayoshi Son ?', { user: asker }));
    const callbacks = await Promise.all(interactions.map(callbackOf));
    const refused = callbacks.filter((c) => c.body.type === 4);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.body.data).toMatchObject({ flags: EPHEMERAL });
    expect(refused[0]!.body.data.content).toMatch(/^Vous posez beaucoup de questions : réessayez dans \d+ s\.$/);
    await Promise.all(interactions.filter((_, i) => callbacks[i]!.body.type === 5).map((i) => h.finalReply(i)));
  });

  it('answers 50 concurrent /ask from 50 members, every one of them', async () => {
    const interactions = Array.from({ length: 50 }, (_, i) =>
      ask(i % 2 ? 'Stargate OpenAI centres de données' : 'Qui est Masayoshi Son ?', { user: user(`membre${i}`) }),
    );
    const edits = await Promise.all(interactions.map((i) => h.finalReply(i, 60_000)));
    for (const edit of edits) {
      expect(edit.status).toBe(200);
      expect(edit.body.content).not.toMatch(/^Désolé|^Je réponds à beaucoup/);
      expect(edit.body.content.length).toBeGreaterThan(0);
      expect(limitViolations(edit.body)).toEqual([]);
    }
    // Same question, same answer: concurrency changes nothing in what people get.
    const byQuestion = new Map<string, string>();
    edits.forEach((edit, i) => {
      const q = interactions[i]!.data.options[0].value as string;
      const shown = JSON.stringify({ content: edit.body.content, embeds: edit.body.embeds });
      expect(byQuestion.get(q) ?? shown).toBe(shown);
      byQuestion.set(q, shown);
    });
    for (const i of interactions) expect(h.fake.requestsFor(i).filter((r) => r.status >= 400)).toEqual([]);
  });
});

describe('a full queue', () => {
  it('tells members to come back later, privately, and still answers everyone it took', async () => {
    const hq = await startBotHarness({ scratch, env: { MAX_CONCURRENT_ANSWERS: '1', MAX_QUEUED_ANSWERS: '2' } });
    try {
      const interactions = Array.from({ length: 12 }, (_, i) =>
        hq.fake.interact(commandInteraction(hq.fake.world, 'ask', [{ name: 'question', type: 3, value: 'Stargate OpenAI centres de données' }], { user: user(`m${i}`) })),
      );
      const callbacks = await Promise.all(
        interactions.map((i) => hq.fake.waitForRequest((r) => r.path === `/interactions/${i.id}/${i.token}/callback`)),
      );
      const busy = callbacks.filter((c) => c.body.type === 4);
      const taken = interactions.filter((_, i) => callbacks[i]!.body.type === 5);
      expect(busy.length).toBeGreaterThan(0);
      expect(taken.length).toBeGreaterThanOrEqual(3);
      for (const c of busy) {
        expect(c.body.data).toMatchObject({ content: 'Je réponds à beaucoup de questions en ce moment : réessayez dans une minute.', flags: EPHEMERAL });
      }
      for (const edit of await Promise.all(taken.map((i) => hq.finalReply(i)))) expect(edit.body.embeds.length).toBeGreaterThan(0);
    } finally {
      await hq.stop();
    }
  });
});

describe('engine failures', () => {
  it('turns an engine error into a short apology with a reference, and logs the error under it', async () => {
    const broken = makeScratch();
    const hb = await startBotHarness({ scratch: broken, engine: { corpusDir: `${broken.root}/missing` }, skipIndex: true });
    try {
      const interaction = hb.fake.interact(commandInteraction(hb.fake.world, 'ask', [{ name: 'question', type: 3, value: 'Qui est Masayoshi Son ?' }]));
      const edit = await hb.finalReply(interaction);
      const match = /^Désolé, un problème est survenu pendant la réponse\. \(référence ([0-9a-f]{8})\)$/.exec(edit.body.content);
      expect(match).not.toBeNull();
      expect(edit.body.embeds).toEqual([]);
      const logged = hb.logs.find((l) => l.ref === match![1]);
      expect(logged).toMatchObject({ level: 50, msg: 'failed to answer' });
      expect(logged!.err.message).toMatch(/does not exist/);
      expect(hb.logText()).not.toContain(hb.fake.token);
    } finally {
      await hb.stop();
      broken.cleanup();
    }
  });
});
