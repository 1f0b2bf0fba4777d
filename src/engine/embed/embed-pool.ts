import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../workers/module-worker.js';
import type { FromHost, HostedModel, ToHost } from './embed-protocol.js';
import { ModelUnavailableError } from './model-errors.js';
import type { DownloadProgress, EmbedRuntimeName } from './runtime.js';

/** Questions go ahead of bulk passage work. */
export type EmbedPriority = 'query' | 'passage';

/**
 * A model loaded in worker threads. Jobs wait in one line where questions pass ahead of
 * passages, so a running reindex delays a question by at most the job a thread is on.
 */
export interface EmbedPool {
  readonly dimension: number;
  /** Threads holding this model. */
  readonly size: number;
  embed(texts: string[], priority: EmbedPriority): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface EmbedPoolOptions {
  model: Omit<HostedModel, 'reportDownloads'>;
  /** Threads to load the model in; default `defaultEmbedWorkers()`. */
  workers?: number;
  onDownloadProgress?: (info: DownloadProgress) => void;
}

/**
 * One thread per two cores, at most four: onnxruntime already spreads one inference over the
 * cores, so more threads than that only compete (2 cores → 1 thread).
 */
export function defaultEmbedWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

/*
 * The host threads are shared by every model of the process and live as long as it does: the
 * onnxruntime-node binding of @xenova/transformers cannot be loaded again once every thread that
 * loaded it has ended ("Module did not self-register"), and the one of @huggingface/transformers
 * aborts the process when two threads run it. So threads are never ended on dispose (the model is
 * unloaded instead), and the huggingface runtime gets one thread. Idle threads are unref'd, so
 * they never keep a process alive.
 */

interface Job {
  key: number;
  texts: string[];
  priority: EmbedPriority;
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

interface Host {
  worker: Worker;
  /** Models loaded in this thread. */
  keys: Set<number>;
  job: Job | null;
  jobId: number;
  /** Loads in progress, by model key (the thread stays ref'd meanwhile). */
  loads: Map<number, LoadWaiter>;
}

interface LoadWaiter {
  modelId: string;
  resolve: (dimension: number) => void;
  reject: (error: Error) => void;
}

const hosts: Host[] = [];
const line: Job[] = [];
const progressTargets = new Map<number, (info: DownloadProgress) => void>();
let nextKey = 0;
let nextJob = 0;
// The two runtimes' onnxruntime builds crash one process when both load, worker threads included.
let processRuntime: EmbedRuntimeName | null = null;

function startHost(): Host {
  const worker = startModuleWorker(import.meta.url, './embed-worker');
  const host: Host = { worker, keys: new Set(), job: null, jobId: -1, loads: new Map() };
  worker.on('message', (message: FromHost) => onMessage(host, message));
  // A thread that dies (out of memory, a native crash) fails what it held; it is not restarted
  // (see above), and models left without a thread fail their waiting jobs.
  const lost = (error: Error) => {
    const index = hosts.indexOf(host);
    if (index < 0) return;
    hosts.splice(index, 1);
    host.job?.reject(error);
    host.job = null;
    for (const waiter of host.loads.values()) waiter.reject(error);
    host.loads.clear();
    for (const key of host.keys) {
      if (hosts.some((h) => h.keys.has(key))) continue;
      for (let i = line.length - 1; i >= 0; i--) if (line[i]!.key === key) line.splice(i, 1)[0]!.reject(error);
    }
  };
  worker.on('error', lost);
  worker.on('exit', (code) => lost(new Error(`the embedding thread stopped (exit code ${code})`)));
  hosts.push(host);
  updateRef(host);
  return host;
}

function updateRef(host: Host): void {
  if (host.job || host.loads.size > 0) host.worker.ref();
  else host.worker.unref();
}

function send(host: Host, message: ToHost): void {
  host.worker.postMessage(message);
}

function onMessage(host: Host, message: FromHost): void {
  switch (message.type) {
    case 'progress':
      progressTargets.get(message.key)?.(message.info);
      return;
    case 'loaded':
    case 'load-failed': {
      const waiter = host.loads.get(message.key);
      host.loads.delete(message.key);
      updateRef(host);
      if (!waiter) return;
      if (message.type === 'loaded') {
        host.keys.add(message.key);
        waiter.resolve(message.dimension);
      } else {
        waiter.reject(message.unavailable ? unavailable(waiter.modelId, message.message) : new Error(message.message));
      }
      return;
    }
    case 'done':
    case 'error': {
      const job = host.job;
      if (!job || message.id !== host.jobId) return;
      host.job = null;
      if (message.type === 'done') job.resolve(message.vectors);
      else job.reject(new Error(message.message));
      pump();
      return;
    }
  }
}

/** Hands waiting jobs to idle threads holding their model: questions first, then in arrival order. */
function pump(): void {
  for (const host of hosts) {
    if (host.job) continue;
    const fits = (j: Job) => host.keys.has(j.key);
    const at = line.findIndex((j) => j.priority === 'query' && fits(j));
    const index = at >= 0 ? at : line.findIndex(fits);
    if (index >= 0) {
      const job = line.splice(index, 1)[0]!;
      host.job = job;
      host.jobId = nextJob++;
      send(host, { type: 'embed', key: job.key, id: host.jobId, texts: job.texts });
    }
    updateRef(host);
  }
}

function loadOn(host: Host, key: number, model: HostedModel): Promise<number> {
  return new Promise((resolve, reject) => {
    host.loads.set(key, { modelId: model.model, resolve, reject });
    updateRef(host);
    send(host, { type: 'load', key, model });
  });
}

/**
 * Loads the model in `workers` host threads (the first alone, so a hub download happens once and
 * the others read the cache) and resolves once all hold it. Throws ModelUnavailableError as the
 * in-thread loader would, with the same one-line message.
 * @example const pool = await createEmbedPool({ model: { model: 'depeche/tiny-bert', modelDir: 'models', cacheDir: null, quantized: true, runtime: 'xenova', batchSize: 1 } });
 *          const [v] = await pool.embed(['Qui ?'], 'query');
 */
export async function createEmbedPool(options: EmbedPoolOptions): Promise<EmbedPool> {
  const { runtime, model: modelId } = options.model;
  if (processRuntime !== null && processRuntime !== runtime) {
    throw new ModelUnavailableError(modelId, `the ${runtime} runtime cannot load in a process that already loaded the ${processRuntime} runtime (their onnxruntime builds conflict)`);
  }
  processRuntime = runtime;
  const wanted = runtime === 'huggingface' ? 1 : Math.max(1, Math.floor(options.workers ?? defaultEmbedWorkers()));
  while (hosts.length < wanted) startHost();
  const mine = hosts.slice(0, wanted);
  const key = nextKey++;
  if (options.onDownloadProgress) progressTargets.set(key, options.onDownloadProgress);
  let dimension: number;
  try {
    dimension = await loadOn(mine[0]!, key, { ...options.model, reportDownloads: true });
    await Promise.all(mine.slice(1).map((host) => loadOn(host, key, { ...options.model, reportDownloads: false })));
  } catch (error) {
    for (const host of mine) if (host.keys.delete(key)) send(host, { type: 'unload', key });
    throw error;
  } finally {
    progressTargets.delete(key);
  }

  let disposed = false;
  return {
    dimension,
    size: mine.length,
    embed(texts, priority) {
      if (disposed) return Promise.reject(new Error('the embedder was disposed'));
      if (texts.length === 0) return Promise.resolve([]);
      if (!hosts.some((h) => h.keys.has(key))) return Promise.reject(new Error('the embedding thread stopped'));
      return new Promise((resolve, reject) => {
        line.push({ key, texts, priority, resolve, reject });
        pump();
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (let i = line.length - 1; i >= 0; i--) if (line[i]!.key === key) line.splice(i, 1)[0]!.reject(new Error('the embedder was disposed'));
      // Jobs already on a thread finish first: the thread handles messages in order.
      for (const host of hosts) if (host.keys.delete(key)) send(host, { type: 'unload', key });
    },
  };
}

function unavailable(model: string, message: string): ModelUnavailableError {
  const error = new ModelUnavailableError(model, message);
  // The thread's message is already the full one-line sentence.
  error.message = message;
  return error;
}
