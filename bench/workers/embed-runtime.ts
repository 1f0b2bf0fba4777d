/**
 * Worker: Dépêche's embedding path (prefixes, batches, mean pooling, normalization) on one
 * transformers.js runtime. One runtime per process: the two onnxruntime builds cannot share one.
 * Pooling variants of the same runtime share the process and take turns, round after round,
 * so that the machine's drift (it is shared and noisy) hits them alike; the best round counts.
 */
import { prefixesFor } from '../../src/engine/embed/prefixes.js';
import { loadEmbedRuntime, type EmbedRuntimeName, type FeatureExtractor } from '../../src/engine/embed/runtime.js';
import { progress, workerMain } from '../lib/child.js';
import { msSince, peakRssMb, percentile } from '../lib/stats.js';

export type Pooling = 'pipeline' | 'direct';

export interface EmbedRuntimeInput {
  runtime: EmbedRuntimeName;
  modelId: string;
  modelDir: string | null;
  cacheDir: string | null;
  questions: string[];
  passages: string[];
  batchSizes: number[];
  /** `pipeline`: the package's feature-extraction pipeline (what Dépêche's embedder called before runtime.ts); `direct`: runtime.ts pooling. */
  poolings: Pooling[];
  /** Rounds over (pooling × batch size); the best round of each counts. */
  rounds: number;
  threads?: number;
}

export interface PoolingOutput {
  pooling: Pooling;
  /** Best round's p50 / p95 of single-question embeddings. */
  query: { p50Ms: number; p95Ms: number; n: number };
  /** Best round per batch size. */
  passages: { batchSize: number; count: number; perS: number }[];
  /** Lowest cosine between this path's vectors and the pipeline's (1 = same); null when not compared. */
  agreement: number | null;
}

export interface EmbedRuntimeOutput {
  runtime: EmbedRuntimeName;
  version: string;
  threads: number | null;
  importMs: number;
  /** Loading every pooling variant's model (tokenizer + ONNX session). */
  loadMs: number;
  dimension: number;
  peakRssMb: number;
  variants: PoolingOutput[];
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

async function run(input: EmbedRuntimeInput): Promise<EmbedRuntimeOutput> {
  const t0 = process.hrtime.bigint();
  const runtime = await loadEmbedRuntime(input.runtime);
  const importMs = msSince(t0);
  const t1 = process.hrtime.bigint();
  const extractors = new Map<Pooling, FeatureExtractor>();
  for (const pooling of input.poolings) {
    extractors.set(
      pooling,
      await runtime.load({
        modelId: input.modelId,
        modelDir: input.modelDir,
        cacheDir: input.cacheDir,
        quantized: true,
        pooling,
        ...(input.threads ? { threads: input.threads } : {}),
      }),
    );
  }
  const loadMs = msSince(t1) / input.poolings.length;
  const prefixes = prefixesFor(input.modelId);
  const questions = input.questions.map((q) => prefixes.query + q);
  const texts = input.passages.map((p) => prefixes.passage + p);

  const best = new Map<Pooling, PoolingOutput>();
  for (const [pooling, fx] of extractors) {
    for (const q of questions.slice(0, 3)) await fx.embed([q]); // warm-up
    best.set(pooling, { pooling, query: { p50Ms: Infinity, p95Ms: Infinity, n: 0 }, passages: [], agreement: null });
  }
  for (let round = 0; round < input.rounds; round++) {
    for (const [pooling, fx] of extractors) {
      const out = best.get(pooling)!;
      // Questions one at a time, as people ask them (no cache here: this times the model).
      const times: number[] = [];
      for (const q of questions) {
        const t = process.hrtime.bigint();
        await fx.embed([q]);
        times.push(msSince(t));
      }
      const p50 = percentile(times, 50);
      if (p50 < out.query.p50Ms) out.query = { p50Ms: p50, p95Ms: percentile(times, 95), n: times.length };
      for (const batchSize of input.batchSizes) {
        const t = process.hrtime.bigint();
        for (let i = 0; i < texts.length; i += batchSize) await fx.embed(texts.slice(i, i + batchSize));
        const perS = texts.length / (msSince(t) / 1000);
        const prev = out.passages.find((p) => p.batchSize === batchSize);
        if (!prev) out.passages.push({ batchSize, count: texts.length, perS });
        else prev.perS = Math.max(prev.perS, perS);
      }
      progress(`${input.runtime}/${pooling} round ${round + 1}: query p50 ${p50.toFixed(1)} ms, ${out.passages.map((p) => `batch ${p.batchSize} ${p.perS.toFixed(1)}/s`).join(', ')}`);
    }
  }

  const reference = extractors.get('pipeline');
  const sample = texts.slice(0, 4);
  const referenceVectors = reference ? await reference.embed(sample) : null;
  let dimension = 0;
  for (const [pooling, fx] of extractors) {
    const vectors = await fx.embed(sample);
    dimension = vectors[0]?.length ?? 0;
    if (referenceVectors && pooling !== 'pipeline') best.get(pooling)!.agreement = Math.min(...vectors.map((v, i) => cosine(v, referenceVectors[i]!)));
    await fx.dispose();
  }
  return {
    runtime: input.runtime,
    version: runtime.version,
    threads: input.threads ?? null,
    importMs,
    loadMs,
    dimension,
    peakRssMb: peakRssMb(),
    variants: [...best.values()],
  };
}

workerMain(run);
