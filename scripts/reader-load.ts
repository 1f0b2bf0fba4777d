/**
 * A local reader's load, side by side: each side is a code checkout and an index folder, loaded in
 * fresh processes, alternating sides every round (a busy machine weighs on both alike). Two
 * measures per round, each in its own process:
 *   - cold: the first load of a process (a cold `ask`, a bot starting): wall, CPU of all threads,
 *     heap and RSS after it;
 *   - reload: a second reader loading while the first holds its state (a running bot after a
 *     rebuild): the same, and the longest event-loop stall meanwhile (issue 11: ≤ 50 ms at 100k).
 * Prints a table of medians and writes every round to --json.
 * Usage: npx tsx scripts/reader-load.ts --side before=/path/to/checkout:/path/to/index
 *          --side after=.:/path/to/index [--rounds 3] [--json /tmp/reader-load.json]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from '../bench/lib/markdown.js';

/** Node 24's CPU time of the calling thread (newer than this project's @types/node). */
const threadCpuUsage = (previous?: NodeJS.CpuUsage): NodeJS.CpuUsage => (process as unknown as { threadCpuUsage(p?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(previous);

interface Measure {
  side: string;
  mode: 'cold' | 'reload';
  round: number;
  passages: number;
  loadMs: number;
  cpuMs: number;
  /** CPU of the main thread alone (the event loop's share of the load). */
  mainCpuMs: number;
  stallMs: number;
  /**
   * The most main-thread CPU between two ticks of a 1 ms timer: the longest stall the load itself
   * causes, apart from the time a busy machine takes the thread away (which `stallMs` includes).
   */
  turnCpuMs: number;
  /** Event-loop turns longer than 20 ms during the load. */
  longTurns: number;
  heapMb: number;
  rssMb: number;
  arrayBuffersMb: number;
  loadAverage: number;
}

const { values } = parseArgs({
  options: {
    side: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string', default: '/tmp/reader-load.json' },
    child: { type: 'string' },
  },
});

if (values.child) {
  const [checkout, indexDir, mode] = JSON.parse(values.child) as [string, string, 'cold' | 'reload'];
  process.stdout.write(`${JSON.stringify(await measure(checkout, indexDir, mode))}\n`);
  process.exit(0);
}

const sides = values.side.map((s) => {
  const [label, rest] = [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)];
  const [checkout, indexDir] = [rest.slice(0, rest.indexOf(':')), rest.slice(rest.indexOf(':') + 1)];
  if (!label || !checkout || !indexDir) throw new Error(`--side LABEL=CHECKOUT:INDEX_DIR, got ${s}`);
  return { label, checkout: resolve(checkout), indexDir: resolve(indexDir) };
});
if (sides.length === 0) throw new Error('at least one --side LABEL=CHECKOUT:INDEX_DIR');
const rounds = Number(values.rounds);
const results: Measure[] = [];
for (let round = 0; round < rounds; round++) {
  for (const mode of ['cold', 'reload'] as const) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', JSON.stringify([side.checkout, side.indexDir, mode])], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${side.label} ${mode}: ${child.stderr.slice(-2000)}`);
      const m = { ...(JSON.parse(line) as Omit<Measure, 'side' | 'round'>), side: side.label, round };
      results.push(m);
      console.error(`${side.label} ${mode} #${round}: load ${m.loadMs.toFixed(0)} ms, CPU ${m.cpuMs.toFixed(0)} ms (main ${m.mainCpuMs.toFixed(0)}), stall ${m.stallMs.toFixed(0)} ms (turn CPU ${m.turnCpuMs.toFixed(0)}), heap ${m.heapMb} MB, RSS ${m.rssMb} MB (load avg ${m.loadAverage.toFixed(1)})`);
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rows = sides.flatMap((side) =>
  (['cold', 'reload'] as const).map((mode) => {
    const ms = results.filter((r) => r.side === side.label && r.mode === mode);
    const med = (f: (m: Measure) => number) => median(ms.map(f));
    return [side.label, mode, ms[0]?.passages ?? 0, med((m) => m.loadMs).toFixed(0), med((m) => m.cpuMs).toFixed(0), med((m) => m.mainCpuMs).toFixed(0), med((m) => m.stallMs).toFixed(0), Math.max(...ms.map((m) => m.stallMs)).toFixed(0), med((m) => m.turnCpuMs).toFixed(0), Math.max(...ms.map((m) => m.turnCpuMs)).toFixed(0), med((m) => m.longTurns), med((m) => m.heapMb), med((m) => m.rssMb), med((m) => m.loadAverage).toFixed(1)];
  }),
);
console.log(table(['side', 'load', 'passages', 'wall ms', 'CPU ms (all threads)', 'main thread CPU ms', 'longest stall ms (median)', '(max)', 'longest turn CPU ms (median)', '(max)', 'turns > 20 ms', 'heap MB', 'RSS MB', 'load avg'], rows));
writeFileSync(values.json, JSON.stringify({ at: new Date().toISOString(), rounds, sides, results }, null, 2));
console.log(`rounds in ${values.json}`);

/** One load in this process, of the reader of `checkout`'s code. */
async function measure(checkout: string, indexDir: string, mode: 'cold' | 'reload'): Promise<Omit<Measure, 'side' | 'round'>> {
  const { createStore } = (await import(pathToFileURL(join(checkout, 'src/engine/index/create-store.ts')).href)) as typeof import('../src/engine/index/create-store.js');
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const store = createStore({ backend: 'local', indexDir });
  const held = mode === 'reload' ? store.reader() : null;
  if (held) await held.refresh();
  gc();
  const loadAverage = loadavg()[0]!;
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  let longTurns = 0;
  let turnCpuMs = 0;
  let last = performance.now();
  let lastCpu = threadCpuUsage();
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpuNow = threadCpuUsage();
    if (now - last > 20) longTurns++;
    turnCpuMs = Math.max(turnCpuMs, (cpuNow.user - lastCpu.user + cpuNow.system - lastCpu.system) / 1000);
    last = now;
    lastCpu = cpuNow;
  }, 1);
  stalls.enable();
  const cpu = process.cpuUsage();
  const mainCpu = threadCpuUsage();
  const started = performance.now();
  const reader = store.reader();
  const view = await reader.refresh();
  const loadMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const usedMain = threadCpuUsage(mainCpu);
  stalls.disable();
  clearInterval(ticker);
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const out = { mode, passages: view.passageCount, loadMs, cpuMs: (used.user + used.system) / 1000, mainCpuMs: (usedMain.user + usedMain.system) / 1000, stallMs: stalls.max / 1e6, turnCpuMs, longTurns, heapMb: mb(m.heapUsed), rssMb: mb(m.rss), arrayBuffersMb: mb(m.arrayBuffers), loadAverage };
  await reader.close();
  await held?.close();
  await store.close();
  return out;
}
