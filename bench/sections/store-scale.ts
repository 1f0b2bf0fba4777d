import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { runWorker } from '../lib/child.js';
import { loadSentencePool, syntheticQuestions } from '../lib/synthetic-store.js';
import type { VectorDistribution } from '../lib/vectors.js';
import type { StoreBuildOutput, StoreColdOutput, StoreScaleInput, StoreServeOutput } from '../workers/store-scale.js';

/**
 * Serving with glibc's malloc asking for huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, what
 * `npm start` and the CLI scripts set, src/launch/huge-pages.ts), without, or 'both': the full
 * serve with them and, just before it, a second serving process measuring only its cold start
 * without them, side by side.
 */
export type HugePagesChoice = 'on' | 'off' | 'both';

export interface StoreScaleOptions {
  sizes: number[];
  /** Sizes built without vectors (lexical-only store and asks). */
  lexicalSizes?: number[];
  dim: number;
  /** Synthetic vector distribution (`--vectors`): clustered (embedding-like, default) or uniform (HNSW's worst case). */
  distribution?: VectorDistribution;
  seedCorpus: string;
  questions: number;
  workDir: string;
  /**
   * `--store-keep`: built stores live here and are kept, and a size already built here with the
   * same settings is served again instead of rebuilt (a 1M build is ~25 min of a 2-core machine).
   */
  keepDir?: string | null;
  /** Default 'both'. */
  hugePages?: HugePagesChoice;
  verbose: boolean;
}

/** What a kept store was built from and how long that took (`build.json` beside it). */
interface KeptBuild {
  settings: { passages: number; vectors: boolean; dim: number; distribution: VectorDistribution; seedCorpus: string };
  commit: string | null;
  builtAt: string;
  built: StoreBuildOutput;
}

function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Waits while another run is building this kept store (`store-N.building` names its pid): a
 * second build would delete the first one's folder. Returns once it is gone.
 */
async function waitForOtherBuild(dir: string, verbose: boolean): Promise<void> {
  const marker = `${dir}.building`;
  for (let told = false; existsSync(marker); ) {
    const pid = Number(readFileSync(marker, 'utf8').trim());
    // Done when its build.json is written (a build removes the previous one before it starts), or when that run is gone.
    if (!Number.isInteger(pid) || pid === process.pid || !alive(pid) || existsSync(path.join(dir, 'build.json'))) return;
    if (verbose && !told) process.stderr.write(`store scale: waiting for run ${pid} to finish building ${dir}\n`);
    told = true;
    await sleep(15_000);
  }
}

/**
 * Reads every file of a store's index once (into one reused buffer), so that each serving process
 * starts from the same page cache: a cold start here measures a fresh process, not the disk,
 * and the first of two side-by-side processes does not warm the cache for the second.
 */
