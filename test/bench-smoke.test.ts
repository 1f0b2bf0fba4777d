import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionVariant, timedQuestions } from '../bench/lib/question-variants.js';
import { percentile, ratio } from '../bench/lib/stats.js';
import { exactTopK, generateVectors, recallAtK } from '../bench/lib/vectors.js';
import type { BenchResults } from '../bench/report.js';
import { chooseDefaults, type IndexScaleRow } from '../bench/sections/index-scale.js';
import { BENCH_QUESTIONS } from '../bench/questions.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID, ensureTinyModel } from './helpers/tiny-model.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('bench helpers', () => {
  it('interpolates percentiles and returns NaN for no samples', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([], 50)).toBeNaN();
    expect(ratio(1, 0)).toBeNull();
  });

  it('finds the exact nearest neighbours and scores recall against them', () => {
    const { base, queries } = generateVectors('clustered', 500, 5, 32, 3);
    for (let i = 0; i < base.count; i += 97) {
      let norm = 0;
      for (let j = 0; j < 32; j++) norm += base.data[i * 32 + j]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
    const q = queries.data.subarray(0, 32);
    const top = exactTopK(base, q, 10);
    const score = (i: number) => base.data.subarray(i * 32, i * 32 + 32).reduce((s, v, j) => s + v * q[j]!, 0);
    const all = Array.from({ length: base.count }, (_, i) => i).sort((a, b) => score(b) - score(a));
    expect(top).toEqual(all.slice(0, 10));
    expect(recallAtK(top.slice(0, 5), top)).toBe(0.5);
    expect(recallAtK([-1], top)).toBe(0);
  });

  it('times every question in distinct wordings so the query cache never answers', () => {
    const timed = timedQuestions(BENCH_QUESTIONS, 4);
    expect(timed).toHaveLength(BENCH_QUESTIONS.length * 4);
    expect(new Set(timed).size).toBe(timed.length);
    expect(questionVariant('Quel budget ?', 'fr', 0)).toBe('Quel budget ?');
    expect(BENCH_QUESTIONS.some((q) => q.lang === 'fr') && BENCH_QUESTIONS.some((q) => q.lang === 'en')).toBe(true);
  });

  it('picks the cheapest build among settings that meet recall and latency at every size (ties: the best graph), with ef headroom', () => {
    const row = (size: number, m: number, efConstruction: number, efSearch: number, p50Ms: number, recallAt10: number, vectorsPerS = 1000): IndexScaleRow => ({
      size, m, efConstruction, efSearch, buildS: 1, vectorsPerS, rssDeltaMb: 1, fileMb: 1, p50Ms, p95Ms: p50Ms, recallAt10,
    });
    const rows = [
      // M=8 passes everywhere and is fastest, but is never chosen.
      row(1000, 8, 100, 16, 0.01, 1), row(10000, 8, 100, 16, 0.02, 1), row(1000, 8, 100, 32, 0.02, 1), row(10000, 8, 100, 32, 0.03, 1),
      // efConstruction 100: faster search, weaker graph (0.95 at efSearch 16).
      row(1000, 16, 100, 16, 0.03, 0.99), row(10000, 16, 100, 16, 0.04, 0.95),
      row(1000, 16, 100, 32, 0.04, 1), row(10000, 16, 100, 32, 0.06, 0.995),
      // efConstruction 200: better graph (0.97 at efSearch 16), passes from efSearch 32.
      row(1000, 16, 200, 16, 0.03, 0.99), row(10000, 16, 200, 16, 0.05, 0.97),
      row(1000, 16, 200, 32, 0.04, 1), row(10000, 16, 200, 32, 0.07, 0.995),
      row(1000, 16, 200, 64, 0.05, 1), row(10000, 16, 200, 64, 0.1, 1),
      // M=32 misses the latency target at 10k.
      row(1000, 32, 200, 16, 0.05, 1), row(10000, 32, 200, 16, 1.5, 1),
    ];
    // Equal build rates: the better graph wins.
    const { chosen, why } = chooseDefaults(rows, [1000, 10000]);
    expect(chosen).toEqual({ m: 16, efConstruction: 200, efSearch: 64 });
    expect(why).toContain('recall 0.970 at 10000 vectors with efSearch=16');
    // efConstruction 200 building 2.4× slower (as measured at 100k): the cheaper build wins.
    const slower = rows.map((r) => (r.efConstruction === 200 && r.m === 16 ? { ...r, vectorsPerS: 1000 / 2.4 } : r));
    expect(chooseDefaults(slower, [1000, 10000]).chosen).toEqual({ m: 16, efConstruction: 100, efSearch: 32 });
    expect(chooseDefaults(rows.map((r) => ({ ...r, recallAt10: 0.5 })), [1000, 10000]).chosen).toBeNull();
  });
});

