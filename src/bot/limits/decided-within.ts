import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `promise`'s outcome if it settles within `ms`, else `{ decided: false }` (the promise keeps
 * running; await it later). A rejection within `ms` is thrown.
 *
 * @example await decidedWithin(admit(ctx, id, locale), 250) // { decided: true, value: { ok: true, … } }
 */
export async function decidedWithin<T>(promise: Promise<T>, ms: number): Promise<{ decided: true; value: T } | { decided: false }> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then((value) => ({ decided: true as const, value })),
      sleep(ms, { decided: false as const }, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}
