import { parseArgs } from 'node:util';
import { createEngine } from '../../engine/engine.js';
import { INDEX_BACKENDS } from '../../engine/index/create-store.js';
import type { Engine, EngineConfig } from '../../engine/types.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from './ask.js';
import { createIndexProgress } from '../progress.js';
import { terminalText } from '../terminal-text.js';

export const usage = `Usage: npm run index -- [--rebuild] [--backend local|lancedb]   (brings the index up to date with corpus/)
  --backend NAME  index into this backend instead of INDEX_BACKEND's, e.g. lancedb (at LANCEDB_URI) to move a coverage there`;

/** `index`: incremental update of the index (or a full rebuild). Returns the exit code. */
export async function runIndex(argv: string[], ctx: CliContext & { config?: Readonly<EngineConfig> }): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { rebuild: { type: 'boolean' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const backend = values.backend;
  if (backend !== undefined && (!INDEX_BACKENDS.includes(backend) || !ctx.config)) {
    throw new CliError(`--backend must be one of ${INDEX_BACKENDS.join(', ')}, got "${backend}".`, 2);
  }
  // Another backend: the corpus is indexed into it from the article files (the model embeds them again).
  const own: Engine | null = backend !== undefined && backend !== ctx.config!.indexBackend ? await createEngine({ ...ctx.config!, indexBackend: backend }) : null;
  try {
    return await indexWith(own ?? (await ctx.engine()), values.rebuild ?? false, ctx);
  } finally {
    await own?.dispose();
  }
}

async function indexWith(engine: Engine, rebuild: boolean, ctx: CliContext): Promise<number> {
  const progress = createIndexProgress();
  const started = performance.now();
  const report = await engine.reindex(progress.update, { rebuild }).finally(progress.stop);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const out: string[] = [
    // Without the model, the articles indexed again got passages but no vectors: say so.
    `Indexed ${report.articles} articles, ${report.chunks} passages in ${seconds} s: ${report.embedded.length} ${report.modelError ? 'indexed without vectors (no model)' : '(re)embedded'}, ${report.removed.length} removed.`,
  ];
  // A file name is whatever was put in the corpus folder: printed escaped.
  for (const s of report.skipped) out.push(`Skipped ${terminalText(s.file)}: ${terminalText(s.reason)}`);
  if (report.warning) out.push(`Warning: ${report.warning}`);
  ctx.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
