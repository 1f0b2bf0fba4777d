import type { Embedder } from '../../src/engine/embed/embedder.js';
import { prefixesFor } from '../../src/engine/embed/prefixes.js';
import { loadEmbedRuntime, type EmbedRuntimeName } from '../../src/engine/embed/runtime.js';

export interface ProposedEmbedderOptions {
  model: string;
  modelDir: string | null;
  cacheDir: string | null;
  runtime: EmbedRuntimeName;
  /** Texts per model call; 1 measured fastest on 2 cores (no padding, small attention tensors). */
  batchSize: number;
}

/**
 * The embedder as the benchmark proposes it (runtime.ts pooling, batch size 1, runtime by
 * configuration), behind the engine's own Embedder interface, so the real `buildIndex` can be
 * timed with it next to today's `createEmbedder`. No query cache: the build does not use it.
 */
export async function createProposedEmbedder(options: ProposedEmbedderOptions): Promise<Embedder> {
  const runtime = await loadEmbedRuntime(options.runtime);
  const fx = await runtime.load({ modelId: options.model, modelDir: options.modelDir, cacheDir: options.cacheDir, quantized: true });
  const prefixes = prefixesFor(options.model);
  const dimension = (await fx.embed(['dimension']))[0]!.length;
  const embedAll = async (texts: string[], onBatch?: (done: number) => void) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += options.batchSize) {
      out.push(...(await fx.embed(texts.slice(i, i + options.batchSize))));
      onBatch?.(out.length);
    }
    return out;
  };
  return {
    modelId: options.model,
    dimension,
    embedQueries: (texts) => embedAll(texts.map((t) => prefixes.query + t)),
    embedPassages: (texts, onProgress) =>
      embedAll(
        texts.map((t) => prefixes.passage + t),
        (done) => onProgress?.(done, texts.length),
      ),
    dispose: () => fx.dispose(),
  };
}
