import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from './helpers/build.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

let scratch: Scratch;

/** Runs the CLI as a user does (`npm run …` runs the same compiled entry, built by the global setup). */
function cli(args: string[], input?: string, override: Record<string, string> = {}) {
  const env = {
    ...process.env,
    CORPUS_DIR: scratch.corpusDir,
    INDEX_DIR: scratch.indexDir,
    MODEL: TINY_MODEL_ID,
    MODEL_DIR: TINY_MODEL_DIR,
    SEARCH_MODE: 'hybrid',
    ...override,
  };
  const r = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: scratch.root, env, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  scratch = makeScratch({ seed: true });
});
afterAll(() => scratch?.cleanup());

const contract = expect.objectContaining({
  question: expect.any(String),
  abstained: expect.any(Boolean),
  passages: expect.arrayContaining([
    expect.objectContaining({
      text: expect.any(String),
      score: expect.any(Number),
      source: { id: expect.any(String), title: expect.any(String), publisher: expect.toBeOneOf([expect.any(String), null]), author: expect.toBeOneOf([expect.any(String), null]), url: expect.toBeOneOf([expect.any(String), null]), date: expect.toBeOneOf([expect.any(String), null]) },
      link: expect.toBeOneOf([expect.any(String), null]),
    }),
  ]),
});

