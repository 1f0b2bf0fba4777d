import type { RateSlot, RateWindow, Store } from '../store/store.js';

/**
 * Per-member sliding-window rate limit: at most `max` questions per `windowMs`. The hits live
 * in the bot's database (taken atomically there), so with PostgreSQL a member has one limit
 * across every shard and machine. The clock is injected so the behaviour is testable without waiting.
 */
export interface RateLimiter {
  /** Takes one slot for the member; when none is free, says how long until one is. */
  take(userId: string): Promise<RateSlot>;
}

export function createRateLimiter(store: Pick<Store, 'takeRateSlot'>, window: RateWindow, now: () => number = Date.now): RateLimiter {
  return { take: (userId) => store.takeRateSlot(userId, window, now()) };
}
