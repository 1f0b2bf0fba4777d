/**
 * A model host thread (started by embed-pool.ts): holds the embedding models loaded in it and runs
 * their inference, which onnxruntime-node does synchronously, away from any thread serving people.
 * Messages are handled one after the other, so an unload never lands in the middle of a job.
 */
import { parentPort } from 'node:worker_threads';
import { loadExtractor } from './load-extractor.js';
import { ModelUnavailableError } from './model-errors.js';
import type { FromHost, HostedModel, ToHost } from './embed-protocol.js';
import type { FeatureExtractor } from './runtime.js';
import { lowerThreadPriority } from '../workers/background-priority.js';

// Before any model loads: onnxruntime's inference threads, started then, inherit the lower priority.
lowerThreadPriority();

const port = parentPort!;
const post = (message: FromHost, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const models = new Map<number, { extractor: FeatureExtractor; batchSize: number }>();
let chain: Promise<unknown> = Promise.resolve();

port.on('message', (message: ToHost) => {
  chain = chain.then(() => handle(message)).catch(() => undefined);
});

async function handle(message: ToHost): Promise<void> {
  if (message.type === 'load') return load(message.key, message.model);
  if (message.type === 'unload') {
    const model = models.get(message.key);
    models.delete(message.key);
    await model?.extractor.dispose();
    return;
  }
  const model = models.get(message.key);
  try {
    if (!model) throw new Error('the model is not loaded in this thread');
    const vectors: Float32Array[] = [];
    for (let start = 0; start < message.texts.length; start += model.batchSize) {
      vectors.push(...(await model.extractor.embed(message.texts.slice(start, start + model.batchSize))));
    }
    post({ type: 'done', id: message.id, vectors }, [...new Set(vectors.map((v) => v.buffer as ArrayBuffer))]);
  } catch (error) {
    post({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
}

async function load(key: number, model: HostedModel): Promise<void> {
  try {
    const extractor = await loadExtractor({
      ...model,
      onDownloadProgress: model.reportDownloads ? (info) => post({ type: 'progress', key, info }) : undefined,
    });
    models.set(key, { extractor, batchSize: model.batchSize });
    post({ type: 'loaded', key, dimension: extractor.dimension });
  } catch (error) {
    post({
      type: 'load-failed',
      key,
      unavailable: error instanceof ModelUnavailableError,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
