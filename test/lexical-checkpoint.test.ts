import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import type { IndexStore, StoreView } from '../src/engine/index/store.js';
import { META, numberedArticle } from './store-contract.js';

const FOLDER = resolve(import.meta.dirname, 'fixtures/index/fold-until-killed.ts');

/** Runs the folding child and SIGKILLs it `delayMs` after its `after`-th commit. */
function killDuringFolds(indexDir: string, after: number, delayMs: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FOLDER, indexDir], { cwd: resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const last = Number([...out.matchAll(/COMMITTED (\d+)/g)].at(-1)?.[1] ?? -1);
      if (last >= after && !armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? done(Number([...out.matchAll(/COMMITTED (\d+)/g)].at(-1)?.[1] ?? -1)) : fail(new Error(`child ended on its own: ${err}`))));
  });
}

/**
 * A writer folds the space's lexical index into a binary checkpoint beside the vector one; a
 * reader starts from it and re-indexes only the articles changed since. Every answer must be
 * the one a reader indexing every passage gives.
 */
const articleNo = (i: number, variant = 0) => numberedArticle(`a${String(i).padStart(4, '0')}`, i, variant);
const withoutVectors = (a: ReturnType<typeof articleNo>) => ({ ...a, passages: a.passages.map((p) => ({ ...p, vector: null })) });
const QUESTIONS = ['centrale solaire Ouarzazate', 'inflation banque', 'Nvidia milliards', 'volcan Saint-Paul 2007', 'mégawatts investis', 'retraites réforme précisions', 'Ouarzazat'];

let roots: string[] = [];
let stores: IndexStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
  stores = [];
});

function open(lexicalFoldMin: number): { store: IndexStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-lexical-'));
  roots.push(dir);
  const store = createLocalStore({ indexDir: join(dir, 'index'), lexicalFoldMin });
  stores.push(store);
  return { store, dir: join(dir, 'index') };
}

/** Folds run in the background; closing a store waits for its fold. Returns a fresh store on the same folder. */
async function settled(side: { store: IndexStore; dir: string }, lexicalFoldMin = 1): Promise<{ store: IndexStore; dir: string }> {
  await side.store.close();
  const store = createLocalStore({ indexDir: side.dir, lexicalFoldMin });
  stores.push(store);
  return { store, dir: side.dir };
}

const lexicalFiles = (indexDir: string) => readdirSync(indexDir).filter((n) => n.startsWith('gen-')).flatMap((g) => readdirSync(join(indexDir, g)).filter((n) => n.startsWith('lexical-')));

async function answers(view: StoreView) {
  return {
    passages: view.passageCount,
    ids: (await view.passageIds()).sort(),
    hits: QUESTIONS.map((q) => view.lexical.search(q, 10)),
    weights: ['ouarzazat', 'inflat', 'nvidia', 'précis', 'inconnu'].map((t) => view.termStats.weight(t)),
    known: ['ouarzazat', 'ouarzazzat', 'nvidia'].map((t) => view.termStats.known(t)),
  };
}

/** The same commits on two stores: one folds checkpoints, the other never does. */
async function both(commits: Parameters<IndexStore['commit']>[0][]) {
  const folded = open(1);
  const plain = open(Number.MAX_SAFE_INTEGER);
  for (const change of commits) {
    await folded.store.commit(change);
    await plain.store.commit(change);
  }
  return { folded: await settled(folded), plain };
}

