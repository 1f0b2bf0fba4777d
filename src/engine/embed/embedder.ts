import { loadExtractor } from './load-extractor.js';
import { createLruCache } from './lru-cache.js';
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
  /** Repeated questions are answered from a cache of this many query vectors. Default 256. */
  queryCacheSize?: number;
  onDownloadProgress?: (info: DownloadProgress) => void;
}

/**
 * Loads the model (from `modelDir`, the cache, or the hub) and returns an Embedder.
 * Throws ModelUnavailableError (one-line message) when it cannot.
 * @example const e = await createEmbedder({ model: 'Xenova/multilingual-e5-small', modelDir: null, cacheDir: '.cache' });
 *          const [v] = await e.embedQueries(['Qui a promis 100 milliards ?']); // v.length === e.dimension
 */
export async function createEmbedder(opts: EmbedderOptions): Promise<Embedder> {
  const batchSize = Math.max(1, opts.batchSize ?? 1);
  const extractor = await loadExtractor({
    model: opts.model,
    modelDir: opts.modelDir,
    cacheDir: opts.cacheDir,
    quantized: opts.quantized ?? true,
    remoteHost: opts.remoteHost,
    runtime: opts.runtime ?? 'xenova',
    onDownloadProgress: opts.onDownloadProgress,
  });
  const prefixes = prefixesFor(opts.model);
  const queryCache = createLruCache<string, Float32Array>(opts.queryCacheSize ?? 256);

  const embedAll = async (texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      out.push(...(await extractor.embed(texts.slice(start, start + batchSize))));
      onBatch?.(out.length);
    }
    return out;
  };

  return {
    modelId: opts.model,
    dimension: extractor.dimension,
    async embedQueries(texts) {
      const missing = [...new Set(texts.filter((t) => queryCache.get(t) === undefined))];
      const vectors = await embedAll(missing.map((t) => prefixes.query + t));
      missing.forEach((text, i) => queryCache.set(text, vectors[i]!));
      // Copies: a caller changing its vector must not change the cached one.
      return texts.map((t) => (queryCache.get(t) ?? vectors[missing.indexOf(t)]!).slice());
    },
    embedPassages(texts, onProgress) {
      onProgress?.(0, texts.length);
      return embedAll(
        texts.map((t) => prefixes.passage + t),
        (done) => onProgress?.(done, texts.length),
      );
    },
    dispose: () => extractor.dispose(),
  };
}
