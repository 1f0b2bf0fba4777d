import type { Machine } from './lib/machine.js';
import { fixed, ratioCell, table } from './lib/markdown.js';
import { ratio } from './lib/stats.js';
import type { ColdStartResult } from './sections/cold-start.js';
import { VARIANTS, type EmbedRuntimeResult, type VariantName } from './sections/embed-runtime.js';
import type { IndexScaleResult } from './sections/index-scale.js';
import type { StoreScaleResult } from './sections/store-scale.js';
import type { CorpusScanResult } from './sections/corpus-scan.js';
import { renderLoad, type LoadResult } from './sections/load.js';
import { P50_TARGET_MS, RECALL_TARGET } from './sections/index-scale.js';
import type { SideBySideResult } from './sections/side-by-side.js';

/** Everything one `npm run bench` measured; written to bench/results/latest.json. */
export interface BenchResults {
  startedAt: string;
  durationS: number;
  machine: Machine;
  model: { id: string; dir: string | null; label: string };
  compare?: SideBySideResult;
  cold?: ColdStartResult;
  runtime?: EmbedRuntimeResult;
  scale?: IndexScaleResult;
  store?: StoreScaleResult;
  corpus?: CorpusScanResult;
  load?: LoadResult;
  errors: { section: string; message: string }[];
}

export const TARGETS = { queryRatio: 0.5, buildRatio: 1.5, coldStartMs: 2000 } as const;

/** Human label for a model id: timings on random weights must say so. */
export function modelLabel(id: string): string {
  if (id === 'depeche/random-bert-full') return 'random-weight full-size model (multilingual-e5-small shape: 12 layers × 384, 250k vocabulary, int8); timings only, answers meaningless';
  if (id === 'depeche/tiny-bert') return 'tiny generated test model; timings not representative';
  return id;
}

export function renderMachine(m: Machine): string {
  return `${m.nproc} cores (nproc), ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}`;
}

const ms = (v: number | null | undefined) => (v == null ? null : `${fixed(v, v < 10 ? 2 : 1)} ms`);

function renderHeadline(r: BenchResults): string {
  const rows: (string | null)[][] = [];
  const seed = r.compare?.coverages.find((c) => c.name === 'seed');
  const syn = r.compare?.coverages.find((c) => c.name === 'synthetic');
  if (seed?.depeche.query && seed.peer.query) {
    rows.push([
      `warm query p50, seed coverage (${seed.chunks} chunks)`,
      ms(seed.depeche.query.ask.p50Ms),
      ms(seed.peer.query.search.p50Ms),
      ratioCell(seed.ratios.queryP50, TARGETS.queryRatio, 'lower'),
    ]);
    rows.push([
      'warm query p50, seed coverage, questions asked before (Dépêche answers from its query-vector cache)',
      ms(seed.depeche.query.askCached.p50Ms),
      ms(seed.peer.query.search.p50Ms),
      ratioCell(ratio(seed.depeche.query.askCached.p50Ms, seed.peer.query.search.p50Ms), TARGETS.queryRatio, 'lower'),
    ]);
    rows.push(['warm query p95, seed coverage', ms(seed.depeche.query.ask.p95Ms), ms(seed.peer.query.search.p95Ms), fixed(seed.depeche.query.ask.p95Ms / seed.peer.query.search.p95Ms, 2)]);
  }
  if (syn?.depeche.query && syn.peer.query) {
    rows.push([
      `warm query p50, synthetic coverage (${syn.chunks} chunks)`,
      ms(syn.depeche.query.ask.p50Ms),
      ms(syn.peer.query.search.p50Ms),
      ratioCell(syn.ratios.queryP50, TARGETS.queryRatio, 'lower'),
    ]);
  }
  for (const c of [seed, syn]) {
    if (!c) continue;
    rows.push([
      `build throughput, ${c.name} coverage (chunks/s while embedding)`,
      fixed(c.depeche.build.chunksPerS, 1),
      fixed(c.peer.build.chunksPerS, 1),
      ratioCell(c.ratios.buildRate, TARGETS.buildRatio, 'higher'),
    ]);
    rows.push([
      `build peak RSS, ${c.name} coverage`,
      `${fixed(c.depeche.build.peakRssMb, 0)} MB`,
      `${fixed(c.peer.build.peakRssMb, 0)} MB`,
      fixed(c.ratios.peakRss, 2),
    ]);
  }
  if (r.cold) {
    const ok = r.cold.depeche.answeredMs <= TARGETS.coldStartMs;
    rows.push([
      'cold start → first answer (process start, index on disk)',
      ms(r.cold.depeche.answeredMs),
      ms(r.cold.peer?.answeredMs),
      `${fixed(r.cold.ratio, 2) ?? '–'}× (target ≤ ${TARGETS.coldStartMs} ms) ${ok ? '✓' : '✗'}`,
    ]);
  }
  if (r.scale?.chosen) {
    const c = r.scale.chosen;
    const largest = Math.max(...r.scale.rows.map((x) => x.size));
    const row = r.scale.rows.find((x) => x.size === largest && x.m === c.m && x.efConstruction === c.efConstruction && x.efSearch === c.efSearch);
    if (row) {
      rows.push([
        `index search at ${largest} vectors (M=${c.m}, efC=${c.efConstruction}, ef=${c.efSearch})`,
        `p50 ${fixed(row.p50Ms, 3)} ms, recall@10 ${fixed(row.recallAt10, 3)}`,
        null,
        `target p50 ≤ ${P50_TARGET_MS} ms, recall ≥ ${RECALL_TARGET} ${row.p50Ms <= P50_TARGET_MS && row.recallAt10 >= RECALL_TARGET ? '✓' : '✗'}`,
      ]);
    }
  }
  if (rows.length === 0) return '';
  return ['### Summary', '', table(['measure', 'Dépêche', 'peer (LangChain HNSWLib)', 'ratio / target'], rows)].join('\n');
}