describe('lexical checkpoints', () => {
  it('a reader starting from the checkpoint plus later changes answers exactly like one indexing every passage', async () => {
    const first = Array.from({ length: 30 }, (_, i) => articleNo(i));
    const { folded, plain } = await both([
      { meta: META, upsert: first },
      { upsert: [articleNo(3, 2), articleNo(40)], remove: ['a0007', 'a0011'] },
      { upsert: [articleNo(41)], remove: ['a0040'] },
    ]);
    expect(lexicalFiles(folded.dir)).toHaveLength(1);
    expect(lexicalFiles(plain.dir)).toHaveLength(0);
    const fromCheckpoint = await answers(await folded.store.reader().refresh());
    expect(fromCheckpoint).toEqual(await answers(await plain.store.reader().refresh()));
    expect(fromCheckpoint.passages).toBe(2 * 30 - 4 + 2);
    expect(fromCheckpoint.hits[0]!.length).toBeGreaterThan(0);
  });

  it('a running reader follows later changes the same way, removing passages it read from the checkpoint', async () => {
    const { folded, plain } = await both([{ meta: META, upsert: Array.from({ length: 12 }, (_, i) => articleNo(i)) }]);
    const readers = [folded.store.reader(), plain.store.reader()];
    for (const r of readers) await r.refresh();
    for (const s of [folded.store, plain.store]) await s.commit({ upsert: [articleNo(2, 3)], remove: ['a0005'] });
    const [a, b] = await Promise.all(readers.map(async (r) => answers(await r.refresh())));
    expect(a).toEqual(b);
    expect(a!.ids).not.toContain('a0005#0');
  });

  it('folds a new checkpoint once the changes outgrow a share of the last one, and removes the old file', async () => {
    let { store, dir } = open(1);
    await store.commit({ meta: META, upsert: Array.from({ length: 10 }, (_, i) => articleNo(i)) });
    ({ store, dir } = await settled({ store, dir }));
    const [firstFile] = lexicalFiles(dir);
    await store.commit({ upsert: [articleNo(20)] });
    ({ store, dir } = await settled({ store, dir }));
    expect(lexicalFiles(dir)).toEqual([firstFile]);
    await store.commit({ upsert: Array.from({ length: 210 }, (_, i) => articleNo(100 + i)) });
    ({ store, dir } = await settled({ store, dir }));
    const files = lexicalFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(firstFile);
    const view = await store.reader().refresh();
    expect(view.passageCount).toBe(2 * (10 + 1 + 210));
    expect(view.lexical.search('Dossier 305', 3)[0]!.id.startsWith('a0305')).toBe(true);
  });

  it('a damaged checkpoint makes the index unreadable (repaired by a rebuild), never a wrong answer', async () => {
    let { store, dir } = open(1);
    await store.commit({ meta: META, upsert: Array.from({ length: 5 }, (_, i) => articleNo(i)) });
    ({ store, dir } = await settled({ store, dir }));
    const generation = readdirSync(dir).find((n) => n.startsWith('gen-'))!;
    const file = join(dir, generation, lexicalFiles(dir)[0]!);
    truncateSync(file, 100);
    await expect(store.reader().refresh()).rejects.toMatchObject({ code: 'INDEX_CORRUPT' });
    await store.withWriteLock(async () => {
      const space = await store.rebuild(META);
      await space.commit({ upsert: Array.from({ length: 5 }, (_, i) => articleNo(i)) });
      await space.publish();
    });
    expect((await store.reader().refresh()).passageCount).toBe(10);
  });

  it('a fold runs in the background: the commit returns at once, readers answer meanwhile and later commits land, and the checkpoint it registers loads to the same answers', async () => {
    const folded = open(1);
    const plain = open(Number.MAX_SAFE_INTEGER);
    const first = { meta: META, upsert: Array.from({ length: 30 }, (_, i) => articleNo(i)) };
    for (const s of [folded.store, plain.store]) await s.commit(first);
    const settledFirst = await settled(folded);
    expect(lexicalFiles(settledFirst.dir)).toHaveLength(1);
    const [before] = lexicalFiles(settledFirst.dir);
    // Past the share of the checkpoint: this commit starts a fold and returns without it.
    const big = { upsert: Array.from({ length: 220 }, (_, i) => articleNo(200 + i)), remove: ['a0003'] };
    const later = { upsert: [articleNo(5, 4), articleNo(900)], remove: ['a0210'] };
    for (const s of [settledFirst.store, plain.store]) await s.commit(big);
    const reader = settledFirst.store.reader();
    const plainReader = plain.store.reader();
    expect(await answers(await reader.refresh())).toEqual(await answers(await plainReader.refresh()));
    for (const s of [settledFirst.store, plain.store]) await s.commit(later);
    expect(await answers(await reader.refresh())).toEqual(await answers(await plainReader.refresh()));
    await reader.close();
    const done = await settled(settledFirst);
    const files = lexicalFiles(done.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(before);
    const fresh = await answers(await done.store.reader().refresh());
    expect(fresh).toEqual(await answers(await plainReader.refresh()));
    expect(fresh.ids).toContain('a0900#0');
    expect(fresh.ids).not.toContain('a0210#0');
    await plainReader.close();
  });

  it('a writer killed at any moment of a fold leaves a space that loads and answers like every committed article, and the next commit folds again', async () => {
    for (const [after, delayMs] of [[1, 0], [1, 150], [2, 400]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'depeche-lexical-kill-'));
      roots.push(dir);
      const indexDir = join(dir, 'index');
      await killDuringFolds(indexDir, after, delayMs);
      const store = createLocalStore({ indexDir, lexicalFoldMin: 1 });
      stores.push(store);
      const { passages } = await store.counts();
      const view = await store.reader().refresh();
      expect(view.passageCount).toBe(passages);
      expect(view.lexical.size).toBe(passages);
      expect((await view.passageIds()).length).toBe(passages);
      expect(view.lexical.search(`lot ${after} centrale 3`, 3).length).toBeGreaterThan(0);
      await store.sweep();
      expect(readdirSync(indexDir).flatMap((g) => (g.startsWith('gen-') ? readdirSync(join(indexDir, g)) : [])).filter((n) => n.includes('.tmp-'))).toEqual([]);
      await store.commit({ upsert: Array.from({ length: 210 }, (_, i) => withoutVectors(articleNo(1000 + i))) });
      const after2 = await store.reader().refresh();
      expect(after2.passageCount).toBe(passages + 420);
      expect(after2.lexical.search('Dossier 1005', 3)[0]!.id.startsWith('a1005')).toBe(true);
      expect(after2.lexical.search('lot 1 centrale 7', 3).length).toBeGreaterThan(0);
    }
  });
});
