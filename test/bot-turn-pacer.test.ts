import { describe, expect, it } from 'vitest';
import { createTurnPacer, SPREAD_TURNS } from '../src/bot/limits/turn-pacer.js';

describe('spreading a burst of handlers over event-loop turns', () => {
  it('starts a burst in arrival order, a slice per turn, with timers running between slices', async () => {
    const pacer = createTurnPacer();
    const started: number[] = [];
    let turn = 0;
    const turns: number[] = [];
    // A timer due at once, set before the burst: a burst started in one go would run ahead of it.
    let timerFiredAfter: number | null = null;
    setTimeout(() => (timerFiredAfter = started.length), 0);
    // Counts turns: each check phase runs this once before the pacer's own immediate.
    const counter = () => {
      turn++;
      if (pacer.waiting > 0) setImmediate(counter);
    };
    setImmediate(counter);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        pacer.run(async () => {
          started.push(i);
          turns.push(turn);
          return i * 2;
        }),
      ),
    );

    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    expect(started).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(timerFiredAfter).not.toBeNull();
    expect(timerFiredAfter!).toBeLessThan(200);
    const perTurn = [...turns.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<number, number>()).values()];
    // The first slice is the largest: a 16th of the line.
    expect(Math.max(...perTurn)).toBe(Math.ceil(200 / SPREAD_TURNS));
    expect(perTurn.length).toBeGreaterThan(SPREAD_TURNS);
  });

  it('passes on a task’s failure, thrown or rejected, and goes on with the next', async () => {
    const pacer = createTurnPacer();
    const thrown = pacer.run(() => {
      throw new Error('at once');
    });
    const rejected = pacer.run(async () => {
      throw new Error('later');
    });
    const fine = pacer.run(async () => 'ok');
    await expect(thrown).rejects.toThrow('at once');
    await expect(rejected).rejects.toThrow('later');
    expect(await fine).toBe('ok');
  });
});
