import { parseArgs } from 'node:util';
import type { CliContext } from './ask.js';
import { createIndexProgress } from '../progress.js';
import { terminalText } from '../terminal-text.js';

export const usage = 'Usage: npm run index -- [--rebuild]   (brings embeddings/ up to date with corpus/)';

/** `index`: incremental update of the index (or a full rebuild). Returns the exit code. */
export async function runIndex(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { rebuild: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  const engine = await ctx.engine();
  const progress = createIndexProgress();
  const started = performance.now();
  const report = await engine.reindex(progress.update, { rebuild: values.rebuild ?? false }).finally(progress.stop);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const out: string[] = [
    `Indexed ${report.articles} articles, ${report.chunks} passages in ${seconds} s: ${report.embedded.length} (re)embedded, ${report.removed.length} removed.`,
  ];
  // A file name is whatever was put in the corpus folder: printed escaped.
  for (const s of report.skipped) out.push(`Skipped ${terminalText(s.file)}: ${terminalText(s.reason)}`);
  if (report.warning) out.push(`Warning: ${report.warning}`);
  ctx.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
