/** The model a benchmark side runs: its id, a local models folder (nothing downloaded) and the download cache. */
export interface ModelChoice {
  model: string;
  modelDir: string | null;
  cacheDir: string | null;
}
