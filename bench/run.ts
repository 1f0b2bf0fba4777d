/**
 * `npm run bench`: Dépêche vs the peer (LangChain.js HNSWLib + HuggingFaceTransformersEmbeddings),
 * side by side in one run, plus the vector index scale curve. See bench/README.md.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib/child.js';
import { describeMachine } from './lib/machine.js';
import { BenchUsageError, parseBenchOptions, type BenchOptions, type Section } from './lib/options.js';
import { modelLabel, renderReport, type BenchResults } from './report.js';
import { runColdStart } from './sections/cold-start.js';
import { runCorpusScan } from './sections/corpus-scan.js';
import { runEmbedRuntime } from './sections/embed-runtime.js';
import { runIndexScale } from './sections/index-scale.js';
import { runLoad } from './sections/load.js';
import { runStoreScale } from './sections/store-scale.js';
import { makeWorkDir, runSideBySide } from './sections/side-by-side.js';

async function runSection(results: BenchResults, section: Section, options: BenchOptions, workDir: string): Promise<void> {
  const verbose = !options.quiet;
  const model = { model: options.model, modelDir: options.modelDir, cacheDir: options.cacheDir };
  switch (section) {
    case 'compare':
      results.compare = await runSideBySide({
        ...model,
        corpus: options.corpus,
        syntheticArticles: options.syntheticArticles,
        repeat: options.repeat,
        k: options.k,
        workDir,
        verbose,
      });
      return;
    case 'cold': {
      let indexDir = results.compare?.seedIndexDir ?? null;
      if (!indexDir) {
        // No side-by-side run: build the seed index first (not timed here).
        const built = await runSideBySide({ ...model, corpus: options.corpus, syntheticArticles: 0, repeat: 1, k: options.k, workDir, verbose });
        indexDir = built.seedIndexDir;
      }
      results.cold = await runColdStart({
        ...model,
        corpus: options.corpus,
        indexDir,
        peerDir: path.join(workDir, 'peer-store-seed'),
        runs: options.coldRuns,
        k: options.k,
        verbose,
      });
      return;
    }
    case 'runtime':
      results.runtime = await runEmbedRuntime({
        ...model,
        corpus: options.corpus,
        batchSizes: options.batchSizes,
        rounds: options.rounds,
        threads: options.threads,
        verbose,
      });
      return;
    case 'store':
      results.store = await runStoreScale({ sizes: options.storeSizes, lexicalSizes: options.storeLexicalSizes, dim: 384, distribution: options.vectors, seedCorpus: options.corpus, questions: 50, workDir, keepDir: options.storeKeep, hugePages: options.storeHugePages, verbose });
      break;
    case 'corpus':
      results.corpus = await runCorpusScan({ sizes: options.corpusSizes, seedCorpus: options.corpus, workDir, verbose });
      return;
    case 'load':
      results.load = await runLoad({ model: options.model, modelDir: options.modelDir, corpus: options.corpus, workDir, verbose });
      return;
    case 'scale':
      results.scale = await runIndexScale({
        sizes: options.sizes,
        settings: options.settings,
        efSearch: options.efSearch,
        distribution: options.vectors,
        queries: options.indexQueries,
        dim: 384,
        k: 10,
        workDir,
        verbose,
      });
      return;
  }
}

async function main(): Promise<void> {
  // `--render FILE`: print the table of a saved run again (e.g. to paste it), measuring nothing.
  const renderAt = process.argv.indexOf('--render');
  if (renderAt > 0) {
    const file = process.argv[renderAt + 1];
    if (!file) throw new BenchUsageError('--render needs a results file');
    process.stdout.write(`${renderReport(JSON.parse(readFileSync(file, 'utf8')) as BenchResults)}\n`);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), repoRoot);
  } catch (err) {
    if (err instanceof BenchUsageError) {
      (err.help ? process.stdout : process.stderr).write(`${err.message}\n`);
      process.exit(err.help ? 0 : 2);
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
  const workDir = makeWorkDir();
  for (const section of options.sections) {
    if (!options.quiet) process.stderr.write(`\n== ${section}\n`);
    try {
      await runSection(results, section, options, workDir);
    } catch (err) {
      // One failing side (e.g. no model here) must not lose the other sections' numbers.
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
      results.errors.push({ section, message });
      process.stderr.write(`bench: ${section} failed: ${message}\n`);
    }
  }
  rmSync(workDir, { recursive: true, force: true });
  results.durationS = (Date.now() - started) / 1000;
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderReport(results)}\n\nResults: ${path.relative(process.cwd(), options.out)}\n`);
  if (results.errors.length) process.exitCode = 1;
}

await main();
