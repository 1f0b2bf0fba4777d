import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HnswSetting } from '../sections/index-scale.js';
import type { VectorDistribution } from './vectors.js';
import type { ModelChoice } from './model-choice.js';

export const SECTIONS = ['compare', 'cold', 'runtime', 'scale', 'store', 'load', 'corpus'] as const;
/** Sections run without `--sections`: `load` starts a bot process, so it runs when asked for. */
// The load and store sections run for minutes: only when asked for.
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s !== 'load' && s !== 'store' && s !== 'corpus');
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions extends ModelChoice {
  sections: Section[];
  /** Vector index scale curve. */
  sizes: number[];
  settings: HnswSetting[];
  efSearch: number[];
  vectors: VectorDistribution;
  indexQueries: number;
  /** Seed coverage folder (corpus format). */
  corpus: string;
  /** Articles of the synthetic coverage (0: skip it). */
  syntheticArticles: number;
  /** Passes over the question set for warm latency. */
  repeat: number;
  /** Embedding batch sizes tried in the runtime section. */
  batchSizes: number[];
  /** Rounds of the runtime comparison (x, h, x, h…). */
  rounds: number;
  /** onnxruntime thread counts tried with the huggingface runtime. */
  threads: number[];
  /** Cold start runs per side. */
  coldRuns: number;
  /** Passages of the synthetic coverages of the store section. */
  storeSizes: number[];
  /** Sizes of the store section built without vectors (lexical only): where an HNSW build would not fit the run. */
  storeLexicalSizes: number[];
  /** Folder where built stores are kept and reused by later runs (a size already built there is served, not rebuilt). */
  storeKeep: string | null;
  /** Store section: serve with huge pages, without, or both side by side (default). */
  storeHugePages: 'on' | 'off' | 'both';
  /** Article files of the synthetic corpora of the corpus section. */
  corpusSizes: number[];
  k: number;
  out: string;
  quiet: boolean;
}

const USAGE = `usage: npm run bench -- [--sections compare,cold,runtime,scale] [--sizes 1000,10000,100000]
  [--index-settings 8:100,16:100,16:200] [--ef 16,32,64,128,256] [--vectors clustered|uniform]
  [--index-queries 200] [--model ID] [--model-dir DIR] [--cache-dir DIR] [--corpus DIR]
  [--synthetic-articles 60] [--repeat 3] [--k 5] [--batch-sizes 1,4,16] [--rounds 2] [--threads 1,2]
  [--cold-runs 3] [--store-sizes 10000,100000] [--store-lexical-sizes 1000000] [--store-keep DIR] [--store-huge-pages both|on|off]
  [--corpus-sizes 1000,10000]
  [--out bench/results/latest.json] [--quiet]
       npm run bench -- --render bench/results/latest.json   (print a saved run's table)`;

export class BenchUsageError extends Error {
  /** True for `--help`: usage on stdout, exit 0. */
  readonly help: boolean;
  constructor(message: string | null) {
    super(message === null ? USAGE : `${message}\n${USAGE}`);
    this.help = message === null;
  }
}

const intList = (flag: string, raw: string): number[] =>
  raw.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new BenchUsageError(`--${flag}: "${s}" is not a positive integer`);
    return n;
  });

/** Parses `npm run bench -- …` arguments; throws BenchUsageError with a one-line reason. */
export function parseBenchOptions(argv: string[], root: string): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sections: { type: 'string' },
        sizes: { type: 'string' },
        'index-settings': { type: 'string' },
        ef: { type: 'string' },
        vectors: { type: 'string' },
        'index-queries': { type: 'string' },
        model: { type: 'string' },
        'model-dir': { type: 'string' },
        'cache-dir': { type: 'string' },
        corpus: { type: 'string' },
        'synthetic-articles': { type: 'string' },
        repeat: { type: 'string' },
        'batch-sizes': { type: 'string' },
        rounds: { type: 'string' },
        threads: { type: 'string' },
        'cold-runs': { type: 'string' },
        'store-sizes': { type: 'string' },
        'store-lexical-sizes': { type: 'string' },
        'store-keep': { type: 'string' },
        'store-huge-pages': { type: 'string' },
        'corpus-sizes': { type: 'string' },
        k: { type: 'string' },
        out: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new BenchUsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) throw new BenchUsageError(null);

  const sections = (values.sections ?? DEFAULT_SECTIONS.join(',')).split(',').map((s) => s.trim());
  for (const s of sections) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new BenchUsageError(`--sections: unknown "${s}", must be among ${SECTIONS.join(', ')}`);
  }
  const vectors = values.vectors ?? 'clustered';
  if (vectors !== 'clustered' && vectors !== 'uniform') throw new BenchUsageError(`--vectors: "${vectors}" must be clustered or uniform`);
  const settings = (values['index-settings'] ?? '8:100,16:100,16:200').split(',').map((pair) => {
    const [m, ef] = intList('index-settings', pair.replace(':', ','));
    if (m === undefined || ef === undefined) throw new BenchUsageError(`--index-settings: "${pair}" must be M:efConstruction`);
    return { m, efConstruction: ef };
  });

  // The repo's generated full-size model when present; otherwise the default model from the hub cache.
  const model = values.model ?? (existsSync(path.join(root, 'models', 'depeche', 'random-bert-full')) ? 'depeche/random-bert-full' : 'Xenova/multilingual-e5-small');
  const localDefault = path.join(root, 'models');
  const modelDir = values['model-dir'] ?? (existsSync(path.join(localDefault, model)) ? localDefault : null);

  return {
    sections: sections as Section[],
    sizes: intList('sizes', values.sizes ?? '1000,10000,100000'),
    settings,
    efSearch: intList('ef', values.ef ?? '16,32,64,128,256'),
    vectors,
    indexQueries: intList('index-queries', values['index-queries'] ?? '200')[0]!,
    model,
    modelDir: modelDir ? path.resolve(root, modelDir) : null,
    cacheDir: values['cache-dir'] ? path.resolve(root, values['cache-dir']) : null,
    corpus: path.resolve(root, values.corpus ?? 'corpus'),
    syntheticArticles: values['synthetic-articles'] === '0' ? 0 : intList('synthetic-articles', values['synthetic-articles'] ?? '60')[0]!,
    repeat: intList('repeat', values.repeat ?? '3')[0]!,
    batchSizes: intList('batch-sizes', values['batch-sizes'] ?? '1,4,16'),
    rounds: intList('rounds', values.rounds ?? '2')[0]!,
    threads: values.threads === '0' ? [] : intList('threads', values.threads ?? '1,2'),
    coldRuns: intList('cold-runs', values['cold-runs'] ?? '3')[0]!,
    storeSizes: intList('store-sizes', values['store-sizes'] ?? '10000,100000'),
    storeLexicalSizes: values['store-lexical-sizes'] ? intList('store-lexical-sizes', values['store-lexical-sizes']) : [],
    storeKeep: values['store-keep'] ? path.resolve(values['store-keep']) : null,
    storeHugePages: hugePagesChoice(values['store-huge-pages'] ?? 'both'),
    corpusSizes: intList('corpus-sizes', values['corpus-sizes'] ?? '1000,10000'),
    k: intList('k', values.k ?? '5')[0]!,
    out: path.resolve(root, values.out ?? 'bench/results/latest.json'),
    quiet: values.quiet ?? false,
  };
}

function hugePagesChoice(value: string): 'on' | 'off' | 'both' {
  if (value === 'on' || value === 'off' || value === 'both') return value;
  throw new BenchUsageError(`--store-huge-pages takes both, on or off (got ${value})`);
}
