import { resolve } from 'node:path';
import { z } from 'zod';
import { EMBED_RUNTIMES } from './engine/embed/runtime.js';
import { INDEX_BACKENDS } from './engine/index/create-store.js';
import type { EngineConfig } from './engine/types.js';

/** Raised for a bad setting; the message names the variable and never echoes a secret value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const optionalPath = z.string().trim().min(1).optional();

const engineSchema = z.object({
  CORPUS_DIR: z.string().trim().min(1).default('corpus'),
  INDEX_DIR: z.string().trim().min(1).default('embeddings'),
  INDEX_BACKEND: z.enum(INDEX_BACKENDS as [string, ...string[]]).default('local'),
  LANCEDB_URI: optionalPath,
  MODEL: z.string().trim().regex(/^[\w.-]+(\/[\w.-]+)?$/, 'must be a model id like "Xenova/multilingual-e5-small"').default('Xenova/multilingual-e5-small'),
  MODEL_DIR: optionalPath,
  MODEL_CACHE_DIR: optionalPath,
  EMBED_RUNTIME: z.enum(EMBED_RUNTIMES).default('xenova'),
  EMBED_WORKERS: z.coerce.number().int().min(1).max(16).optional(),
  MODEL_LOAD_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).optional(),
  MAX_PASSAGES_PER_ARTICLE: z.coerce.number().int().min(1).optional(),
  SEARCH_MODE: z.enum(['hybrid', 'lexical', 'dense']).default('hybrid'),
  ANSWER_PASSAGES: z.coerce.number().int().min(1).max(20).default(3),
});

/** Turns a zod failure into one line naming the variable. */
export function describeConfigIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const name = issue.path.join('.');
  return `${name}: ${issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message}`;
}

/**
 * Reads the engine's settings from the environment (after dotenv), validated and frozen.
 * Paths are resolved against the working directory.
 * @example loadEngineConfig({ MODEL_DIR: 'models' }) // { corpusDir: '/…/corpus', model: 'Xenova/multilingual-e5-small', modelDir: '/…/models', … }
 */
export function loadEngineConfig(env: NodeJS.ProcessEnv = process.env): Readonly<EngineConfig> {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = engineSchema.safeParse(blankToUndefined);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describeConfigIssue(parsed.error)}`);
  const e = parsed.data;
  return Object.freeze({
    corpusDir: resolve(e.CORPUS_DIR),
    indexDir: resolve(e.INDEX_DIR),
    indexBackend: e.INDEX_BACKEND,
    // A folder is resolved like the other paths; an object-store URI (s3://…, gs://…, az://…) is kept as is.
    lancedbUri: e.LANCEDB_URI ? (/^[a-z][a-z0-9+.-]*:\/\//i.test(e.LANCEDB_URI) ? e.LANCEDB_URI : resolve(e.LANCEDB_URI)) : null,
    model: e.MODEL,
    modelDir: e.MODEL_DIR ? resolve(e.MODEL_DIR) : null,
    cacheDir: e.MODEL_CACHE_DIR ? resolve(e.MODEL_CACHE_DIR) : null,
    embedRuntime: e.EMBED_RUNTIME,
    ...(e.EMBED_WORKERS ? { embedWorkers: e.EMBED_WORKERS } : {}),
    ...(e.MODEL_LOAD_TIMEOUT_SECONDS ? { modelLoadTimeoutMs: e.MODEL_LOAD_TIMEOUT_SECONDS * 1000 } : {}),
    ...(e.MAX_PASSAGES_PER_ARTICLE ? { maxPassagesPerArticle: e.MAX_PASSAGES_PER_ARTICLE } : {}),
    mode: e.SEARCH_MODE,
    k: e.ANSWER_PASSAGES,
  });
}
