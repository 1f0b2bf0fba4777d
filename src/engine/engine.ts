import { thresholdsFor } from './answer/abstain.js';
import { composeAnswer } from './answer/compose-answer.js';
import { createEmbedder, type Embedder } from './embed/embedder.js';
import { createError, EngineError } from './errors.js';
import { validateQuestion } from './question.js';
import { toSnapshot, type Snapshot } from './snapshot.js';
import { buildIndex } from './index/build-index.js';
import { currentGeneration, indexExists, readIndex } from './index/index-store.js';
import { fusionWeightsFor } from './search/fusion-weights.js';
import { hybridSearch } from './search/hybrid-search.js';
import { CHUNKER_VERSION } from './text/chunk.js';
import type { AskOptions, Engine, EngineConfig, IndexProgress, IndexReport, SearchMode } from './types.js';

export const MAX_K = 20;
/** Candidates each retriever contributes before fusion. */
const SEARCH_DEPTH = 50;
/** Hits past the page that answer assembly still reads (disagreements, "has more"). */
const DIVERSITY_MARGIN = 8;

export interface EngineHooks {
  /** Model download progress, on first use of a hub model. */
  onDownloadProgress?: (info: { file: string; loaded?: number; total?: number; status: string }) => void;
  /** Called when the engine has to build a missing index by itself. */
  onIndexProgress?: (p: IndexProgress) => void;
}

/**
 * Creates the engine over a corpus folder and an index folder. An existing index is read now;
 * a missing one is built on first use, and the model is loaded on the first dense query (or by
 * `warmUp`).
 * @example const engine = await createEngine(config); const answer = await engine.ask('Combien SoftBank investit-il ?');
 */