function warmPageCache(indexDir: string): number {
  const buffer = Buffer.allocUnsafe(16 << 20);
  let bytes = 0;
  for (const name of readdirSync(indexDir, { recursive: true })) {
    const file = path.join(indexDir, String(name));
    if (!statSync(file).isFile()) continue;
    const fd = openSync(file, 'r');
    try {
      for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return bytes;
}

function readKept(dir: string, settings: KeptBuild['settings']): KeptBuild | null {
  const file = path.join(dir, 'build.json');
  if (!existsSync(file)) return null;
  const kept = JSON.parse(readFileSync(file, 'utf8')) as KeptBuild;
  return JSON.stringify(kept.settings) === JSON.stringify(settings) ? kept : null;
}

export interface StoreScaleRow extends StoreBuildOutput, Partial<StoreServeOutput> {
  passagesPerS: number;
  /** The machine's 1-minute load average when this size started and when it was done (the machine is shared). */
  loadAverage?: { start: number; end: number };
  /** Served from a store kept by an earlier run (`--store-keep`): the build figures are that run's. */
  reusedBuild?: { commit: string | null; builtAt: string };
  /** Built and served without vectors. */
  lexicalOnly?: boolean;
  /** Why serving could not be measured at this size, when it could not. */
  error?: string;
  /** Whether the full serve ran with huge pages. */
  hugePages?: boolean;
  /** With `hugePages: 'both'`: the cold start of a serving process without them, run just before the full serve. */
  coldStartWithoutHugePages?: StoreColdOutput;
}

export interface StoreScaleResult {
  backend: string;
  hugePages?: HugePagesChoice;
  dim: number;
  distribution?: VectorDistribution;
  questions: number;
  rows: StoreScaleRow[];
}

/**
 * The whole index store at growing sizes, on a synthetic coverage written through the seam:
 * each size built in one process and served in another (so RSS and cold start are the server's own).
 */
export async function runStoreScale(options: StoreScaleOptions): Promise<StoreScaleResult> {
  const rows: StoreScaleRow[] = [];
  // Made here once: a serving process's cold start must not include analysing the seed coverage.
  const askQuestions = syntheticQuestions(await loadSentencePool(options.seedCorpus), options.questions, 5);
  const runs = [...options.sizes.map((passages) => ({ passages, vectors: true })), ...(options.lexicalSizes ?? []).map((passages) => ({ passages, vectors: false }))];
  for (const { passages, vectors } of runs) {
    const distribution = options.distribution ?? 'clustered';
    const dir = path.join(options.keepDir ?? options.workDir, `store-${passages}${vectors ? '' : '-lexical'}`);
    const base: Omit<StoreScaleInput, 'phase'> = { passages, vectors, dim: options.dim, distribution, seedCorpus: options.seedCorpus, dir, questions: options.questions };
    const settings: KeptBuild['settings'] = { passages, vectors, dim: options.dim, distribution, seedCorpus: options.seedCorpus };
    const loadStart = loadavg()[0]!;
    if (options.keepDir) await waitForOtherBuild(dir, options.verbose);
    const kept = options.keepDir ? readKept(dir, settings) : null;
    if (options.verbose) process.stderr.write(`store scale: ${passages} passages${kept ? ` (kept store built ${kept.builtAt} at ${kept.commit ?? '?'}, not rebuilt)` : ''}\n`);
    const heap = ['--max-old-space-size=16384'];
    let built: StoreBuildOutput;
    try {
      if (kept) built = kept.built;
      else {
        if (options.keepDir) {
          rmSync(path.join(dir, 'build.json'), { force: true });
          mkdirSync(options.keepDir, { recursive: true });
          writeFileSync(`${dir}.building`, `${process.pid}\n`);
        }
        try {
          ({ result: built } = await runWorker<StoreBuildOutput>('store-scale', { ...base, phase: 'build' }, { verbose: options.verbose, nodeFlags: heap, timeoutMs: 90 * 60_000 }));
          if (options.keepDir) writeFileSync(path.join(dir, 'build.json'), `${JSON.stringify({ settings, commit: headCommit(), builtAt: new Date().toISOString(), built } satisfies KeptBuild, null, 2)}\n`);
        } finally {
          if (options.keepDir) rmSync(`${dir}.building`, { force: true });
        }
      }
    } catch (err) {
      // A size that cannot be built here (time, memory) must not lose the other sizes' rows.
      rows.push({ passages, articles: 0, buildMs: 0, peakRssMb: 0, diskMb: 0, passagesPerS: 0, lexicalOnly: !vectors, loadAverage: { start: loadStart, end: loadavg()[0]! }, error: `build: ${(err as Error).message.slice(0, 300)}` });
      continue;
    }
    const row: StoreScaleRow = { ...built, lexicalOnly: !vectors, passagesPerS: built.passages / (built.buildMs / 1000), ...(kept ? { reusedBuild: { commit: kept.commit, builtAt: kept.builtAt } } : {}) };
    const hugePages = options.hugePages ?? 'both';
    // Set either way: the bench itself may run with the tunable in its environment.
    const tunable = (on: boolean) => ({ GLIBC_TUNABLES: `glibc.malloc.hugetlb=${on ? 1 : 0}` });
    try {
      const warm = Date.now();
      const warmed = warmPageCache(path.join(dir, 'index'));
      if (options.verbose) process.stderr.write(`store scale: read the index once (${Math.round(warmed / 2 ** 20)} MB, ${((Date.now() - warm) / 1000).toFixed(1)} s) so both serving processes start from the page cache\n`);
      if (hugePages === 'both') {
        const { result: cold } = await runWorker<StoreColdOutput>('store-scale', { ...base, phase: 'cold', askQuestions }, { verbose: options.verbose, nodeFlags: heap, env: tunable(false), timeoutMs: 30 * 60_000 });
        row.coldStartWithoutHugePages = cold;
        warmPageCache(path.join(dir, 'index'));
      }
      row.hugePages = hugePages !== 'off';
      const { result: served } = await runWorker<StoreServeOutput>('store-scale', { ...base, phase: 'serve', askQuestions }, { verbose: options.verbose, nodeFlags: heap, env: tunable(row.hugePages), timeoutMs: 30 * 60_000 });
      Object.assign(row, served);
    } catch (err) {
      row.error = `serving: ${(err as Error).message.slice(0, 300)}`;
    }
    row.loadAverage = { start: loadStart, end: loadavg()[0]! };
    if (options.verbose) process.stderr.write(`store scale: ${passages} passages done, load average ${loadStart.toFixed(1)} at start, ${row.loadAverage.end.toFixed(1)} at end\n`);
    rows.push(row);
  }
  return { backend: 'local', hugePages: options.hugePages ?? 'both', dim: options.dim, distribution: options.distribution ?? 'clustered', questions: options.questions, rows };
}
