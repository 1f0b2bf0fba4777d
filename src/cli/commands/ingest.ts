import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_DOCUMENT_BYTES } from '../../engine/ingest/extract-article.js';
import { allowHostsFromEnv } from '../../engine/ingest/fetch-url.js';
import { createIngestService, type LiveIngestResult } from '../../engine/ingest/ingest-service.js';
import { formatBytes, ingestError, isIngestError } from '../../engine/ingest/ingest-error.js';
import type { EngineConfig, SourceMeta } from '../../engine/types.js';
import type { CliContext } from './ask.js';
import { changeEach, cliActor } from './coverage-change.js';

export const usage = `Usage: npm run ingest -- [--replace] <url|file> [<url|file> ...]
  Adds articles (web page, HTML, Markdown or text file) to the corpus and the index.
  --replace  allow replacing an article whose text came from another source (an upload or a
             redirect naming its address); the replacement is printed with before and after.`;

export interface IngestCliContext extends CliContext {
  config: Readonly<EngineConfig>;
  /** Where INGEST_ALLOW_HOSTS is read from (tests only); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress and refusals; defaults to process.stderr. */
  stderr?: NodeJS.WritableStream;
}

/** `ingest`: each argument is a URL (http/https) or a file path. Exit code 1 if any was refused. */
export async function runIngest(argv: string[], ctx: IngestCliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, replace: { type: 'boolean' } },
  });
  const replace = values.replace === true;
  if (values.help || positionals.length === 0) {
    (values.help ? ctx.stdout : (ctx.stderr ?? process.stderr)).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const stderr = ctx.stderr ?? process.stderr;
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const engine = await ctx.engine();
  const service = createIngestService(engine, { corpusDir: ctx.config.corpusDir, indexDir: ctx.config.indexDir, fetch: { allowHosts: allowHostsFromEnv(ctx.env ?? process.env) }, ...(ctx.config.maxPassagesPerArticle ? { budget: { maxPassages: ctx.config.maxPassagesPerArticle } } : {}) });
  const actor = cliActor();
  return changeEach(positionals, { stdout: ctx.stdout, stderr }, async (target, onIndexProgress) => {
    const input = isUrl(target) ? { url: target, replace } : { file: await readAttachment(target), replace };
    const result = await service.ingest(input, {
      actor,
      onProgress: (p) => {
        if (p.step === 'index') onIndexProgress(p.progress);
        else if (tty) stderr.write(`${STEP_LABELS[p.step]} ${target}…\n`);
      },
    });
    // The article landed but the index update failed: say both, and fail the command.
    if (result.indexError) return { problem: describeResult(result) };
    return describeResult(result);
  });
}

const STEP_LABELS = { fetch: 'Fetching', extract: 'Extracting', write: 'Writing' } as const;

/** "Added «Title» (id) — 14 passages." and the like: one line per ingested target. */
export function describeResult(result: LiveIngestResult): string {
  const name = `«${result.title}» (${result.id})`;
  const passages = `${result.passages} passage${result.passages === 1 ? '' : 's'}`;
  if (result.indexError) {
    return `Added ${name} to the corpus, but not to the index yet: ${result.indexError.message} The next ingest or "npm run index" indexes it.`;
  }
  if (result.status === 'added') return `Added ${name} — ${passages}.`;
  if (result.status === 'updated' && result.replaced && result.previous) {
    return `Replaced ${name} — ${passages}.\n  before: ${sourceLine(result.previous)}\n  after:  ${sourceLine(result.source)}`;
  }
  if (result.status === 'updated') return `Updated ${name} — ${passages}.`;
  return `Already in the coverage: ${name}, same ${result.matchedBy === 'url' ? 'address' : 'text'}; nothing added.`;
}

/** «Title», author, publisher, date <url>: what is known of one version of an article. */
function sourceLine(s: SourceMeta): string {
  const known = [s.author, s.publisher, s.date].filter(Boolean).join(', ');
  return `«${s.title}»${known ? `, ${known}` : ''} <${s.url ?? 'no address'}>`;
}

function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

async function readAttachment(path: string): Promise<{ name: string; data: Buffer }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw ingestError('FILE_UNREADABLE', { file: path, why: 'not_a_file' });
    size = info.size;
  } catch (err) {
    if (isIngestError(err)) throw err;
    throw ingestError('FILE_UNREADABLE', { file: path, why: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' });
  }
  // Refuse before reading a huge file into memory.
  if (size > MAX_DOCUMENT_BYTES) {
    throw ingestError('TOO_LARGE', { file: basename(path), limit: formatBytes(MAX_DOCUMENT_BYTES) });
  }
  return { name: basename(path), data: await readFile(path) };
}
