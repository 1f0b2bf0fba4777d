/**
 * A cold reader load of a local index store, as a running bot or a cold `ask` does it: wall
 * time, RSS and heap after it, and the longest event-loop stall meanwhile.
 * Usage: node --expose-gc --import tsx scripts/store-load.ts INDEX_DIR
 */
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createStore } from '../src/engine/index/create-store.js';

const indexDir = process.argv[2];
if (!indexDir) throw new Error('usage: scripts/store-load.ts INDEX_DIR');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const rssBefore = process.memoryUsage().rss;
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const started = performance.now();
const store = createStore({ backend: 'local', indexDir: resolve(indexDir) });
const reader = store.reader();
const view = await reader.refresh();
const loadMs = performance.now() - started;
stalls.disable();
gc();
const m = process.memoryUsage();
const mb = (n: number) => Math.round(n / 2 ** 20);
console.log(
  `${view.passageCount} passages, ${view.vectorCount} vectors: loaded in ${Math.round(loadMs)} ms, longest stall ${Math.round(stalls.max / 1e6)} ms; ` +
    `RSS ${mb(m.rss)} MB (+${mb(m.rss - rssBefore)}), heap ${mb(m.heapUsed)} MB, array buffers ${mb(m.arrayBuffers)} MB`,
);
await reader.close();
await store.close();
