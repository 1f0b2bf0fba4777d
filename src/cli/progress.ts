import cliProgress from 'cli-progress';
import type { IndexProgress } from '../engine/types.js';

/** Progress bars on stderr (stdout stays clean for --json); silent when stderr is not a terminal. */
export function createIndexProgress(stream: NodeJS.WriteStream = process.stderr): { update: (p: IndexProgress) => void; stop: () => void } {
  if (!stream.isTTY) {
    let announced = false;
    return {
      update: (p) => {
        if (p.phase === 'embed' && !announced && p.total > 0) {
          stream.write(`Embedding ${p.total} passages…\n`);
          announced = true;
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'Indexing {phase} [{bar}] {value}/{total} passages | {eta_formatted} left', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (p.phase !== 'embed' || p.total === 0) return;
      if (!started) {
        bar.start(p.total, 0, { phase: 'embed' });
        started = true;
      }
      bar.update(p.done, { phase: p.phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Model download progress (first run with a hub model), one bar per file. */
export function createDownloadProgress(stream: NodeJS.WriteStream = process.stderr) {
  const bars = new Map<string, cliProgress.SingleBar>();
  const multi = stream.isTTY ? new cliProgress.MultiBar({ stream, format: '{file} [{bar}] {percentage}%', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic) : null;
  return {
    update(info: { file: string; loaded?: number; total?: number; status: string }) {
      // transformers.js reports 'initiate' for local files too; only 'download' means the network.
      if (info.status === 'download') {
        if (multi) bars.set(info.file, multi.create(100, 0, { file: info.file }));
        else stream.write(`Downloading ${info.file}…\n`);
      } else if (info.status === 'progress' && info.total) {
        bars.get(info.file)?.update(Math.round(((info.loaded ?? 0) / info.total) * 100), { file: info.file });
      } else if (info.status === 'done') {
        bars.get(info.file)?.update(100, { file: info.file });
      }
    },
    stop: () => multi?.stop(),
  };
}
