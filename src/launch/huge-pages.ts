/**
 * Serving processes start with glibc's malloc asking for transparent huge pages
 * (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, glibc ≥ 2.35; ignored elsewhere).
 *
 * Why: loading a large index is mostly page faults. hnswlib reads its whole graph into one
 * malloc'd block (1.7 GB at a million passages) and large ArrayBuffers are malloc'd too; faulted
 * in 4 KB pages, that block alone cost 28.8 CPU-s to load at 1M on our VM, 13.5 CPU-s with the
 * tunable (bench/README.md, store section). glibc reads tunables only when a process starts, so
 * the entry re-executes itself once, in place (same pid, arguments, stdio), before it imports
 * anything heavy. `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` in the environment opts out.
 */

const TUNABLE = 'glibc.malloc.hugetlb';

/**
 * The environment to re-execute with, or null when there is nothing to do: not Linux, or the
 * hugetlb tunable is already set (to any value: ours after the re-exec, or the user's choice).
 * Other tunables already set are kept.
 */
export function hugePagesEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv | null {
  if (platform !== 'linux') return null;
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.split(':').some((t) => t.trim().startsWith(`${TUNABLE}=`))) return null;
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${TUNABLE}=1` : `${TUNABLE}=1` };
}

/**
 * Re-executes this process with the tunable set when it is missing; returns only when it is not
 * needed or not possible (no `process.execve` before Node 22.15: the process runs as it is).
 */
export function relaunchWithHugePages(): void {
  const env = hugePagesEnv(process.env);
  // Typed here: @types/node 20 predates process.execve (Node 22.15 / 23.11).
  const { execve } = process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never };
  if (!env || typeof execve !== 'function') return;
  try {
    execve.call(process, process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // A sandbox refusing execve: run without huge pages rather than not at all.
  }
}
