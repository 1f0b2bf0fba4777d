import { createPrng } from '../../scripts/model/prng.js';

/** Seeded pseudo-random numbers, so every child process sees the same vectors and texts. */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  gaussian(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** The model generator's seeded mulberry32, plus what benchmark data needs (not for anything secret). */
export function createRng(seed: number): Rng {
  const { next } = createPrng(seed);
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box–Muller; u is kept away from 0 so log() stays finite.
    const u = next() || 1e-12;
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, gaussian, int: (n) => Math.floor(next() * n) };
}
