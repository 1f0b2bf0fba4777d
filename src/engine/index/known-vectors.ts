import type { IndexStore } from './store.js';

/**
 * The vectors a store's live index already holds, found by what was embedded (a passage's text
 * with its title). A rebuild for a new chunker or analyzer with the same model takes them instead
 * of embedding every passage again: the same text gives the same vector, so only the passages
 * whose text changed go to the model (session 8's sentence splitter changed 12 of PIAF's 1 208).
 */
export interface KnownVectors {
  /** The held vectors of these keys (absent keys are missing from the map). */
  get(keys: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Distinct keys found so far. */
  readonly found: number;
  close(): Promise<void>;
}

/** Passages read at a time while their keys are computed, between turns of the event loop. */
const PAGE = 256;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Opens the live index of `store` with a reader of its own and keys its passages with `keyOf`
 * (title, text). Null when there is nothing to read or it cannot be read: the rebuild then embeds
 * everything, as before.
 * @example const known = await knownVectors(store, (t, x) => embeddingKey(passageText(t, x))); await known?.get([key]) // Map { key => Float32Array }
 */
export async function knownVectors(store: IndexStore, keyOf: (title: string, text: string) => string): Promise<KnownVectors | null> {
  const reader = store.reader();
  try {
    const view = await reader.refresh();
    if (view.vectorCount === 0) {
      await reader.close();
      return null;
    }
    const idOf = new Map<string, string>();
    const ids = await view.passageIds();
    for (let i = 0; i < ids.length; i += PAGE) {
      for (const p of await view.passages(ids.slice(i, i + PAGE))) idOf.set(keyOf(view.sources.get(p.articleId)?.title ?? '', p.text), p.id);
      await turn();
    }
    const seen = new Set<string>();
    return {
      async get(keys) {
        const wanted = [...new Set(keys)].filter((k) => idOf.has(k));
        const vectors = wanted.length > 0 ? await view.vectors(wanted.map((k) => idOf.get(k)!)) : [];
        const found = new Map<string, Float32Array>();
        wanted.forEach((k, i) => {
          const v = vectors[i];
          if (!v) return;
          found.set(k, v);
          seen.add(k);
        });
        return found;
      },
      get found() {
        return seen.size;
      },
      close: () => reader.close(),
    };
  } catch {
    await reader.close().catch(() => undefined);
    return null;
  }
}
