import type { LoadOptions } from './load-extractor.js';
import type { DownloadProgress } from './runtime.js';

/** How a model is loaded in a host thread: the load options, minus the callback (a message instead). */
export interface HostedModel extends Omit<LoadOptions, 'onDownloadProgress'> {
  /** Texts per model call inside a job. */
  batchSize: number;
  /** Post download progress (only the first host downloads; the others read the cache). */
  reportDownloads: boolean;
}

/** Messages to a host thread; each names the model (`key`) it is about. */
export type ToHost =
  | { type: 'load'; key: number; model: HostedModel }
  | { type: 'unload'; key: number }
  | { type: 'embed'; key: number; id: number; texts: string[] };

export type FromHost =
  | { type: 'loaded'; key: number; dimension: number }
  | { type: 'load-failed'; key: number; unavailable: boolean; message: string }
  | { type: 'progress'; key: number; info: DownloadProgress }
  | { type: 'done'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string };
