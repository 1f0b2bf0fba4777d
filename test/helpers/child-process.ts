import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** Real processes for end-to-end tests: `npm start`, the CLI, each in its own process group. */

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Parsed JSON log lines written so far on stdout (other lines skipped). */
  logs: () => Record<string, any>[];
  /** Exit code, or the signal name when the process was ended by one. */
  exited: Promise<number | string | null>;
  /** Signals the whole process group (npm, the bot, its shard processes). */
  signal(sig: NodeJS.Signals): void;
}

const started: Run[] = [];

export function run(command: string, args: string[], env: Record<string, string>): Run {
  let out = '';
  let err = '';
  const child = spawn(command, args, {
    cwd: ROOT,
    // Its own process group, so a stop signal reaches npm and the bot as Ctrl-C or a process manager would.
    detached: true,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | string | null>((done) => child.on('exit', (code, signal) => done(code ?? signal)));
  const r: Run = {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, any>];
          } catch {
            return [];
          }
        }),
    exited,
    signal(sig) {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    },
  };
  started.push(r);
  return r;
}

/** Kills every process group these helpers started (for afterAll). */
export function killStarted(): void {
  for (const r of started.splice(0)) r.signal('SIGKILL');
}

export async function until(check: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
