import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../engine/engine.js';
import { formatMisses, formatReport } from '../../engine/eval/format-report.js';
import { halfOf, parseEvalQuestions, type EvalQuestion } from '../../engine/eval/questions.js';
import { runEvalQuestions, type ModeRun } from '../../engine/eval/run-eval.js';
import { INDEX_BACKENDS } from '../../engine/index/create-store.js';
import type { Engine, EngineConfig, SearchMode } from '../../engine/types.js';
import { CliError } from '../cli-error.js';
import { createIndexProgress } from '../progress.js';
import type { CliContext } from './ask.js';

export const usage = `Usage: npm run eval -- --questions FILE [--corpus DIR [--index-dir DIR]] [--json OUT] [--k 5] [--modes hybrid,lexical,dense] [--verbose]
  --questions FILE  JSONL, one question a line: {"id","lang","question","sources","answer_contains"} or {…,"abstain":true}
  --corpus DIR      evaluate another coverage; it is indexed into .cache/eval-index/<hash>, never into embeddings/
  --index-dir DIR   where to keep that coverage's index instead
  --json OUT        also write the figures and per-question outcomes to OUT
  --verbose         also list each miss with the answer line it got
  --half a|b        only the odd (a) or even (b) lines of the file: tune on one half, check the other
  --backends LIST   grade each index backend side by side, e.g. local,lancedb (rows labelled "mode [backend]")`;

export interface EvalContext extends CliContext {
  /** The configuration the default engine was made from; `--corpus` swaps its folders. */
  config: Readonly<EngineConfig>;
}

const MODES: readonly SearchMode[] = ['hybrid', 'lexical', 'dense'];

/** Index folder for an evaluated corpus: one per (corpus folder, model), so runs never clash. */
export function evalIndexDir(corpusDir: string, model: string, root = '.cache/eval-index'): string {
  const hash = createHash('sha256').update(`${resolve(corpusDir)}\0${model}`).digest('hex').slice(0, 16);
  return resolve(root, hash);
}

function parseModes(raw: string | undefined): SearchMode[] {
  if (raw === undefined) return [...MODES];
  const modes = raw.split(',').map((m) => m.trim()).filter(Boolean);
  const bad = modes.find((m) => !(MODES as readonly string[]).includes(m));
  if (bad !== undefined || modes.length === 0) throw new CliError(`--modes must list hybrid, lexical or dense, got "${raw}".`, 2);
  return [...new Set(modes)] as SearchMode[];
}

function parseK(raw: string | undefined): number {
  if (raw === undefined) return 5;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 20) throw new CliError(`--k must be a whole number from 1 to 20, got "${raw}".`, 2);
  return k;
}

async function readQuestions(file: string): Promise<EvalQuestion[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message}.`);
  }
  try {
    return parseEvalQuestions(text);
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}.`);
  }
}

/** An engine over another corpus folder, with its index brought up to date (only changed articles are re-embedded). */
async function openCorpusEngine(config: Readonly<EngineConfig>, corpusDir: string, indexDir: string, stdout: NodeJS.WritableStream): Promise<Engine> {
  if (!existsSync(corpusDir) || !statSync(corpusDir).isDirectory()) throw new CliError(`--corpus ${corpusDir}: no such folder.`);
  const engine = await createEngine({ ...config, corpusDir: resolve(corpusDir), indexDir, mode: 'hybrid' });
  const progress = createIndexProgress();
  try {
    const report = await engine.reindex(progress.update);
    stdout.write(`Coverage ${corpusDir}: ${report.articles} articles, ${report.chunks} passages (index ${indexDir}).\n`);
    if (report.warning) stdout.write(`Warning: ${report.warning}\n`);
    for (const s of report.skipped) stdout.write(`Skipped ${s.file}: ${s.reason}\n`);
  } catch (err) {
    await engine.dispose();
    throw err;
  } finally {
    progress.stop();
  }
  return engine;
}

