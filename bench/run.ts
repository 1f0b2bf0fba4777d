/**
 * `npm run bench`: Dépêche vs the peer (LangChain.js HNSWLib + HuggingFaceTransformersEmbeddings),
 * side by side in one run, plus the vector index scale curve. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib/child.js';
import { describeMachine } from './lib/machine.js';
import { BenchUsageError, parseBenchOptions, type BenchOptions, type Section } from './lib/options.js';
import { modelLabel, renderReport, type BenchResults } from './report.js';
import { runIndexScale } from './sections/index-scale.js';

async function runSection(results: BenchResults, section: Section, options: BenchOptions): Promise<void> {
  const verbose = !options.quiet;
  switch (section) {
    case 'scale':
      results.scale = await runIndexScale({
        sizes: options.sizes,
        settings: options.settings,
        efSearch: options.efSearch,
        distribution: options.vectors,
        queries: options.indexQueries,
        dim: 384,
        k: 10,
        verbose,
      });
      return;
    default:
      return;
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), repoRoot);
  } catch (err) {
    if (err instanceof BenchUsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.message.startsWith('help') ? 0 : 2);
    }
    throw err;
  }
  const started = Date.now();
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    machine: describeMachine(),
    model: { id: options.model, dir: options.modelDir ? path.relative(repoRoot, options.modelDir) || '.' : null, label: modelLabel(options.model) },
    errors: [],
  };
  for (const section of options.sections) {
    if (!options.quiet) process.stderr.write(`\n== ${section}\n`);
    try {
      await runSection(results, section, options);
    } catch (err) {
      // One failing side (e.g. no model here) must not lose the other sections' numbers.
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
      results.errors.push({ section, message });
      process.stderr.write(`bench: ${section} failed: ${message}\n`);
    }
  }
  results.durationS = (Date.now() - started) / 1000;
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderReport(results)}\n\nResults: ${path.relative(process.cwd(), options.out)}\n`);
  if (results.errors.length) process.exitCode = 1;
}

await main();
