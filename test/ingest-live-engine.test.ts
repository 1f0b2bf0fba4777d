import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { createEngine } from '../src/engine/engine.js';
import { createStore } from '../src/engine/index/create-store.js';
import { LOCK_FILE } from '../src/engine/ingest/corpus-lock.js';
import { createIngestService, type CoverageChange, type LiveIngestProgress } from '../src/engine/ingest/ingest-service.js';
import type { Engine } from '../src/engine/types.js';
import { startPageServer, type PageServer } from './fixtures/ingest/page-server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

// Real engine: tiny generated model, real HNSW index on disk, pages served from 127.0.0.1.
const CHILD = resolve(import.meta.dirname, 'fixtures/ingest/ingest-child.ts');
const REPO = resolve(import.meta.dirname, '..');
const local = async () => [{ address: '127.0.0.1', family: 4 }];

let server: PageServer;
let scratch: Scratch;
let engine: Engine | null = null;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  server = await startPageServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await engine?.dispose();
  engine = null;
  scratch?.cleanup();
});

async function liveCoverage() {
  scratch = makeScratch({ seed: true });
  engine = await createEngine(scratch.config());
  await engine.reindex();
  const changes: CoverageChange[] = [];
  const service = createIngestService(engine, {
    corpusDir: scratch.corpusDir,
    fetch: { allowHosts: ['127.0.0.1'], resolve: local },
    onChange: (c) => changes.push(c),
  });
  return { engine, service, changes };
}

const stargateUrl = () => `http://quotidien.example:${server.port}/news/stargate`;
const WORKERS_QUESTION = 'Combien d’ouvriers le chantier emploiera-t-il selon le maire Weldon Hurt ?';

/** Ids of the corpus as the loader sees them (article files only, no README). */
function corpusIds(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.md') && !/^readme/i.test(n)).map((n) => n.slice(0, -3)).sort();
}

describe('ingest into a live engine', () => {
  it('answers from a new article right after ingest, embedding only its chunks', async () => {
    const { engine, service, changes } = await liveCoverage();
    const before = await engine.ask(WORKERS_QUESTION);
    expect(before.passages.some((p) => p.text.includes('Weldon Hurt'))).toBe(false);

    const progress: LiveIngestProgress[] = [];
    const result = await service.ingest({ url: stargateUrl() }, { actor: 'mod:42', onProgress: (p) => progress.push(p) });

    expect(result.status).toBe('added');
    expect(result.passages).toBeGreaterThan(0);
    expect(result.report?.embedded).toEqual([result.id]);
    expect(progress.map((p) => p.step)).toEqual(expect.arrayContaining(['fetch', 'extract', 'write', 'index']));
    expect(changes).toEqual([{ action: 'ingest', actor: 'mod:42', id: result.id, title: result.title, status: 'added', url: 'https://quotidien.example/economie/stargate-500-milliards' }]);

    const answer = await engine.ask(WORKERS_QUESTION);
    const hit = answer.passages.find((p) => p.source.id === result.id);
    expect(hit?.text).toContain('Weldon Hurt');
    expect(hit?.source).toMatchObject({ publisher: 'Le Quotidien du Test', date: '2025-01-22' });
    expect(engine.source(result.id)?.title).toBe(result.title);
  });

  it('reports a duplicate without touching the index', async () => {
    const { service } = await liveCoverage();
    const first = await service.ingest({ url: stargateUrl() });
    const again = await service.ingest({ url: stargateUrl() });
    expect(again).toMatchObject({ status: 'duplicate', id: first.id, passages: 0, report: null });
  });

  it('stops answering from a removed article', async () => {
    const { engine, service, changes } = await liveCoverage();
    const added = await service.ingest({ url: stargateUrl() }, { actor: 'mod:42' });
    const { source, report } = await service.remove(added.id, { actor: 'mod:7' });
    expect(source.id).toBe(added.id);
    expect(report.removed).toEqual([added.id]);
    expect(changes.at(-1)).toMatchObject({ action: 'remove', actor: 'mod:7', id: added.id, status: 'removed' });
    const answer = await engine.ask(WORKERS_QUESTION);
    expect(answer.passages.some((p) => p.source.id === added.id)).toBe(false);
    expect(engine.source(added.id)).toBeUndefined();
  });

  it('lands two concurrent ingests in corpus and index', async () => {
    const { engine, service } = await liveCoverage();
    const [a, b] = await Promise.all([
      service.ingest({ url: stargateUrl() }),
      service.ingest({ url: `${server.origin}/bare` }),
    ]);
    expect([a.status, b.status]).toEqual(['added', 'added']);
    const ids = engine.sources().map((s) => s.id);
    expect(ids).toContain(a.id);
    expect(ids).toContain(b.id);
    expect(ids.sort()).toEqual(corpusIds(scratch.corpusDir));
  });
});

