import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each measured side runs in its own Node process: peak RSS then belongs to that side alone,
 * and the two onnxruntime builds (@xenova/transformers 2 vs @huggingface/transformers 3)
 * never meet in one process (loading both crashes).
 */

const MARKER = '@@bench-result@@';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WorkerRun<T> {
  result: T;
  /** Wall time from spawn to exit, ms. */
  wallMs: number;
}

export interface WorkerOptions {
  timeoutMs?: number;
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Forward the worker's stderr (progress lines) to ours. */
  verbose?: boolean;
}

/** Runs `bench/workers/<name>.ts` with `input` and returns what it reported. */
export function runWorker<T>(name: string, input: unknown, options: WorkerOptions = {}): Promise<WorkerRun<T>> {
  const script = path.join(repoRoot, 'bench', 'workers', `${name}.ts`);
  const args = [...(options.nodeFlags ?? []), '--import', 'tsx', script, JSON.stringify(input)];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30 * 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.verbose) process.stderr.write(d);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
      if (code !== 0 || !line) {
        // The error's own lines, not its stack frames nor progress lines.
        const tail = stderr.trim().split('\n').filter((l) => !/^\s+(at |·)/.test(l)).slice(-3).join(' | ');
        reject(new Error(`bench worker ${name} failed (${signal ?? `exit ${code}`}): ${tail || 'no output'}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(MARKER.length)) as T, wallMs });
    });
  });
}

/** Worker side: parses the input, runs `fn`, prints the result for `runWorker`. */
export function workerMain<I, O>(fn: (input: I) => Promise<O> | O): void {
  const raw = process.argv[2];
  Promise.resolve()
    .then(() => fn(JSON.parse(raw ?? '{}') as I))
    .then((out) => {
      process.stdout.write(`${MARKER}${JSON.stringify(out)}\n`, () => process.exit(0));
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}

/** Progress line on stderr (stdout carries the result). */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