function renderCompare(c: SideBySideResult): string {
  const rows = c.coverages.flatMap((cov) => {
    const d = cov.depeche;
    const p = cov.peer;
    return [
      [
        cov.name,
        cov.chunks,
        'Dépêche `ask` (hybrid)',
        fixed(d.query?.ask.p50Ms, 2),
        fixed(d.query?.ask.p95Ms, 2),
        fixed(d.build.chunksPerS, 1),
        fixed(d.build.totalS, 1),
        fixed(d.build.peakRssMb, 0),
        fixed(d.exact?.recallAtK, 3),
      ],
      [cov.name, cov.chunks, 'Dépêche `ask`, repeated question (cached vector)', fixed(d.query?.askCached.p50Ms, 2), fixed(d.query?.askCached.p95Ms, 2), null, null, null, null],
      [cov.name, cov.chunks, 'Dépêche `ask`, lexical mode (no model)', fixed(d.query?.askLexical.p50Ms, 2), fixed(d.query?.askLexical.p95Ms, 2), null, null, null, null],
      [cov.name, cov.chunks, 'exact search over the same vectors (dot products only)', fixed(d.exact?.search.p50Ms, 3), fixed(d.exact?.search.p95Ms, 3), null, null, null, '1 (reference)'],
      ...(cov.lancedb
        ? [
            [
              cov.name,
              cov.chunks,
              'Dépêche `ask` (hybrid) on LanceDB (INDEX_BACKEND=lancedb)',
              fixed(cov.lancedb.query?.ask.p50Ms, 2),
              fixed(cov.lancedb.query?.ask.p95Ms, 2),
              fixed(cov.lancedb.build.chunksPerS, 1),
              fixed(cov.lancedb.build.totalS, 1),
              fixed(cov.lancedb.build.peakRssMb, 0),
              fixed(cov.lancedb.exact?.recallAtK, 3),
            ],
            [cov.name, cov.chunks, 'LanceDB answers vs the local backend’s: share of the same passages (top k)', null, null, null, null, null, fixed(cov.lancedb.recallVsLocal, 3)],
          ]
        : []),
      [
        cov.name,
        cov.chunks,
        'peer `similaritySearch`',
        fixed(p.query?.search.p50Ms, 2),
        fixed(p.query?.search.p95Ms, 2),
        fixed(p.build.chunksPerS, 1),
        fixed(p.build.totalS, 1),
        fixed(p.build.peakRssMb, 0),
        fixed(p.exact?.recallAtK, 3),
      ],
    ];
  });
  return [
    `### Query latency and build, side by side (k=${c.k}; ${c.timedQueries} timed queries = ${c.questions} FR+EN questions × distinct wordings, warm)`,
    '',
    table(['coverage', 'chunks', 'side', 'query p50 ms', 'p95 ms', 'build chunks/s', 'build total s', 'build peak RSS MB', `dense recall@${2 * c.k} vs exact`], rows),
  ].join('\n');
}