/** Runs ingest-child; resolves with its output once it exits, or SIGKILLs it when it says FROZEN. */
function runChild(s: Scratch, freezeAt: 'write' | 'embed' | 'none', urls: string[]): Promise<{ out: string; killed: boolean }> {
  return new Promise((done, fail) => {
    // node --import tsx, not the tsx binary: the binary runs the script in a grandchild that
    // a SIGKILL to the binary would leave running (and holding the lock).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, s.corpusDir, s.indexDir, TINY_MODEL_DIR, TINY_MODEL_ID, freezeAt, ...urls], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('FROZEN')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') done({ out, killed: true });
      else if (code === 0) done({ out, killed: false });
      else fail(new Error(`child failed (${code}): ${err.slice(-2000)}`));
    });
  });
}

describe('ingest across processes', () => {
  it('lands two ingests run by two processes at once', async () => {
    scratch = makeScratch({ seed: true });
    const setup = await createEngine(scratch.config());
    await setup.reindex();
    await setup.dispose();
    const [one, two] = await Promise.all([
      runChild(scratch, 'none', [`${server.origin}/news/stargate`]),
      runChild(scratch, 'none', [`${server.origin}/bare`]),
    ]);
    expect(one.out).toMatch(/DONE added /);
    expect(two.out).toMatch(/DONE added /);
    const { articles, skipped } = await loadCorpus(scratch.corpusDir);
    expect(skipped).toEqual([]);
    expect(articles).toHaveLength(7);
    // Whatever order the two index updates ran in, one more (incremental) update converges.
    engine = await createEngine(scratch.config());
    await engine.reindex();
    expect(engine.sources().map((s) => s.id).sort()).toEqual(corpusIds(scratch.corpusDir));
  });

  it('a process killed while holding the corpus lock leaves the corpus as it was; the next ingest proceeds', async () => {
    scratch = makeScratch({ seed: true });
    const idsBefore = corpusIds(scratch.corpusDir);
    const { killed } = await runChild(scratch, 'write', [`${server.origin}/news/stargate`]);
    expect(killed).toBe(true);
    expect(existsSync(join(scratch.corpusDir, LOCK_FILE))).toBe(true);
    expect(corpusIds(scratch.corpusDir)).toEqual(idsBefore);
    expect((await loadCorpus(scratch.corpusDir)).skipped).toEqual([]);

    engine = await createEngine(scratch.config());
    const service = createIngestService(engine, { corpusDir: scratch.corpusDir, fetch: { allowHosts: ['127.0.0.1'] } });
    const result = await service.ingest({ url: `${server.origin}/news/stargate` });
    expect(result.status).toBe('added');
    expect(existsSync(join(scratch.corpusDir, LOCK_FILE))).toBe(false);
    expect(engine.sources().map((s) => s.id).sort()).toEqual(corpusIds(scratch.corpusDir));
  });

  it('a process killed mid-index-update leaves a readable index that one update brings level with the corpus', async () => {
    scratch = makeScratch({ seed: true });
    const setup = await createEngine(scratch.config());
    await setup.reindex();
    await setup.dispose();
    const storedIds = async () => {
      const store = createStore({ backend: 'local', indexDir: scratch.indexDir });
      const ids = [...(await store.articleIds())].sort();
      await store.close();
      return ids;
    };
    const indexBefore = await storedIds();

    const { out, killed } = await runChild(scratch, 'embed', [`${server.origin}/news/stargate`]);
    expect(killed).toBe(true);
    expect(out).toContain('STEP write');
    // The article file landed whole; the index is still the previous generation, intact.
    const { articles, skipped } = await loadCorpus(scratch.corpusDir);
    expect(skipped).toEqual([]);
    const added = articles.find((a) => !indexBefore.includes(a.id));
    expect(added).toBeDefined();
    expect(await storedIds()).toEqual(indexBefore);

    // A restarted engine catches up with one incremental update that embeds only the new article.
    engine = await createEngine(scratch.config());
    const report = await engine.reindex();
    expect(report.embedded).toEqual([added!.id]);
    expect(engine.sources().map((s) => s.id).sort()).toEqual(corpusIds(scratch.corpusDir));
    const answer = await engine.ask(WORKERS_QUESTION);
    expect(answer.passages.some((p) => p.source.id === added!.id)).toBe(true);
  });
});
