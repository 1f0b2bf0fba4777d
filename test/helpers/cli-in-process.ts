import { PassThrough } from 'node:stream';
import { runMain } from '../../src/cli/main.js';

/** A CLI run in this process: its exit code once done, and what it has printed so far (readable while it runs). */
export interface CliRun {
  done: Promise<number>;
  out(): string;
  err(): string;
}

/** Runs `npm run <args>` through the CLI's own entry point with `env` as its whole environment and an empty stdin. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (d: Buffer) => (outText += d.toString()));
  err.on('data', (d: Buffer) => (errText += d.toString()));
  const done = runMain(args, { stdout: out as unknown as NodeJS.WriteStream, stderr: err, stdin: new PassThrough(), env });
  return { done, out: () => outText, err: () => errText };
}

/** Runs the CLI to the end: its exit code and everything it printed. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const run = startCli(args, env);
  const code = await run.done;
  return { code, out: run.out(), err: run.err() };
}
