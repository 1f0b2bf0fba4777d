import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { createIngestService } from '../../engine/ingest/ingest-service.js';
import { isIngestError } from '../../engine/ingest/ingest-error.js';
import type { IngestCliContext } from './ingest.js';
import { createIndexProgress } from '../progress.js';

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
  const service = createIngestService(engine, { corpusDir: ctx.config.corpusDir });
  let actor = 'cli';
  try {
    actor = `cli:${userInfo().username}`;
  } catch {
    // No user name on this system: "cli" says enough.
  }
  let failed = 0;
  for (const id of positionals) {
    const progress = createIndexProgress(stderr as NodeJS.WriteStream);
    try {
      const { source } = await service.remove(id, {
        actor,
        onProgress: (p) => {
          if (p.step === 'index') progress.update(p.progress);
        },
      });
      ctx.stdout.write(`Removed «${source.title}» (${source.id}).\n`);
    } catch (err) {
      if (!isIngestError(err)) throw err;
      failed++;
      stderr.write(`${err.message}\n`);
    } finally {
      progress.stop();
    }
  }
  return failed > 0 ? 1 : 0;
}
