/**
 * Worker: Dépêche's embedding path (prefixes, batches, mean pooling, normalization) on one
 * transformers.js runtime. One runtime per process: the two onnxruntime builds cannot share one.
 */
import { prefixesFor } from '../../src/engine/embed/prefixes.js';
import { loadEmbedRuntime, type EmbedRuntimeName } from '../../src/engine/embed/runtime.js';
import { progress, workerMain } from '../lib/child.js';
import { msSince, peakRssMb, percentile } from '../lib/stats.js';

export interface EmbedRuntimeInput {
  runtime: EmbedRuntimeName;
  modelId: string;
  modelDir: string | null;
  cacheDir: string | null;
  questions: string[];
  passages: string[];
  batchSizes: number[];
  /** Passes over the questions (after one warm-up pass). */
  repeat: number;
  threads?: number;
  /** Batches in flight at once (onnxruntime runs off the JS thread, so two can overlap). Default 1. */
  concurrency?: number;
  /** `pipeline`: the package's feature-extraction pipeline (what Dépêche's embedder calls today); `direct`: runtime.ts pooling. */
  pooling: 'pipeline' | 'direct';
  /** Also embed a few passages through the pipeline and report the lowest cosine to this path's vectors. */
  checkAgainstPipeline?: boolean;
}

export interface EmbedRuntimeOutput {
  runtime: EmbedRuntimeName;
  version: string;
  threads: number | null;
  concurrency: number;
  pooling: EmbedRuntimeInput['pooling'];
  /** Lowest cosine between this path's vectors and the pipeline's (1 = same vectors); null if not checked. */
  agreement: number | null;
  importMs: number;
  loadMs: number;
  firstQueryMs: number;
  query: { p50Ms: number; p95Ms: number; n: number };
  passages: { batchSize: number; count: number; seconds: number; perS: number }[];
  dimension: number;
  peakRssMb: number;
}

async function run(input: EmbedRuntimeInput): Promise<EmbedRuntimeOutput> {
  const t0 = process.hrtime.bigint();
  const runtime = await loadEmbedRuntime(input.runtime);
  const importMs = msSince(t0);
  const t1 = process.hrtime.bigint();
  const fx = await runtime.load({
    modelId: input.modelId,
    modelDir: input.modelDir,
    cacheDir: input.cacheDir,
    quantized: true,
    pooling: input.pooling,
    ...(input.threads ? { threads: input.threads } : {}),
  });
  const loadMs = msSince(t1);
  const prefixes = prefixesFor(input.modelId);

  const t2 = process.hrtime.bigint();
  const [first] = await fx.embed([prefixes.query + input.questions[0]!]);
  const firstQueryMs = msSince(t2);

  // Queries one at a time, as a user asks them (no cache here: this times the model).
  for (const q of input.questions) await fx.embed([prefixes.query + q]);
  const times: number[] = [];
  for (let r = 0; r < input.repeat; r++) {
    for (const q of input.questions) {
      const t = process.hrtime.bigint();
      await fx.embed([prefixes.query + q]);
      times.push(msSince(t));
    }
  }
  progress(`${input.runtime}: query p50 ${percentile(times, 50).toFixed(1)} ms`);

  const passages: EmbedRuntimeOutput['passages'] = [];
  const texts = input.passages.map((p) => prefixes.passage + p);
  const concurrency = input.concurrency ?? 1;
  for (const batchSize of input.batchSizes) {
    const t = process.hrtime.bigint();
    let next = 0;
    const lane = async () => {
      while (next < texts.length) {
        const start = next;
        next += batchSize;
        await fx.embed(texts.slice(start, start + batchSize));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const seconds = msSince(t) / 1000;
    passages.push({ batchSize, count: texts.length, seconds, perS: texts.length / seconds });
    progress(`${input.runtime}: batch ${batchSize}: ${(texts.length / seconds).toFixed(1)} passages/s`);
  }
  await fx.dispose();

  let agreement: number | null = null;
  if (input.checkAgainstPipeline && input.pooling !== 'pipeline') {
    const sample = texts.slice(0, 4);
    const reference = await runtime.load({ modelId: input.modelId, modelDir: input.modelDir, cacheDir: input.cacheDir, quantized: true, pooling: 'pipeline' });
    const ours = await (await runtime.load({ modelId: input.modelId, modelDir: input.modelDir, cacheDir: input.cacheDir, quantized: true })).embed(sample);
    const theirs = await reference.embed(sample);
    agreement = Math.min(...ours.map((v, i) => v.reduce((s, x, j) => s + x * theirs[i]![j]!, 0)));
    await reference.dispose();
  }
  return {
    runtime: input.runtime,
    version: runtime.version,
    threads: input.threads ?? null,
    concurrency,
    pooling: input.pooling,
    agreement,
    importMs,
    loadMs,
    firstQueryMs,
    query: { p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), n: times.length },
    passages,
    dimension: first?.length ?? 0,
    peakRssMb: peakRssMb(),
  };
}

workerMain(run);
