import type { Machine } from './lib/machine.js';
import { fixed, ratioCell, table } from './lib/markdown.js';
import type { IndexScaleResult } from './sections/index-scale.js';
import { P50_TARGET_MS, RECALL_TARGET } from './sections/index-scale.js';

/** Everything one `npm run bench` measured; written to bench/results/latest.json. */
export interface BenchResults {
  startedAt: string;
  durationS: number;
  machine: Machine;
  model: { id: string; dir: string | null; label: string };
  scale?: IndexScaleResult;
  errors: { section: string; message: string }[];
}

/** Human label for a model id: timings on random weights must say so. */
export function modelLabel(id: string): string {
  if (id === 'depeche/random-bert-full') return 'random-weight full-size model (multilingual-e5-small shape: 12 layers × 384, 250k vocab, int8)';
  if (id === 'depeche/tiny-bert') return 'tiny generated test model (timings not representative)';
  return id;
}

export function renderMachine(m: Machine): string {
  return `${m.nproc} cores (nproc), ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}`;
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

/** The Markdown printed at the end of a run and pasted into the README. */
export function renderReport(r: BenchResults): string {
  const parts = [
    `## Benchmark (${r.startedAt.slice(0, 10)})`,
    '',
    `Machine: ${renderMachine(r.machine)}.`,
    `Model: \`${r.model.id}\` — ${r.model.label}.`,
  ];
  if (r.scale) parts.push('', renderScale(r.scale));
  if (r.errors.length) parts.push('', '### Sections that failed', '', ...r.errors.map((e) => `- ${e.section}: ${e.message}`));
  return parts.join('\n');
}

export { ratioCell };
