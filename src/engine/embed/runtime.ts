/**
 * One small seam over the two transformers.js packages, so the embedder can run on either:
 * - `xenova`: @xenova/transformers 2.17 (onnxruntime-node 1.14), the project's dependency;
 * - `huggingface`: @huggingface/transformers 3.x (onnxruntime-node 1.21), its renamed successor.
 * Only one may be loaded per process: the two onnxruntime-node builds crash when both load,
 * hence the dynamic import behind `loadEmbedRuntime`.
 */

export const EMBED_RUNTIMES = ['xenova', 'huggingface'] as const;
export type EmbedRuntimeName = (typeof EMBED_RUNTIMES)[number];

/** A download event from transformers.js (`initiate`, `download`, `progress`, `done`, …). */
export interface DownloadProgress {
  file: string;
  loaded?: number;
  total?: number;
  status: string;
}

export interface FeatureExtractorOptions {
  modelId: string;
  /** Local models folder (`<dir>/<model id>/…`); when set, nothing is downloaded. */
  modelDir: string | null;
  /** Download cache folder; null keeps the package's default. */
  cacheDir: string | null;
  /** Model hub base URL (a mirror, or a local test server); the package's default otherwise. */
  remoteHost?: string;
  onDownloadProgress?: (info: DownloadProgress) => void;
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
  /** Length of every vector (the model's `hidden_size`). */
  readonly dimension: number;
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
interface ModelConfig {
  hidden_size?: unknown;
}
type Pipe = ((texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<TensorLike>) & {
  dispose?: () => Promise<void>;
  model?: { config?: ModelConfig };
};
type Tokenizer = (texts: string[], options: { padding: boolean; truncation: boolean }) => Record<string, TensorLike>;
type Model = ((inputs: Record<string, TensorLike>) => Promise<{ last_hidden_state: TensorLike }>) & {
  dispose?: () => Promise<unknown>;
  config?: ModelConfig;
};
interface TransformersModule {
  AutoTokenizer: { from_pretrained(model: string, options?: Record<string, unknown>): Promise<Tokenizer> };
  AutoModel: { from_pretrained(model: string, options?: Record<string, unknown>): Promise<Model> };
  env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    localModelPath: string;
    useFSCache: boolean;
    cacheDir: string | null;
    remoteHost: string;
    version?: string;
  };
  pipeline: (task: 'feature-extraction', model: string, options: Record<string, unknown>) => Promise<Pipe>;
}

// Each package's defaults, read before the first load changes them: an option left unset
// must not inherit the previous load's value.
const envDefaults = new WeakMap<TransformersModule['env'], { cacheDir: string | null; remoteHost: string }>();

/** The one place that sets transformers.js' global `env`, for either package (same field names). */
function configureEnv(mod: TransformersModule, options: FeatureExtractorOptions): void {
  const { env } = mod;
  if (!envDefaults.has(env)) envDefaults.set(env, { cacheDir: env.cacheDir, remoteHost: env.remoteHost });
  const defaults = envDefaults.get(env)!;
  if (options.modelDir !== null) {
    env.localModelPath = options.modelDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    // Otherwise a cached download of the same id would win over the folder asked for.
    env.useFSCache = false;
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.useFSCache = true;
  }
  env.cacheDir = options.cacheDir ?? defaults.cacheDir;
  const host = options.remoteHost ?? defaults.remoteHost;
  env.remoteHost = host.endsWith('/') ? host : `${host}/`;
}

/** transformers.js `from_pretrained`/`pipeline` options shared by both packages. */
function hubOptions(options: FeatureExtractorOptions): Record<string, unknown> {
  const report = options.onDownloadProgress;
  if (!report) return {};
  return {
    progress_callback: (info: { file?: string; loaded?: number; total?: number; status: string }) => {
      // `ready` and totals events name no file: not a download step.
      if (typeof info.file === 'string') report({ file: info.file, loaded: info.loaded, total: info.total, status: info.status });
    },
  };
}

async function withDimension(extractor: Omit<FeatureExtractor, 'dimension'>, config: ModelConfig | undefined): Promise<FeatureExtractor> {
  const dimension = typeof config?.hidden_size === 'number' ? config.hidden_size : (await extractor.embed(['dimension']))[0]!.length;
  return { ...extractor, dimension };
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

function wrapDirect(name: EmbedRuntimeName, tokenizer: Tokenizer, model: Model): Promise<FeatureExtractor> {
  return withDimension({
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
  }, model.config);
}

function wrapPipe(name: EmbedRuntimeName, pipe: Pipe): Promise<FeatureExtractor> {
  return withDimension({
    runtime: name,
    async embed(texts) {
      if (texts.length === 0) return [];
      return splitRows(await pipe(texts, { pooling: 'mean', normalize: true }), texts.length);
    },
    async dispose() {
      await pipe.dispose?.();
    },
  }, pipe.model?.config);
}

/**
 * Loads tokenizer and model together; when one fails, waits for the other (so nothing it prints
 * lands after the caller stopped listening) and frees it.
 */
async function loadDirect(
  name: EmbedRuntimeName,
  mod: TransformersModule,
  options: FeatureExtractorOptions,
  modelOptions: Record<string, unknown>,
): Promise<FeatureExtractor> {
  const [tokenizer, model] = await Promise.allSettled([
    mod.AutoTokenizer.from_pretrained(options.modelId, hubOptions(options)),
    mod.AutoModel.from_pretrained(options.modelId, { ...modelOptions, ...hubOptions(options) }),
  ]);
  if (tokenizer.status === 'rejected' || model.status === 'rejected') {
    if (model.status === 'fulfilled') await model.value.dispose?.();
    throw tokenizer.status === 'rejected' ? tokenizer.reason : (model as PromiseRejectedResult).reason;
  }
  return wrapDirect(name, tokenizer.value, model.value);
}

/** The two packages name the same choices differently (v3: dtype and session options; v2: quantized). */
function modelOptionsOf(name: EmbedRuntimeName, options: FeatureExtractorOptions): Record<string, unknown> {
  if (name === 'xenova') return { quantized: options.quantized };
  return {
    dtype: options.quantized ? 'q8' : 'fp32',
    device: 'cpu',
    ...(options.threads ? { session_options: { intraOpNumThreads: options.threads } } : {}),
  };
}

// Set by the first loadEmbedRuntime: the other package's onnxruntime-node would crash this process.
let loadedRuntime: EmbedRuntimeName | null = null;

/**
 * Loads one runtime package (dynamic import, so the other's onnxruntime never loads).
 * Throws if the other runtime was already loaded in this process.
 * @example const rt = await loadEmbedRuntime('huggingface'); const fx = await rt.load({ modelId, modelDir: 'models', cacheDir: null, quantized: true });
 */
export async function loadEmbedRuntime(name: EmbedRuntimeName): Promise<EmbedRuntime> {
  if (loadedRuntime !== null && loadedRuntime !== name) {
    throw new Error(`the ${name} runtime cannot load in a process that already loaded the ${loadedRuntime} runtime (their onnxruntime builds conflict)`);
  }
  const pkg = name === 'huggingface' ? '@huggingface/transformers' : '@xenova/transformers';
  const mod = (await importRuntimePackage(pkg, name)) as unknown as TransformersModule;
  loadedRuntime = name;
  return {
    name,
    version: mod.env.version ?? 'unknown',
    async load(options) {
      configureEnv(mod, options);
      const modelOptions = modelOptionsOf(name, options);
      if (options.pooling === 'pipeline') {
        return wrapPipe(name, await mod.pipeline('feature-extraction', options.modelId, { ...modelOptions, ...hubOptions(options) }));
      }
      return loadDirect(name, mod, options, modelOptions);
    },
  };
}

/**
 * Imports a runtime's package; one that is not installed (@huggingface/transformers is only a
 * devDependency) becomes one line saying what to install or set.
 * @example await importRuntimePackage('@huggingface/transformers', 'huggingface') // throws "EMBED_RUNTIME=huggingface needs @huggingface/transformers, which is not installed: …"
 */
export async function importRuntimePackage(specifier: string, runtime: EmbedRuntimeName): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${specifier}'`)) {
      throw new Error(
        `EMBED_RUNTIME=${runtime} needs ${specifier}, which is not installed: run "npm install ${specifier}" or set EMBED_RUNTIME=xenova`,
      );
    }
    throw err;
  }
}
