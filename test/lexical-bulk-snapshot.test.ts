import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLexicalIndex, restoreLexicalIndex } from '../src/engine/search/bm25.js';
import { BulkSnapshotBuilder } from '../src/engine/search/lexical/bulk-snapshot.js';
import { analyze, analyzeBoth } from '../src/engine/text/analyze.js';

/**
 * A rebuild's first lexical checkpoint is laid out in one linear pass instead of through the
 * index's delta and folds: it must be the very snapshot the index gives, so scores cannot move.
 */
const CORPUS = resolve(import.meta.dirname, '..', 'corpus');

/** The seed corpus's paragraphs as passages, titled by their article (some without a title, some repeating title words). */
function passages() {
  const out: { id: string; terms: string[]; words: string[]; title: string[] | null }[] = [];
  for (const file of readdirSync(CORPUS).filter((n) => n.endsWith('.md')).sort()) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const title = /^title:\s*(.+)$/m.exec(text)?.[1] ?? null;
    const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim().length > 40);
    paragraphs.forEach((p, i) => {
      const { terms, words } = analyzeBoth(i % 3 === 0 && title ? `${title} ${p}` : p);
      out.push({ id: `${file}#${i}`, terms, words, title: i % 4 === 3 || !title ? null : analyze(`${title} ${title.split(' ')[0]}`) });
    });
  }
  return out;
}

/** Each field of a snapshot as text or bytes (typed arrays compared whole, not element by element). */
function flat(snapshot: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (prefix: string, value: unknown) => {
    if (ArrayBuffer.isView(value)) out[prefix] = `${value.constructor.name}:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[prefix] = value.join('\0');
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(`${prefix}.${k}`, v);
    else out[prefix] = value;
  };
  visit('', snapshot);
  return out;
}

describe('bulk lexical snapshot', () => {
  it('equals the snapshot of an index fed the same passages one by one, across its own fold', () => {
    const all = passages();
    expect(all.length).toBeGreaterThan(30);
    // Enough passages that the index folds its delta on its own several times on the way.
    const many = Array.from({ length: 70 }, (_, round) => all.map((p) => ({ ...p, id: `${round}/${p.id}` }))).flat();
    const index = createLexicalIndex();
    const bulk = new BulkSnapshotBuilder();
    for (const p of many) {
      index.addAnalysed(p.id, p.terms, p.words, p.title);
      bulk.add(p.id, p.terms, p.words, p.title);
    }
    const expected = index.snapshot();
    const got = bulk.snapshot();
    expect(got.spaces[0]!.titleTfs!.some((tf) => tf > 0)).toBe(true);
    expect(got.spaces[0]!.tfs.some((tf) => tf === 0)).toBe(true); // title-only terms
    expect(many.length).toBeGreaterThan(4096); // the index folds its delta once on the way, then keeps a delta again
    expect(flat(got)).toEqual(flat(expected));
  });

  it('restores into an index that ranks like the one built passage by passage', async () => {
    const all = passages();
    const index = createLexicalIndex();
    const bulk = new BulkSnapshotBuilder();
    for (const p of all) {
      index.addAnalysed(p.id, p.terms, p.words, p.title);
      bulk.add(p.id, p.terms, p.words, p.title);
    }
    const restored = await restoreLexicalIndex(bulk.snapshot());
    for (const q of ['Combien SoftBank investit-il aux États-Unis ?', 'centrale solaire', 'volcan Saint-Paul', 'inflaton banque']) {
      expect(restored.search(q, 10)).toEqual(index.search(q, 10));
    }
  });
});
