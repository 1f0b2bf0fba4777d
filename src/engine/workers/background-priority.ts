import { getPriority, setPriority } from 'node:os';

/**
 * The nice value a background thread takes (model inference, page extraction). On Linux the
 * nice value belongs to a thread, not to the process, and threads a thread starts inherit it
 * (onnxruntime's own inference threads, started when a model loads). So the calling thread
 * keeps the CPU whenever it needs it: on a 2-core machine a busy inference thread pool otherwise
 * shares a core with the bot's event loop, and every few milliseconds of the loop's work then
 * take several times as long in wall time (stalls of 100–250 ms measured while answering a burst).
 * A niced thread still gets every cycle nobody else wants: an idle machine runs it at full speed.
 */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's CPU priority to `BACKGROUND_NICE` (never raises it: a process
 * started nicer stays as nice). Call it first thing in a worker thread, before it starts threads
 * of its own. Where threads have no nice value of their own (Windows: the call would reach the
 * whole process), or where the system refuses, it does nothing. Returns the nice value it set,
 * or null when it left it alone.
 *
 * @example lowerThreadPriority() // 10 (on Linux; the main thread still reads 0)
 */
export function lowerThreadPriority(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    // pid 0: the calling thread, on Linux.
    if (getPriority(0) >= BACKGROUND_NICE) return null;
    setPriority(0, BACKGROUND_NICE);
    return BACKGROUND_NICE;
  } catch {
    return null;
  }
}