export async function createEngine(config: EngineConfig, hooks: EngineHooks = {}): Promise<Engine> {
  let snapshot: Snapshot | null = null;
  let embedderPromise: Promise<Embedder> | null = null;
  // Writes to the index run one at a time; asks keep reading the snapshot they started with.
  let writeQueue: Promise<unknown> = Promise.resolve();

  const loadEmbedder = (): Promise<Embedder> => {
    if (!embedderPromise) {
      const loading = createEmbedder({
        model: config.model,
        modelDir: config.modelDir,
        cacheDir: config.cacheDir,
        runtime: config.embedRuntime,
        workers: config.embedWorkers,
        onDownloadProgress: hooks.onDownloadProgress,
      });
      embedderPromise = loading;
      // A failed load is not kept: the next call tries again (e.g. once the network is back).
      loading.catch(() => {
        if (embedderPromise === loading) embedderPromise = null;
      });
    }
    return embedderPromise;
  };

  let writing = false;
  /** Why the last build in this process could not use the model, to tell askers. */
  let modelError: string | null = null;
  /** Why an index has no vectors, in one line: the model's own error when it still fails to load. */
  const noVectorsWarning = async (): Promise<string> => {
    let why = modelError ?? undefined;
    if (!why && config.mode === 'lexical') why = 'The index has no vectors (SEARCH_MODE=lexical builds it without the model).';
    if (!why) {
      why = await loadEmbedder().then(
        () => 'The index was built without the model; run "npm run index" to add its vectors.',
        (err: Error) => err.message,
      );
    }
    return `${why} Answered with lexical search only.`;
  };

  const serialized = <T>(job: () => Promise<T>): Promise<T> => {
    const guarded = async () => {
      writing = true;
      try {
        return await job();
      } finally {
        writing = false;
      }
    };
    const run = writeQueue.then(guarded, guarded);
    writeQueue = run.catch(() => undefined);
    return run;
  };

  const reindex = (onProgress?: (p: IndexProgress) => void, rebuild = false): Promise<IndexReport> =>
    serialized(async () => {
      const { index, report } = await buildIndex({
        corpusDir: config.corpusDir,
        indexDir: config.indexDir,
        modelId: config.model,
        loadEmbedder: config.mode === 'lexical' ? null : loadEmbedder,
        rebuild,
        onProgress,
      });
      snapshot = toSnapshot(index);
      modelError = report.modelError ?? null;
      return report;
    });

  const loadStored = (): Snapshot => {
    const stored = readIndex(config.indexDir);
    if (stored.manifest.chunker.version !== CHUNKER_VERSION) {
      throw createError('INDEX_STALE', `chunker v${stored.manifest.chunker.version}, this version chunks with v${CHUNKER_VERSION}`);
    }
    const model = stored.manifest.model;
    if (model && model.id !== config.model && config.mode !== 'lexical') {
      throw createError('INDEX_STALE', `index built with model ${model.id}, configured model is ${config.model}`);
    }
    return toSnapshot(stored);
  };

  /** The snapshot in memory, switched to the live generation if another process wrote one. */
  const current = (): Snapshot | null => {
    if (snapshot && !writing) {
      try {
        if (currentGeneration(config.indexDir) !== snapshot.stored.generation) snapshot = loadStored();
      } catch {
        // Keep answering from the generation in memory; the next write repairs the index.
      }
    }
    return snapshot;
  };

  const ensureSnapshot = async (): Promise<Snapshot> => {
    const live = current();
    if (live) return live;
    if (!indexExists(config.indexDir)) await reindex(hooks.onIndexProgress);
    else snapshot = loadStored();
    return snapshot!;
  };

  // Load an existing index now so sources() work at once; a stale or damaged one is reported
  // by the first ask instead, so that reindex() (which rebuilds it) stays reachable.
  if (indexExists(config.indexDir)) {
    try {
      snapshot = loadStored();
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
    }
  }

  return {
    async ask(question: string, options: AskOptions = {}) {
      const q = validateQuestion(question);
      const k = Math.min(Math.max(1, Math.floor(options.k ?? config.k)), MAX_K);
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      const context = options.context ? validateQuestion(options.context) : null;
      const snap = await ensureSnapshot();
      const searchText = context ? `${context} ${q}` : q;
      const warnings: string[] = [];
      let mode: SearchMode = options.mode ?? config.mode;
      let vector: Float32Array | null = null;
      if (mode !== 'lexical') {
        if (!snap.searchable.vectors) {
          warnings.push(await noVectorsWarning());
          mode = 'lexical';
        } else {
          try {
            const embedder = await loadEmbedder();
            vector = (await embedder.embedQueries([searchText]))[0] ?? null;
          } catch (err) {
            if (mode === 'dense') throw createError('MODEL_REQUIRED', (err as Error).message);
            warnings.push(`${(err as Error).message.split('\n')[0]} Answered with lexical search only.`);
            mode = 'lexical';
          }
        }
      }
      const modelId = snap.stored.manifest.model?.id ?? null;
      const hits = hybridSearch(snap.searchable, { text: searchText, vector: vector ?? null, mode, depth: SEARCH_DEPTH, limit: offset + k + DIVERSITY_MARGIN, weights: fusionWeightsFor(modelId) });
      return composeAnswer({
        question: q,
        searchText,
        mode,
        hits,
        sources: snap.sources,
        k,
        offset,
        thresholds: thresholdsFor(modelId, mode),
        termStats: snap.termStats,
        warnings,
      });
    },

    sources() {
      return [...(current()?.sources.values() ?? [])].sort((a, b) => a.title.localeCompare(b.title, 'fr'));
    },

    source(id: string) {
      return current()?.sources.get(id);
    },

    reindex(onProgress, options) {
      return reindex(onProgress, options?.rebuild ?? false);
    },

    async warmUp() {
      const snap = await ensureSnapshot();
      if (config.mode === 'lexical' || !snap.searchable.vectors) return null;
      try {
        await (await loadEmbedder()).embedQueries(['warm-up']);
        return null;
      } catch (err) {
        return `${(err as Error).message} Answers will use lexical search only.`;
      }
    },

    async dispose() {
      await writeQueue;
      const pending = embedderPromise;
      embedderPromise = null;
      if (pending) await pending.then((e) => e.dispose(), () => undefined);
    },
  };
}

