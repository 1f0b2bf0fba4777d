/**
 * Runs a model load that may stall (a server that accepts and never answers): fails with
 * `onStall()` once `idleMs` pass without the load finishing or reporting progress. A download
 * that keeps moving is never cut, however long the model. The stalled load itself is left to
 * end on its own (it holds no lock and its thread does not keep the process alive).
 * @example await withStallTimeout((progress) => load({ onDownloadProgress: progress }), 60_000, () => new Error('stalled'))
 */
export function withStallTimeout<T>(start: (progress: () => void) => Promise<T>, idleMs: number, onStall: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => reject(onStall()), idleMs);
      timer.unref();
    };
    arm();
    start(arm).then(
      (value) => {
        if (timer) clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (timer) clearTimeout(timer);
        reject(error);
      },
    );
  });
}
