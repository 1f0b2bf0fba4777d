import cliProgress from 'cli-progress';
import type { IndexProgress } from '../engine/types.js';

/** Progress bars on stderr (stdout stays clean for --json) with passages/s and time left; off a terminal, a line every 10 s. */
export function createIndexProgress(stream: NodeJS.WriteStream = process.stderr): { update: (p: IndexProgress) => void; stop: () => void } {
  const waiting = waitNotice(stream);
  if (!stream.isTTY) {
    let announced = false;
    let since = 0;
    let lastLine = 0;
    return {
      update: (p) => {
        waiting(p);
        if (p.phase === 'embed' && !announced && p.total > 0) {
          stream.write(`Embedding ${p.total} passages…\n`);
          announced = true;
          since = lastLine = Date.now();
        }
        // Off a terminal (a log, CI): a line every 10 s with the rate and the time left.
        if (p.phase === 'embed' && announced && p.done > 0 && p.done < p.total && Date.now() - lastLine >= 10_000) {
          lastLine = Date.now();
          const rate = p.done / ((lastLine - since) / 1000);
          stream.write(`  ${p.done}/${p.total} passages, ${rate.toFixed(1)} passages/s, about ${Math.ceil((p.total - p.done) / rate)} s left\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'Indexing {phase} [{bar}] {value}/{total} passages | {rate} passages/s | {eta_formatted} left', hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let since = 0;
  return {
    update: (p) => {
      waiting(p);
      if (p.phase !== 'embed' || p.total === 0) return;
      if (!started) {
        bar.start(p.total, 0, { phase: 'embed', rate: '–' });
        started = true;
        since = Date.now();
      }
      const seconds = (Date.now() - since) / 1000;
      bar.update(p.done, { phase: p.phase, rate: seconds > 0 && p.done > 0 ? (p.done / seconds).toFixed(1) : '–' });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** One line each time the index update queues behind another process (terminal or not). */
function waitNotice(stream: NodeJS.WritableStream): (p: IndexProgress) => void {
  let last: number | undefined | null = null;
  return (p) => {
    if (p.phase !== 'wait' || p.holderPid === last) return;
    last = p.holderPid;
    const who = p.holderPid === undefined ? 'another process' : `process ${p.holderPid}`;
    stream.write(`Queued: ${who} is updating the index; this one goes on when it is done…\n`);
  };
}

/**
 * Model download progress (first run with a hub model), one bar per file. transformers.js
 * reports local and cached files the same way as downloads, so a file gets a bar (or, off a
 * terminal, one line) only once it has taken longer than `quietMs`: real downloads show, cache
 * hits stay silent.
 */
export function createDownloadProgress(stream: NodeJS.WriteStream = process.stderr, quietMs = 700) {
  const started = new Map<string, number>();
  const bars = new Map<string, cliProgress.SingleBar | null>();
  const multi = stream.isTTY ? new cliProgress.MultiBar({ stream, format: '{file} [{bar}] {percentage}% of {size}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic) : null;
  const size = (bytes?: number) => (bytes ? `${(bytes / 1e6).toFixed(1)} MB` : '?');
  return {
    update(info: { file: string; loaded?: number; total?: number; status: string }) {
      if (info.status === 'download') started.set(info.file, Date.now());
      if (info.status !== 'progress' && info.status !== 'done') return;
      if (!bars.has(info.file)) {
        const since = started.get(info.file);
        if (since === undefined || Date.now() - since < quietMs || info.status === 'done') return;
        if (multi) bars.set(info.file, multi.create(100, 0, { file: info.file, size: size(info.total) }));
        else {
          stream.write(`Downloading ${info.file} (${size(info.total)})…\n`);
          bars.set(info.file, null);
        }
      }
      const percent = info.status === 'done' ? 100 : Math.round(((info.loaded ?? 0) / (info.total || 1)) * 100);
      bars.get(info.file)?.update(percent, { file: info.file, size: size(info.total) });
    },
    stop: () => multi?.stop(),
  };
}
