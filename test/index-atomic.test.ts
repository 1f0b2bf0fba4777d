import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { buildIndex } from '../src/engine/index/build-index.js';
import { readIndex } from '../src/engine/index/index-store.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

const CHILD = resolve(import.meta.dirname, 'fixtures/index/crash-during-write.ts');
const ROOT = resolve(import.meta.dirname, '..');

/** Runs an index update in a child process and SIGKILLs it once it froze mid-write. */
function killMidWrite(s: Scratch, stage: 'data' | 'switch'): Promise<string> {
  return new Promise((done, fail) => {
    // `node --import tsx` runs the script in this very process, so the kill reaches it
    // (the tsx binary would run it in a grandchild that outlives a SIGKILL).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, s.corpusDir, s.indexDir, stage], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('FROZEN')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? done(out) : fail(new Error(`child ended without freezing: ${out} ${err}`))));
  });
}

let scratch: Scratch;
afterEach(() => scratch?.cleanup());

describe('index writes are atomic', () => {
  it.each(['data', 'switch'] as const)('a process killed mid-write (%s) leaves the previous index loadable and answering', async (stage) => {
    scratch = makeScratch({ seed: true });
    await buildIndex({ corpusDir: scratch.corpusDir, indexDir: scratch.indexDir, modelId: 'none', loadEmbedder: null });
    const before = readIndex(scratch.indexDir);
    // The coverage changes, then the update that would index it is killed.
    scratch.writeArticle('zz_new', { title: 'Nouvel article' }, 'Un article sur les centrales solaires de Ouarzazate.');

    await killMidWrite(scratch, stage);

    const after = readIndex(scratch.indexDir);
    expect(after.manifest.createdAt).toBe(before.manifest.createdAt);
    expect(after.chunks).toEqual(before.chunks);
    const engine = await createEngine(scratch.config({ mode: 'lexical' }));
    const answer = await engine.ask('Combien Nvidia avait-il proposé pour racheter Arm ?');
    expect(answer.passages.length).toBeGreaterThan(0);
    await engine.dispose();
  });

  it('the next update succeeds and removes what the killed write left behind', async () => {
    scratch = makeScratch({ seed: true });
    await buildIndex({ corpusDir: scratch.corpusDir, indexDir: scratch.indexDir, modelId: 'none', loadEmbedder: null });
    await killMidWrite(scratch, 'data');
    const gens = () => readdirSync(scratch.indexDir).filter((n) => n.startsWith('gen-'));
    expect(gens()).toHaveLength(2); // live + the half-written one

    await buildIndex({ corpusDir: scratch.corpusDir, indexDir: scratch.indexDir, modelId: 'none', loadEmbedder: null });
    const { generation } = JSON.parse(readFileSync(join(scratch.indexDir, 'current.json'), 'utf8')) as { generation: string };
    expect(gens()).toContain(generation);
    expect(gens()).toHaveLength(2); // live + previous, the broken one is gone
    expect(() => readIndex(scratch.indexDir)).not.toThrow();
  });

  it('a corrupt pointer file gives a one-line error naming the fix', () => {
    scratch = makeScratch({ seed: true });
    mkdirSync(scratch.indexDir);
    writeFileSync(join(scratch.indexDir, 'current.json'), '{"generation": 42');
    expect(() => readIndex(scratch.indexDir)).toThrow(/^The index is unreadable \(current.json is unreadable\)\. Run "npm run index -- --rebuild" to rebuild it\.$/);
  });
});
