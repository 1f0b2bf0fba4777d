import { join } from 'node:path';
import { createStore } from '../src/engine/index/create-store.js';
import { createLocalStore } from '../src/engine/index/local/local-store.js';
import { describeStoreContract, tempStoreFixture } from './store-contract.js';

describeStoreContract('local', async () => tempStoreFixture('depeche-store-', (root) => createStore({ backend: 'local', indexDir: join(root, 'index') })));

// The same promises when readers start from a lexical checkpoint (folded after the first commit) plus the changes since.
describeStoreContract('local, read from lexical checkpoints', async () =>
  tempStoreFixture('depeche-store-', (root) => createLocalStore({ indexDir: join(root, 'index'), lexicalFoldMin: 1 })),
);
