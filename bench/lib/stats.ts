/** Small, pure statistics helpers for timings (milliseconds unless said otherwise). */

/** Percentile by linear interpolation between closest ranks; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / n;
  return {
    n,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    mean,
    min: n === 0 ? Number.NaN : Math.min(...values),
    max: n === 0 ? Number.NaN : Math.max(...values),
  };
}

/** Rounds for reporting, keeping ~3 significant figures for small values. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const factor = 10 ** Math.min(decimals, 6);
  return Math.round(value * factor) / factor;
}

/** `a / b` rounded, or null when either side is missing or zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b);
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  // maxRSS is reported in kilobytes on Linux.
  return process.resourceUsage().maxRSS / 1024;
}

export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
