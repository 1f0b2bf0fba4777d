import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../src/engine/index/create-store.js';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('local', async () => {
  const root = mkdtempSync(join(tmpdir(), 'depeche-store-'));
  const open = () => createStore({ backend: 'local', indexDir: join(root, 'index') });
  const store = open();
  return {
    store,
    open,
    cleanup: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
});

// The same promises when readers start from a lexical checkpoint (folded after the first commit) plus the changes since.
describeStoreContract('local, read from lexical checkpoints', async () => {
  const root = mkdtempSync(join(tmpdir(), 'depeche-store-'));
  const open = () => createLocalStore({ indexDir: join(root, 'index'), lexicalFoldMin: 1 });
  const store = open();
  return {
    store,
    open,
    cleanup: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
});
