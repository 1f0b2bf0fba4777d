import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../workers/module-worker.js';
import type { HnswParams } from '../vector-index.js';

/**
 * A live HNSW index for a bulk build, held by a worker thread: vectors are fed to it as they are
 * committed and inserted there while the writer goes on, and a checkpoint is the index written
 * as it stands — never re-read from the last checkpoint file nor rebuilt from the log, which at
 * a million vectors made every checkpoint O(coverage).
 */
export interface VectorBuilder {
  /** Queues vectors for insertion; resolves once the queue is short again (backpressure, not completion). */
  add(labels: Int32Array<ArrayBuffer>, vectors: Float32Array<ArrayBuffer>): Promise<void>;
  /** Once everything queued is in, marks deleted the labels not set in `live` and writes the index to `path`. */
  write(path: string, live: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export type BuilderRequest =
  | { type: 'add'; labels: Int32Array; vectors: Float32Array }
  | { type: 'write'; path: string; live: Uint8Array }
  | { type: 'close' };

export type BuilderReply =
  | { type: 'ready'; count: number }
  | { type: 'added'; count: number }
  | { type: 'written'; count: number }
  | { type: 'error'; message: string };

/** Vectors queued in the worker past which `add` waits (about 12 MB at 384 dimensions). */
export const MAX_QUEUED = 8192;

let running = 0;
/** Builders of this process whose worker has not exited: each holds a whole HNSW graph. */
export const liveVectorBuilders = () => running;

/**
 * Starts a builder on the checkpoint file `checkpoint` (null: an empty index of `capacity`).
 * Rejects when the worker cannot read it.
 */
export function startVectorBuilder(options: { dimension: number; params: HnswParams; checkpoint: string | null; capacity: number }): Promise<VectorBuilder> {
  const worker: Worker = startModuleWorker(import.meta.url, './vector-builder-worker', { workerData: options });
  running++;
  let queued = 0;
  let failure: Error | null = null;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let drained: (() => void) | null = null;
  const writes: { resolve: () => void; reject: (e: Error) => void }[] = [];
  // Referenced only while the caller waits on it: a builder left open (a build that failed before
  // its end) must not keep the process alive, and one at work must (the caller may be awaiting it).
  const settle = () => (queued > 0 || writes.length > 0 || onReady ? worker.ref() : worker.unref());
  const fail = (err: Error) => {
    failure ??= err;
    onReady?.reject(failure);
    for (const w of writes.splice(0)) w.reject(failure);
    drained?.();
  };
  worker.on('message', (reply: BuilderReply) => {
    if (reply.type === 'ready') {
      onReady?.resolve();
      onReady = null;
    } else if (reply.type === 'added') {
      queued -= reply.count;
      if (queued <= MAX_QUEUED / 2) drained?.();
    } else if (reply.type === 'written') writes.shift()?.resolve();
    else fail(new Error(`vector builder: ${reply.message}`));
    settle();
  });
  worker.on('error', (err) => fail(err));
  let exited = false;
  worker.on('exit', (code) => {
    exited = true;
    running--;
    fail(new Error(`the vector builder stopped (exit code ${code})`));
  });
  const builder: VectorBuilder = {
    async add(labels, vectors) {
      if (failure) throw failure;
      if (labels.length === 0) return;
      queued += labels.length;
      settle();
      worker.postMessage({ type: 'add', labels, vectors } satisfies BuilderRequest, [labels.buffer, vectors.buffer]);
      while (queued > MAX_QUEUED && !failure) await new Promise<void>((r) => (drained = r));
      drained = null;
      if (failure) throw failure;
    },
    write(path, live) {
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        writes.push({ resolve, reject });
        settle();
        worker.postMessage({ type: 'write', path, live } satisfies BuilderRequest);
      });
    },
    async close() {
      if (exited) return;
      failure ??= new Error('the vector builder is closed');
      // Asked, not terminated: the worker ends once what it holds is done, and frees its index.
      const gone = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.ref();
      worker.postMessage({ type: 'close' } satisfies BuilderRequest);
      await gone;
    },
  };
  return new Promise<VectorBuilder>((resolve, reject) => {
    onReady = { resolve: () => resolve(builder), reject };
  });
}
