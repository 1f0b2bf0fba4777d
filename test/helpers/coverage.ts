import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeArticleFile } from '../../src/engine/corpus/article-file.js';
import type { EngineConfig, SourceMeta } from '../../src/engine/types.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './tiny-model.js';

/** The repository's own corpus: the five seed articles. */
export const REPO_CORPUS = resolve(import.meta.dirname, '../../corpus');

/** A scratch folder with a corpus and an index folder, removed by `cleanup`. */
export interface Scratch {
  root: string;
  corpusDir: string;
  indexDir: string;
  config: (overrides?: Partial<EngineConfig>) => EngineConfig;
  writeArticle: (id: string, meta: Partial<Omit<SourceMeta, 'id'>>, body: string) => void;
  cleanup: () => void;
}

/** Makes a scratch coverage: a copy of the repo corpus (`seed: true`) or an empty one. */
export function makeScratch(options: { seed?: boolean } = {}): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'depeche-'));
  const corpusDir = join(root, 'corpus');
  const indexDir = join(root, 'embeddings');
  if (options.seed) cpSync(REPO_CORPUS, corpusDir, { recursive: true });
  else cpSync(REPO_CORPUS, corpusDir, { recursive: true, filter: (src) => src === REPO_CORPUS });
  return {
    root,
    corpusDir,
    indexDir,
    config: (overrides = {}) => ({
      corpusDir,
      indexDir,
      model: TINY_MODEL_ID,
      modelDir: TINY_MODEL_DIR,
      cacheDir: null,
      mode: 'hybrid',
      k: 3,
      ...overrides,
    }),
    writeArticle: (id, meta, body) => {
      writeFileSync(
        join(corpusDir, `${id}.md`),
        serializeArticleFile({ title: 'Sans titre', publisher: null, url: null, date: null, language: 'fr', ...meta }, body),
      );
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
