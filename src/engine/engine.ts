import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { corpusCachePath, openCorpusCache, type CorpusCache } from './corpus/corpus-cache.js';
import { sortSources } from './corpus/sorted-sources.js';
import { thresholdsFor } from './answer/abstain.js';
import { bestSentenceScorer, composeAnswer, type ScoredHits } from './answer/compose-answer.js';
import { hasSentences, sentencesOf } from './answer/sentence-terms.js';
import { createEmbedder, type Embedder } from './embed/embedder.js';
import { createAnswerMemo, type AnswerMemo } from './cache/answer-memo.js';
import { createError, EngineError } from './errors.js';
import { validateQuestion } from './question.js';
import { buildIndex } from './index/build-index.js';
import { createStore } from './index/create-store.js';
import type { StoreView } from './index/store.js';
import { fusionWeightsFor } from './search/fusion-weights.js';
import { rankHits, retrieve } from './search/hybrid-search.js';
import { diversify } from './search/diversify.js';
import { rerank, RERANK_WEIGHTS, withStatedCount } from './search/rerank.js';
import { ANALYZER_VERSION } from './text/analyze.js';
import { CHUNKER_VERSION } from './text/chunk.js';
import { analyseQuestion, type AnalysedQuestion } from './text/question-analysis.js';
import type { AskOptions, Engine, EngineConfig, IndexProgress, IndexReport, SearchMode, SourceMeta } from './types.js';

export const MAX_K = 20;
/** Candidates each retriever contributes before fusion. */
const SEARCH_DEPTH = 50;
/** Hits past the page that answer assembly still reads (disagreements, "has more"). */
const DIVERSITY_MARGIN = 8;
/** How often a running engine looks for changes written by other processes (a CLI ingest beside the bot). */
const WATCH_MS = 1000;
/**
 * Asks closer together than this share one look at the store for other processes' changes: a
 * look (a read transaction on the change log, 10–30 µs) was about 5 % of a warm ask, and a burst
 * of asks needs it once. Another process's change is still seen by the first ask after it
 * (finishing a write takes longer than this); this engine's own writes move the view themselves.
 */
const ASK_REFRESH_MS = 20;

export interface EngineHooks {
  /** Model download progress, on first use of a hub model. */
  onDownloadProgress?: (info: { file: string; loaded?: number; total?: number; status: string }) => void;
  /** Called when the engine has to build a missing index by itself. */
  onIndexProgress?: (p: IndexProgress) => void;
  /**
   * Start loading the model while the index loads (a server about to answer): the two overlap
   * instead of adding up. A load that fails here is tried again, and reported, where it is used.
   */
  preloadModel?: boolean;
}

/**
 * Creates the engine over a corpus folder and an index folder. An existing index is read now;
 * a missing one is built on first use, and the model is loaded on the first dense query (or by
 * `warmUp`).
 * @example const engine = await createEngine(config); const answer = await engine.ask('Combien SoftBank investit-il ?');
 */
