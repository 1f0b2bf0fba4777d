/**
 * What one operation costs a process's event loop, for the side-by-side stall scripts
 * (first-ingest.ts, ingest-stalls.ts):
 *   - the longest event-loop delay and its 99th percentile (`monitorEventLoopDelay`, 1 ms resolution);
 *   - the longest turn's own main-thread CPU (CPU of this thread between two ticks of a 1 ms timer:
 *     the stall the work itself causes, apart from the time a busy machine takes the thread away);
 *   - wall time and the main thread's CPU over the whole operation;
 *   - this thread's longest garbage-collection pause and the pauses' total.
 */
import { resolve } from 'node:path';
import { constants as perf, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface Step {
  wallMs: number;
  mainCpuMs: number;
  stallMs: number;
  /** 99th percentile of the event-loop delay samples meanwhile. */
  stallP99Ms: number;
  turnCpuMs: number;
  /** Ticks of the meter's 1 ms timer meanwhile (each costs this thread some CPU of its own). */
  ticks: number;
  gcMaxMs: number;
  gcMaxKind: string;
  gcTotalMs: number;
}

/** Node 24's CPU time of the calling thread (newer than this project's @types/node). */
const threadCpuUsage = (previous?: NodeJS.CpuUsage): NodeJS.CpuUsage => (process as unknown as { threadCpuUsage(p?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(previous);
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

const GC_KINDS: Record<number, string> = {
  [perf.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perf.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** This thread's GC pauses since the last `step` began (observed from the first call of `watchGc`). */
let gcs: PerformanceEntry[] = [];
let watching = false;
/** Starts recording GC pauses (call it once, early: entries arrive from then on). */
export function watchGc(): void {
  if (watching) return;
  watching = true;
  new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
}

/** Runs `work`, measuring the event loop meanwhile (see the file's comment). */
export async function step(work: () => Promise<unknown>): Promise<Step> {
  watchGc();
  gcs = [];
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  let turnCpuMs = 0;
  let lastCpu = threadCpuUsage();
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks++;
    const now = threadCpuUsage();
    turnCpuMs = Math.max(turnCpuMs, cpuMs(now) - cpuMs(lastCpu));
    lastCpu = now;
  }, 1);
  stalls.enable();
  const cpu = threadCpuUsage();
  const t = performance.now();
  await work();
  const wallMs = performance.now() - t;
  const mainCpuMs = cpuMs(threadCpuUsage(cpu));
  stalls.disable();
  clearInterval(ticker);
  // The turn the work ended in, up to now.
  turnCpuMs = Math.max(turnCpuMs, cpuMs(threadCpuUsage()) - cpuMs(lastCpu));
  // Observer entries arrive a turn later.
  await new Promise((go) => setImmediate(go));
  const longest = gcs.reduce<PerformanceEntry | null>((a, e) => (a && a.duration >= e.duration ? a : e), null);
  const kind = (longest as unknown as { detail?: { kind?: number } } | null)?.detail?.kind;
  return {
    wallMs,
    mainCpuMs,
    stallMs: stalls.max / 1e6,
    stallP99Ms: stalls.count > 0 ? stalls.percentile(99) / 1e6 : 0,
    turnCpuMs,
    ticks,
    gcMaxMs: longest?.duration ?? 0,
    gcMaxKind: kind === undefined ? '' : (GC_KINDS[kind] ?? String(kind)),
    gcTotalMs: gcs.reduce((n, e) => n + e.duration, 0),
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The checkouts compared side by side, from `--side LABEL=CHECKOUT` options (paths resolved). */
export function parseSides(specs: readonly string[]): { label: string; checkout: string }[] {
  return specs.map((s) => {
    const at = s.indexOf('=');
    if (at <= 0) throw new Error(`--side LABEL=CHECKOUT, got ${s}`);
    return { label: s.slice(0, at), checkout: resolve(s.slice(at + 1)) };
  });
}
