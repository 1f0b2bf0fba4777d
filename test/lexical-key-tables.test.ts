import { describe, expect, it } from 'vitest';
import { PairKeys, placePairs, StringKeys } from '../src/engine/search/lexical/key-dictionary.js';
import { stringTable, tableSize } from '../src/engine/search/lexical/key-table.js';
import { packIds, PassageIds } from '../src/engine/search/lexical/passage-ids.js';

/** The lookup tables a lexical checkpoint stores, adopted as read: lookups, and what is added after them. */
describe('stored lookup tables', () => {
  it('packed passage ids give each id its ordinal and back, in any script, and nothing for ids never stored', () => {
    const list = ['a#0', 'é-café#1', 'n-𝄞#0', 'Ã©#0', 'é#0', 'x'.repeat(300) + '#2', ''];
    const { bytes, starts } = packIds(list);
    const ids = PassageIds.packed({ bytes, starts, slots: stringTable(list) });
    expect(ids.length).toBe(list.length);
    list.forEach((id, ord) => {
      expect(ids.at(ord)).toBe(id);
      expect(ids.ord(id)).toBe(ord);
    });
    // "Ã©" and "é" share their bytes' values as code units: neither is taken for the other.
    for (const absent of ['a#1', 'é-cafe#1', 'Ã©#1', 'e#0', 'a#0 ']) expect(ids.ord(absent)).toBeUndefined();
    // Added after the stored ones: new ordinals; an id added again answers with its newest.
    expect(ids.push('b#0')).toBe(list.length);
    expect(ids.push('a#0')).toBe(list.length + 1);
    expect(ids.ord('a#0')).toBe(list.length + 1);
    expect(ids.ord('b#0')).toBe(list.length);
    expect(ids.at(list.length)).toBe('b#0');
  });

  it('a sealed key dictionary finds its stored keys in their table and interns new ones after them', () => {
    const stored = ['centr', 'solair', 'ouarzazat', 'énergi'];
    const keys = StringKeys.sealed(stored.slice(), stringTable(stored));
    stored.forEach((k, id) => expect(keys.id(k)).toBe(id));
    expect(keys.id('nvidia')).toBeUndefined();
    expect(keys.intern('nvidia')).toBe(4);
    expect(keys.intern('centr')).toBe(0);
    expect(keys.id('nvidia')).toBe(4);
    expect(keys.keys[4]).toBe('nvidia');
    expect(keys.size).toBe(5);
  });

  it('sealed pairs are found through their stored table and new pairs get the ids after them', () => {
    const firsts = Uint32Array.from({ length: 1000 }, (_, i) => i % 37);
    const seconds = Uint32Array.from({ length: 1000 }, (_, i) => Math.floor(i / 37));
    const slots = new Uint32Array(tableSize(firsts.length));
    placePairs(slots, firsts, seconds, 0, 600);
    placePairs(slots, firsts, seconds, 600, 1000);
    const pairs = PairKeys.sealed(firsts, seconds, slots);
    for (let id = 0; id < 1000; id++) expect(pairs.id(firsts[id]!, seconds[id]!)).toBe(id);
    expect(pairs.id(40, 0)).toBeUndefined();
    expect(pairs.intern(40, 0)).toBe(1000);
    expect(pairs.intern(3, 0)).toBe(3);
    expect(pairs.pair(1000)).toEqual([40, 0]);
    expect(pairs.pair(38)).toEqual([1, 1]);
    expect(pairs.size).toBe(1001);
  });
});