export async function createEngine(config: EngineConfig, hooks: EngineHooks = {}): Promise<Engine> {
  const store = createStore({ backend: config.indexBackend ?? 'local', indexDir: config.indexDir, lancedbUri: config.lancedbUri ?? null });
  const reader = store.reader();
  /** The view asks read; replaced whole when the store changed. */
  let view: StoreView | null = null;
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
        ...(config.queryCacheSize !== undefined ? { queryCacheSize: config.queryCacheSize } : {}),
        ...(config.modelLoadTimeoutMs ? { loadTimeoutMs: config.modelLoadTimeoutMs } : {}),
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

  let sortedSources: { version: string; list: readonly SourceMeta[] } | null = null;
  /**
   * Sentence scores and assembled answers by analysed question (analyses are remembered per
   * question text) and state of the coverage.
   */
  const byQuestion = new WeakMap<AnalysedQuestion, { version: string; scored: ScoredHits; answers: AnswerMemo }>();
  /** Opened by the first build: a fresh engine that only answers never touches the index folder. */
  let corpusCache: CorpusCache | null = null;
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

  const reindex = (onProgress?: (p: IndexProgress) => void, options: { rebuild?: boolean; articles?: readonly string[] } = {}): Promise<IndexReport> =>
    serialized(async () => {
      // An incremental update (npm run index, an ingest) must not add passages to an index built
      // with another model: refused as ask refuses it, naming the rebuild.
      if (!options.rebuild) {
        const live = await reader.refresh().catch(() => null);
        if (live) checkModel(live);
      }
      corpusCache ??= openCorpusCache(corpusCachePath(config.indexDir));
      const report = await buildIndex({
        corpusDir: config.corpusDir,
        corpusCache,
        store,
        loadEmbedder: config.mode === 'lexical' ? null : loadEmbedder,
        rebuild: options.rebuild ?? false,
        articles: options.articles,
        onProgress,
      });
      modelError = report.modelError ?? null;
      // Serve the new state from the next ask on (a rebuilt one is loaded here, not by that ask).
      view = checked(await reader.refresh({ wait: true }));
      return report;
    });

  /** The question's vector from the model, refused when its dimension is not the index's. */
  const questionVector = async (snap: StoreView, text: string): Promise<Float32Array | null> => {
    const embedder = await loadEmbedder();
    const vector = (await embedder.embedQueries([text]))[0] ?? null;
    if (vector && snap.meta.model && vector.length !== snap.meta.model.dimension) {
      throw createError('INDEX_STALE', `index vectors have ${snap.meta.model.dimension} dimensions, model ${config.model} gives ${vector.length}`);
    }
    return vector;
  };

  /** The view, refused when it was built with another chunker, analyzer or model than configured. */
  const checked = (v: StoreView): StoreView => {
    if (v.meta.chunkerVersion !== CHUNKER_VERSION || v.meta.analyzerVersion !== ANALYZER_VERSION) {
      throw createError('INDEX_STALE', `chunker v${v.meta.chunkerVersion} and analyzer v${v.meta.analyzerVersion}, this version uses v${CHUNKER_VERSION} and v${ANALYZER_VERSION}`);
    }
    return checkModel(v);
  };

  /** The view, refused when its vectors come from another model than the configured one (lexical mode ignores them). */
  const checkModel = (v: StoreView): StoreView => {
    const model = v.meta.model;
    if (model && model.id !== config.model && config.mode !== 'lexical') {
      throw createError('INDEX_STALE', `index built with model ${model.id}, configured model is ${config.model}`);
    }
    return v;
  };

  /** When an ask last moved the view to the store's latest state. */
  let askRefreshedAt = -Infinity;

  /** The view in memory, moved to the latest committed state (other processes' changes too). */
  const current = async (forAsk = false): Promise<StoreView | null> => {
    if (writing && view) return view;
    if (forAsk && view && performance.now() - askRefreshedAt < ASK_REFRESH_MS) return view;
    try {
      view = checked(await reader.refresh());
      if (forAsk) askRefreshedAt = performance.now();
    } catch (err) {
      // Keep answering from the state in memory; a stale or damaged store is reported when there is none.
      if (!view) throw err;
    }
    return view;
  };

  const ensureView = async (): Promise<StoreView> => {
    try {
      const live = await current(true);
      if (live) return live;
    } catch (err) {
      if (!(err instanceof EngineError) || err.code !== 'INDEX_MISSING') throw err;
    }
    await reindex(hooks.onIndexProgress);
    return view!;
  };

  if (hooks.preloadModel && config.mode !== 'lexical') loadEmbedder().catch(() => undefined);
  // Load an existing index now so sources() work at once; a stale or damaged one is reported
  // by the first ask instead, so that reindex() (which rebuilds it) stays reachable.
  try {
    await current();
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
  }
  // Changes written by other processes reach this engine within WATCH_MS, without a full reload.
  const watch = setInterval(() => void current().catch(() => undefined), WATCH_MS);
  watch.unref();

  return {
    async ask(question: string, options: AskOptions = {}) {
      const q = validateQuestion(question);
      const k = Math.min(Math.max(1, Math.floor(options.k ?? config.k)), MAX_K);
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      const context = options.context ? validateQuestion(options.context) : null;
      const snap = await ensureView();
      const searchText = context ? `${context} ${q}` : q;
      const warnings: string[] = [];
      let mode: SearchMode = options.mode ?? config.mode;
      let vector: (() => Promise<Float32Array | null>) | null = null;
      const analysis = analyseQuestion(q, context);
      if (mode !== 'lexical') {
        if (snap.vectorCount === 0) {
          warnings.push(await noVectorsWarning());
          mode = 'lexical';
        } else {
          // Asked for by the search once its lexical side is done. A model that cannot load
          // resolves to null (lexical only, with a warning).
          vector = () =>
            questionVector(snap, searchText).catch((err: unknown) => {
              if (err instanceof EngineError) throw err;
              if (mode === 'dense') throw createError('MODEL_REQUIRED', (err as Error).message);
              warnings.push(`${(err as Error).message.split('\n')[0]} Answered with lexical search only.`);
              mode = 'lexical';
              return null;
            });
        }
      }
      const modelId = snap.meta.model?.id ?? null;
      const limit = offset + k + DIVERSITY_MARGIN;
      const lists = await retrieve(snap, { text: analysis, vector, mode, depth: SEARCH_DEPTH, limit, weights: fusionWeightsFor(modelId) });
      // The same question on the same state of the coverage (asked again, or its next page) finds
      // the sentences it scored then: scores depend on nothing else. When both retrievers found
      // what they found then, and the same page is asked, the answer is the one made then.
      let remembered = byQuestion.get(analysis);
      if (remembered?.version !== snap.version) byQuestion.set(analysis, (remembered = { version: snap.version, scored: new Map(), answers: createAnswerMemo() }));
      const { scored, answers } = remembered;
      const inputs = { lists, mode, k, offset, warnings };
      const known = answers.get(inputs);
      if (known) return known;
      const found = await rankHits(snap, lists, limit);
      const leading = found.slice(0, RERANK_WEIGHTS.depth);
      if (leading.some((h) => !scored.has(h.chunk.id))) {
        // A turn of the event loop between the search and the sentence work: in a bot each is tens of
        // milliseconds on a busy machine, and together they were its longest stall under a burst.
        // Hits all scored already leave only the answer's assembly (well under a millisecond) to split off.
        await yieldToEventLoop();
        // Passages no ask analysed yet take their stems from the index instead of the stemmer.
        const fresh = leading.filter((h) => !hasSentences(h.chunk));
        if (fresh.length > 0 && snap.passageTerms) {
          const stored = await snap.passageTerms(fresh.map((h) => h.chunk.id));
          for (const h of fresh) sentencesOf(h.chunk, stored.get(h.chunk.id));
        }
      }
      // Second stage: the leading hits re-ordered by their best sentence (and, for "combien de X", a count of X stated), then diversity again.
      const hits = diversify(rerank(found, withStatedCount(analysis, bestSentenceScorer(analysis, snap.sources, snap.termStats, scored))), undefined, limit);
      const answer = composeAnswer({
        scored,
        analysis,
        mode,
        hits,
        sources: snap.sources,
        k,
        offset,
        thresholds: thresholdsFor(modelId, mode),
        termStats: snap.termStats,
        warnings,
      });
      answers.remember(inputs, answer);
      return answer;
    },

    // Synchronous: they read the view in memory, which the watch keeps level with the store.
    sources() {
      if (!view) return [];
      // Sorted once per state, from the last one: /sources and each autocomplete keystroke ask for
      // it, and sorting 200 000 titles took about a second of the bot's event loop.
      if (sortedSources?.version !== view.version) sortedSources = { version: view.version, list: sortSources(view.sources, sortedSources?.list) };
      return sortedSources.list;
    },

    source(id: string) {
      return view?.sources.get(id);
    },

    reindex(onProgress, options) {
      return reindex(onProgress, options);
    },

    async warmUp() {
      const snap = await ensureView();
      if (config.mode === 'lexical') return null;
      // An index without vectors answers lexically: say so at start, not only on the first answer.
      if (snap.vectorCount === 0) return noVectorsWarning();
      try {
        await (await loadEmbedder()).embedQueries(['warm-up']);
        return null;
      } catch (err) {
        return `${(err as Error).message} Answers will use lexical search only.`;
      }
    },

    async loadFully() {
      await (await ensureView()).loadVectors?.();
    },

    async dispose() {
      clearInterval(watch);
      await writeQueue;
      await reader.close();
      await store.close();
      corpusCache?.close();
      const pending = embedderPromise;
      embedderPromise = null;
      if (pending) await pending.then((e) => e.dispose(), () => undefined);
    },
  };
}