function renderCold(c: ColdStartResult): string {
  const row = (name: string, s: ColdStartResult['depeche'] | null) =>
    s ? [name, fixed(s.importedMs, 0), fixed(s.indexLoadedMs, 0), fixed(s.answeredMs, 0), fixed(s.wallMs, 0)] : [name, null, null, null, null];
  return [
    `### Cold start (median of ${c.depeche.runs.length} fresh processes; ms since process start)`,
    '',
    table(['side', 'modules imported', 'index loaded', 'first answer', 'spawn → exit'], [
      row('Dépêche (createEngine + ask)', c.depeche),
      row('peer (HNSWLib.load + similaritySearch)', c.peer),
      ['CLI `ask --json` (node --import tsx src/cli/main.ts)', null, null, null, fixed(c.cliWallMs, 0)],
    ]),
  ].join('\n');
}

function renderRuntime(r: EmbedRuntimeResult): string {
  const names: Record<VariantName, string> = {
    'xenova/pipeline': '@xenova/transformers, pipeline pooling (the embedder before runtime.ts)',
    'xenova/direct': '@xenova/transformers, runtime.ts pooling',
    'huggingface/pipeline': '@huggingface/transformers, pipeline pooling',
    'huggingface/direct': '@huggingface/transformers, runtime.ts pooling',
  };
  const summary = VARIANTS.map((v) => {
    const s = r.variants[v];
    return [names[v], s.version, fixed(s.loadMs, 0), fixed(s.queryP50Ms, 1), fixed(s.queryP95Ms, 1), `${fixed(s.passagesPerS, 1)} (batch ${s.bestBatch})`, fixed(s.peakRssMb, 0), fixed(s.agreement, 5)];
  });
  const batchSizes = r.variants['xenova/pipeline'].byBatch.map((b) => b.batchSize);
  const perBatch = VARIANTS.map((v) => [names[v], ...r.variants[v].byBatch.map((b) => fixed(b.perS, 1))]);
  const threadRows = r.threadRuns.map((run) => [
    `@huggingface/transformers, runtime.ts pooling, intraOpNumThreads=${run.threads}`,
    ...(run.variants[0]?.passages ?? []).map((p) => fixed(p.perS, 1)),
  ]);
  const x = r.ratios;
  return [
    `### Embedding runtime: Dépêche's embedding path on each transformers.js (${r.questions} queries one at a time, ${r.passages} seed passages; best of ${r.runs.length / 2} processes per runtime × 2 rounds each)`,
    '',
    table(['variant', 'version', 'import+load ms', 'query p50 ms', 'query p95 ms', 'passages/s (best batch)', 'peak RSS MB', 'min cosine vs pipeline'], summary),
    '',
    `Ratios: @huggingface ÷ @xenova (both pipeline): query p50 ${fixed(x.queryP50, 2) ?? '–'}×, passages/s ${fixed(x.passagesPerS, 2) ?? '–'}×, load ${fixed(x.loadMs, 2) ?? '–'}×. ` +
      `Pooling fix alone on @xenova: ${fixed(x.xenovaDirectGain, 2) ?? '–'}× passages/s. @huggingface + pooling fix vs the former embedder: ${fixed(x.bestVsToday, 2) ?? '–'}×. ` +
      `Best batch size vs batch 16 (the embedder's former default), @xenova pipeline: ${fixed(x.batchGain, 2) ?? '–'}×.`,
    '',
    'Passages/s by batch size (texts per model call; best round):',
    '',
    table(['variant', ...batchSizes.map((b) => `batch ${b}`)], [...perBatch, ...threadRows]),
  ].join('\n');
}

