import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-in-process.js';
import { createEngine } from '../src/engine/engine.js';
import { toStorageError, StorageError } from '../src/engine/fs/storage-error.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { canMount, fillDisk, makeReadOnly, mountTmpfs, unmount } from './helpers/mounts.js';
import { startBotHarness } from './fake-discord/bot-harness.js';
import { commandInteraction } from './fake-discord/world.js';
import { startPageServer } from './fixtures/ingest/page-server.js';

/**
 * A full disk, a read-only folder, a folder the user may not write: produced for real (a tiny
 * tmpfs filled up, a read-only bind mount, a process run as user nobody), through the CLI's own
 * entry point. Mounting needs root, as in CI here; where it is refused these cases fail, naming why.
 */
const MOUNTS = canMount();

/** `describe` for cases that mount a file system: where mounting is refused they fail, never skip. */
function describeWithMounts(name: string, body: () => void): void {
  if (MOUNTS) describe(name, body);
  else describe(name, () => it('can mount a tmpfs to test against (needs root)', () => { throw new Error('mount -t tmpfs was refused: run these tests as root, as CI does'); }));
}
const REPO = resolve(import.meta.dirname, '..');

const NOTE = '# Budget de Villeneuve-sur-Glane\n\nLe conseil municipal de Villeneuve-sur-Glane a adopté mardi soir un budget de douze millions d’euros pour la rénovation de la piscine Zéphyrine.\n';
const QUESTION = 'Quel budget pour la piscine Zéphyrine ?';

let scratch: Scratch;
const mounted: string[] = [];

afterEach(() => {
  for (const dir of mounted.splice(0).reverse()) unmount(dir);
  scratch?.cleanup();
});

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(args, { CORPUS_DIR: scratch.corpusDir, INDEX_DIR: scratch.indexDir, SEARCH_MODE: 'lexical' });
}

/** The seed coverage, indexed (lexical), with its corpus on a tmpfs of `bytes` when asked. */
async function coverage(options: { corpusDisk?: number; indexDisk?: number } = {}): Promise<string> {
  scratch = makeScratch({ seed: true });
  if (options.indexDisk) {
    mkdirSync(scratch.indexDir);
    mountTmpfs(scratch.indexDir, options.indexDisk);
    mounted.push(scratch.indexDir);
  }
  if (options.corpusDisk) {
    const seed = `${scratch.corpusDir}-seed`;
    renameSync(scratch.corpusDir, seed);
    mkdirSync(scratch.corpusDir);
    mountTmpfs(scratch.corpusDir, options.corpusDisk);
    mounted.push(scratch.corpusDir);
    cpSync(seed, scratch.corpusDir, { recursive: true });
  }
  const engine = await createEngine(scratch.config({ mode: 'lexical' }));
  await engine.reindex();
  await engine.dispose();
  const note = join(scratch.root, 'note.md');
  writeFileSync(note, NOTE);
  return note;
}

const corpusFiles = () => readdirSync(scratch.corpusDir).sort();

describeWithMounts('a full disk', () => {
  it('ingest says so in one line naming the corpus folder, and leaves no half-written file', async () => {
    const note = await coverage({ corpusDisk: 256 * 1024 });
    // One page left: the lock's record fits, the article does not.
    fillDisk(scratch.corpusDir, 1);
    const before = corpusFiles();
    const run = await cli(['ingest', note]);
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      `No space left on the disk of ${scratch.corpusDir}: free some space there, or set CORPUS_DIR to a folder on another disk, then run the command again.\n`,
    );
    expect(corpusFiles()).toEqual(before);
  });

  it('an ingest whose index disk is full keeps the article and names the index folder', async () => {
    const note = await coverage({ indexDisk: 4 * 1024 * 1024 });
    fillDisk(scratch.indexDir, 1);
    const run = await cli(['ingest', note]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      new RegExp(`^Added «Budget de Villeneuve-sur-Glane» \\(.+\\) to the corpus, but not to the index yet: No space left on the disk of ${scratch.indexDir.replace(/[/.-]/g, '\\$&')}: .+ The next ingest or "npm run index" indexes it\\.\\n$`),
    );
  });

  it('even the lock cannot be written on a disk with no page left: the same line', async () => {
    const note = await coverage({ corpusDisk: 256 * 1024 });
    fillDisk(scratch.corpusDir);
    const before = corpusFiles();
    const run = await cli(['ingest', note]);
    expect(run.err).toMatch(/^No space left on the disk of .+corpus: .+\n$/);
    expect(corpusFiles()).toEqual(before);
  });
});

