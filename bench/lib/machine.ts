import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  platform: string;
  memoryGb: number;
}

/** What the numbers were measured on (they mean little without it). */
export function describeMachine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: os.cpus() is all there is.
  }
  return {
    nproc: os.availableParallelism(),
    cpu,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  };
}
