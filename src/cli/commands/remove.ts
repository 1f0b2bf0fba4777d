import { parseArgs } from 'node:util';
import { createIngestService } from '../../engine/ingest/ingest-service.js';
import type { IngestCliContext } from './ingest.js';
import { changeEach, cliActor } from './coverage-change.js';

export const usage = 'Usage: npm run remove -- <id> [<id> ...]   (takes articles out of the corpus and the index)';

/** `remove`: removes each article by id. Exit code 1 if any id was unknown. */
export async function runRemove(argv: string[], ctx: IngestCliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length === 0) {
    (values.help ? ctx.stdout : (ctx.stderr ?? process.stderr)).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const stderr = ctx.stderr ?? process.stderr;
  const engine = await ctx.engine();
  const service = createIngestService(engine, { corpusDir: ctx.config.corpusDir, indexDir: ctx.config.indexDir });
  const actor = cliActor();
  return changeEach(positionals, { stdout: ctx.stdout, stderr }, async (id, onIndexProgress) => {
    const { source } = await service.remove(id, {
      actor,
      onProgress: (p) => {
        if (p.step === 'index') onIndexProgress(p.progress);
      },
    });
    return `Removed «${source.title}» (${source.id}).`;
  });
}
