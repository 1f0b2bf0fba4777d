import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { EngineError } from '../../engine/errors.js';
import type { Engine, SearchMode } from '../../engine/types.js';
import { answerToJson } from '../answer-json.js';
import { CliError } from '../cli-error.js';
import { ANSI, PLAIN, formatAnswer } from '../format-answer.js';
import { jsonLine } from '../terminal-text.js';

export const usage = `Usage: npm run ask -- [--k N] [--json] [--mode hybrid|lexical|dense] "question"
       npm run ask -- --batch FILE|-   (JSONL lines {"id": ..., "question": ...}; JSONL out)`;

export interface CliContext {
  engine: () => Promise<Engine>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
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
    const engine = await ctx.engine();
    let failed = 0;
    for await (const { line, text } of batchLines(values.batch, ctx.stdin)) {
      let item: { id?: unknown; question?: unknown };
      try {
        item = JSON.parse(text) as typeof item;
      } catch {
        failed++;
        ctx.stdout.write(`${jsonLine({ line, error: 'not valid JSON' })}\n`);
        continue;
      }
      try {
        const answer = await engine.ask(item.question as string, options);
        ctx.stdout.write(`${jsonLine(answerToJson(answer, item.id))}\n`);
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        failed++;
        ctx.stdout.write(`${jsonLine({ ...(item.id !== undefined ? { id: item.id } : {}), question: item.question ?? null, error: err.message })}\n`);
      }
    }
    return failed ? 1 : 0;
  }

  const question = positionals.join(' ');
  if (!question.trim()) throw new CliError(`No question given.\n${usage}`, 2);
  const engine = await ctx.engine();
  const answer = await engine.ask(question, options);
  if (values.json) ctx.stdout.write(`${jsonLine(answerToJson(answer))}\n`);
  else ctx.stdout.write(`${formatAnswer(answer, ctx.stdout.isTTY ? ANSI : PLAIN)}\n`);
  return 0;
}
