/**
 * Worker: cold start, from process start to the first answer, with an index already on disk.
 * Times are `performance.now()`, i.e. ms since this process started.
 */
import { performance } from 'node:perf_hooks';
import { workerMain } from '../lib/child.js';
import { depecheConfig, type ModelChoice } from '../lib/model-choice.js';

export interface ColdInput extends ModelChoice {
  side: 'depeche' | 'peer';
  question: string;
  corpusDir: string;
  /** Dépêche index folder, or the peer's saved store. */
  indexDir: string;
  k: number;
}

export interface ColdOutput {
  side: ColdInput['side'];
  /** Process start → modules imported. */
  importedMs: number;
  /** → index loaded (Dépêche: createEngine reads it; peer: HNSWLib.load). */
  indexLoadedMs: number;
  /** → first answer (includes the model load on first query). */
  answeredMs: number;
  passages: number;
}

async function run(input: ColdInput): Promise<ColdOutput> {
  if (input.side === 'depeche') {
    const { createEngine } = await import('../../src/engine/engine.js');
    const importedMs = performance.now();
    const engine = await createEngine(depecheConfig(input));
    const indexLoadedMs = performance.now();
    const answer = await engine.ask(input.question);
    const answeredMs = performance.now();
    await engine.dispose();
    return { side: 'depeche', importedMs, indexLoadedMs, answeredMs, passages: answer.passages.length };
  }
  // transformers.js is imported here too, so "modules imported" counts it for the peer as for Dépêche.
  const [{ HNSWLib }, { createPeerEmbeddings }, { prefixesFor }] = await Promise.all([
    import('@langchain/community/vectorstores/hnswlib'),
    import('../lib/peer-embeddings.js'),
    import('../../src/engine/embed/prefixes.js'),
    import('@huggingface/transformers'),
  ]);
  const importedMs = performance.now();
  const embeddings = await createPeerEmbeddings(input);
  const store = await HNSWLib.load(input.indexDir, embeddings);
  const indexLoadedMs = performance.now();
  const docs = await store.similaritySearch(prefixesFor(input.model).query + input.question, input.k);
  const answeredMs = performance.now();
  return { side: 'peer', importedMs, indexLoadedMs, answeredMs, passages: docs.length };
}

workerMain(run);
