import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-in-process.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

/** Moving a coverage to LanceDB from the CLI, and asking from it (README: Running at scale). */

let scratch: Scratch;
let env: Record<string, string>;

beforeAll(() => {
  scratch = makeScratch({ seed: true });
  env = { CORPUS_DIR: scratch.corpusDir, INDEX_DIR: scratch.indexDir, LANCEDB_URI: join(scratch.root, 'lance'), MODEL: TINY_MODEL_ID, MODEL_DIR: TINY_MODEL_DIR };
});
afterAll(() => scratch?.cleanup());

function cli(argv: string[], extra: Record<string, string> = {}) {
  return runCli(argv, { ...env, ...extra });
}

describe('npm run index -- --backend lancedb', () => {
  it('indexes the corpus into LanceDB at LANCEDB_URI, leaving the local index alone, and asks answer from it', async () => {
    const moved = await cli(['index', '--backend', 'lancedb']);
    expect(moved.err).toBe('');
    expect(moved.code).toBe(0);
    expect(moved.out).toMatch(/^Indexed 5 articles, \d+ passages in [\d.]+ s: 5 \(re\)embedded, 0 removed\.$/m);
    expect(existsSync(join(scratch.root, 'lance', 'spaces.lance'))).toBe(true);
    expect(existsSync(scratch.indexDir)).toBe(false);

    const asked = await cli(['ask', '--json', 'Combien SoftBank va-t-il investir aux États-Unis ?'], { INDEX_BACKEND: 'lancedb' });
    expect(asked.code).toBe(0);
    const answer = JSON.parse(asked.out) as { abstained: boolean; passages: { source: { id: string } }[] };
    expect(answer.abstained).toBe(false);
    expect(answer.passages.length).toBeGreaterThan(0);
    // Nothing new since: a second run has nothing to do.
    expect((await cli(['index', '--backend', 'lancedb'])).out).toMatch(/: 0 \(re\)embedded, 0 removed\./);
  });

  it('names the backends when given an unknown one', async () => {
    const bad = await cli(['index', '--backend', 'mongo']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('--backend must be one of local, lancedb, got "mongo".');
  });
});