describe('npm run ask', () => {
  it('builds the missing index first, then prints the JSON contract with the seed ids and metadata', () => {
    const r = cli(['ask', '--json', '--k', '4', 'Combien SoftBank va-t-il investir aux États-Unis ?']);
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { passages: { source: { id: string; publisher: string | null } }[] };
    expect(out).toEqual(contract);
    expect(out.passages).toHaveLength(4);
    for (const p of out.passages) expect(p.source.id).toMatch(/^00[0-4]_[0-9a-f]{16}$/);
  });

  it('prints passages with their source for people', () => {
    const r = cli(['ask', '--mode', 'lexical', 'Stargate Abilene Texas']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[1\] .+/);
    expect(r.stdout).toMatch(/\*\*.*Abilene.*\*\*/);
  });

  it('answers a JSONL batch from stdin, echoing ids, and reports bad lines without stopping', () => {
    const input = [
      JSON.stringify({ id: 'q1', question: 'Nvidia Arm 40 milliards' }),
      JSON.stringify({ id: 7, question: '   ' }),
      'not json',
      JSON.stringify({ id: 'q3', question: 'Stargate Oracle' }),
    ].join('\n');
    const r = cli(['ask', '--batch', '-'], input);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id ?? l.line)).toEqual(['q1', 7, 3, 'q3']);
    expect(lines[0]).toEqual(contract);
    expect(lines[1]!.error).toMatch(/Question refused: it is empty/);
    expect(lines[2]!.error).toBe('not valid JSON');
    expect(r.code).toBe(1);
  });

  it('answers or refuses every batch line on its own line, with its line number and id, never a stack trace', () => {
    const long = 'Stargate '.repeat(2000);
    const input = ['null', '42', '[1]', JSON.stringify({ id: 'long', question: long }), JSON.stringify({ id: 'ok', question: 'Stargate Oracle' })].join('\n');
    const r = cli(['ask', '--batch', '-'], input);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(5);
    for (const [i, l] of lines.slice(0, 3).entries()) expect(l).toEqual({ line: i + 1, error: 'not a JSON object like {"id": "q1", "question": "…"}' });
    expect(lines[3]).toMatchObject({ line: 4, id: 'long', error: expect.stringMatching(/^Question refused: it is \d+ characters long, the limit is 1000\.$/) });
    // The refused question is echoed short, not whole.
    expect(lines[3]!.question).toBe(`${long.slice(0, 100)}…`);
    expect(lines[4]).toEqual(contract);
    expect(lines[4]).toMatchObject({ id: 'ok' });
    expect(r.code).toBe(1);
  });

  it('reads a batch file', () => {
    const file = join(scratch.root, 'q.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'a', question: 'Masayoshi Son Trump' })}\n`);
    const r = cli(['ask', '--batch', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'a', question: 'Masayoshi Son Trump' });
  });

  it.each([
    ['no question', ['ask'], /No question given/, 2],
    ['a blank question', ['ask', '   '], /No question given/, 2],
    ['a 10 000-character question', ['ask', 'x'.repeat(10_000)], /^Question refused: it is 10000 characters long, the limit is 1000\.$/m, 1],
    ['a bad --k', ['ask', '--k', 'many', 'Stargate'], /--k must be a whole number/, 2],
    ['a missing batch file', ['ask', '--batch', '/nonexistent/q.jsonl'], /Cannot read \/nonexistent\/q.jsonl: no such file/, 1],
    ['an unknown command', ['frobnicate'], /Unknown command "frobnicate"/, 2],
    ['a batch folder', ['ask', '--batch', '/tmp'], /^Cannot read \/tmp: it is a folder, not a JSONL file\.$/m, 1],
    ['an unknown option', ['ask', '--frob', 'Stargate'], /^Unknown option '--frob'\. Run "npm run ask -- --help" for its options\.\n$/, 2],
    ['an option without its value', ['ask', 'Stargate', '--k'], /^Option '--k <value>' argument missing\. Run "npm run ask -- --help" for its options\.\n$/, 2],
  ])('fails cleanly on %s', (_, args, message, code) => {
    const r = cli(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the commands for --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: depeche <command> \[options\]\n/);
  });

  it('names the variable of a bad setting', () => {
    const r = spawnSync(process.execPath, [CLI_ENTRY, 'ask', 'Stargate'], {
      cwd: scratch.root,
      env: { ...process.env, SEARCH_MODE: 'psychic' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Invalid configuration: SEARCH_MODE: /);
  });
});

describe('an index built with another model than the configured one', () => {
  const other = { MODEL: 'depeche/another-model' };
  it('still answers with --mode lexical', () => {
    const r = cli(['ask', '--mode', 'lexical', 'Stargate Abilene Texas'], undefined, other);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Abilene/);
  });

  it('refuses ask and ingest alike, naming the rebuild', () => {
    const stale = /^The index was built with a different configuration \(index built with model depeche\/tiny-bert, configured model is depeche\/another-model\)\. Run "npm run index" to rebuild it\.$/m;
    const ask = cli(['ask', 'Stargate'], undefined, other);
    expect(ask.code).toBe(1);
    expect(ask.stderr).toMatch(stale);
    const file = join(scratch.root, 'note.md');
    writeFileSync(file, '# Une note\n\nLe conseil municipal de Lyon a voté le budget des transports le 3 mars.\n');
    const before = new Set(readdirSync(scratch.corpusDir));
    const ingest = cli(['ingest', file], undefined, other);
    expect(ingest.code).toBe(1);
    // The article is kept in the corpus (nothing lost); the index is not touched.
    expect(ingest.stdout + ingest.stderr).toContain(
      'The index was built with a different configuration (index built with model depeche/tiny-bert, configured model is depeche/another-model). Run "npm run index" to rebuild it.',
    );
    // The article and the mark of its change, which stays until an index update takes it up.
    for (const added of readdirSync(scratch.corpusDir).filter((f) => !before.has(f))) rmSync(join(scratch.corpusDir, added), { recursive: true });
  });
});

describe('npm run index', () => {
  it('reports what it embedded: everything first, nothing when up to date', () => {
    const s = scratch;
    const again = cli(['index']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Indexed 5 articles, \d+ passages in [\d.]+ s: 0 \(re\)embedded, 0 removed\./);
    const full = cli(['index', '--rebuild']);
    expect(full.stdout).toMatch(/5 \(re\)embedded/);
    expect(s).toBeDefined();
  });

  it('does not count articles as embedded when the model is missing', () => {
    const r = cli(['index', '--rebuild'], undefined, { MODEL_DIR: scratch.root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: \d+ indexed without vectors \(no model\), 0 removed\./);
    expect(r.stdout).not.toMatch(/\(re\)embedded/);
  });
});
