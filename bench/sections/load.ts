/**
 * `load` section: the real bot (`npm start` on dist/, own process) behind the local fake Discord,
 * answering a burst of 200 /ask from 50 members sent within about a second, then ingesting hostile
 * pages while members keep asking. Reports acknowledgement p50/p95/max, answered/busy, and the
 * bot's longest event-loop stall in each phase, read from its own monitor (1-second windows).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { startFakeDiscord, type FakeDiscord } from '../../test/fake-discord/server.js';
import { commandInteraction, user } from '../../test/fake-discord/world.js';
import { startHostileServer } from '../../test/fixtures/ingest/hostile-pages.js';
import { fr } from '../../src/bot/i18n/fr.js';
import { repoRoot } from '../lib/child.js';
import { table, fixed } from '../lib/markdown.js';
import { percentile } from '../lib/stats.js';

export interface LoadPhase {
  name: string;
  /** Longest event-loop stall the bot measured during the phase, ms. */
  stallMs: number | null;
}

export interface LoadResult {
  questions: number;
  members: number;
  ack: { p50: number; p95: number; max: number };
  answered: number;
  busy: number;
  /** Interactions Discord refused (late acknowledgement: 10062). */
  failed: number;
  answeringStallMs: number | null;
  ingests: { page: string; ms: number; reply: string; stallMs: number | null; asks: number; ackMaxMs: number }[];
  botPeakRssMb: number | null;
  /** The machine's 1-minute load average when the section started and ended: stalls grow with it (a 2-core machine shared). */
  loadAverage: { start: number; end: number };
}

export interface LoadOptions {
  model: string;
  modelDir: string | null;
  corpus: string;
  workDir: string;
  verbose: boolean;
}

const QUESTIONS = ['Qui est Masayoshi Son ?', 'Stargate OpenAI centres de données', 'Combien SoftBank va-t-il investir aux États-Unis ?', 'Abilene Texas'];
const HOSTILE = ['/deep/5000', '/tiny-paragraphs', '/inflating.pdf', '/huge.txt'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = (line: string) => options.verbose && process.stderr.write(`${line}\n`);
  const loadAtStart = loadavg()[0]!;
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr.split('\n')[0]}`);
  const root = path.join(options.workDir, 'load');
  mkdirSync(root, { recursive: true });
  cpSync(options.corpus, path.join(root, 'corpus'), { recursive: true });
  const [fake, pages] = await Promise.all([startFakeDiscord(), startHostileServer()]);
  let out = '';
  const bot = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    detached: true,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? '/tmp',
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.world.applicationId,
      DISCORD_GUILD_ID: fake.world.guildId,
      DISCORD_API_URL: fake.apiUrl,
      DATA_DIR: path.join(root, 'data'),
      CORPUS_DIR: path.join(root, 'corpus'),
      INDEX_DIR: path.join(root, 'index'),
      MODEL: options.model,
      ...(options.modelDir ? { MODEL_DIR: options.modelDir } : {}),
      INGEST_ALLOW_HOSTS: '127.0.0.1',
      HEALTH_WINDOW_SECONDS: '1',
      LOG_LEVEL: 'debug',
      ...(process.env.BENCH_LOAD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_LOAD_NODE_OPTIONS } : {}),
      // The bot's state on PostgreSQL instead of SQLite (a throw-away one: scripts/pg-test-cluster.sh).
      ...(process.env.BENCH_LOAD_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_LOAD_DATABASE_URL } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stdout!.on('data', (d) => (out += String(d)));
  bot.stderr!.on('data', (d) => (out += String(d)));
  try {
    await fake.ready(300_000);
    log('bot connected');
    await sleep(2000); // settle: start-up windows are not part of any phase

    const burstStart = Date.now();
    const members = Array.from({ length: 50 }, (_, i) => user(`bench${i}`));
    const runs: Promise<Asked>[] = [];
    for (let i = 0; i < 200; i++) {
      // Each question worded apart (a number), so each needs the model: no query-vector cache hits.
      runs.push(ask(fake, `${QUESTIONS[i % QUESTIONS.length]!} (${i})`, members[i % 50]!));
      if (i % 10 === 9) await sleep(50);
    }
    const asked = await Promise.all(runs);
    const burstEnd = Date.now();
    const acks = asked.map((a) => a.ackMs);
    log(`burst: ${asked.filter((a) => a.ended === 'answered').length} answered in ${burstEnd - burstStart} ms`);
    await sleep(1500);

    const ingests: LoadResult['ingests'] = [];
    for (const page of HOSTILE) {
      const started = Date.now();
      const interaction = fake.interact(commandInteraction(fake.world, 'ingest', [{ name: 'url', type: 3, value: `${pages.origin}${page}` }], { user: fake.world.moderator }));
      let done = false;
      const refusal = edited(fake, interaction, 120_000).finally(() => (done = true));
      const during: Promise<Asked>[] = [];
      while (!done) {
        during.push(ask(fake, QUESTIONS[during.length % QUESTIONS.length]!, user(`pendant${during.length}`)));
        await sleep(200);
      }
      const reply = ((await refusal).body.content as string).replace(/\u202f/g, ' ');
      const ended = Date.now();
      const duringAsked = await Promise.all(during);
      await sleep(1500);
      ingests.push({
        page,
        ms: ended - started,
        reply,
        stallMs: longestStall(out, started, ended),
        asks: duringAsked.length,
        ackMaxMs: Math.max(0, ...duringAsked.map((a) => a.ackMs)),
      });
      log(`${page}: ${reply}`);
    }
    return {
      questions: 200,
      members: 50,
      ack: { p50: percentile(acks, 50), p95: percentile(acks, 95), max: Math.max(...acks) },
      answered: asked.filter((a) => a.ended === 'answered').length,
      busy: asked.filter((a) => a.ended === 'busy').length,
      failed: asked.filter((a) => a.failed).length,
      answeringStallMs: longestStall(out, burstStart, burstEnd),
      ingests,
      botPeakRssMb: peakRss(out),
      loadAverage: { start: loadAtStart, end: loadavg()[0]! },
    };
  } finally {
    // A clean stop (answers in flight finish), then a kill if it lingers.
    const exited = new Promise((done) => bot.once('exit', done));
    try {
      process.kill(-bot.pid!, 'SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      process.kill(-bot.pid!, 'SIGKILL');
    } catch {
      // gone
    }
    // Diagnostics: BENCH_LOAD_LOG=FILE keeps the bot's log (its stop included), BENCH_LOAD_NODE_OPTIONS
    // (e.g. --cpu-prof, written when the bot exits) runs it under Node flags, BENCH_LOAD_DATABASE_URL
    // keeps its state on PostgreSQL.
    if (process.env.BENCH_LOAD_LOG) writeFileSync(process.env.BENCH_LOAD_LOG, out);
    await Promise.all([fake.close(), pages.close()]);
  }
}

interface Asked {
  ackMs: number;
  ended: 'answered' | 'busy' | 'other';
  failed: boolean;
}

async function ask(fake: FakeDiscord, question: string, asker: ReturnType<typeof user>): Promise<Asked> {
  const sent = Date.now();
  const interaction = fake.interact(commandInteraction(fake.world, 'ask', [{ name: 'question', type: 3, value: question }], { user: asker }));
  const ack = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${interaction.id}/${interaction.token}/callback`, 120_000);
  const ackMs = ack.at - sent;
  const failed = () => fake.requestsFor(interaction).some((r) => r.status >= 400);
  if (ack.body.type === 4) return { ackMs, ended: 'busy', failed: failed() };
  const final = await edited(fake, interaction, 300_000);
  // An abstention is an answer too (the questions' numbers are figures no article states).
  const abstained = String(final.body.content ?? '').startsWith(fr.abstain);
  return { ackMs, ended: final.body.embeds?.length > 0 || abstained ? 'answered' : 'other', failed: failed() };
}

