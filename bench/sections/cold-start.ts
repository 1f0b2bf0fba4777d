import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot, runWorker } from '../lib/child.js';
import { percentile } from '../lib/stats.js';
import type { ColdInput, ColdOutput } from '../workers/cold.js';
import type { ModelChoice } from '../lib/model-choice.js';

export interface ColdStartOptions extends ModelChoice {
  corpus: string;
  /** Dépêche index of the corpus, already built. */
  indexDir: string;
  /** The peer's saved store of the same corpus, when the side-by-side section made one. */
  peerDir: string | null;
  runs: number;
  k: number;
  verbose: boolean;
}

export interface ColdSide {
  /** Median over runs, ms from process start. */
  importedMs: number;
  indexLoadedMs: number;
  answeredMs: number;
  /** Spawn → exit, as a user waits for it (node + tsx start-up included). */
  wallMs: number;
  runs: ColdOutput[];
}

export interface ColdStartResult {
  question: string;
  depeche: ColdSide;
  peer: ColdSide | null;
  /** `npm run ask -- --json "…"` equivalent: `node --import tsx src/cli/main.ts ask --json`, spawn → exit. */
  cliWallMs: number;
  ratio: number | null;
}

export const COLD_QUESTION = 'Quel est le budget du projet Stargate ?';

function median(values: number[]): number {
  return percentile(values, 50);
}

function summarizeSide(runs: ColdOutput[], walls: number[]): ColdSide {
  return {
    importedMs: median(runs.map((r) => r.importedMs)),
    indexLoadedMs: median(runs.map((r) => r.indexLoadedMs)),
    answeredMs: median(runs.map((r) => r.answeredMs)),
    wallMs: median(walls),
    runs,
  };
}

/** Spawns the CLI as a user would run it and returns spawn → exit in ms. */
function timeCli(options: ColdStartOptions): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CORPUS_DIR: options.corpus,
    INDEX_DIR: options.indexDir,
    MODEL: options.model,
    SEARCH_MODE: 'hybrid',
  };
  if (options.modelDir) env.MODEL_DIR = options.modelDir;
  else delete env.MODEL_DIR;
  if (options.cacheDir) env.MODEL_CACHE_DIR = options.cacheDir;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'ask', '--json', COLD_QUESTION], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`CLI ask exited ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

/** Alternates Dépêche and peer cold starts (fresh process each), then the CLI. Medians of `runs`. */
export async function runColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const base = { question: COLD_QUESTION, corpusDir: options.corpus, model: options.model, modelDir: options.modelDir, cacheDir: options.cacheDir, k: options.k };
  const dep: ColdOutput[] = [];
  const depWall: number[] = [];
  const peer: ColdOutput[] = [];
  const peerWall: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    if (options.verbose) process.stderr.write(`cold start: run ${i + 1}/${options.runs}\n`);
    const d = await runWorker<ColdOutput>('cold', { ...base, side: 'depeche', indexDir: options.indexDir } satisfies ColdInput);
    dep.push(d.result);
    depWall.push(d.wallMs);
    if (options.peerDir) {
      const p = await runWorker<ColdOutput>('cold', { ...base, side: 'peer', indexDir: options.peerDir } satisfies ColdInput);
      peer.push(p.result);
      peerWall.push(p.wallMs);
    }
    cli.push(await timeCli(options));
  }
  const depeche = summarizeSide(dep, depWall);
  const peerSide = options.peerDir ? summarizeSide(peer, peerWall) : null;
  return {
    question: COLD_QUESTION,
    depeche,
    peer: peerSide,
    cliWallMs: median(cli),
    ratio: peerSide ? Math.round((depeche.answeredMs / peerSide.answeredMs) * 100) / 100 : null,
  };
}
