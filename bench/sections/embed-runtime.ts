import { runWorker } from '../lib/child.js';
import { loadBenchChunks } from '../lib/coverage.js';
import { ratio } from '../lib/stats.js';
import { BENCH_QUESTIONS } from '../questions.js';
import type { EmbedRuntimeInput, EmbedRuntimeOutput } from '../workers/embed-runtime.js';

export interface EmbedRuntimeOptions {
  model: string;
  modelDir: string | null;
  cacheDir: string | null;
  corpus: string;
  batchSizes: number[];
  repeat: number;
  rounds: number;
  /** Extra huggingface runs with these onnxruntime intra-op thread counts. */
  threads: number[];
  verbose: boolean;
}

export interface EmbedRuntimeResult {
  passages: number;
  questions: number;
  /** Best round per runtime/pooling and measure (least disturbed by machine noise); every round is in `runs`. */
  variants: Record<VariantName, RuntimeSummary>;
  threadRuns: EmbedRuntimeOutput[];
  runs: EmbedRuntimeOutput[];
  ratios: {
    /** huggingface / xenova query p50 (both with the pipeline, as the embedder is today): < 1 means the successor is faster. */
    queryP50: number | null;
    /** huggingface / xenova passages/s at the best batch size: > 1 means the successor is faster. */
    passagesPerS: number | null;
    loadMs: number | null;
    /** xenova/direct ÷ xenova/pipeline passages/s: the pooling fix alone. */
    xenovaDirectGain: number | null;
    /** huggingface/direct ÷ xenova/pipeline passages/s: both changes against today's embedder. */
    bestVsToday: number | null;
  };
}

export const VARIANTS = ['xenova/pipeline', 'xenova/direct', 'huggingface/pipeline', 'huggingface/direct'] as const;
export type VariantName = (typeof VARIANTS)[number];

export interface RuntimeSummary {
  version: string;
  loadMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  passagesPerS: number;
  bestBatch: number;
  peakRssMb: number;
  agreement: number | null;
}

/** Alternates the two runtimes (x, h, x, h…), one process each, on the same texts. */
export async function runEmbedRuntime(options: EmbedRuntimeOptions): Promise<EmbedRuntimeResult> {
  const { chunks } = await loadBenchChunks(options.corpus);
  if (chunks.length === 0) throw new Error(`no chunks in ${options.corpus}`);
  const base: Omit<EmbedRuntimeInput, 'runtime' | 'pooling'> = {
    modelId: options.model,
    modelDir: options.modelDir,
    cacheDir: options.cacheDir,
    questions: BENCH_QUESTIONS.map((q) => q.question),
    passages: chunks.map((c) => c.text),
    batchSizes: options.batchSizes,
    repeat: options.repeat,
  };
  const runs: EmbedRuntimeOutput[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of VARIANTS) {
      const [runtime, pooling] = variant.split('/') as [EmbedRuntimeInput['runtime'], EmbedRuntimeInput['pooling']];
      if (options.verbose) process.stderr.write(`embedding runtime: ${variant}, round ${round + 1}\n`);
      const input: EmbedRuntimeInput = { ...base, runtime, pooling, checkAgainstPipeline: round === 0 };
      runs.push((await runWorker<EmbedRuntimeOutput>('embed-runtime', input, { verbose: options.verbose })).result);
    }
  }
  const threadRuns: EmbedRuntimeOutput[] = [];
  for (const threads of options.threads) {
    if (options.verbose) process.stderr.write(`embedding runtime: huggingface/direct, ${threads} onnxruntime threads\n`);
    const input: EmbedRuntimeInput = { ...base, runtime: 'huggingface', pooling: 'direct', threads };
    threadRuns.push((await runWorker<EmbedRuntimeOutput>('embed-runtime', input, { verbose: options.verbose })).result);
  }
  const of = (v: VariantName) => summarize(runs.filter((r) => `${r.runtime}/${r.pooling}` === v));
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, of(v)])) as Record<VariantName, RuntimeSummary>;
  const xenova = variants['xenova/pipeline'];
  const huggingface = variants['huggingface/pipeline'];
  return {
    passages: chunks.length,
    questions: base.questions.length,
    variants,
    threadRuns,
    runs,
    ratios: {
      queryP50: ratio(huggingface.queryP50Ms, xenova.queryP50Ms),
      passagesPerS: ratio(huggingface.passagesPerS, xenova.passagesPerS),
      loadMs: ratio(huggingface.loadMs, xenova.loadMs),
      xenovaDirectGain: ratio(variants['xenova/direct'].passagesPerS, xenova.passagesPerS),
      bestVsToday: ratio(variants['huggingface/direct'].passagesPerS, xenova.passagesPerS),
    },
  };
}

export function summarize(runs: EmbedRuntimeOutput[]): RuntimeSummary {
  const byQuery = [...runs].sort((a, b) => a.query.p50Ms - b.query.p50Ms)[0]!;
  const batches = runs.flatMap((r) => r.passages);
  const fastest = [...batches].sort((a, b) => b.perS - a.perS)[0];
  return {
    version: byQuery.version,
    loadMs: Math.min(...runs.map((r) => r.importMs + r.loadMs)),
    queryP50Ms: byQuery.query.p50Ms,
    queryP95Ms: byQuery.query.p95Ms,
    passagesPerS: fastest?.perS ?? Number.NaN,
    bestBatch: fastest?.batchSize ?? 0,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    agreement: runs.map((r) => r.agreement).find((a) => a !== null) ?? null,
  };
}
