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
  /**
   * `direct` (default): tokenizer + model, mean pooling over typed arrays here.
   * `pipeline`: the package's feature-extraction pipeline. @xenova/transformers 2.17 pools through
   * its Tensor Proxy, two trapped property reads per number: measured at ~10 % of a build with the
   * full-size model and over half with the tiny one (bench/README.md).
   */
  pooling?: 'direct' | 'pipeline';
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
type Tokenizer = (texts: string[], options: { padding: boolean; truncation: boolean }) => Record<string, TensorLike>;
type Model = ((inputs: Record<string, TensorLike>) => Promise<{ last_hidden_state: TensorLike }>) & { dispose?: () => Promise<unknown> };
interface TransformersModule {
  AutoTokenizer: { from_pretrained(model: string, options?: Record<string, unknown>): Promise<Tokenizer> };
  AutoModel: { from_pretrained(model: string, options?: Record<string, unknown>): Promise<Model> };
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

/**
 * Mean over the tokens the attention mask keeps, then L2 normalization, straight on the
 * typed arrays. Pure. `hidden` is [batch, seq, dim] row-major, `mask` is [batch, seq].
 * @example meanPool(new Float32Array([3, 4, 9, 9]), [1, 0], 1, 2, 2) // [Float32Array [0.6, 0.8]]
 */
export function meanPool(hidden: ArrayLike<number>, mask: ArrayLike<number | bigint>, batch: number, seq: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue;
      count++;
      const off = (b * seq + t) * dim;
      for (let d = 0; d < dim; d++) v[d]! += hidden[off + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
    const scale = count > 0 && norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) v[d]! *= scale;
    out.push(v);
  }
  return out;
}

function wrapDirect(name: EmbedRuntimeName, tokenizer: Tokenizer, model: Model): FeatureExtractor {
  return {
    runtime: name,
    async embed(texts) {
      if (texts.length === 0) return [];
      const inputs = tokenizer(texts, { padding: true, truncation: true });
      const { last_hidden_state: hidden } = await model(inputs);
      const [batch = 0, seq = 0, dim = 0] = hidden.dims;
      // The mean is taken before normalizing, so dividing by the token count is not needed.
      return meanPool(hidden.data, inputs.attention_mask!.data as ArrayLike<number | bigint>, batch, seq, dim);
    },
    async dispose() {
      await model.dispose?.();
    },
  };
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
        const modelOptions = {
          dtype: options.quantized ? 'q8' : 'fp32',
          device: 'cpu',
          ...(options.threads ? { session_options: { intraOpNumThreads: options.threads } } : {}),
        };
        if (options.pooling === 'pipeline') return wrapPipe(name, await mod.pipeline('feature-extraction', options.modelId, modelOptions));
        const [tokenizer, model] = await Promise.all([
          mod.AutoTokenizer.from_pretrained(options.modelId),
          mod.AutoModel.from_pretrained(options.modelId, modelOptions),
        ]);
        return wrapDirect(name, tokenizer, model);
      },
    };
  }
  const mod = (await import('@xenova/transformers')) as unknown as TransformersModule;
  return {
    name,
    version: mod.env.version ?? 'unknown',
    async load(options) {
      configureEnv(mod, options);
      if (options.pooling === 'pipeline') return wrapPipe(name, await mod.pipeline('feature-extraction', options.modelId, { quantized: options.quantized }));
      const [tokenizer, model] = await Promise.all([
        mod.AutoTokenizer.from_pretrained(options.modelId),
        mod.AutoModel.from_pretrained(options.modelId, { quantized: options.quantized }),
      ]);
      return wrapDirect(name, tokenizer, model);
    },
  };
}
