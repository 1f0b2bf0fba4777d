import PQueue from 'p-queue';

/**
 * Bounds the engine work running at once (`concurrency`) and waiting (`maxQueued`).
 * A full queue refuses at once so the caller can answer politely instead of making people wait.
 *
 * A place is taken synchronously (`reserve`) and the work handed over later (`run`), so a handler
 * knows whether it can answer before it acknowledges the interaction, and starts engine work only
 * once the acknowledgement is on its way. Nothing here relies on p-queue's `add()` running the task
 * synchronously or not (v9 does, v10 may not).
 */
export interface AnswerQueue {
  /** A place in line, or null when the line is full. Hold it briefly: run it or release it. */
  reserve(): QueuePlace | null;
  /** `reserve()` then `run(task)` at once; null when the queue is full. */
  tryAdd<T>(task: () => Promise<T>): Promise<T> | null;
  /** Tasks running plus waiting (reserved places included). */
  readonly busy: number;
  readonly running: number;
  readonly waiting: number;
  /** Resolves when nothing is running or waiting. */
  drained(): Promise<void>;
}

export interface QueuePlace {
  /** Runs `task` when a slot frees up. A place runs at most once. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back unused (e.g. the acknowledgement failed). */
  release(): void;
}

export function createAnswerQueue(opts: { concurrency: number; maxQueued: number }): AnswerQueue {
  const queue = new PQueue({ concurrency: opts.concurrency });
  let reserved = 0;
  const capacity = opts.concurrency + opts.maxQueued;

  const reserve = (): QueuePlace | null => {
    if (reserved + queue.size + queue.pending >= capacity) return null;
    reserved++;
    let held = true;
    const giveBack = () => {
      if (held) reserved--;
      held = false;
    };
    return {
      run(task) {
        if (!held) return Promise.reject(new Error('queue place already used'));
        giveBack();
        return queue.add(task);
      },
      release: giveBack,
    };
  };

  return {
    reserve,
    tryAdd(task) {
      return reserve()?.run(task) ?? null;
    },
    get busy() {
      return reserved + queue.size + queue.pending;
    },
    get running() {
      return queue.pending;
    },
    get waiting() {
      return reserved + queue.size;
    },
    drained: () => queue.onIdle(),
  };
}
