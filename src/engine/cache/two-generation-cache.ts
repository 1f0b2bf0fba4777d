/**
 * A bounded memo that keeps what is used lately, at the cost of one Map lookup per hit: entries
 * go into a young generation; once it holds half the capacity it becomes the old one and the
 * previous old one is dropped whole. A hit in the old generation moves the entry back to the young.
 * So the least recently used entries leave first, in halves, and a hot entry is never dropped.
 *
 * Why not a strict LRU (`embed/lru-cache.ts`): moving a key to the end of a Map on every hit costs
 * about a microsecond, and the token caches are hit hundreds of times per analysed passage. Why not
 * clearing a full Map: every entry, the hot ones too, must then be worked out again on the asks after.
 * @example const c = createTwoGenerationCache<string, number>(4); c.set('a', 1); c.get('a') // 1
 */
export interface TwoGenerationCache<K, V> {
  /** The entry, kept young. */
  get(key: K): V | undefined;
  /** The entry, without counting as a use. */
  peek(key: K): V | undefined;
  has(key: K): boolean;
  set(key: K, value: V): void;
  /** Entries held (at most the capacity). */
  readonly size: number;
}

export function createTwoGenerationCache<K, V>(capacity: number): TwoGenerationCache<K, V> {
  const half = Math.max(1, Math.floor(capacity / 2));
  let young = new Map<K, V>();
  let old = new Map<K, V>();
  const keep = (key: K, value: V) => {
    young.set(key, value);
    if (young.size >= half) {
      old = young;
      young = new Map();
    }
  };
  return {
    get(key) {
      const value = young.get(key);
      if (value !== undefined) return value;
      const aged = old.get(key);
      if (aged !== undefined) {
        old.delete(key);
        keep(key, aged);
      }
      return aged;
    },
    peek(key) {
      return young.get(key) ?? old.get(key);
    },
    has(key) {
      return young.has(key) || old.has(key);
    },
    set(key, value) {
      old.delete(key);
      keep(key, value);
    },
    get size() {
      return young.size + old.size;
    },
  };
}
