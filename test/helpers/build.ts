import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The compiled entry points tests spawn as users run them (`npm start`, `npm run ask`). */
export const DIST = join(ROOT, 'dist');
export const CLI_ENTRY = join(DIST, 'cli/main.js');

/**
 * Compiles src/ to dist/ (`npm run build`) when a source file is newer than the last build,
 * so tests that spawn `npm start` or the CLI run the code under test, not a stale build.
 */
export function ensureBuilt(): void {
  const built = mtimeOf(join(DIST, '.tsbuildinfo'));
  if (built !== null && newestMtime(join(ROOT, 'src')) <= built && (mtimeOf(join(ROOT, 'tsconfig.build.json')) ?? 0) <= built) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  // tsc leaves its build info untouched when no output changed; mark this check as done.
  const now = new Date();
  utimesSync(join(DIST, '.tsbuildinfo'), now, now);
}

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
