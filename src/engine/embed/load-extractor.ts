import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelUnavailableError, oneLine } from './model-errors.js';
import { loadEmbedRuntime, type DownloadProgress, type EmbedRuntimeName, type FeatureExtractor } from './runtime.js';

export interface LoadOptions {
  model: string;
  /** Local models folder (`<dir>/<model id>/…`): used alone, nothing is downloaded. */
  modelDir: string | null;
  /** Where downloads are cached; null keeps transformers.js' default. */
  cacheDir: string | null;
  /** int8 `onnx/model_quantized.onnx` (default, as transformers.js) or float `onnx/model.onnx`. */
  quantized: boolean;
  /** Model hub base URL; a mirror, or a local test server. */
  remoteHost?: string;
  runtime: EmbedRuntimeName;
  onDownloadProgress?: (info: DownloadProgress) => void;
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

// transformers.js reads its settings from one global `env`: loads run one at a time
// so two embedders with different settings cannot mix them up.
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Loads tokenizer + model on the chosen runtime, `env` set from the options (pooling is done
 * by runtime.ts on typed arrays). Every failure becomes a one-line ModelUnavailableError.
 * @example const fx = await loadExtractor({ model: 'depeche/tiny-bert', modelDir: 'models', cacheDir: null, quantized: true, runtime: 'xenova' });
 */
export function loadExtractor(options: LoadOptions): Promise<FeatureExtractor> {
  const run = loadQueue.then(
    () => loadNow(options),
    () => loadNow(options),
  );
  loadQueue = run.catch(() => undefined);
  return run;
}

async function loadNow(options: LoadOptions): Promise<FeatureExtractor> {
  const { model, modelDir, quantized } = options;
  const weightsFile = `onnx/model${quantized ? '_quantized' : ''}.onnx`;
  if (modelDir !== null) await checkLocalFiles(model, join(modelDir, model), [...REQUIRED_FILES, weightsFile]);
  const warnings: string[] = [];
  try {
    const runtime = await loadEmbedRuntime(options.runtime);
    return await withConsoleCaptured(warnings, () =>
      runtime.load({
        modelId: model,
        modelDir,
        cacheDir: options.cacheDir,
        quantized,
        remoteHost: options.remoteHost,
        onDownloadProgress: options.onDownloadProgress,
        pooling: 'direct',
      }),
    );
  } catch (err) {
    throw new ModelUnavailableError(model, explain(err, warnings, weightsFile, modelDir === null));
  }
}

async function checkLocalFiles(model: string, dir: string, files: string[]): Promise<void> {
  if (!(await exists(dir))) throw new ModelUnavailableError(model, `folder ${dir} does not exist`);
  for (const file of files) {
    if (!(await exists(join(dir, file)))) throw new ModelUnavailableError(model, `file ${file} missing in ${dir}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Turns what transformers.js / onnxruntime threw (and warned) into one reason. */
function explain(err: unknown, warnings: string[], weightsFile: string, remote: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  if (remote && /fetch failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|network/i.test(`${message} ${cause}`)) {
    return `the model hub is unreachable (${oneLine(cause || message)}) and the model is not in the download cache`;
  }
  if (/Could not locate file/i.test(message)) return `the model hub has no such model (${oneLine(message)})`;
  if (/create a session|protobuf|Failed to load model/i.test(`${message} ${warnings.join(' ')}`)) {
    const detail = warnings.find((w) => /Failed to load model|protobuf/i.test(w));
    return `${weightsFile} is not a valid ONNX model${detail ? ` (${oneLine(detail)})` : ''}`;
  }
  if (err instanceof SyntaxError) return `a JSON file of the model is corrupt (${oneLine(message)})`;
  return oneLine(message);
}

/**
 * transformers.js and onnxruntime print failures (with stacks) through console.warn
 * and console.error while loading; keep them out of the user's terminal and use them
 * to explain the error instead.
 */
async function withConsoleCaptured<T>(sink: string[], job: () => Promise<T>): Promise<T> {
  const { warn, error } = console;
  const capture = (...args: unknown[]): void => {
    sink.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  console.warn = capture;
  console.error = capture;
  try {
    return await job();
  } finally {
    console.warn = warn;
    console.error = error;
  }
}
