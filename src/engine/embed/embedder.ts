import { createEmbedPool } from './embed-pool.js';
import { withStallTimeout } from './load-timeout.js';
import { createLruCache } from './lru-cache.js';
import { ModelUnavailableError } from './model-errors.js';
import { prefixesFor } from './prefixes.js';
import type { DownloadProgress, EmbedRuntimeName } from './runtime.js';

export { ModelUnavailableError } from './model-errors.js';
export type { DownloadProgress, EmbedRuntimeName } from './runtime.js';

/** The single seam to the embedding model. Vectors are mean-pooled and unit-length. */
export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  embedQueries(texts: string[]): Promise<Float32Array[]>;
  embedPassages(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface EmbedderOptions {
  /** Model id, e.g. "Xenova/multilingual-e5-small". */
  model: string;
  /** Local models folder (`<dir>/<model id>/…`); set, nothing is downloaded. */
  modelDir: string | null;
  /** Download cache folder; null keeps transformers.js' default. */
  cacheDir: string | null;
  /**
   * Texts per model call. Default 1: a batch is padded to its longest text, and on CPU that
   * padding costs more than batching saves (2.2× fewer passages/s at 16, bench/README.md).
   */
  batchSize?: number;
  /**
   * transformers.js package: `xenova` (@xenova/transformers 2.17, default) or `huggingface`
   * (@huggingface/transformers 3). One per process: their onnxruntime builds conflict.
   */
  runtime?: EmbedRuntimeName;
  /** int8 weights (`onnx/model_quantized.onnx`, default) or float32 (`onnx/model.onnx`). */
  quantized?: boolean;
  /** Model hub base URL (mirror or local test server); transformers.js' default otherwise. */
  remoteHost?: string;
  /** Worker threads holding the model (each a copy). Default: one per two cores, at most four. */
  workers?: number;
  /** Passages per worker job; a question waits behind at most one such job. Default 4. */
  passageJobSize?: number;
  /**
   * A load that neither finishes nor reports download progress for this long fails with
   * ModelUnavailableError (a stalled download must not hang start-up or `ask`). Default 60 s.
   */
  loadTimeoutMs?: number;
  /** Repeated questions are answered from a cache of this many query vectors. Default 256. */
  queryCacheSize?: number;
  onDownloadProgress?: (info: DownloadProgress) => void;
}

/**
 * Loads the model (from `modelDir`, the cache, or the hub) in worker threads and returns an
 * Embedder: the calling thread never runs inference (onnxruntime runs it synchronously), so a
 * bot's event loop stays free while passages and questions are embedded.
 * Throws ModelUnavailableError (one-line message) when it cannot.
 * @example const e = await createEmbedder({ model: 'Xenova/multilingual-e5-small', modelDir: null, cacheDir: '.cache' });
 *          const [v] = await e.embedQueries(['Qui a promis 100 milliards ?']); // v.length === e.dimension
 */
export async function createEmbedder(opts: EmbedderOptions): Promise<Embedder> {
  const timeoutMs = opts.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const pool = await withStallTimeout(
    (progress) =>
      createEmbedPool({
    model: {
      model: opts.model,
      modelDir: opts.modelDir,
      cacheDir: opts.cacheDir,
      quantized: opts.quantized ?? true,
      remoteHost: opts.remoteHost,
      runtime: opts.runtime ?? 'xenova',
      batchSize: Math.max(1, opts.batchSize ?? 1),
    },
    workers: opts.workers,
    onDownloadProgress: (info) => {
      progress();
      opts.onDownloadProgress?.(info);
    },
  }),
    timeoutMs,
    () => new ModelUnavailableError(opts.model, `loading made no progress for ${timeoutMs / 1000} s (MODEL_LOAD_TIMEOUT_SECONDS)`),
  );
  const prefixes = prefixesFor(opts.model);
  const queryCache = createLruCache<string, Float32Array>(opts.queryCacheSize ?? 256);
  const jobSize = Math.max(1, opts.passageJobSize ?? PASSAGE_JOB_SIZE);

  return {
    modelId: opts.model,
    dimension: pool.dimension,
    async embedQueries(texts) {
      const missing = [...new Set(texts.filter((t) => queryCache.get(t) === undefined))];
      const vectors = await pool.embed(missing.map((t) => prefixes.query + t), 'query');
      missing.forEach((text, i) => queryCache.set(text, vectors[i]!));
      // Copies: a caller changing its vector must not change the cached one.
      return texts.map((t) => (queryCache.get(t) ?? vectors[missing.indexOf(t)]!).slice());
    },
    async embedPassages(texts, onProgress) {
      onProgress?.(0, texts.length);
      // Small jobs, so a question waiting behind them waits for one job at most.
      let done = 0;
      const parts = await Promise.all(
        chunks(texts.map((t) => prefixes.passage + t), jobSize).map(async (part) => {
          const vectors = await pool.embed(part, 'passage');
          done += part.length;
          onProgress?.(done, texts.length);
          return vectors;
        }),
      );
      return parts.flat();
    },
    dispose: () => pool.dispose(),
  };
}

/** Default of `loadTimeoutMs` (MODEL_LOAD_TIMEOUT_SECONDS). */
export const DEFAULT_LOAD_TIMEOUT_MS = 60_000;

/** Passages per worker job: with e5-small on 2 cores, ≈ 4 × 33 ms that a question may wait. */
const PASSAGE_JOB_SIZE = 4;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
