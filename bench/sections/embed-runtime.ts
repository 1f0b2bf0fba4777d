import { runWorker } from '../lib/child.js';
import { loadBenchChunks } from '../lib/coverage.js';
import { ratio } from '../lib/stats.js';
import { BENCH_QUESTIONS } from '../questions.js';
import type { EmbedRuntimeInput, EmbedRuntimeOutput, Pooling } from '../workers/embed-runtime.js';
import type { ModelChoice } from '../lib/model-choice.js';

export interface EmbedRuntimeOptions extends ModelChoice {
  corpus: string;
  batchSizes: number[];
  /** Processes per runtime, alternating x, h, x, h… */
  rounds: number;
  /** Extra huggingface runs with these onnxruntime intra-op thread counts. */
  threads: number[];
  verbose: boolean;
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
  /** Best passages/s per batch size. */
  byBatch: { batchSize: number; perS: number }[];
  peakRssMb: number;
  agreement: number | null;
}

export interface EmbedRuntimeResult {
  passages: number;
  questions: number;
  /** Best over processes for each runtime/pooling and measure; every process is in `runs`. */
  variants: Record<VariantName, RuntimeSummary>;
  runs: EmbedRuntimeOutput[];
  threadRuns: EmbedRuntimeOutput[];
  ratios: {
    /** huggingface ÷ xenova query p50, both with the pipeline as the embedder is today: < 1 means the successor is faster. */
    queryP50: number | null;
    /** huggingface ÷ xenova passages/s (pipeline, best batch): > 1 means the successor is faster. */
    passagesPerS: number | null;
    loadMs: number | null;
    /** xenova/direct ÷ xenova/pipeline passages/s: the pooling fix alone. */
    xenovaDirectGain: number | null;
    /** huggingface/direct ÷ xenova/pipeline passages/s: both changes against today's embedder. */
    bestVsToday: number | null;
    /** Best batch size ÷ batch 16 (the embedder's default), xenova/pipeline. */
    batchGain: number | null;
  };
}

/**
 * Dépêche's embedding path on @xenova/transformers 2.17 vs @huggingface/transformers 3, each with
 * the pipeline's pooling and with runtime.ts's; one process per runtime, alternating, `rounds` times.
 */
export async function runEmbedRuntime(options: EmbedRuntimeOptions): Promise<EmbedRuntimeResult> {
  const { chunks } = await loadBenchChunks(options.corpus);
  if (chunks.length === 0) throw new Error(`no chunks in ${options.corpus}`);
  const base: Omit<EmbedRuntimeInput, 'runtime'> = {
    modelId: options.model,
    modelDir: options.modelDir,
    cacheDir: options.cacheDir,
    questions: BENCH_QUESTIONS.map((q) => q.question),
    passages: chunks.map((c) => c.text),
    batchSizes: options.batchSizes,
    poolings: ['pipeline', 'direct'],
    rounds: 2,
  };
  const runs: EmbedRuntimeOutput[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const runtime of ['xenova', 'huggingface'] as const) {
      if (options.verbose) process.stderr.write(`embedding runtime: ${runtime}, process ${round + 1}\n`);
      runs.push((await runWorker<EmbedRuntimeOutput>('embed-runtime', { ...base, runtime }, { verbose: options.verbose })).result);
    }
  }
  const threadRuns: EmbedRuntimeOutput[] = [];
  for (const threads of options.threads) {
    if (options.verbose) process.stderr.write(`embedding runtime: huggingface, intraOpNumThreads=${threads}\n`);
    const input: EmbedRuntimeInput = { ...base, runtime: 'huggingface', poolings: ['direct'], threads, rounds: 1 };
    threadRuns.push((await runWorker<EmbedRuntimeOutput>('embed-runtime', input, { verbose: options.verbose })).result);
  }
  const variants = Object.fromEntries(
    VARIANTS.map((v) => {
      const [runtime, pooling] = v.split('/') as [EmbedRuntimeInput['runtime'], Pooling];
      return [v, summarize(runs.filter((r) => r.runtime === runtime), pooling)];
    }),
  ) as Record<VariantName, RuntimeSummary>;
  const today = variants['xenova/pipeline'];
  const hf = variants['huggingface/pipeline'];
  const at16 = today.byBatch.find((b) => b.batchSize === 16)?.perS;
  return {
    passages: chunks.length,
    questions: base.questions.length,
    variants,
    runs,
    threadRuns,
    ratios: {
      queryP50: ratio(hf.queryP50Ms, today.queryP50Ms),
      passagesPerS: ratio(hf.passagesPerS, today.passagesPerS),
      loadMs: ratio(hf.loadMs, today.loadMs),
      xenovaDirectGain: ratio(variants['xenova/direct'].passagesPerS, today.passagesPerS),
      bestVsToday: ratio(variants['huggingface/direct'].passagesPerS, today.passagesPerS),
      batchGain: ratio(today.passagesPerS, at16),
    },
  };
}

/** Best value of each measure over the processes of one runtime, for one pooling. */
export function summarize(runs: EmbedRuntimeOutput[], pooling: Pooling): RuntimeSummary {
  const outs = runs.flatMap((r) => r.variants.filter((v) => v.pooling === pooling));
  const byQuery = [...outs].sort((a, b) => a.query.p50Ms - b.query.p50Ms)[0];
  const batchSizes = [...new Set(outs.flatMap((o) => o.passages.map((p) => p.batchSize)))];
  const byBatch = batchSizes.map((batchSize) => ({
    batchSize,
    perS: Math.max(...outs.flatMap((o) => o.passages.filter((p) => p.batchSize === batchSize).map((p) => p.perS))),
  }));
  const fastest = [...byBatch].sort((a, b) => b.perS - a.perS)[0];
  return {
    version: runs[0]?.version ?? 'unknown',
    loadMs: Math.min(...runs.map((r) => r.importMs + r.loadMs)),
    queryP50Ms: byQuery?.query.p50Ms ?? Number.NaN,
    queryP95Ms: byQuery?.query.p95Ms ?? Number.NaN,
    passagesPerS: fastest?.perS ?? Number.NaN,
    bestBatch: fastest?.batchSize ?? 0,
    byBatch,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    agreement: outs.map((o) => o.agreement).find((a) => a !== null) ?? null,
  };
}
