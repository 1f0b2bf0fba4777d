import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './fake-discord/server.js';
import { commandInteraction, user } from './fake-discord/world.js';
import { startHostileServer, type HostileServer } from './fixtures/ingest/hostile-pages.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { botEnv } from './helpers/bot-env.js';

/**
 * The bot under load, as users run it: `npm start` in a child process against the fake Discord,
 * the real engine on the tiny model. Discord's one hard deadline: every interaction acknowledged
 * within 3 s, whatever else the bot is doing (a burst of questions, a hostile page to extract).
 */

const ROOT = resolve(import.meta.dirname, '..');
const ACK_DEADLINE_MS = 3000;
const QUESTIONS = ['Qui est Masayoshi Son ?', 'Stargate OpenAI centres de données', 'Combien SoftBank va-t-il investir aux États-Unis ?', 'Abilene Texas'];

let fake: FakeDiscord;
let scratch: Scratch;
let pages: HostileServer;
let bot: ChildProcess;
let out = '';

beforeAll(async () => {
  [fake, pages] = await Promise.all([startFakeDiscord(), startHostileServer()]);
  scratch = makeScratch({ seed: true });
  bot = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...botEnv(fake, scratch, { INGEST_ALLOW_HOSTS: '127.0.0.1' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stdout!.on('data', (d) => (out += String(d)));
  bot.stderr!.on('data', (d) => (out += String(d)));
  await fake.ready(90_000);
});

afterAll(async () => {
  try {
    process.kill(-bot.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await Promise.all([fake?.close(), pages?.close()]);
  scratch?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const callback = (i: Record<string, any>, timeoutMs = 30_000) =>
  fake.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${i.id}/${i.token}/callback`, timeoutMs);
const edited = (i: Record<string, any>, timeoutMs = 120_000) =>
  fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/${i.token}/messages/@original`), timeoutMs);

/** Dispatches one /ask and resolves with how long its acknowledgement took and how it ended. */
async function ask(question: string, asker = user(`membre-${Math.random().toString(36).slice(2, 8)}`)) {
  const sent = Date.now();
  const interaction = fake.interact(commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: question }], { user: asker }));
  const ack = await callback(interaction);
  const ackMs = ack.at - sent;
  if (ack.body.type === 4) return { ackMs, ended: 'refused' as const, text: ack.body.data.content as string, interaction };
  const final = await edited(interaction);
  return { ackMs, ended: final.body.embeds?.length > 0 ? ('answered' as const) : ('other' as const), text: final.body.content as string, interaction };
}

/** Peak resident memory of the bot process (the node process under npm), from /proc. */
function botPeakRssMb(): number {
  const pid = (JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!) as { pid: number }).pid;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(hwm) / 1024;
}

describe('a burst of questions', () => {
  it('acknowledges 200 /ask from 50 members, sent within about a second, each within 3 s, and ends each with an answer or a busy reply', async () => {
    const members = Array.from({ length: 50 }, (_, i) => user(`rafale${i}`));
    const runs: Promise<Awaited<ReturnType<typeof ask>>>[] = [];
    for (let i = 0; i < 200; i++) {
      runs.push(ask(QUESTIONS[i % QUESTIONS.length]!, members[i % 50]!));
      if (i % 10 === 9) await sleep(50); // 20 waves of 10: 200 in about a second
    }
    const results = await Promise.all(runs);
    const slowest = Math.max(...results.map((r) => r.ackMs));
    expect(slowest).toBeLessThan(ACK_DEADLINE_MS);
    const answered = results.filter((r) => r.ended === 'answered').length;
    const busy = results.filter((r) => r.ended === 'refused');
    for (const r of busy) expect(r.text).toBe('Je réponds à beaucoup de questions en ce moment : réessayez dans une minute.');
    expect(answered + busy.length).toBe(200);
    expect(answered).toBeGreaterThan(0);
    // Nothing refused by Discord (a late acknowledgement is `10062 Unknown interaction`).
    const failed = results.flatMap((r) => fake.requestsFor(r.interaction)).filter((r: RecordedRequest) => r.status >= 400);
    expect(failed).toEqual([]);
  });
});

describe('hostile pages through /ingest', () => {
  const cases = [
    { path: '/deep/1000', reply: /^Article non ajouté\. \(La page est trop complexe à extraire : des éléments imbriqués sur plus de 200 niveaux\.\)$/ },
    { path: '/deep/5000', reply: /imbriqués sur plus de 200 niveaux/ },
    { path: '/deep/10000', reply: /imbriqués sur plus de 200 niveaux/ },
    { path: '/tiny-paragraphs', reply: /^Article non ajouté\. \(La page est trop complexe à extraire : plus de 20 000 éléments\.\)$/ },
    { path: '/inflating.pdf', reply: /^Article non ajouté\. \(Le PDF est trop complexe à extraire : son contenu compressé dépasse 64 Mo une fois décompressé\.\)$/ },
    { path: '/huge.txt', reply: /^Article non ajouté\. \(L’article est trop long : [\d ]+ mots, la limite est de 400 passages \(120 000 mots\) par article\.\)$/ },
  ];

  it('refuses each in one line while /ask keeps being acknowledged within 3 s, the bot under 1.5 GB', async () => {
    for (const { path, reply } of cases) {
      const started = Date.now();
      const interaction = fake.interact(
        commandInteraction(fake.world, 'ingest', [{ name: 'url', type: 3, value: `${pages.origin}${path}` }], { user: fake.world.moderator }),
      );
      const refusal = edited(interaction, 60_000);
      const asks: ReturnType<typeof ask>[] = [];
      let done = false;
      void refusal.finally(() => (done = true));
      // Members keep asking while the page is fetched and extracted.
      while (!done) {
        asks.push(ask(QUESTIONS[asks.length % QUESTIONS.length]!));
        await sleep(150);
      }
      const final = await refusal;
      expect(final.body.content.replace(/\u202f/g, ' ')).toMatch(reply);
      expect(Date.now() - started).toBeLessThan(20_000);
      for (const r of await Promise.all(asks)) {
        expect(r.ackMs).toBeLessThan(ACK_DEADLINE_MS);
        expect(r.ended).toBe('answered');
      }
    }
    expect(botPeakRssMb()).toBeLessThan(1536);
  });
});
