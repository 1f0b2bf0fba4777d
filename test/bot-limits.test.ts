import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerQueue } from '../src/bot/limits/answer-queue.js';
import { createRateLimiter } from '../src/bot/limits/rate-limiter.js';
import { openStore } from '../src/bot/store/store.js';

describe('rate limiter', () => {
  it('allows max questions per window per member, counted in the bot’s database, and says when the next slot frees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'depeche-limits-'));
    const store = await openStore({ dataDir: dir, salt: null });
    try {
      let now = 1_000_000;
      const limiter = createRateLimiter(store, { max: 2, windowMs: 60_000 }, () => now);
      expect(await limiter.take('a')).toEqual({ ok: true });
      now += 10_000;
      expect(await limiter.take('a')).toEqual({ ok: true });
      expect(await limiter.take('b')).toEqual({ ok: true });
      expect(await limiter.take('a')).toEqual({ ok: false, retryAfterMs: 50_000 });
      now += 50_000;
      expect(await limiter.take('a')).toEqual({ ok: true });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('answer queue', () => {
  it('runs at most `concurrency` tasks at once and refuses when the waiting line is full', async () => {
    const queue = createAnswerQueue({ concurrency: 2, maxQueued: 1 });
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      new Promise<number>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        releases.push(() => {
          running--;
          resolve(peak);
        });
      });
    const a = queue.tryAdd(task);
    const b = queue.tryAdd(task);
    const c = queue.tryAdd(task);
    expect([a, b, c].every((p) => p !== null)).toBe(true);
    expect(queue.tryAdd(task)).toBeNull();
    expect(queue.busy).toBe(3);
    while (releases.length > 0 || queue.busy > 0) {
      await new Promise((r) => setTimeout(r, 5));
      releases.shift()?.();
    }
    await Promise.all([a, b, c]);
    await queue.drained();
    expect(peak).toBe(2);
  });
});

describe('answer queue places', () => {
  it('counts a place taken before its work is handed over, and frees it when given back', async () => {
    const queue = createAnswerQueue({ concurrency: 1, maxQueued: 1 });
    const first = queue.reserve();
    const second = queue.reserve();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    // Nothing runs yet, but the line is full: a third member is told at once.
    expect(queue.reserve()).toBeNull();
    expect(queue.waiting).toBe(2);
    second!.release();
    second!.release(); // twice is harmless
    expect(queue.busy).toBe(1);
    expect(await first!.run(async () => 'answered')).toBe('answered');
    await expect(first!.run(async () => 'again')).rejects.toThrow(/already used/);
    await queue.drained();
    expect(queue.busy).toBe(0);
  });
});
