/**
 * Per-user sliding-window rate limit: at most `max` takes per `windowMs` per key.
 * The clock is injected so the behaviour is testable without waiting.
 */
export interface RateLimiter {
  /** Takes one slot for `key`; when none is free, says how long until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterMs: number };
}

export function createRateLimiter(opts: { max: number; windowMs: number; now?: () => number }): RateLimiter {
  const now = opts.now ?? Date.now;
  const hits = new Map<string, number[]>();
  let calls = 0;
  return {
    take(key) {
      const t = now();
      const recent = (hits.get(key) ?? []).filter((at) => t - at < opts.windowMs);
      // Forget idle users now and then so the map does not grow with every user ever seen.
      if (++calls % 1000 === 0) {
        for (const [k, list] of hits) if (list.every((at) => t - at >= opts.windowMs)) hits.delete(k);
      }
      if (recent.length >= opts.max) {
        hits.set(key, recent);
        return { ok: false, retryAfterMs: opts.windowMs - (t - recent[0]!) };
      }
      recent.push(t);
      hits.set(key, recent);
      return { ok: true };
    },
  };
}