function renderScale(s: IndexScaleResult): string {
  const rows = s.rows.map((r) => [
    r.size,
    r.m,
    r.efConstruction,
    r.efSearch,
    fixed(r.buildS, 1),
    fixed(r.vectorsPerS, 0),
    fixed(r.rssDeltaMb, 0),
    fixed(r.fileMb, 1),
    fixed(r.p50Ms, 3),
    fixed(r.p95Ms, 3),
    fixed(r.recallAt10, 4),
  ]);
  const exact = table(
    ['vectors', 'exact search p50 ms', 'p95 ms'],
    s.exact.map((e) => [e.size, fixed(e.p50Ms, 2), fixed(e.p95Ms, 2)]),
  );
  return [
    `### Vector index scale curve (hnswlib-node, cosine, dim ${s.dim}, ${s.distribution} synthetic vectors, ${s.queries} queries, recall@${s.k} vs exact)`,
    '',
    table(['vectors', 'M', 'efC', 'efSearch', 'build s', 'vectors/s', 'RSS Δ MB', 'file MB', 'search p50 ms', 'p95 ms', 'recall@10'], rows),
    '',
    'Exact brute-force search (JS dot products over a Float32Array), the recall reference:',
    '',
    exact,
    '',
    s.chosen
      ? `**Chosen:** M=${s.chosen.m}, efConstruction=${s.chosen.efConstruction}, efSearch=${s.chosen.efSearch}. ${s.why}`
      : `**No setting met the targets** (recall@10 ≥ ${RECALL_TARGET}, p50 ≤ ${P50_TARGET_MS} ms): ${s.why}`,
  ].join('\n');
}

