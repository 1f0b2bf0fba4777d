import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay over a recent stretch of time, in milliseconds. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
  /** How much time the figures cover. */
  windowMs: number;
}

export interface LoopMonitor {
  /** p99 and longest delay over the last `keepWindows` windows (null before the first one closes). */
  recent(): LoopDelay | null;
  stop(): void;
}

export interface LoopMonitorOptions {
  /** The bot's pino logger, or anything with the same two methods. */
  logger: { warn(fields: object, msg: string): void; debug(fields: object, msg: string): void };
  /** Length of one measuring window. Default 10 s. */
  windowMs?: number;
  /** Windows `recent()` covers. Default 6 (a minute with the default window). */
  keepWindows?: number;
  /** A window whose p99 passes this is logged at warn. Default 100 ms. */
  warnP99Ms?: number;
  /** Extra fields for each window's log line (e.g. the answer queue's depth). */
  context?: () => Record<string, unknown>;
}

const RESOLUTION_MS = 10;

/**
 * Samples the bot's event-loop delay (perf_hooks, every 10 ms) and closes a window every
 * `windowMs`: logged at debug, or at warn when its p99 passes `warnP99Ms` — a loop that late
 * misses Discord's 3-second acknowledgement deadline under load, and heartbeats with it.
 * @example const loop = startLoopMonitor({ logger }); loop.recent() // { p99Ms: 3.1, maxMs: 12.4, windowMs: 60000 }
 */
export function startLoopMonitor(options: LoopMonitorOptions): LoopMonitor {
  const windowMs = options.windowMs ?? 10_000;
  const keep = options.keepWindows ?? 6;
  const warnP99Ms = options.warnP99Ms ?? 100;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const windows: { p99Ms: number; maxMs: number }[] = [];
  // Samples are whole timer intervals (≈ 10 ms on an idle loop): the delay is what passes the interval.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

  let windowStart = performance.now();
  const timer = setInterval(() => {
    // The window's own lateness is a stall too: a block that straddles a reset, or one so long
    // that the sampler never fired in this window, leaves the histogram without it.
    const now = performance.now();
    const lateMs = Math.max(0, Math.round((now - windowStart - windowMs) * 100) / 100);
    windowStart = now;
    const sampled = histogram.count > 0;
    const window = {
      p99Ms: sampled ? Math.max(ms(histogram.percentile(99)), lateMs) : lateMs,
      maxMs: Math.max(sampled ? ms(histogram.max) : 0, lateMs),
    };
    histogram.reset();
    windows.push(window);
    if (windows.length > keep) windows.shift();
    const line = { eventLoop: { ...window, windowMs }, ...options.context?.() };
    if (window.p99Ms > warnP99Ms) options.logger.warn(line, 'event loop delayed');
    else options.logger.debug(line, 'event loop');
  }, windowMs);
  // Never what keeps a stopping process alive.
  timer.unref();

  return {
    recent() {
      if (windows.length === 0) return null;
      return {
        // The worst window's p99: a short bad stretch must not be averaged away.
        p99Ms: Math.max(...windows.map((w) => w.p99Ms)),
        maxMs: Math.max(...windows.map((w) => w.maxMs)),
        windowMs: windows.length * windowMs,
      };
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
