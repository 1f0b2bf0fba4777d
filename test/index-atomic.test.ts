import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSyntheticCorpus } from '../bench/lib/coverage.js';
import { createEngine } from '../src/engine/engine.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { createStore } from '../src/engine/index/create-store.js';
import type { StoreView } from '../src/engine/index/store.js';
import { makeScratch, REPO_CORPUS, type Scratch } from './helpers/coverage.js';

const CHILD = resolve(import.meta.dirname, 'fixtures/index/crash-during-write.ts');
const ROOT = resolve(import.meta.dirname, '..');

type Stage = 'commit' | 'switch' | 'checkpoint' | 'run';

/**
 * Runs an index update in a child process and SIGKILLs it once it froze at `stage`, or (stage
 * "run") once it reported embedding that share of its passages. Resolves whether it was killed.
 */
function runChild(s: Scratch, stage: Stage, options: { killAt?: number; countFile?: string } = {}): Promise<{ killed: boolean; out: string }> {
  return new Promise((done, fail) => {
    // `node --import tsx` runs the script in this very process, so the kill reaches it.
    const args = ['--import', 'tsx', CHILD, s.corpusDir, s.indexDir, stage, ...(options.countFile ? [options.countFile] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const last = [...out.matchAll(/PROGRESS (\d+)\/(\d+)/g)].at(-1);
      const share = last ? Number(last[1]) / Math.max(1, Number(last[2])) : 0;
      if (out.includes('FROZEN') || (options.killAt !== undefined && share >= options.killAt)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') done({ killed: true, out });
      else if (code === 0 && stage === 'run') done({ killed: false, out });
      else fail(new Error(`child ended without freezing (${code}): ${out} ${err}`));
    });
  });
}

async function view(s: Scratch): Promise<StoreView> {
  return createStore({ backend: 'local', indexDir: s.indexDir }).reader().refresh();
}

const lexicalBuild = (s: Scratch, rebuild = false) =>
  buildIndex({ corpusDir: s.corpusDir, store: createStore({ backend: 'local', indexDir: s.indexDir }), loadEmbedder: null, rebuild });

let scratch: Scratch;
afterEach(() => scratch?.cleanup());

describe('index writes survive a kill at any point', () => {
  it('a process killed mid-commit leaves the previous state, loadable and answering; the next update lands', async () => {
    scratch = makeScratch({ seed: true });
    await lexicalBuild(scratch);
    const before = await view(scratch);
    scratch.writeArticle('zz_new', { title: 'Nouvel article' }, 'Un article sur les centrales solaires de Ouarzazate.');
    scratch.writeArticle('zz_new2', { title: 'Autre article' }, 'Un article sur les barrages du Nil.');

    expect((await runChild(scratch, 'commit')).killed).toBe(true);

    const after = await view(scratch);
    expect(after.version).toBe(before.version);
    expect(after.passageCount).toBe(before.passageCount);
    expect(after.sources.has('zz_new')).toBe(false);
    const engine = await createEngine(scratch.config({ mode: 'lexical' }));
    expect((await engine.ask('Combien Nvidia avait-il proposé pour racheter Arm ?')).passages.length).toBeGreaterThan(0);
    const report = await engine.reindex();
    expect(report.embedded.sort()).toEqual(['zz_new', 'zz_new2']);
    expect((await engine.ask('centrales solaires Ouarzazate')).passages[0]!.source.id).toBe('zz_new');
    await engine.dispose();
  });

  it('a rebuild killed before it replaces the live index leaves that one answering; the next rebuild resumes it', async () => {
    scratch = makeScratch({ seed: true });
    await lexicalBuild(scratch);
    const before = await view(scratch);
    scratch.writeArticle('zz_new', { title: 'Nouvel article' }, 'Un article sur les centrales solaires de Ouarzazate.');

    expect((await runChild(scratch, 'switch')).killed).toBe(true);
    expect((await view(scratch)).version).toBe(before.version);
    expect((await view(scratch)).sources.has('zz_new')).toBe(false);

    // Everything was committed to the unfinished rebuild: resuming it processes nothing again.
    const report = await lexicalBuild(scratch, true);
    expect(report.embedded).toEqual([]);
    const after = await view(scratch);
    expect(after.sources.has('zz_new')).toBe(true);
    expect(readdirSync(scratch.indexDir).filter((n) => n.startsWith('gen-'))).toHaveLength(2);
    expect(existsSync(join(scratch.indexDir, 'rebuild.json'))).toBe(false);
  });

  it('a process killed while writing a vector checkpoint leaves the live index loadable; its leftovers are swept', async () => {
    scratch = makeScratch({ seed: true });
    await lexicalBuild(scratch);
    expect((await runChild(scratch, 'checkpoint')).killed).toBe(true);
    expect((await view(scratch)).vectorCount).toBe(0);
    const engine = await createEngine(scratch.config());
    await engine.reindex(undefined, { rebuild: true });
    expect((await engine.ask('Combien Nvidia avait-il proposé pour racheter Arm ?')).mode).toBe('hybrid');
    await engine.dispose();
    const leftovers = readdirSync(scratch.indexDir, { recursive: true }).map(String).filter((n) => n.includes('.tmp-'));
    expect(leftovers).toEqual([]);
    expect(readdirSync(scratch.indexDir).filter((n) => n.startsWith('gen-'))).toHaveLength(2);
  });

  it('a rebuild of 2 000 passages killed three times at random finishes with every passage embedded, each batch at most once more', async () => {
    scratch = makeScratch();
    await writeSyntheticCorpus(REPO_CORPUS, scratch.corpusDir, 560, 7);
    const countFile = join(scratch.root, 'embedded.txt');
    const counted = () => (existsSync(countFile) ? readFileSync(countFile, 'utf8').trim().split('\n').reduce((n, l) => n + Number(l), 0) : 0);
    let total = 0;
    let kills = 0;
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let attempt = 0; attempt < 6; attempt++) {
      const killAt = kills < 3 ? 0.15 + 0.6 * random() : undefined;
      const { killed, out } = await runChild(scratch, 'run', { killAt, countFile });
      total ||= Number(/PROGRESS \d+\/(\d+)/.exec(out)?.[1] ?? 0);
      if (!killed) break;
      kills++;
    }
    expect(kills).toBe(3);
    expect(total).toBeGreaterThanOrEqual(1900);
    const done = await view(scratch);
    expect(done.passageCount).toBeGreaterThanOrEqual(1900);
    expect(done.vectorCount).toBe(done.passageCount);
    // Each kill loses at most the batch being embedded (64 passages) and never what was committed.
    expect(counted()).toBeGreaterThanOrEqual(done.passageCount);
    expect(counted()).toBeLessThanOrEqual(done.passageCount + 3 * 64);
  }, 600_000);

  it('a corrupt pointer file gives a one-line error naming the fix, and that fix works', async () => {
    scratch = makeScratch({ seed: true });
    mkdirSync(scratch.indexDir);
    writeFileSync(join(scratch.indexDir, 'current.json'), '{"generation": 42');
    await expect(view(scratch)).rejects.toThrow(/^The index is unreadable \(current.json is unreadable\)\. Run "npm run index -- --rebuild" to rebuild it\.$/);
    await lexicalBuild(scratch, true);
    expect((await view(scratch)).passageCount).toBeGreaterThan(0);
  });
});
