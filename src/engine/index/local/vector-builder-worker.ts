import { parentPort, workerData } from 'node:worker_threads';
import { createVectorIndex, readVectorIndex, type HnswParams, type VectorIndex } from '../vector-index.js';
import type { BuilderReply, BuilderRequest } from './vector-builder.js';

/**
 * Worker thread of a vector builder: holds one HNSW index and inserts into it, so a bulk build's
 * inserts (hnswlib-node's addPoint is synchronous C++, about a millisecond each at 100k) never
 * run on the writer's thread, and overlap with its commits, lexical folds and embedding.
 * Requests are handled strictly in order: a write never runs while an insert does.
 */
const { dimension, params, checkpoint, capacity } = workerData as { dimension: number; params: HnswParams; checkpoint: string | null; capacity: number };
const port = parentPort!;
const reply = (r: BuilderReply) => port.postMessage(r);

let index: VectorIndex;
try {
  index = checkpoint ? await readVectorIndex(checkpoint, dimension, params) : createVectorIndex(dimension, capacity, params);
  reply({ type: 'ready', count: index.size });
} catch (err) {
  reply({ type: 'error', message: describe(err) });
  process.exit(0);
}

let chain = Promise.resolve();
port.on('message', (request: BuilderRequest) => {
  chain = chain.then(() => handle(request)).catch((err: unknown) => reply({ type: 'error', message: describe(err) }));
});

async function handle(request: BuilderRequest): Promise<void> {
  if (request.type === 'add') {
    const { labels, vectors } = request;
    const rows = Array.from(labels, (_, i) => vectors.subarray(i * dimension, (i + 1) * dimension));
    index.add(rows, Array.from(labels));
    reply({ type: 'added', count: labels.length });
  } else if (request.type === 'write') {
    // Labels fed but since removed from the space (an article replaced or dropped during the build).
    const { live } = request;
    index.remove(index.labels().filter((l) => l >= live.length || !live[l]));
    await index.write(request.path);
    reply({ type: 'written', count: index.size });
  } else {
    port.close();
  }
}

function describe(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300);
}
