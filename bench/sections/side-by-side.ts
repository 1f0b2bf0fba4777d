import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runWorker } from '../lib/child.js';
import { writeSyntheticCorpus } from '../lib/coverage.js';
import { timedQuestions, WARMUP_QUESTIONS } from '../lib/question-variants.js';
import { ratio } from '../lib/stats.js';
import { BENCH_QUESTIONS } from '../questions.js';
import type { DepecheInput, DepecheOutput } from '../workers/depeche.js';
import type { PeerInput, PeerOutput } from '../workers/peer.js';
import type { ModelChoice } from '../lib/model-choice.js';

export interface SideBySideOptions extends ModelChoice {
  corpus: string;
  syntheticArticles: number;
  repeat: number;
  k: number;
  /** Folder kept after the run with the seed coverage's Dépêche index (for the cold start). */
  workDir: string;
  verbose: boolean;
}

export interface CoverageResult {
  name: 'seed' | 'synthetic';
  articles: number;
  chunks: number;
  depeche: DepecheOutput;
  /** Dépêche on INDEX_BACKEND=lancedb, same chunks and model. */
  lancedb?: DepecheOutput & {
    /** Share of the local backend's answer passages (top k) the LanceDB backend also returns, averaged over the timed questions. */
    recallVsLocal: number | null;
  };
  peer: PeerOutput;
  ratios: {
    /** Dépêche ask p50 / peer similaritySearch p50 (target ≤ 0.5). */
    queryP50: number | null;
    /** Dépêche chunks/s / peer chunks/s while embedding (target ≥ 1.5). */
    buildRate: number | null;
    /** Dépêche total build time / peer's, model load included. */
    buildTotal: number | null;
    peakRss: number | null;
  };
}

export interface SideBySideResult {
  k: number;
  questions: number;
  timedQueries: number;
  coverages: CoverageResult[];
  /** Index folder of the seed coverage, for the cold start section. */
  seedIndexDir: string;
}

/**
 * Query latency and build throughput, Dépêche vs the peer, on the seed coverage and on a
 * synthetic one made of recombined seed sentences. Each side runs in its own process.
 */
export async function runSideBySide(options: SideBySideOptions): Promise<SideBySideResult> {
  const questions = timedQuestions(BENCH_QUESTIONS, options.repeat);
  const coverages: { name: CoverageResult['name']; dir: string }[] = [{ name: 'seed', dir: options.corpus }];
  if (options.syntheticArticles > 0) {
    const dir = path.join(options.workDir, 'synthetic-corpus');
    await writeSyntheticCorpus(options.corpus, dir, options.syntheticArticles);
    coverages.push({ name: 'synthetic', dir });
  }
  const results: CoverageResult[] = [];
  for (const coverage of coverages) {
    const indexDir = path.join(options.workDir, `depeche-index-${coverage.name}`);
    const peerDir = path.join(options.workDir, `peer-store-${coverage.name}`);
    rmSync(indexDir, { recursive: true, force: true });
    const common = { model: options.model, modelDir: options.modelDir, cacheDir: options.cacheDir, k: options.k, questions, warmup: WARMUP_QUESTIONS, exact: true };
    const depecheInput: DepecheInput = { ...common, corpusDir: coverage.dir, indexDir };
    const peerInput: PeerInput = { ...common, corpusDir: coverage.dir, saveDir: peerDir };
    if (options.verbose) process.stderr.write(`side by side: ${coverage.name} coverage, Dépêche\n`);
    const depeche = (await runWorker<DepecheOutput>('depeche', depecheInput, { verbose: options.verbose })).result;
    if (options.verbose) process.stderr.write(`side by side: ${coverage.name} coverage, peer (LangChain HNSWLib)\n`);
    const peer = (await runWorker<PeerOutput>('peer', peerInput, { verbose: options.verbose })).result;
    // The LanceDB backend on the seed coverage (one more process; the synthetic one would double it).
    let lance: DepecheOutput | null = null;
    if (coverage.name === 'seed') {
      if (options.verbose) process.stderr.write(`side by side: ${coverage.name} coverage, Dépêche on LanceDB\n`);
      const lanceInput: DepecheInput = { ...depecheInput, indexDir: path.join(options.workDir, `depeche-lancedb-${coverage.name}`), backend: 'lancedb' };
      rmSync(lanceInput.indexDir, { recursive: true, force: true });
      lance = (await runWorker<DepecheOutput>('depeche', lanceInput, { verbose: options.verbose })).result;
    }
    results.push({
      name: coverage.name,
      articles: depeche.build.articles,
      chunks: depeche.build.chunks,
      depeche,
      ...(lance ? { lancedb: { ...lance, recallVsLocal: overlap(depeche.query?.answers, lance.query?.answers) } } : {}),
      peer,
      ratios: {
        queryP50: ratio(depeche.query?.ask.p50Ms, peer.query?.search.p50Ms),
        buildRate: ratio(depeche.build.chunksPerS, peer.build.chunksPerS),
        buildTotal: ratio(depeche.build.totalS, peer.build.totalS),
        peakRss: ratio(depeche.build.peakRssMb, peer.build.peakRssMb),
      },
    });
  }
  return { k: options.k, questions: BENCH_QUESTIONS.length, timedQueries: questions.length, coverages: results, seedIndexDir: path.join(options.workDir, 'depeche-index-seed') };
}

/** Mean share of the reference answers' passages that the other answers also hold. */
function overlap(reference: string[][] | undefined, other: string[][] | undefined): number | null {
  if (!reference || !other || reference.length === 0) return null;
  let sum = 0;
  reference.forEach((ids, i) => {
    const found = new Set(other[i] ?? []);
    sum += ids.length === 0 ? 1 : ids.filter((id) => found.has(id)).length / ids.length;
  });
  return sum / reference.length;
}

export function makeWorkDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'depeche-bench-'));
}
