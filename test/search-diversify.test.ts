import { describe, expect, it } from 'vitest';
import { diversify } from '../src/engine/search/diversify.js';
import { fuse } from '../src/engine/search/fuse.js';

const hit = (id: string, text = `passage ${id} unique words ${id.repeat(3)}`) => ({ id, articleId: id.split('#')[0]!, chunk: { text } });
const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

describe('diversify', () => {
  it('keeps the ranking when no article crowds the top', () => {
    const hits = [hit('a#1'), hit('b#1'), hit('a#2'), hit('c#1')];
    expect(ids(diversify(hits))).toEqual(['a#1', 'b#1', 'a#2', 'c#1']);
  });

  it('moves a fourth passage of one article below the other articles', () => {
    const hits = [hit('a#1'), hit('a#2'), hit('a#3'), hit('a#4'), hit('b#1')];
    expect(ids(diversify(hits))).toEqual(['a#1', 'a#2', 'a#3', 'b#1', 'a#4']);
  });

  it('moves a near-duplicate below a corroborating passage from another article', () => {
    const text = 'SoftBank promet d’investir 100 milliards de dollars aux États-Unis et de créer 100 000 emplois';
    const hits = [hit('a#1', text), hit('r#1', `${text}.`), hit('b#1', 'Son a promis 100 milliards lors de sa visite à Mar-a-Lago')];
    expect(ids(diversify(hits))).toEqual(['a#1', 'b#1', 'r#1']);
  });

  it('tells a near-duplicate by its exact share of shared words, among thousands of distinct words', () => {
    const word = (i: number) => `mot${i}`;
    const text = (from: number, to: number, extra: number[] = []) => [...Array.from({ length: to - from }, (_, i) => word(from + i)), ...extra.map(word)].join(' ');
    // Passages over 5 000 other words first: the word numbering then spans many times the 1 024-bit signature.
    for (let p = 0; p < 50; p++) diversify([hit(`f${p}#1`, text(100 + p * 100, 200 + p * 100))]);
    const first = hit('a#1', text(0, 100));
    const other = hit('c#1', text(9000, 9050));
    // 80 of its 100 words shared is not more than 80 %: kept in place; 81 is.
    const eighty = hit('b#1', text(0, 80, Array.from({ length: 20 }, (_, i) => 7000 + i)));
    const eightyOne = hit('b#1', text(0, 81, Array.from({ length: 19 }, (_, i) => 7100 + i)));
    expect(ids(diversify([first, eighty, other]))).toEqual(['a#1', 'b#1', 'c#1']);
    expect(ids(diversify([first, eightyOne, other]))).toEqual(['a#1', 'c#1', 'b#1']);
  });

  it('drops nothing and leaves hits past the limit in their order', () => {
    const hits = [hit('a#1'), hit('a#2'), hit('a#3'), hit('a#4'), hit('b#1'), hit('c#1')];
    const out = diversify(hits, undefined, 2);
    expect(ids(out)).toEqual(['a#1', 'a#2', 'a#3', 'a#4', 'b#1', 'c#1']);
    expect(diversify([])).toEqual([]);
  });
});

describe('fuse', () => {
  it('adds reciprocal ranks across lists, so agreement wins over one strong list', () => {
    const fused = fuse([
      { name: 'lexical', weight: 1, hits: [{ id: 'x', score: 9 }, { id: 'y', score: 5 }] },
      { name: 'dense', weight: 1, hits: [{ id: 'y', score: 0.9 }, { id: 'z', score: 0.8 }] },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['y', 'x', 'z']);
    expect(fused[0]!.ranks).toEqual({ lexical: 1, dense: 0 });
  });

  it('is safe on empty lists and zero scores', () => {
    expect(fuse([])).toEqual([]);
    expect(fuse([{ name: 'lexical', weight: 1, hits: [] }])).toEqual([]);
    expect(fuse([{ name: 'dense', weight: 1, hits: [{ id: 'a', score: 0 }] }])[0]!.score).toBeGreaterThan(0);
  });
});
