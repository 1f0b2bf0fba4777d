import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { EngineError } from '../../engine/errors.js';
import type { Engine, EngineConfig, SearchMode } from '../../engine/types.js';
import { answerToJson } from '../answer-json.js';
import { CliError } from '../cli-error.js';
import { ANSI, PLAIN, formatAnswer } from '../format-answer.js';
import { jsonLine } from '../terminal-text.js';

export const usage = `Usage: npm run ask -- [--k N] [--json] [--mode hybrid|lexical|dense] "question"
       npm run ask -- --batch FILE|-   (JSONL lines {"id": ..., "question": ...}; JSONL out)`;

export interface CliContext {
  /**
   * The engine, created on first call; `overrides` apply to that creation only. `preloadModel`:
   * start loading the model while the index loads (the command will embed a question).
   */
  engine: (overrides?: Partial<EngineConfig>, hooks?: { preloadModel?: boolean }) => Promise<Engine>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
}

function parseK(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 20) throw new CliError(`--k must be a whole number from 1 to 20, got "${raw}".`, 2);
  return k;
}

function parseMode(raw: string | undefined): SearchMode | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'hybrid' && raw !== 'lexical' && raw !== 'dense') throw new CliError(`--mode must be hybrid, lexical or dense, got "${raw}".`, 2);
  return raw;
}

async function* batchLines(file: string, stdin: NodeJS.ReadableStream): AsyncGenerator<{ line: number; text: string }> {
  let input = stdin;
  if (file !== '-') {
    if ((await stat(file).catch(() => null))?.isDirectory()) throw new CliError(`Cannot read ${file}: it is a folder, not a JSONL file.`);
    const stream = createReadStream(file);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err: NodeJS.ErrnoException) => reject(new CliError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}.`)));
    });
    input = stream;
  }
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim()) yield { line, text };
  }
}

/** `ask`: answers one question, or a JSONL batch. Returns the exit code. */
export async function runAsk(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { k: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'string' }, mode: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const options = { k: parseK(values.k), mode: parseMode(values.mode) };

  if (values.batch !== undefined) {
    if (positionals.length) throw new CliError('Give either --batch or a question, not both.', 2);
    const engine = await engineFor(ctx, options.mode);
    let failed = 0;
    // Every line gets one output line, in order: its answer, or its refusal with its line number
    // (and id when it has one). One bad line never stops the others.
    for await (const { line, text } of batchLines(values.batch, ctx.stdin)) {
      let item: unknown;
      try {
        item = JSON.parse(text);
      } catch {
        failed++;
        ctx.stdout.write(`${jsonLine({ line, error: 'not valid JSON' })}\n`);
        continue;
      }
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        failed++;
        ctx.stdout.write(`${jsonLine({ line, error: 'not a JSON object like {"id": "q1", "question": "…"}' })}\n`);
        continue;
      }
      const { id, question } = item as { id?: unknown; question?: unknown };
      try {
        const answer = await engine.ask(question as string, options);
        ctx.stdout.write(`${jsonLine(answerToJson(answer, id))}\n`);
      } catch (err) {
        failed++;
        const error = err instanceof EngineError ? err.message : `unexpected error: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
        ctx.stdout.write(`${jsonLine({ line, ...(id !== undefined ? { id } : {}), question: excerpt(question), error })}\n`);
      }
    }
    return failed ? 1 : 0;
  }

  const question = positionals.join(' ');
  if (!question.trim()) throw new CliError(`No question given.\n${usage}`, 2);
  const engine = await engineFor(ctx, options.mode);
  const answer = await engine.ask(question, options);
  if (values.json) ctx.stdout.write(`${jsonLine(answerToJson(answer))}\n`);
  else ctx.stdout.write(`${ctx.stdout.isTTY ? formatAnswer(answer, ANSI, ctx.stdout.columns) : formatAnswer(answer, PLAIN)}\n`);
  return 0;
}

/**
 * `--mode lexical` needs no model and no vectors: the engine is opened in lexical mode, so an
 * index built with another model (or none) still answers. Otherwise the model loads while the
 * index does, as the bot's does: the question's embedding waits for it anyway.
 */
function engineFor(ctx: CliContext, mode: SearchMode | undefined): Promise<Engine> {
  return mode === 'lexical' ? ctx.engine({ mode: 'lexical' }) : ctx.engine(undefined, { preloadModel: true });
}

/** A refused line's question, echoed short: a 100 MB question must not make a 100 MB error line. */
function excerpt(question: unknown): string | null {
  if (typeof question !== 'string') return null;
  const chars = [...question];
  return chars.length <= EXCERPT_CHARS ? question : `${chars.slice(0, EXCERPT_CHARS).join('')}…`;
}
const EXCERPT_CHARS = 100;
