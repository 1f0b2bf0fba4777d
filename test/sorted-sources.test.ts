import { describe, expect, it } from 'vitest';
import { sortSources } from '../src/engine/corpus/sorted-sources.js';
import type { SourceMeta } from '../src/engine/types.js';

const source = (id: string, title: string): SourceMeta => ({ id, title, publisher: null, url: null, date: null, author: null, language: 'fr' });
const fullSort = (m: Map<string, SourceMeta>) => [...m.values()].sort((a, b) => a.title.localeCompare(b.title, 'fr') || (a.id < b.id ? -1 : 1));

describe('the coverage sorted by title', () => {
  it('sorts by French collation: accents and case do not push a title to the end', () => {
    const m = new Map([source('a', 'Zèbre'), source('b', 'élan'), source('c', 'Eau'), source('d', 'Étang')].map((s) => [s.id, s]));
    expect(sortSources(m).map((s) => s.title)).toEqual(['Eau', 'élan', 'Étang', 'Zèbre']);
  });

  it('brought level from an earlier list after additions, replacements and removals, equals a full sort', () => {
    const words = ['SoftBank', 'Stargate', 'États-Unis', 'Arm', 'élection', 'Bourse', 'Tokyo', 'zone'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const title = () => Array.from({ length: 3 }, () => words[Math.floor(random() * words.length)]).join(' ');
    const current = new Map<string, SourceMeta>();
    for (let i = 0; i < 500; i++) current.set(`s${i}`, source(`s${i}`, title()));
    let list = sortSources(current);
    expect(list).toEqual(fullSort(current));
    for (let round = 0; round < 20; round++) {
      for (let n = 0; n < 5; n++) current.set(`new${round}_${n}`, source(`new${round}_${n}`, title()));
      const replaced = `s${Math.floor(random() * 500)}`;
      if (current.has(replaced)) current.set(replaced, source(replaced, title()));
      current.delete(`s${Math.floor(random() * 500)}`);
      const previous = list;
      list = sortSources(current, previous);
      expect(list).toEqual(fullSort(current));
      expect(Object.isFrozen(list)).toBe(true);
    }
  });
});
