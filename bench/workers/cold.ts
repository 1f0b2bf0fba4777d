/**
 * Worker: cold start, from process start to the first answer, with an index already on disk.
 * Times are `performance.now()`, i.e. ms since this process started.
 */
import { performance } from 'node:perf_hooks';
import { workerMain } from '../lib/child.js';

export interface ColdInput {
  side: 'depeche' | 'peer';
  question: string;
  corpusDir: string;
  /** Dépêche index folder, or the peer's saved store. */
  indexDir: string;
  model: string;
  modelDir: string | null;
  cacheDir: string | null;
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
    const engine = await createEngine({
      corpusDir: input.corpusDir,
      indexDir: input.indexDir,
      model: input.model,
      modelDir: input.modelDir,
      cacheDir: input.cacheDir,
      mode: 'hybrid',
      k: input.k,
    });
    const indexLoadedMs = performance.now();
    const answer = await engine.ask(input.question);
    const answeredMs = performance.now();
    await engine.dispose();
    return { side: 'depeche', importedMs, indexLoadedMs, answeredMs, passages: answer.passages.length };
  }
  const [{ HNSWLib }, { HuggingFaceTransformersEmbeddings }, { env }, { prefixesFor }] = await Promise.all([
    import('@langchain/community/vectorstores/hnswlib'),
    import('@langchain/community/embeddings/huggingface_transformers'),
    import('@huggingface/transformers'),
    import('../../src/engine/embed/prefixes.js'),
  ]);
  const importedMs = performance.now();
  if (input.modelDir) {
    env.localModelPath = input.modelDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  }
  if (input.cacheDir) env.cacheDir = input.cacheDir;
  const pretrainedOptions = { dtype: 'q8' } as Record<string, unknown>;
  const embeddings = new HuggingFaceTransformersEmbeddings({ model: input.model, pretrainedOptions });
  const store = await HNSWLib.load(input.indexDir, embeddings);
  const indexLoadedMs = performance.now();
  const docs = await store.similaritySearch(prefixesFor(input.model).query + input.question, input.k);
  const answeredMs = performance.now();
  return { side: 'peer', importedMs, indexLoadedMs, answeredMs, passages: docs.length };
}

workerMain(run);
