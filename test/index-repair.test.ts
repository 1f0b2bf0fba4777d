import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { ANALYZER_VERSION } from '../src/engine/text/analyze.js';
import { CHUNKER_VERSION } from '../src/engine/text/chunk.js';
import { CLI_ENTRY } from './helpers/build.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

let scratch: Scratch;
afterEach(() => scratch?.cleanup());

/** Runs the CLI as a user does. */
function cli(args: string[]) {
  const env = { ...process.env, CORPUS_DIR: scratch.corpusDir, INDEX_DIR: scratch.indexDir, MODEL: TINY_MODEL_ID, MODEL_DIR: TINY_MODEL_DIR, SEARCH_MODE: 'hybrid' };
  const r = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: scratch.root, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const QUESTION = 'Combien Nvidia avait-il proposé pour racheter Arm ?';
const live = () => (JSON.parse(readFileSync(join(scratch.indexDir, 'current.json'), 'utf8')) as { generation: string }).generation;
const liveDir = () => join(scratch.indexDir, live());

function updateMeta(change: (meta: Record<string, unknown>) => unknown): void {
  const db = new Database(join(liveDir(), 'index.db'));
  const meta = JSON.parse(db.prepare("SELECT value FROM settings WHERE key = 'meta'").pluck().get() as string) as Record<string, unknown>;
  db.prepare("UPDATE settings SET value = ? WHERE key = 'meta'").run(JSON.stringify(change(meta)));
  db.close();
}

const damages: [string, () => void][] = [
  ['a truncated vector checkpoint', () => {
    const file = readdirSync(liveDir()).find((n) => /^vectors-\d+\.hnsw$/.test(n))!;
    writeFileSync(join(liveDir(), file), readFileSync(join(liveDir(), file)).subarray(0, 100));
  }],
  ['a database file that is not one', () => writeFileSync(join(liveDir(), 'index.db'), 'not a database at all')],
  ['settings of the wrong shape', () => updateMeta(() => ({ chunkerVersion: 'two', model: 7 }))],
  // An analyzer version bump (new terms for the same text) must rebuild, not mix old and new terms.
  ['an index built by the previous analyzer', () => updateMeta((m) => ({ ...m, analyzerVersion: ANALYZER_VERSION - 1 }))],
  // A chunker version bump (passages cut at other sentence ends) must rebuild, not mix old and new passages.
  ['an index built by the previous chunker', () => updateMeta((m) => ({ ...m, chunkerVersion: CHUNKER_VERSION - 1 }))],
  ['the same model id with another dimension', () => updateMeta((m) => ({ ...m, model: { id: TINY_MODEL_ID, dimension: 64 } }))],
  ['a missing space folder', () => rmSync(liveDir(), { recursive: true })],
  ['a corrupt pointer', () => writeFileSync(join(scratch.indexDir, 'current.json'), '{"generation": 4')],
];

describe('a damaged index is reported in one line naming a command that repairs it', () => {
  it.each(damages)('%s', async (_name, damage) => {
    scratch = makeScratch({ seed: true });
    const setup = await createEngine(scratch.config());
    await setup.reindex();
    await setup.dispose();
    damage();

    const refused = cli(['ask', QUESTION]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const fix = /Run "npm run (index(?: -- --rebuild)?)"/.exec(refused.stderr);
    expect(refused.stderr).toMatch(/^The index (is unreadable|was built with a different configuration) \(.+\)\. Run "npm run index/);
    expect(fix).not.toBeNull();

    const args = fix![1] === 'index' ? ['index'] : ['index', '--rebuild'];
    const repaired = cli(args);
    expect(repaired.stderr).not.toMatch(/Unexpected|at /);
    expect(repaired.code).toBe(0);
    const engine = await createEngine(scratch.config());
    const answer = await engine.ask(QUESTION);
    await engine.dispose();
    expect(answer.passages.length).toBeGreaterThan(0);
    expect(answer.mode).toBe('hybrid');
  });
});