/** `eval`: grades answers to a question file in each search mode. Returns the exit code. */
export async function runEval(argv: string[], ctx: EvalContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      questions: { type: 'string' },
      corpus: { type: 'string' },
      'index-dir': { type: 'string' },
      json: { type: 'string' },
      k: { type: 'string' },
      modes: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      half: { type: 'string' },
      backends: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length) throw new CliError(`Unexpected argument "${positionals[0]}".\n${usage}`, 2);
  if (!values.questions) throw new CliError(`--questions FILE is required.\n${usage}`, 2);
  if (values['index-dir'] !== undefined && values.corpus === undefined) throw new CliError('--index-dir goes with --corpus.', 2);
  const k = parseK(values.k);
  const modes = parseModes(values.modes);
  if (values.half !== undefined && values.half !== 'a' && values.half !== 'b') throw new CliError(`--half is a or b, not "${values.half}".`, 2);
  const questions = values.half ? halfOf(await readQuestions(values.questions), values.half) : await readQuestions(values.questions);

  const corpus = values.corpus;
  if (values.backends !== undefined) {
    return evalBackends(ctx, parseBackends(values.backends), corpus, values['index-dir'], questions, { modes, k, verbose: values.verbose ?? false });
  }
  const own = corpus !== undefined
    ? await openCorpusEngine(ctx.config, corpus, resolve(values['index-dir'] ?? evalIndexDir(corpus, ctx.config.model)), ctx.stdout)
    : null;
  try {
    const engine = own ?? (await ctx.engine());
    const started = performance.now();
    const runs = await runEvalQuestions(engine, questions, { modes, k });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const answerable = questions.filter((q) => !q.abstain).length;
    ctx.stdout.write(
      `${questions.length} questions (${answerable} answerable, ${questions.length - answerable} to abstain on), k=${k}, model ${ctx.config.model}, ${seconds} s\n\n${formatReport(runs)}\n`,
    );
    if (values.verbose) ctx.stdout.write(`\n${formatMisses(runs, questions)}\n`);
    if (values.json !== undefined) {
      const out = {
        questions: resolve(values.questions),
        corpus: corpus !== undefined ? resolve(corpus) : ctx.config.corpusDir,
        model: ctx.config.model,
        k,
        runs,
      };
      try {
        await writeFile(values.json, `${JSON.stringify(out, null, 2)}\n`);
      } catch (err) {
        throw new CliError(`Cannot write ${values.json}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
      }
      ctx.stdout.write(`Wrote ${values.json}.\n`);
    }
    return 0;
  } finally {
    await own?.dispose();
  }
}


function parseBackends(raw: string): string[] {
  const list = [...new Set(raw.split(',').map((b) => b.trim()).filter(Boolean))];
  const unknown = list.find((b) => !INDEX_BACKENDS.includes(b));
  if (list.length === 0 || unknown !== undefined) throw new CliError(`--backends must list index backends among ${INDEX_BACKENDS.join(', ')}, got "${raw}".`, 2);
  return list;
}

/**
 * `--backends local,lancedb`: the same questions on each index backend, one table. The coverage is
 * indexed into each backend (for `--corpus`, LanceDB's copy sits next to the local one, in
 * `<index dir>-lancedb`); rows are labelled "mode [backend]".
 */
async function evalBackends(
  ctx: EvalContext,
  backends: string[],
  corpus: string | undefined,
  indexDirOption: string | undefined,
  questions: Awaited<ReturnType<typeof readQuestions>>,
  o: { modes: SearchMode[]; k: number; verbose: boolean },
): Promise<number> {
  const runs: ModeRun[] = [];
  const started = performance.now();
  for (const backend of backends) {
    let engine: Engine;
    if (corpus !== undefined) {
      const indexDir = resolve(indexDirOption ?? evalIndexDir(corpus, ctx.config.model));
      const config = { ...ctx.config, indexBackend: backend, lancedbUri: `${indexDir}-lancedb` };
      engine = await openCorpusEngine(config, corpus, indexDir, ctx.stdout);
    } else {
      engine = await createEngine({ ...ctx.config, indexBackend: backend });
      await engine.reindex();
    }
    try {
      const backendRuns = await runEvalQuestions(engine, questions, { modes: o.modes, k: o.k });
      // The report labels rows by mode: the backend goes into the label.
      const label = (m: string) => `${m} [${backend}]` as SearchMode;
      runs.push(...backendRuns.map((r) => ({ ...r, mode: label(r.mode), ...(r.answeredWith ? { answeredWith: label(r.answeredWith) } : {}) })));
    } finally {
      await engine.dispose();
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  ctx.stdout.write(`${questions.length} questions, k=${o.k}, model ${ctx.config.model}, backends ${backends.join(', ')}, ${seconds} s\n\n${formatReport(runs)}\n`);
  if (o.verbose) ctx.stdout.write(`\n${formatMisses(runs, questions)}\n`);
  return 0;
}
