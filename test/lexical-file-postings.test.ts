import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyFrequencies, readLexicalCheckpoint, writeLexicalCheckpoint } from '../src/engine/index/local/lexical-checkpoint.js';
import { createLexicalIndex, type LexicalIndex } from '../src/engine/search/bm25.js';
import { analyze, analyzeBoth } from '../src/engine/text/analyze.js';

/**
 * A served index leaves its postings in the checkpoint file and reads them per query key
 * (at a million passages they are most of its memory). It must rank exactly like the index it
 * was written from, follow removals and additions the same way, and fold back into memory.
 */
const CORPUS = resolve(import.meta.dirname, '..', 'corpus');
const QUESTIONS = ['Combien SoftBank investit-il aux États-Unis ?', 'centrale solaire', 'volcan Saint-Paul', 'inflaton banque', 'Who builds the chips?', 'Nvidia Arm rachat milliards', 'éruption'];

function passages() {
  const out: { id: string; terms: string[]; words: string[]; title: string[] | null }[] = [];
  for (const file of readdirSync(CORPUS).filter((n) => n.endsWith('.md')).sort()) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const title = /^title:\s*(.+)$/m.exec(text)?.[1] ?? null;
    text
      .split(/\n\s*\n/)
      .filter((p) => p.trim().length > 40)
      .forEach((p, i) => {
        const { terms, words } = analyzeBoth(p);
        out.push({ id: `${file}#${i}`, terms, words, title: title ? analyze(title) : null });
      });
  }
  return out;
}

let dirs: string[] = [];
let opened: LexicalIndex[] = [];
afterEach(() => {
  for (const index of opened) index.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  opened = [];
});

async function checkpointOf(index: LexicalIndex, postings: 'file' | 'memory', autoCompact = false) {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-postings-'));
  dirs.push(dir);
  const snapshot = index.snapshot();
  const file = join(dir, 'lexical.bin');
  writeLexicalCheckpoint(file, { snapshot, labels: new Int32Array(snapshot.ids.length).fill(-1), bodyDf: bodyFrequencies(snapshot) });
  const loaded = await readLexicalCheckpoint(file, { pause: async () => undefined, postings, autoCompact });
  opened.push(loaded.index);
  return loaded.index;
}

const ranks = (index: LexicalIndex) => QUESTIONS.map((q) => index.search(q, 10));

describe('postings left in the checkpoint file', () => {
  it('rank exactly like the index written and like postings read into memory', async () => {
    const built = createLexicalIndex();
    for (const p of passages()) built.addAnalysed(p.id, p.terms, p.words, p.title);
    const onFile = await checkpointOf(built, 'file');
    const inMemory = await checkpointOf(built, 'memory');
    expect(ranks(built).flat().length).toBeGreaterThan(20);
    expect(ranks(onFile)).toEqual(ranks(built));
    expect(ranks(inMemory)).toEqual(ranks(built));
  });

  it('follow removals and additions like the built index, and a fold brings them back into memory with the same snapshot', async () => {
    const all = passages();
    const built = createLexicalIndex();
    for (const p of all.slice(0, -3)) built.addAnalysed(p.id, p.terms, p.words, p.title);
    const onFile = await checkpointOf(built, 'file', true);
    const gone = all.slice(0, 4).map((p) => p.id);
    for (const index of [built, onFile]) {
      index.remove(gone);
      for (const p of all.slice(-3)) index.addAnalysed(p.id, p.terms, p.words, p.title);
      index.addAnalysed(all[5]!.id, all[6]!.terms, all[6]!.words, null); // a passage replaced
    }
    expect(ranks(onFile)).toEqual(ranks(built));
    expect(onFile.termsOf(all[5]!.id)).toEqual(built.termsOf(all[5]!.id));
    // A fold (what a writer's checkpoint does) reads every posting from the file first.
    onFile.compact();
    built.compact();
    expect(ranks(onFile)).toEqual(ranks(built));
    const [a, b] = [onFile.snapshot(), built.snapshot()];
    expect(a.spaces.map((s) => [Buffer.from(s.docs.buffer, s.docs.byteOffset, s.docs.byteLength), Buffer.from(s.tfs.buffer, s.tfs.byteOffset, s.tfs.byteLength)])).toEqual(
      b.spaces.map((s) => [Buffer.from(s.docs.buffer, s.docs.byteOffset, s.docs.byteLength), Buffer.from(s.tfs.buffer, s.tfs.byteOffset, s.tfs.byteLength)]),
    );
    expect(a.ids).toEqual(b.ids);
  });
});
