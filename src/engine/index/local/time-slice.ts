/**
 * Cooperative time slicing for long index work on a thread that also answers (a reader's loads,
 * moves and refreshes): the work runs in slices and yields to the event loop between them, so
 * no single turn holds it for long.
 */

/** Yields to the event loop (after pending I/O callbacks). */
export const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** Work per slice before yielding: well under the 50 ms stall a running bot allows. */
export const SLICE_MS = 15;

export type Pause = (() => Promise<void>) & { maybe(): Promise<void> | undefined };

/** A pause that yields once `ms` of work went by since the last; `maybe()` returns a promise only when it yields. */
export function slicer(ms = SLICE_MS): Pause {
  let slice = performance.now();
  const pause = async () => {
    if (performance.now() - slice < ms) return;
    await yieldNow();
    slice = performance.now();
  };
  return Object.assign(pause, { maybe: () => (performance.now() - slice > ms ? pause() : undefined) });
}
