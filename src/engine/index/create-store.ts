import { join } from 'node:path';
import { createLocalStore } from './local/local-store.js';
import type { IndexStore, StoreConfig, StoreReader } from './store.js';

/** Backends by `INDEX_BACKEND` name; a backend registers here with its factory. */
const BACKENDS: Record<string, (config: StoreConfig) => IndexStore> = {
  local: (config) => createLocalStore({ indexDir: config.indexDir }),
  // LanceDB's client (a native module and Arrow) costs ~0.3 s of CPU to import: only when used,
  // not on every start of a bot or CLI served by the local backend.
  lancedb: (config) =>
    lazyStore('lancedb', async () => (await import('./lancedb/lancedb-store.js')).createLanceStore({ uri: config.lancedbUri ?? join(config.indexDir, 'lancedb') })),
};

/**
 * A store whose backend module is imported on first use. Forwards the seam's required members
 * only: a backend with `stash` must not be made lazy this way.
 */
function lazyStore(backend: string, load: () => Promise<IndexStore>): IndexStore {
  let loading: Promise<IndexStore> | null = null;
  const store = () => (loading ??= load());
  return {
    backend,
    meta: async () => (await store()).meta(),
    articles: async (ids) => (await store()).articles(ids),
    articleIds: async () => (await store()).articleIds(),
    counts: async () => (await store()).counts(),
    pendingVectors: async (limit) => (await store()).pendingVectors(limit),
    commit: async (change) => (await store()).commit(change),
    rebuild: async (meta) => (await store()).rebuild(meta),
    withWriteLock: async (job, options) => (await store()).withWriteLock(job, options),
    reader(): StoreReader {
      let reader: Promise<StoreReader> | null = null;
      const open = () => (reader ??= store().then((s) => s.reader()));
      return {
        refresh: async (options) => (await open()).refresh(options),
        close: async () => {
          if (reader) await (await reader).close();
        },
      };
    },
    sweep: async () => (await store()).sweep(),
    close: async () => {
      if (loading) await (await loading).close();
    },
  };
}

export const INDEX_BACKENDS = Object.keys(BACKENDS);

/**
 * The index store the configuration asks for (`INDEX_BACKEND`, default "local").
 * @example const store = createStore({ backend: 'local', indexDir: 'embeddings' });
 */
export function createStore(config: StoreConfig): IndexStore {
  const make = BACKENDS[config.backend];
  if (!make) throw new Error(`Unknown index backend "${config.backend}": must be one of ${INDEX_BACKENDS.join(', ')}`);
  return make(config);
}
