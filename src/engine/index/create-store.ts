import { join } from 'node:path';
import { createLanceStore } from './lancedb/lancedb-store.js';
import { createLocalStore } from './local/local-store.js';
import type { IndexStore, StoreConfig } from './store.js';

/** Backends by `INDEX_BACKEND` name; a backend registers here with its factory. */
const BACKENDS: Record<string, (config: StoreConfig) => IndexStore> = {
  local: (config) => createLocalStore({ indexDir: config.indexDir }),
  lancedb: (config) => createLanceStore({ uri: config.lancedbUri ?? join(config.indexDir, 'lancedb') }),
};

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
