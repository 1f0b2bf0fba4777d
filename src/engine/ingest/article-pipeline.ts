import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../workers/module-worker.js';
import { runArticleJob, type ArticleJob, type ArticleJobResult } from './article-jobs.js';
import type { ArticleReply, ArticleRequest } from './article-worker.js';

/**
 * Runs article jobs (article-jobs.ts: load and prepare named articles, write an article file,
 * count its passages, sweep the corpus folder, fill a missing catalog) on one worker thread shared by the process, started on first use or by
 * `startArticleWorker` and kept for the next ingest. It holds the process open only while a job
 * runs: a one-shot CLI command still exits when its work is done.
 *
 * A worker that cannot start or dies takes its jobs back to the calling thread (the same code, on
 * the event loop as before): an ingest is never refused for want of a thread. A job's own error
 * (a bug: the jobs catch what a corpus file can do wrong) rejects.
 *
 * @example const { corpus, prepared } = await runOffThread({ kind: 'load', corpusDir, names, only, remembers: true })
 */
export async function runOffThread<J extends ArticleJob>(job: J): Promise<ArticleJobResult<J>> {
  const thread = startArticleWorker();
  if (!thread) return (await runArticleJob(job)) as ArticleJobResult<J>;
  try {
    return (await thread.run(job)) as ArticleJobResult<J>;
  } catch (error) {
    if (!(error instanceof WorkerGone)) throw error;
    return (await runArticleJob(job)) as ArticleJobResult<J>;
  }
}

/** The worker stopped before it answered: the job is run again on the calling thread. */
class WorkerGone extends Error {}

export interface ArticleThread {
  run(job: ArticleJob): Promise<unknown>;
  /** Ends the thread; jobs it had not answered run on the calling thread, later ones on a new thread. */
  stop(): Promise<void>;
}

let thread: ArticleThread | null = null;

/**
 * Starts the worker now if it is not running (a bot at start-up: starting a thread is a few
 * milliseconds of this thread, better spent before members ask than inside their first ingest).
 * Null when no thread can be started.
 */
export function startArticleWorker(): ArticleThread | null {
  if (thread) return thread;
  let worker: Worker;
  try {
    worker = startModuleWorker(import.meta.url, './article-worker');
  } catch {
    return null;
  }
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  const gone = (why: string) => {
    if (thread === started) thread = null;
    for (const { reject } of waiting.values()) reject(new WorkerGone(why));
    waiting.clear();
  };
  worker.on('message', (reply: ArticleReply) => {
    const job = waiting.get(reply.seq);
    if (!job) return;
    waiting.delete(reply.seq);
    if (waiting.size === 0) worker.unref();
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new Error(`article job failed: ${reply.error}`));
  });
  worker.on('error', (error) => gone(error.message));
  worker.on('exit', (code) => gone(`the article worker stopped (exit code ${code})`));
  // After the listeners: holding the process open only while a job runs (see `run`).
  worker.unref();
  const started: ArticleThread = {
    run(job) {
      return new Promise((resolve, reject) => {
        const request: ArticleRequest = { seq: ++seq, job };
        if (waiting.size === 0) worker.ref();
        waiting.set(request.seq, { resolve, reject });
        worker.postMessage(request);
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
  thread = started;
  return started;
}
