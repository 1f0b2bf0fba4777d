/**
 * A cold reader load of a local index store, as a running bot or a cold `ask` does it: when the
 * view is ready (its first answers search the vector checkpoint on file), one vector search then,
 * and when the vectors are wholly in memory; RSS and heap after each, the longest event-loop
 * stall meanwhile, and the process's CPU seconds (all threads).
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
const mb = (n: number) => Math.round(n / 2 ** 20);
const cpuS = () => {
  const c = process.cpuUsage();
  return ((c.user + c.system) / 1e6).toFixed(1);
};
const memory = () => {
  const m = process.memoryUsage();
  return `RSS ${mb(m.rss)} MB (+${mb(m.rss - rssBefore)}), heap ${mb(m.heapUsed)} MB, array buffers ${mb(m.arrayBuffers)} MB, CPU ${cpuS()} s`;
};
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const started = performance.now();
const store = createStore({ backend: 'local', indexDir: resolve(indexDir) });
const reader = store.reader();
const view = await reader.refresh();
const loadMs = performance.now() - started;
console.log(`${view.passageCount} passages, ${view.vectorCount} vectors: view ready in ${Math.round(loadMs)} ms, longest stall ${Math.round(stalls.max / 1e6)} ms; ${memory()}`);
stalls.reset();
if (view.vectorCount > 0) {
  const dim = view.meta.model!.dimension;
  const query = Float32Array.from({ length: dim }, (_, i) => Math.sin(i + 1));
  const t = performance.now();
  const hits = await view.searchVectors(query, 50);
  console.log(`first vector search (k 50): ${(performance.now() - t).toFixed(1)} ms, ${hits.length} hits`);
  const t2 = performance.now();
  await view.loadVectors?.();
  console.log(`vectors wholly in memory ${Math.round(performance.now() - t2)} ms later, longest stall meanwhile ${Math.round(stalls.max / 1e6)} ms; ${memory()}`);
  const t3 = performance.now();
  const again = await view.searchVectors(query, 50);
  console.log(`vector search in memory: ${(performance.now() - t3).toFixed(1)} ms, same hits: ${JSON.stringify(again.map((h) => h.id)) === JSON.stringify(hits.map((h) => h.id))}`);
}
stalls.disable();
gc();
console.log(`after gc: ${memory()}`);
await reader.close();
await store.close();
