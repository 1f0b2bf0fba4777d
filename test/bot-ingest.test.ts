import { existsSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import type { FakeAttachment, RecordedRequest } from './fake-discord/server.js';
import { autocompleteInteraction, commandInteraction, user, type CommandOption, type InteractionOptions } from './fake-discord/world.js';
import { PNG, startPageServer, type PageServer } from './fixtures/ingest/page-server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * /ingest and /remove through the real discord.js Client and the fake Discord, on the real
 * engine (tiny model, HNSW on disk). Pages come from a local server on 127.0.0.1, attachments
 * from the fake Discord's CDN; INGEST_ALLOW_HOSTS exempts 127.0.0.1 only.
 */

const EPHEMERAL = 64;
const STARGATE_TITLE = 'Stargate : OpenAI et SoftBank promettent 500 milliards de dollars';
const WORKERS_QUESTION = 'Combien d’ouvriers le chantier emploiera-t-il selon le maire Weldon Hurt ?';
const NOTE = [
  '# Budget de Villeneuve-sur-Glane',
  '',
  'Le conseil municipal de Villeneuve-sur-Glane a adopté mardi soir un budget de douze millions d’euros pour la rénovation de la piscine Zéphyrine.',
  '',
  'Les travaux de la piscine Zéphyrine commenceront au printemps et dureront dix-huit mois, selon l’adjointe aux sports.',
  '',
].join('\n');

let pages: PageServer;
let scratch: Scratch;
let h: BotHarness;

beforeAll(async () => {
  pages = await startPageServer();
  scratch = makeScratch({ seed: true });
  h = await startBotHarness({ scratch, env: { INGEST_ALLOW_HOSTS: '127.0.0.1' } });
});
afterAll(async () => {
  await h?.stop();
  await pages?.close();
  scratch?.cleanup();
});

const moderator = () => ({ user: h.fake.world.moderator });

function command(name: string, options: CommandOption[] = [], o: InteractionOptions = {}) {
  return h.fake.interact(commandInteraction(h.fake.world, name, options, o));
}

function ingestUrl(url: string, o: InteractionOptions = moderator()) {
  return command('ingest', [{ name: 'url', type: 3, value: url }], o);
}

function ingestFile(attachment: FakeAttachment, o: InteractionOptions = moderator()) {
  return command('ingest', [{ name: 'file', type: 11, value: attachment.id }], { ...o, attachments: [attachment] });
}

function callbackOf(interaction: Record<string, any>): Promise<RecordedRequest> {
  return h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
}

/** Content of the reply: the edited deferred response, or an immediate (ephemeral) reply. */
async function replyText(interaction: Record<string, any>): Promise<string> {
  const final = await h.finalReply(interaction, 60_000);
  return final.method === 'PATCH' ? final.body.content : final.body.data.content;
}

async function askTitles(question: string): Promise<{ titles: string[]; texts: string[] }> {
  const edit = await h.finalReply(command('ask', [{ name: 'question', type: 3, value: question }], { user: user('lecteur') }), 60_000);
  const embeds = (edit.body.embeds ?? []) as { title?: string; description?: string }[];
  return { titles: embeds.map((e) => e.title ?? ''), texts: embeds.map((e) => e.description ?? '') };
}

const changes = () => h.logs.filter((l) => l.msg === 'coverage changed');
const stargateUrl = () => `http://127.0.0.1:${pages.port}/news/stargate`;
const stargateId = () => h.engine.sources().find((s) => s.title === STARGATE_TITLE)?.id;

describe('/ingest url', () => {
  it('adds a page for a moderator, replies privately with the result, and /ask answers from it at once', async () => {
    expect((await askTitles(WORKERS_QUESTION)).titles).not.toContain(STARGATE_TITLE);

    const interaction = ingestUrl(stargateUrl());
    expect((await callbackOf(interaction)).body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const edit = await h.finalReply(interaction, 60_000);
    expect(edit.body.content).toMatch(new RegExp(`^Ajouté : « ${STARGATE_TITLE} » — \\d+ passages?\\.\\n-# identifiant : \`[a-z0-9-]+\`$`));
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });

    const id = stargateId();
    expect(id).toBeDefined();
    expect(existsSync(join(scratch.corpusDir, `${id}.md`))).toBe(true);
    const passages = Number(/— (\d+) passage/.exec(edit.body.content)![1]);
    expect(passages).toBeGreaterThan(0);

    // Who and what, in the audit log: the moderator as the bot names users (salted hash), never the raw id.
    const hash = h.ctx.store.hashUser(h.fake.world.moderator.id);
    expect(changes()).toEqual([
      expect.objectContaining({ action: 'ingest', status: 'added', id, title: STARGATE_TITLE, actor: `discord:${h.fake.world.guildId}:${hash}`, url: stargateUrl() }),
    ]);
    expect(h.logText()).not.toContain(h.fake.world.moderator.id);

    const after = await askTitles(WORKERS_QUESTION);
    const hit = after.titles.indexOf(STARGATE_TITLE);
    expect(hit).toBeGreaterThanOrEqual(0);
    expect(after.texts[hit]).toContain('Weldon Hurt');
  });

  it('reports a page already in the coverage instead of adding it twice', async () => {
    const before = h.engine.sources().length;
    const content = await replyText(ingestUrl(stargateUrl(), { ...moderator(), locale: 'en-US' }));
    expect(content).toBe(`Already in the coverage: «${STARGATE_TITLE}» (same address); nothing added.\n-# id: \`${stargateId()}\``);
    expect(h.engine.sources()).toHaveLength(before);
    expect(changes()).toHaveLength(1);
  });

  it('refuses an internal address with the clear reason, without connecting', async () => {
    const before = h.engine.sources().length;
    const content = await replyText(ingestUrl('http://10.0.0.1/admin'));
    // Said in the member's language (French here), in plain words.
    expect(content).toBe(
      'Article non ajouté. (Refusé : http://10.0.0.1/admin — 10.0.0.1 n’est pas une adresse publique d’internet (elle appartient à un réseau privé).)',
    );
    expect(h.engine.sources()).toHaveLength(before);
    expect(h.logs.find((l) => l.msg === 'ingest refused')).toMatchObject({ code: 'FORBIDDEN_ADDRESS', actor: expect.stringMatching(/^discord:/) });
  });

  it('refuses a page that is not a document', async () => {
    const content = await replyText(ingestUrl(`http://127.0.0.1:${pages.port}/image.png`, { ...moderator(), locale: 'en-GB' }));
    expect(content).toMatch(/^Not added\. \(Refused http:\/\/127\.0\.0\.1:\d+\/image\.png: it is image\/png, not a document/);
  });

  it('asks for exactly one of url and file', async () => {
    const neither = await callbackOf(command('ingest', [], moderator()));
    expect(neither.body).toMatchObject({ type: 4, data: { content: 'Donnez soit `url`, soit `fichier` : exactement un des deux.', flags: EPHEMERAL } });
    const note = h.fake.upload('note.md', Buffer.from(NOTE));
    const both = await callbackOf(
      command('ingest', [{ name: 'url', type: 3, value: stargateUrl() }, { name: 'file', type: 11, value: note.id }], { ...moderator(), attachments: [note] }),
    );
    expect(both.body.data.content).toBe('Donnez soit `url`, soit `fichier` : exactement un des deux.');
  });

  it('refuses a member without Manage Server, even if Discord let the call through', async () => {
    const before = h.engine.sources().length;
    const interaction = ingestUrl(`http://127.0.0.1:${pages.port}/bare`, { user: h.fake.world.member });
    expect((await callbackOf(interaction)).body).toMatchObject({
      type: 4,
      data: { content: 'Cette commande est réservée aux modérateurs (permission Gérer le serveur).', flags: EPHEMERAL },
    });
    expect(pages.log.some((l) => l.startsWith('GET /bare'))).toBe(false);
    expect(h.engine.sources()).toHaveLength(before);
  });
});

describe('/ingest file', () => {
  it('downloads an attachment from the CDN and adds it, typed by its content', async () => {
    const note = h.fake.upload('budget.md', Buffer.from(NOTE));
    const content = await replyText(ingestFile(note, { ...moderator(), locale: 'en-US' }));
    expect(content).toMatch(/^Added «Budget de Villeneuve-sur-Glane» — 1 passage\.\n-# id: `[a-z0-9-]+`$/);
    expect(h.fake.requests.some((r) => r.method === 'GET' && r.path.startsWith(`/attachments/`) && r.path.endsWith('/budget.md'))).toBe(true);
    const added = h.engine.sources().find((s) => s.title === 'Budget de Villeneuve-sur-Glane');
    // A file says nothing about where it was published: those stay unknown.
    expect(added).toMatchObject({ url: null, publisher: null, date: null });
    expect((await askTitles('Quand commencent les travaux de la piscine Zéphyrine ?')).titles).toContain('Budget de Villeneuve-sur-Glane');
  });

  it('refuses a binary attachment whatever its name says', async () => {
    const image = h.fake.upload('article.html', PNG);
    const content = await replyText(ingestFile(image));
    expect(content).toBe('Article non ajouté. (Refusé : le fichier « article.html » est du type image/png, pas un document (HTML, PDF, Markdown ou texte).)');
    expect(h.engine.sources().some((s) => s.title.includes('article.html'))).toBe(false);
    expect(h.logs.filter((l) => l.msg === 'ingest refused').at(-1)).toMatchObject({ file: 'article.html' });
  });

  it('refuses an attachment over the size cap before downloading it', async () => {
    const big = h.fake.upload('gros.txt', Buffer.from('trop gros'), { statedSize: 6 * 1024 * 1024 });
    const content = await replyText(ingestFile(big));
    expect(content).toBe('Article non ajouté. (Refusé : le fichier « gros.txt » dépasse 5 Mo.)');
    expect(h.fake.requests.some((r) => r.path.endsWith('/gros.txt'))).toBe(false);
  });
});

describe('/ingest over an article from another source (issue 14)', () => {
  const VICTIM_TITLE = 'Le port de Saint-Aubin-des-Grèves rouvre';
  const victimPage =
    `<!doctype html><html lang="fr"><head><title>${VICTIM_TITLE}</title><meta property="og:site_name" content="L’Écho des Grèves"></head>` +
    '<body><article><p>Le port de Saint-Aubin-des-Grèves a rouvert lundi après huit mois de travaux de dragage financés par la région et le département.</p>' +
    '<p>Les pêcheurs saluent la fin d’un chantier qui les avait obligés à débarquer leurs prises au port voisin.</p></article></body></html>';
  const claim = (url: string) =>
    Buffer.from(
      `---\ntitle: Faux article\nurl: ${url}\n---\n# Faux article\n\nLe maire de Saint-Aubin-des-Grèves a avoué que le dragage du port n’avait jamais eu lieu et que les fonds avaient disparu.\n`,
    );
  const replaceOption: CommandOption = { name: 'replace', type: 5, value: true };

  it('refuses an upload claiming the article’s address, naming the article in the member’s language', async () => {
    pages.pages.set('/port', { body: victimPage });
    const victimUrl = `http://127.0.0.1:${pages.port}/port`;
    expect(await replyText(ingestUrl(victimUrl, { ...moderator(), locale: 'en-US' }))).toMatch(/^Added «Le port/);
    const victim = h.engine.sources().find((s) => s.title === VICTIM_TITLE)!;

    const content = await replyText(ingestFile(h.fake.upload('claim.md', claim(victimUrl))));

    expect(content).toBe(
      `Article non ajouté. (« ${VICTIM_TITLE} » (${victim.id}) est l’article de ${victimUrl}, et ce texte n’en vient pas. Pour le remplacer volontairement, relancez /ajouter avec remplacer: True.)`,
    );
    expect(h.engine.source(victim.id)).toMatchObject({ title: VICTIM_TITLE, publisher: 'L’Écho des Grèves' });
    expect(h.logs.filter((l) => l.msg === 'ingest refused').at(-1)).toMatchObject({ code: 'NEEDS_REPLACE' });
  });

  it('replaces it with replace: True, saying what it replaced, and logs before and after', async () => {
    const victimUrl = `http://127.0.0.1:${pages.port}/port`;
    const victim = h.engine.sources().find((s) => s.title === VICTIM_TITLE)!;
    const upload = h.fake.upload('claim.md', claim(victimUrl));
    const interaction = command('ingest', [{ name: 'file', type: 11, value: upload.id }, replaceOption], {
      ...moderator(),
      locale: 'en-US',
      attachments: [upload],
    });
    const content = await replyText(interaction);
    expect(content).toBe(
      `Updated «Faux article» — 1 passage.\nIt replaces «${VICTIM_TITLE}» (${victimUrl}).\n-# id: \`${victim.id}\``,
    );
    expect(changes().at(-1)).toMatchObject({
      id: victim.id,
      replaced: true,
      before: { title: VICTIM_TITLE, publisher: 'L’Écho des Grèves' },
      after: { title: 'Faux article', url: victimUrl },
    });
  });
});

describe('/remove', () => {
  it('autocompletes titles (≤ 25 choices, value = article id), removes the picked one, and /ask stops citing it', async () => {
    const id = stargateId()!;
    const auto = h.fake.interact(
      autocompleteInteraction(h.fake.world, 'remove', [{ name: 'article', type: 3, value: 'stargate promettent', focused: true }], moderator()),
    );
    const choices = (await callbackOf(auto)).body.data.choices as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices).toContainEqual({ name: STARGATE_TITLE, value: id });

    const interaction = command('remove', [{ name: 'article', type: 3, value: id }], moderator());
    expect((await callbackOf(interaction)).body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect((await h.finalReply(interaction, 60_000)).body.content).toBe(`Retiré de la couverture : « ${STARGATE_TITLE} ».`);

    expect(h.engine.source(id)).toBeUndefined();
    expect(existsSync(join(scratch.corpusDir, `${id}.md`))).toBe(false);
    expect(changes().at(-1)).toMatchObject({ action: 'remove', status: 'removed', id, title: STARGATE_TITLE, actor: expect.stringMatching(/^discord:/) });
    const after = await askTitles(WORKERS_QUESTION);
    expect(after.titles).not.toContain(STARGATE_TITLE);
    expect(after.texts.join('\n')).not.toContain('Weldon Hurt');
  });

  it('says so when nothing matches, and refuses members', async () => {
    const before = h.engine.sources().length;
    const unknown = await replyText(command('remove', [{ name: 'article', type: 3, value: 'article-inexistant' }], moderator()));
    expect(unknown).toBe('Article non retiré. (Aucun article n’a l’identifiant « article-inexistant ».)');
    const member = await callbackOf(command('remove', [{ name: 'article', type: 3, value: h.engine.sources()[0]!.id }], { user: h.fake.world.member }));
    expect(member.body.data.content).toBe('Cette commande est réservée aux modérateurs (permission Gérer le serveur).');
    expect(h.engine.sources()).toHaveLength(before);
  });
});

describe('unexpected failures', () => {
  it('get the standard apology with a reference id, logged in full, and change nothing', async () => {
    // The corpus folder turns into a plain file (a disk or deployment mishap): not a refusal the ingest code words.
    const aside = `${scratch.corpusDir}.aside`;
    renameSync(scratch.corpusDir, aside);
    writeFileSync(scratch.corpusDir, 'not a folder');
    try {
      const content = await replyText(ingestFile(h.fake.upload('budget-2.md', Buffer.from(NOTE.replace('douze', 'treize')))));
      const ref = /^Désolé, un problème est survenu pendant la réponse\. \(référence ([0-9a-f]{8})\)$/.exec(content)?.[1];
      expect(ref).toBeDefined();
      expect(h.logs.find((l) => l.ref === ref)).toMatchObject({ level: 50, command: 'ingest', err: expect.objectContaining({ message: expect.any(String) }) });
    } finally {
      rmSync(scratch.corpusDir);
      renameSync(aside, scratch.corpusDir);
    }
    expect(changes().filter((c) => c.title === 'Budget de Villeneuve-sur-Glane')).toHaveLength(1);
  });
});
