/**
 * One small seam over the two transformers.js packages, so the embedder can run on either:
 * - `xenova`: @xenova/transformers 2.17 (onnxruntime-node 1.14), the project's dependency;
 * - `huggingface`: @huggingface/transformers 3.x (onnxruntime-node 1.21), its renamed successor.
 * Only one may be loaded per process: the two onnxruntime-node builds crash when both load,
 * hence the dynamic import behind `loadEmbedRuntime`.
 */

export const EMBED_RUNTIMES = ['xenova', 'huggingface'] as const;
export type EmbedRuntimeName = (typeof EMBED_RUNTIMES)[number];

export interface FeatureExtractorOptions {
  modelId: string;
  /** Local models folder (`<dir>/<model id>/…`); when set, nothing is downloaded. */
  modelDir: string | null;
  cacheDir: string | null;
  /** Use `onnx/model_quantized.onnx` (int8) rather than `onnx/model.onnx`. */
  quantized: boolean;
  /**
   * onnxruntime intra-op threads. Only the `huggingface` runtime can set it (2.17 passes no
   * session options); undefined keeps onnxruntime's default (one per physical core).
   */
  threads?: number;
}

/** Mean-pooled, L2-normalized sentence embeddings. */
export interface FeatureExtractor {
  readonly runtime: EmbedRuntimeName;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface EmbedRuntime {
  readonly name: EmbedRuntimeName;
  /** Version of the transformers package, for reports. */
  readonly version: string;
  load(options: FeatureExtractorOptions): Promise<FeatureExtractor>;
}

/**
 * Reads the runtime name from configuration (e.g. `EMBED_RUNTIME`); undefined or empty means `xenova`.
 * @example parseEmbedRuntime('huggingface') // 'huggingface'
 */
export function parseEmbedRuntime(value: string | undefined): EmbedRuntimeName {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'xenova';
  if ((EMBED_RUNTIMES as readonly string[]).includes(v)) return v as EmbedRuntimeName;
  throw new Error(`Unknown embedding runtime "${value}". Must be one of [${EMBED_RUNTIMES.join(', ')}].`);
}

// The slice of both packages' API used here (they share it: `env`, `pipeline`, Tensor `data`/`dims`).
interface TensorLike {
  data: ArrayLike<number>;
  dims: number[];
}
type Pipe = ((texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<TensorLike>) & {
  dispose?: () => Promise<void>;
};
interface TransformersModule {
  env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    localModelPath: string;
    cacheDir: string | null;
    version?: string;
  };
  pipeline: (task: 'feature-extraction', model: string, options: Record<string, unknown>) => Promise<Pipe>;
}

function configureEnv(mod: TransformersModule, options: FeatureExtractorOptions): void {
  if (options.modelDir) {
    mod.env.localModelPath = options.modelDir;
    mod.env.allowLocalModels = true;
    mod.env.allowRemoteModels = false;
  } else {
    mod.env.allowRemoteModels = true;
  }
  if (options.cacheDir) mod.env.cacheDir = options.cacheDir;
}

function splitRows(output: TensorLike, count: number): Float32Array[] {
  const dim = output.dims[output.dims.length - 1] ?? 0;
  const data = output.data instanceof Float32Array ? output.data : Float32Array.from(output.data);
  // Copies, so a kept vector does not pin the whole batch's buffer.
  return Array.from({ length: count }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

function wrapPipe(name: EmbedRuntimeName, pipe: Pipe): FeatureExtractor {
  return {
    runtime: name,
    async embed(texts) {
      if (texts.length === 0) return [];
      return splitRows(await pipe(texts, { pooling: 'mean', normalize: true }), texts.length);
    },
    async dispose() {
      await pipe.dispose?.();
    },
  };
}

/**
 * Loads one runtime package (dynamic import, so the other's onnxruntime never loads).
 * @example const rt = await loadEmbedRuntime('huggingface'); const fx = await rt.load({ modelId, modelDir: 'models', cacheDir: null, quantized: true });
 */
export async function loadEmbedRuntime(name: EmbedRuntimeName): Promise<EmbedRuntime> {
  if (name === 'huggingface') {
    const mod = (await import('@huggingface/transformers')) as unknown as TransformersModule;
    return {
      name,
      version: mod.env.version ?? 'unknown',
      async load(options) {
        configureEnv(mod, options);
        const pipe = await mod.pipeline('feature-extraction', options.modelId, {
          dtype: options.quantized ? 'q8' : 'fp32',
          device: 'cpu',
          ...(options.threads ? { session_options: { intraOpNumThreads: options.threads } } : {}),
        });
        return wrapPipe(name, pipe);
      },
    };
  }
  const mod = (await import('@xenova/transformers')) as unknown as TransformersModule;
  return {
    name,
    version: mod.env.version ?? 'unknown',
    async load(options) {
      configureEnv(mod, options);
      const pipe = await mod.pipeline('feature-extraction', options.modelId, { quantized: options.quantized });
      return wrapPipe(name, pipe);
    },
  };
}
