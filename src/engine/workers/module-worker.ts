import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module next to the caller, from compiled output (`dist/…/x.js`)
 * as well as from source run through tsx or vitest (`src/…/x.ts`): the caller's own file
 * extension says which. A `.ts` worker gets tsx's loader, resolved from this package (not the
 * cwd), so it works whatever directory the process was started in.
 *
 * @example startModuleWorker(import.meta.url, './embed-worker', { workerData })
 */
export function startModuleWorker(callerUrl: string, relativePath: string, options: WorkerOptions = {}): Worker {
  const fromSource = /\.[mc]?ts$/.test(new URL(callerUrl).pathname);
  const url = new URL(`${relativePath}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const execArgv = fromSource ? ['--import', tsxLoader()] : [];
  return new Worker(url, { ...options, execArgv: [...execArgv, ...(options.execArgv ?? [])] });
}

let loader: string | null = null;
function tsxLoader(): string {
  loader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return loader;
}
