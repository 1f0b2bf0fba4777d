import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from './helpers/cli-in-process.js';
import { createEngine } from '../src/engine/engine.js';
import { WRITE_LOCK } from '../src/engine/index/local/local-store.js';
import { startBotHarness } from './fake-discord/bot-harness.js';
import { commandInteraction } from './fake-discord/world.js';
import { startPageServer } from './fixtures/ingest/page-server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * Another process holds the index's write lock (a long rebuild, a CLI ingest beside the bot):
 * a change queues behind it for as long as it lives — however long — says so, and lands once
 * it is done. The holder is a real process (test/fixtures/lock/lock-child.ts hold).
 */
const REPO = resolve(import.meta.dirname, '..');
const CHILD = join(REPO, 'test/fixtures/lock/lock-child.ts');

let scratch: Scratch;
let holder: ChildProcess | null = null;

afterEach(() => {
  holder?.kill('SIGKILL');
  holder = null;
  scratch?.cleanup();
});

async function indexedCoverage(): Promise<void> {
  scratch = makeScratch({ seed: true });
  const engine = await createEngine(scratch.config({ mode: 'lexical' }));
  await engine.reindex();
  await engine.dispose();
}

/** Starts a process that takes the index write lock and keeps it until killed. */
function holdIndexLock(): Promise<number> {
  mkdirSync(scratch.indexDir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'hold', join(scratch.indexDir, WRITE_LOCK)], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  holder = child;
  return new Promise((done, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('HELD') && done(child.pid!));
    child.on('exit', (code) => fail(new Error(`holder exited (${code})`)));
  });
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a change while another process updates the index', () => {
  it('CLI ingest says it is queued behind that process, keeps waiting while it lives, and lands when it is done', { timeout: 120_000 }, async () => {
    await indexedCoverage();
    const note = join(scratch.root, 'note.md');
    writeFileSync(note, '# La piscine Zéphyrine rénovée\n\nLe conseil municipal a voté douze millions d’euros pour rénover la piscine Zéphyrine de Villeneuve.\n');
    const pid = await holdIndexLock();

    let exit: number | null = null;
    const run = startCli(['ingest', note], { CORPUS_DIR: scratch.corpusDir, INDEX_DIR: scratch.indexDir, SEARCH_MODE: 'lexical' });
    const running = run.done.then((code) => (exit = code));

    await until(() => run.err().includes('Queued: '));
    expect(run.err()).toContain(`Queued: process ${pid} is updating the index; this one goes on when it is done…`);
    // While the holder lives the ingest keeps waiting: no refusal, and nothing taken from it.
    await new Promise((r) => setTimeout(r, 3000));
    expect(exit).toBeNull();
    expect(run.out()).toBe('');

    holder!.kill('SIGKILL');
    await running;
    expect(exit).toBe(0);
    expect(run.out()).toMatch(/^Added «La piscine Zéphyrine rénovée» \(.+\) — 1 passage\.\n$/);
  });

  it('/ingest tells the moderator it is queued, then replaces that with the result', { timeout: 120_000 }, async () => {
    await indexedCoverage();
    const pages = await startPageServer();
    const h = await startBotHarness({ scratch, engine: { mode: 'lexical' }, env: { INGEST_ALLOW_HOSTS: '127.0.0.1' } });
    try {
      await holdIndexLock();
      const interaction = h.fake.interact(
        commandInteraction(h.fake.world, 'ingest', [{ name: 'url', type: 3, value: `${pages.origin}/bare` }], { user: h.fake.world.moderator, locale: 'fr' }),
      );
      const edits = () => h.fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token as string}/messages/@original`));
      await until(() => edits().length > 0);
      expect(edits()[0]!.body.content).toBe('En file d’attente derrière une autre modification de la couverture ; celle-ci reprend dès qu’elle est terminée…');

      holder!.kill('SIGKILL');
      await until(() => edits().length > 1);
      expect(edits().at(-1)!.body.content).toMatch(/^Ajouté : « .+ » — \d+ passages?\./);
    } finally {
      await h.stop();
      await pages.close();
    }
  });
});
