import PQueue from 'p-queue';

/**
 * Bounds the engine work running at once (`concurrency`) and waiting (`maxQueued`).
 * A full queue refuses at once so the caller can answer politely instead of making people wait.
 */
export interface AnswerQueue {
  /** Runs `task` when a slot frees up, or returns null immediately when the queue is full. */
  tryAdd<T>(task: () => Promise<T>): Promise<T> | null;
  readonly busy: number;
  /** Resolves when nothing is running or waiting. */
  drained(): Promise<void>;
}

export function createAnswerQueue(opts: { concurrency: number; maxQueued: number }): AnswerQueue {
  const queue = new PQueue({ concurrency: opts.concurrency });
  return {
    tryAdd(task) {
      if (queue.size >= opts.maxQueued) return null;
      return queue.add(task);
    },
    get busy() {
      return queue.size + queue.pending;
    },
    drained: () => queue.onIdle(),
  };
}