/** Cold start to first answer s (CPU s of all threads; RSS MB after it). */
function coldCell(c: { coldStartMs?: number; coldStartCpuMs?: number; coldStartRssMb?: number } | undefined): string {
  if (c?.coldStartMs === undefined) return '–';
  const extra = [c.coldStartCpuMs === undefined ? null : `CPU ${fixed(c.coldStartCpuMs / 1000, 1)}`, c.coldStartRssMb === undefined ? null : `${fixed(c.coldStartRssMb, 0)} MB`].filter(Boolean);
  return `${fixed(c.coldStartMs / 1000, 1)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function renderStore(s: StoreScaleResult): string {
  const cell = (v: number | undefined, digits: number) => (v === undefined ? '–' : fixed(v, digits));
  const rows = s.rows.map((r) => [
    `${r.passages}${r.lexicalOnly ? ' (lexical only)' : ''}${r.reusedBuild ? ' (kept store¹)' : ''}`,
    r.articles,
    fixed(r.passagesPerS, 0),
    cell(r.publishMs === undefined ? undefined : r.publishMs / 1000, 0),
    fixed(r.peakRssMb, 0),
    fixed(r.diskMb, 0),
    coldCell(r),
    coldCell(r.coldStartWithoutHugePages),
    cell(r.inMemoryMs === undefined ? undefined : r.inMemoryMs / 1000, 1),
    cell(r.servingRssMb, 0),
    cell(r.lexicalOnly ? r.askP50Ms : undefined, 2),
    cell(r.lexicalP50Ms, 2),
    cell(r.askMinusModelP50Ms, 2),
    cell(r.ingestMs, 0),
    cell(r.removeMs, 0),
    r.ingestStallMs === undefined ? '–' : `${fixed(r.ingestStallMs, 0)}${r.firstIngestStallMs === undefined ? '' : ` (first ${fixed(r.firstIngestStallMs, 0)})`} / ${fixed(r.removeStallMs ?? 0, 0)}`,
    r.reloadMs === undefined ? '–' : `${fixed(r.reloadMs / 1000, 1)} s / ${fixed(r.reloadStallMs ?? 0, 0)} ms`,
    r.loadAverage ? `${fixed(r.loadAverage.start, 1)} → ${fixed(r.loadAverage.end, 1)}` : '–',
  ]);
  const failed = s.rows.filter((r) => r.error).map((r) => `- ${r.passages} passages: ${r.error}`);
  const kept = s.rows.filter((r) => r.reusedBuild).map((r) => `- ¹ ${r.passages} passages: served from a store kept by an earlier run (\`--store-keep\`), built ${r.reusedBuild!.builtAt.slice(0, 16).replace('T', ' ')} UTC at ${r.reusedBuild!.commit ?? 'an unknown commit'}; its build columns are that build's.`);
  return [
    `### Index store at scale (backend ${s.backend}; synthetic coverage written through the seam: recombined seed sentences, ${s.distribution ?? 'near-uniform (before session 4)'} ${s.dim}-d vectors; ${s.questions} questions)`,
    '',
    table(
      ['passages', 'articles', 'build passages/s', 'of which publish s', 'build peak RSS MB', 'disk MB', `cold start → first answer s (CPU s all threads, RSS)${s.hugePages === 'off' ? ', no huge pages' : ', huge pages'}`, 'same, no huge pages (GLIBC_TUNABLES hugetlb=0)', 'index wholly in memory s (from start)', 'serving RSS MB', 'first lexical ask p50 ms', 'lexical ask (third) p50 ms', 'ask − model p50 ms', 'ingest 1 article ms', 'remove ms', 'longest stall ingest (the process\'s first) / remove ms', 'reload / longest stall', 'load average start → end'],
      rows,
    ),
    ...(kept.length ? ['', ...kept] : []),
    ...(failed.length ? ['', ...failed] : []),
  ].join('\n');
}

function renderCorpus(c: CorpusScanResult): string {
  const rows = c.rows.map((r) => [
    r.articles,
    fixed(r.fullReadMs, 0),
    fixed(r.noopCachedMs, 0),
    `${fixed(r.fullReadMs / Math.max(r.noopCachedMs, 0.001), 0)}×`,
    fixed(r.catalogMs, 0),
    fixed(r.catalogCachedMs, 0),
    `${fixed(r.catalogMs / Math.max(r.catalogCachedMs, 0.001), 0)}×`,
  ]);
  return [
    '### Reading the corpus folder: every file vs the corpus cache (synthetic articles, files in the page cache)',
    '',
    table(['articles', 'no-op index: read all ms', 'cached ms', 'faster', 'duplicate check: read all ms', 'cached ms', 'faster'], rows),
  ].join('\n');
}

/** The Markdown printed at the end of a run and pasted into the README. */
export function renderReport(r: BenchResults): string {
  const parts = [
    `## Benchmark (${r.startedAt.slice(0, 10)}, ${Math.round(r.durationS)} s)`,
    '',
    `Machine: ${renderMachine(r.machine)}.`,
    `Model: \`${r.model.id}\` — ${r.model.label}.`,
  ];
  const headline = renderHeadline(r);
  if (headline) parts.push('', headline);
  if (r.compare) parts.push('', renderCompare(r.compare));
  if (r.cold) parts.push('', renderCold(r.cold));
  if (r.runtime) parts.push('', renderRuntime(r.runtime));
  if (r.scale) parts.push('', renderScale(r.scale));
  if (r.store) parts.push('', renderStore(r.store));
  if (r.corpus) parts.push('', renderCorpus(r.corpus));
  if (r.load) parts.push('', renderLoad(r.load));
  if (r.errors.length) parts.push('', '### Sections that failed', '', ...r.errors.map((e) => `- ${e.section}: ${e.message}`));
  return parts.join('\n');
}