function edited(fake: FakeDiscord, interaction: Record<string, any>, timeoutMs: number) {
  return fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`), timeoutMs);
}

/** Longest stall of the windows (1 s) that overlap [from, to], from the bot's "event loop" log lines. */
function longestStall(out: string, from: number, to: number): number | null {
  const stalls = lines(out)
    .filter((l) => l.eventLoop && l.time >= from && l.time - l.eventLoop.windowMs <= to)
    .map((l) => l.eventLoop.maxMs as number);
  return stalls.length ? Math.max(...stalls) : null;
}

function peakRss(out: string): number | null {
  const pid = lines(out).find((l) => typeof l.pid === 'number')?.pid;
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hwm ? Math.round(Number(hwm) / 1024) : null;
  } catch {
    return null;
  }
}

function lines(out: string): any[] {
  return out.split('\n').flatMap((l) => {
    try {
      return l.startsWith('{') ? [JSON.parse(l)] : [];
    } catch {
      return [];
    }
  });
}

/** The section's table (bench/report.ts prints it). */
export function renderLoad(r: LoadResult): string {
  const ms = (v: number | null) => (v === null ? null : `${fixed(v, 0)} ms`);
  return [
    `### Load: the bot process under a burst and hostile pages (${r.questions} /ask from ${r.members} members within ~1 s; target: every acknowledgement < 3 s, longest event-loop stall ≤ 50 ms)`,
    '',
    table(
      ['phase', 'ack p50', 'ack p95', 'ack max', 'answered / busy / refused by Discord', 'longest event-loop stall'],
      [
        ['200 questions', ms(r.ack.p50), ms(r.ack.p95), ms(r.ack.max), `${r.answered} / ${r.busy} / ${r.failed}`, ms(r.answeringStallMs)],
        ...r.ingests.map((i) => [`ingest ${i.page} (${fixed(i.ms / 1000, 1)} s): ${i.reply}`, null, null, `${ms(i.ackMaxMs)} (${i.asks} asks)`, null, ms(i.stallMs)]),
      ],
    ),
    '',
    `Bot peak RSS: ${r.botPeakRssMb ?? '–'} MB.${r.loadAverage ? ` Machine load average (1 min): ${fixed(r.loadAverage.start, 1)} at start, ${fixed(r.loadAverage.end, 1)} at end.` : ''}`,
  ].join('\n');
}
