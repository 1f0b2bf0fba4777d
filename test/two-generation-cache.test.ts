import { describe, expect, it } from 'vitest';
import { createTwoGenerationCache } from '../src/engine/cache/two-generation-cache.js';

describe('two-generation cache', () => {
  it('never holds more than its capacity, however many entries pass through', () => {
    const cache = createTwoGenerationCache<number, string>(100);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, `v${i}`);
      largest = Math.max(largest, cache.size);
    }
    expect(largest).toBeLessThanOrEqual(100);
    // The latest entries are all still there.
    for (let i = 10_000 - 50; i < 10_000; i++) expect(cache.get(i)).toBe(`v${i}`);
  });

  it('keeps an entry used now and then while thousands of others come and go', () => {
    const cache = createTwoGenerationCache<string, number>(1000);
    cache.set('hot', 1);
    for (let i = 0; i < 100_000; i++) {
      cache.set(`cold${i}`, i);
      if (i % 400 === 0) expect(cache.get('hot')).toBe(1);
    }
    expect(cache.get('hot')).toBe(1);
    // Cold entries of long ago are gone.
    expect(cache.has('cold0')).toBe(false);
  });

  it('drops the least recently used half first', () => {
    const cache = createTwoGenerationCache<number, number>(10);
    for (let i = 0; i < 5; i++) cache.set(i, i); // fills the young half: it becomes the old one
    cache.get(0); // used again: back to the young half
    for (let i = 5; i < 10; i++) cache.set(i, i); // the young half fills again: the old one (1–4) is dropped
    expect([0, 1, 2, 3, 4].map((i) => cache.has(i))).toEqual([true, false, false, false, false]);
    expect([5, 6, 7, 8, 9].every((i) => cache.get(i) === i)).toBe(true);
  });

  it('peek reads an entry without keeping it young', () => {
    const cache = createTwoGenerationCache<string, number>(4);
    cache.set('a', 1);
    cache.set('b', 2); // young half full: a and b are now old
    expect(cache.peek('a')).toBe(1);
    cache.set('c', 3);
    cache.set('d', 4); // a and b, only peeked at, are dropped
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
  });

  it('a value set again replaces the old one', () => {
    const cache = createTwoGenerationCache<string, number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    expect(cache.get('a')).toBe(3);
    expect(cache.size).toBe(2);
  });
});
