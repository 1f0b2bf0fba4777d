import 'dotenv/config';
import { ConfigError, loadEngineConfig } from '../config.js';
import { createEngine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import type { Engine } from '../engine/types.js';
import { runAsk, type CliContext } from './commands/ask.js';
import { runEval, type EvalContext } from './commands/eval.js';
import { runIndex } from './commands/index.js';
import { runIngest, type IngestCliContext } from './commands/ingest.js';
import { runRemove } from './commands/remove.js';
import { isIngestError } from '../engine/ingest/ingest-error.js';
import { CliError } from './cli-error.js';
import { engineFolders, toStorageError, type KnownFolder } from '../engine/fs/storage-error.js';
import { terminalText } from './terminal-text.js';
import { createDownloadProgress, createIndexProgress } from './progress.js';

type Context = EvalContext & IngestCliContext;

const COMMANDS: Record<string, (argv: string[], ctx: Context) => Promise<number>> = {
  ask: runAsk,
  index: runIndex,
  eval: runEval,
  ingest: runIngest,
  remove: runRemove,
};

const USAGE = `Usage: depeche <command> [options]
Commands:
  ask "question"     answer from the coverage (--k N, --json, --batch FILE, --mode)
  index              bring the index up to date with the corpus (--rebuild)
  eval               grade answers to a question file (--questions FILE, --corpus DIR, --json OUT)
  ingest <url|file>  add articles to the corpus and the index
  remove <id>        take articles out of the corpus and the index
Settings come from the environment or .env (see .env.example).`;

/** Runs one CLI command and returns its exit code. Every expected failure is printed as one line. */
export async function runMain(argv: string[], io: { stdout: CliContext['stdout']; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream; env?: NodeJS.ProcessEnv }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`${name ? `Unknown command "${name}".\n` : ''}${USAGE}\n`);
    return 2;
  }
  let engine: Engine | null = null;
  let folders: KnownFolder[] = [];
  const download = createDownloadProgress();
  try {
    const config = loadEngineConfig(io.env ?? process.env);
    folders = engineFolders(config, name === 'index' ? 'index' : 'corpus');
    const index = createIndexProgress();
    const ctx: Context = {
      config,
      env: io.env ?? process.env,
      stderr: io.stderr,
      stdout: io.stdout,
      stdin: io.stdin,
      // With MODEL_DIR nothing is downloaded: transformers.js still reports reading the local
      // files as "download", which must not be shown as one.
      engine: async (overrides, hooks) =>
        (engine ??= await createEngine(
          { ...config, ...overrides },
          { onDownloadProgress: config.modelDir ? undefined : download.update, onIndexProgress: index.update, preloadModel: hooks?.preloadModel === true },
        )),
    };
    return await command(rest, ctx);
  } catch (err) {
    if (err instanceof CliError || err instanceof EngineError || err instanceof ConfigError || isIngestError(err)) {
      io.stderr.write(`${terminalText(err.message)}\n`);
      return err instanceof CliError ? err.exitCode : 1;
    }
    // A full disk, a read-only or forbidden folder: one line naming the folder and the fix.
    const storage = toStorageError(err, folders);
    if (storage) {
      io.stderr.write(`${storage.message}\n`);
      return 1;
    }
    // node:util parseArgs: our own one line, not its advice about '--'.
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      io.stderr.write(`${argsProblem(err as Error)} Run "npm run ${name} -- --help" for its options.\n`);
      return 2;
    }
    throw err;
  } finally {
    download.stop();
    await (engine as Engine | null)?.dispose();
  }
}

/** parseArgs' message, first sentence only ("Unknown option '--foo'."), without its advice. */
function argsProblem(err: Error): string {
  const first = err.message.split('\n')[0]!;
  const sentence = first.match(/^.*?[.](?=\s|$)/)?.[0] ?? first;
  return terminalText(sentence.endsWith('.') ? sentence : `${sentence}.`);
}

/** Runs the command named by this process's arguments, with the process's own stdio and exit code. */
export function runFromCommandLine(): void {
  // `npm run ask … | head -1`: the reader left; stop quietly, as other command-line tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  runMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`Unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

// Run when executed directly (`node dist/cli/main.js …`; the npm scripts go through start.js), not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}`) runFromCommandLine();