describeWithMounts('a read-only folder', () => {
  it('an ingest whose index folder is read-only keeps the article, says what is missing, and `index` catches up once writable', async () => {
    const note = await coverage();
    makeReadOnly(scratch.indexDir);
    mounted.push(scratch.indexDir);
    const run = await cli(['ingest', note]);
    expect(run.code).toBe(1);
    const id = /\(([^)]+)\) to the corpus/.exec(run.err)?.[1];
    expect(run.err).toBe(
      `Added «Budget de Villeneuve-sur-Glane» (${id}) to the corpus, but not to the index yet: ${scratch.indexDir} is on a read-only file system: ` +
        'remount it read-write, or set INDEX_DIR to another folder, then run the command again. The next ingest or "npm run index" indexes it.\n',
    );
    expect(corpusFiles()).toContain(`${id}.md`);

    const index = await cli(['index']);
    expect(index.code).toBe(1);
    expect(index.err).toMatch(new RegExp(`^${scratch.indexDir.replace(/[/.-]/g, '\\$&')} is on a read-only file system: .+\\n$`));

    unmount(mounted.pop()!);
    const repaired = await cli(['index']);
    expect(repaired.code).toBe(0);
    expect(repaired.out).toMatch(/1 \(re\)embedded/);
    const ask = await cli(['ask', '--json', QUESTION]);
    expect(JSON.parse(ask.out).passages[0].source.id).toBe(id);
  });

  it('remove from a read-only corpus says so in one line and keeps the article', async () => {
    await coverage();
    makeReadOnly(scratch.corpusDir);
    mounted.push(scratch.corpusDir);
    const run = await cli(['remove', '000_dcb9b5e2e5327193']);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`${scratch.corpusDir} is on a read-only file system: remount it read-write, or set CORPUS_DIR to another folder, then run the command again.\n`);
    expect(corpusFiles()).toContain('000_dcb9b5e2e5327193.md');
  });
});

describe('a folder the user may not write', () => {
  it('ingest run as another user says which folder, which user and the fix', async () => {
    const note = await coverage();
    // The scratch root is private (mkdtemp): let the other user read the coverage, not write it.
    chmodSync(scratch.root, 0o755);
    const asNobody = process.getuid?.() === 0;
    const run = await new Promise<{ code: number | null; err: string }>((done, fail) => {
      const command = asNobody ? 'setpriv' : process.execPath;
      const node = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'ingest', note];
      if (!asNobody) chmodSync(scratch.corpusDir, 0o555);
      const child = spawn(command, asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node.slice(1), {
        cwd: REPO,
        env: { PATH: process.env.PATH, HOME: '/tmp', CORPUS_DIR: scratch.corpusDir, INDEX_DIR: scratch.indexDir, SEARCH_MODE: 'lexical' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', fail);
      child.on('exit', (code) => done({ code, err }));
    });
    expect(run.code).toBe(1);
    const user = asNobody ? 'nobody' : (await import('node:os')).userInfo().username;
    expect(run.err).toBe(
      `No permission to write in ${scratch.corpusDir} as user ${user}: give that user write access (e.g. chown -R ${user} ${scratch.corpusDir}), or set CORPUS_DIR to another folder.\n`,
    );
    chmodSync(scratch.corpusDir, 0o755);
  });
});

describeWithMounts('the bot', () => {
  it('tells a moderator in their language what the operator must do, and logs the folder', async () => {
    await coverage({ corpusDisk: 256 * 1024 });
    const pages = await startPageServer();
    const h = await startBotHarness({ scratch, engine: { mode: 'lexical' }, env: { INGEST_ALLOW_HOSTS: '127.0.0.1' } });
    try {
      const reply = async (name: string, options: { name: string; type: number; value: string }[], locale: string) => {
        const interaction = h.fake.interact(commandInteraction(h.fake.world, name, options, { user: h.fake.world.moderator, locale }));
        return (await h.finalReply(interaction, 60_000)).body.content as string;
      };
      fillDisk(scratch.corpusDir, 1);
      const full = await reply('ingest', [{ name: 'url', type: 3, value: `${pages.origin}/bare` }], 'fr');
      expect(full).toBe('Article non ajouté. (Le disque qui contient le dossier du corpus est plein ; l’opérateur du bot doit libérer de la place.)');
      expect(h.logs.find((l) => l.msg === 'ingest failed: storage')).toMatchObject({ code: 'DISK_FULL', reason: expect.stringContaining(scratch.corpusDir) });

      makeReadOnly(scratch.indexDir);
      mounted.push(scratch.indexDir);
      const readOnly = await reply('reindex', [], 'en-US');
      expect(readOnly).toBe('Index not updated. (The index folder is on a read-only file system; the bot’s operator must make it writable.)');
      expect(h.logText()).not.toContain('"stack"');
    } finally {
      await h.stop();
      await pages.close();
    }
  });
});

describe('toStorageError', () => {
  const folders = [
    { path: '/srv/depeche/corpus', role: 'corpus' as const, setting: 'CORPUS_DIR' },
    { path: '/srv/depeche/embeddings', role: 'index' as const, setting: 'INDEX_DIR' },
  ];
  const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: failed`), { code, path });

  it('names the known folder that holds the failing path, however deep', () => {
    const error = toStorageError(errno('ENOSPC', '/srv/depeche/embeddings/gen-000003/vectors.hnsw'), folders);
    expect(error).toBeInstanceOf(StorageError);
    expect(error?.code).toBe('DISK_FULL');
    expect(error?.params).toMatchObject({ folder: '/srv/depeche/embeddings', role: 'index', setting: 'INDEX_DIR' });
  });

  it('maps SQLite codes, which carry no path, to the first folder given', () => {
    // better-sqlite3 reports a full disk as SQLITE_FULL, with no errno and no path.
    expect(toStorageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), folders)?.params.role).toBe('corpus');
    expect(toStorageError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }), folders)?.code).toBe('IO_ERROR');
  });

  it('leaves other errors alone', () => {
    expect(toStorageError(errno('ENOENT', '/srv/depeche/corpus/x.md'), folders)).toBeNull();
    expect(toStorageError(new TypeError('x is undefined'), folders)).toBeNull();
    expect(toStorageError('text', folders)).toBeNull();
  });
});
