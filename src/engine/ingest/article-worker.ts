/**
 * The article pipeline's worker thread (started by article-pipeline.ts): runs article jobs one
 * message at a time for the life of the process, at background priority, so the thread that
 * answers people keeps the CPU whenever it needs it.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../workers/background-priority.js';
import { runArticleJob, type ArticleJob } from './article-jobs.js';

export interface ArticleRequest {
  seq: number;
  job: ArticleJob;
}

export type ArticleReply = { seq: number; ok: true; result: unknown } | { seq: number; ok: false; error: string };

lowerThreadPriority();
parentPort!.on('message', ({ seq, job }: ArticleRequest) => {
  runArticleJob(job).then(
    (result) => parentPort!.postMessage({ seq, ok: true, result } satisfies ArticleReply),
    (error: unknown) => parentPort!.postMessage({ seq, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies ArticleReply),
  );
});
