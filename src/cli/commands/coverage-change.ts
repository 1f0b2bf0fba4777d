import { userInfo } from 'node:os';
import { isIngestError } from '../../engine/ingest/ingest-error.js';
import type { IndexProgress } from '../../engine/types.js';
import { createIndexProgress } from '../progress.js';
import { terminalText } from '../terminal-text.js';

/** Who made a change from the terminal, for the audit log: the system user. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/**
 * Runs `change` for each target in turn (ingest or remove), with an index progress bar each:
 * prints the line it returns on stdout (a `problem` line on stderr, counted as a failure), or the
 * refusal on stderr, and goes on with the next. Returns the exit code: 1 if any target was
 * refused or has a problem. Unexpected errors propagate.
 */
export async function changeEach(
  targets: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  change: (target: string, onIndexProgress: (p: IndexProgress) => void) => Promise<string | { problem: string }>,
): Promise<number> {
  let failed = 0;
  for (const target of targets) {
    const progress = createIndexProgress(io.stderr as NodeJS.WriteStream);
    try {
      const outcome = await change(target, progress.update);
      if (typeof outcome === 'string') io.stdout.write(`${terminalText(outcome)}\n`);
      else {
        failed++;
        io.stderr.write(`${terminalText(outcome.problem)}\n`);
      }
    } catch (err) {
      // Anything else (a folder refusing writes, a bug) stops the run; runMain says why.
      if (!isIngestError(err)) throw err;
      failed++;
      io.stderr.write(`${terminalText(err.message)}\n`);
    } finally {
      progress.stop();
    }
  }
  return failed > 0 ? 1 : 0;
}
