/**
 * Bulk vector builds side by side: the vector builder (a live HNSW index on a worker thread, fed
 * as commits land) against checkpoints as before session 4 (each re-reads the previous one and
 * inserts the log on the writer's thread), on the same synthetic passages, each build and each
 * load in its own process. Prints a table and writes JSON.
 *
 *   npx tsx scripts/vector-build.ts [--sizes 20000,100000] [--modes builder,checkpoints]
 *     [--vectors clustered|uniform] [--corpus corpus] [--out bench/results/vector-build.json]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runWorker } from '../bench/lib/child.js';
import { describeMachine } from '../bench/lib/machine.js';
import { fixed, table } from '../bench/lib/markdown.js';
import type { VectorDistribution } from '../bench/lib/vectors.js';
import type { VectorBuildInput, VectorBuildOutput, VectorServeOutput } from '../bench/workers/vector-build.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20000,100000' },
    modes: { type: 'string', default: 'builder,checkpoints' },
    vectors: { type: 'string', default: 'clustered' },
    corpus: { type: 'string', default: 'corpus' },
    out: { type: 'string', default: 'bench/results/vector-build.json' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const modes = values.modes.split(',') as VectorBuildInput['mode'][];
const distribution = values.vectors as VectorDistribution;
const workDir = path.join(os.tmpdir(), `depeche-vector-build-${process.pid}`);

type Row = { mode: VectorBuildInput['mode']; size: number } & Partial<VectorBuildOutput & VectorServeOutput> & { error?: string };
const rows: Row[] = [];
const startedAt = new Date().toISOString();
try {
  for (const size of sizes) {
    for (const mode of modes) {
      const input: VectorBuildInput = { phase: 'build', mode, passages: size, distribution, dim: 384, queries: 100, seedCorpus: values.corpus, dir: path.join(workDir, `${mode}-${size}`) };
      mkdirSync(input.dir, { recursive: true });
      const row: Row = { mode, size };
      try {
        const { result: built } = await runWorker<VectorBuildOutput>('vector-build', input, { verbose: true, nodeFlags: ['--max-old-space-size=8192'], timeoutMs: 60 * 60_000 });
        Object.assign(row, built);
        const { result: served } = await runWorker<VectorServeOutput>('vector-build', { ...input, phase: 'serve' }, { verbose: true, nodeFlags: ['--max-old-space-size=8192'] });
        Object.assign(row, served);
      } catch (err) {
        row.error = (err as Error).message.slice(0, 300);
      }
      rows.push(row);
      rmSync(input.dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const load = os.loadavg()[0]!;
const rendered = table(
  ['passages', 'vectors inserted', 'build s', 'passages/s', 'CPU s: all threads / writer thread', 'publish s', 'build peak RSS MB', 'load s', 'serving RSS MB', 'search p50 ms', 'recall@10'],
  rows.map((r) => [
    r.size,
    r.mode === 'builder' ? 'builder (worker thread)' : 'at checkpoints (before)',
    fixed(r.buildMs && r.buildMs / 1000, 1),
    fixed(r.buildMs && r.passages ? r.passages / (r.buildMs / 1000) : null, 0),
    r.cpuMs === undefined ? null : `${fixed(r.cpuMs / 1000, 1)} / ${fixed((r.mainThreadCpuMs ?? 0) / 1000, 1)}`,
    fixed(r.publishMs && r.publishMs / 1000, 1),
    fixed(r.peakRssMb, 0),
    fixed(r.loadMs && r.loadMs / 1000, 1),
    fixed(r.servingRssMb, 0),
    fixed(r.searchP50Ms, 2),
    r.error ? `failed: ${r.error}` : fixed(r.recallAt10, 3),
  ]),
);
process.stdout.write(`### Bulk vector builds (${distribution} 384-d vectors, HNSW defaults; load average ${load.toFixed(1)} at the end)\n\n${rendered}\n`);
mkdirSync(path.dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ startedAt, machine: describeMachine(), loadAverageAtEnd: load, distribution, rows }, null, 2)}\n`);
process.stdout.write(`\nResults: ${values.out}\n`);
