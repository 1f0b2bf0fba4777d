import type { EngineConfig } from '../../src/engine/types.js';

/** The model a benchmark side runs: its id, a local models folder (nothing downloaded) and the download cache. */
export interface ModelChoice {
  model: string;
  modelDir: string | null;
  cacheDir: string | null;
}

/** Dépêche's engine settings for a benchmark side: hybrid search on the chosen model. */
export function depecheConfig(input: ModelChoice & { corpusDir: string; indexDir: string; k: number }): EngineConfig {
  return { corpusDir: input.corpusDir, indexDir: input.indexDir, model: input.model, modelDir: input.modelDir, cacheDir: input.cacheDir, mode: 'hybrid', k: input.k };
}