describe('npm run bench (tiny model, tiny sizes)', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  let results: BenchResults;

  beforeAll(async () => {
    await ensureTinyModel();
    out = mkdtempSync(join(tmpdir(), 'depeche-bench-smoke-'));
    run = spawnSync(
      process.execPath,
      [
        '--import', 'tsx', 'bench/run.ts',
        '--model', TINY_MODEL_ID, '--model-dir', TINY_MODEL_DIR, '--corpus', 'corpus',
        '--sizes', '300,600', '--index-settings', '8:50,16:100', '--ef', '16,64', '--index-queries', '20',
        '--synthetic-articles', '3', '--repeat', '1', '--cold-runs', '1', '--rounds', '1', '--threads', '1',
        '--batch-sizes', '1,8', '--out', join(out, 'latest.json'), '--quiet',
      ],
      // ~90 s alone; 170 s was passed at load 15 (a CI rehearsal beside six developers).
      { cwd: ROOT, encoding: 'utf8', timeout: 480_000 },
    );
    results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResults;
  }, 500_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every section without error and prints the Markdown table', () => {
    expect(results.errors).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('| measure | Dépêche | peer (LangChain HNSWLib) | ratio / target |');
    expect(run.stdout).toContain('tiny generated test model');
    expect(results.machine.nproc).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
  });

  it('measures both sides on the same chunks, with sane latencies, throughput and recall', () => {
    const coverages = results.compare!.coverages;
    expect(coverages.map((c) => c.name)).toEqual(['seed', 'synthetic']);
    for (const c of coverages) {
      expect(c.chunks).toBeGreaterThan(0);
      expect(c.peer.build.chunks).toBe(c.depeche.build.chunks);
      const ask = c.depeche.query!.ask;
      expect(ask.n).toBe(BENCH_QUESTIONS.length);
      expect(ask.p50Ms).toBeGreaterThan(0);
      expect(ask.p95Ms).toBeGreaterThanOrEqual(ask.p50Ms);
      expect(ask.p50Ms).toBeLessThan(5000);
      expect(c.peer.query!.search.p50Ms).toBeGreaterThan(0);
      expect(c.depeche.build.chunksPerS).toBeGreaterThan(0);
      expect(c.depeche.build.peakRssMb).toBeGreaterThan(50);
      for (const recall of [c.depeche.exact!.recallAtK, c.peer.exact!.recallAtK]) {
        expect(recall).toBeGreaterThanOrEqual(0);
        expect(recall).toBeLessThanOrEqual(1);
      }
      expect(c.ratios.queryP50).toBeGreaterThan(0);
      expect(c.ratios.buildRate).toBeGreaterThan(0);
    }
  });

  it('times the cold start from process start to a first answer', () => {
    const cold = results.cold!;
    expect(cold.depeche.importedMs).toBeGreaterThan(0);
    expect(cold.depeche.answeredMs).toBeGreaterThan(cold.depeche.importedMs);
    expect(cold.depeche.wallMs).toBeGreaterThan(cold.depeche.answeredMs);
    expect(cold.depeche.runs[0]!.passages).toBeGreaterThanOrEqual(0);
    expect(cold.peer!.answeredMs).toBeGreaterThan(0);
    expect(cold.cliWallMs).toBeGreaterThan(0);
  });

  it('times the embedder on both transformers.js runtimes in separate processes', () => {
    const rt = results.runtime!;
    expect(rt.variants['xenova/pipeline'].version).toBe('2.17.2');
    expect(rt.variants['huggingface/pipeline'].version).toMatch(/^3\./);
    expect(rt.runs.map((r) => r.runtime)).toEqual(['xenova', 'huggingface']);
    expect(rt.runs.every((r) => r.variants.map((v) => v.pooling).join() === 'pipeline,direct')).toBe(true);
    expect(new Set(rt.runs.map((r) => r.dimension)).size).toBe(1);
    // runtime.ts pooling gives the pipeline's vectors, on both runtimes.
    expect(rt.variants['xenova/direct'].agreement).toBeGreaterThan(0.9999);
    expect(rt.variants['huggingface/direct'].agreement).toBeGreaterThan(0.9999);
    expect(rt.threadRuns.map((r) => r.threads)).toEqual([1]);
    for (const v of [...rt.runs, ...rt.threadRuns].flatMap((r) => r.variants)) {
      expect(v.passages.map((p) => p.batchSize)).toEqual([1, 8]);
      expect(v.passages.every((p) => p.perS > 0)).toBe(true);
      expect(v.query.p50Ms).toBeGreaterThan(0);
    }
  });

  it('draws the index scale curve for every size, setting and efSearch', () => {
    const scale = results.scale!;
    expect(scale.rows).toHaveLength(2 * 2 * 2);
    expect(scale.exact.map((e) => e.size)).toEqual([300, 600]);
    for (const r of scale.rows) {
      expect(r.recallAt10).toBeGreaterThanOrEqual(0);
      expect(r.recallAt10).toBeLessThanOrEqual(1);
      expect(r.p95Ms).toBeGreaterThanOrEqual(r.p50Ms);
      expect(r.fileMb).toBeGreaterThan(0);
    }
    // More candidates searched cannot find fewer true neighbours on the same graph.
    const at = (m: number, ef: number) => scale.rows.find((r) => r.size === 600 && r.m === m && r.efSearch === ef)!.recallAt10;
    expect(at(16, 64)).toBeGreaterThanOrEqual(at(16, 16));
  });

  it('rejects an unknown section with a one-line reason and exit code 2', () => {
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--sections', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('--sections: unknown "nope", must be among compare, cold, runtime, scale, store, load, corpus');
  });
});
