import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hugePagesEnv } from '../src/launch/huge-pages.js';
import { DIST, ensureBuilt } from './helpers/build.js';

// The serving entries (npm start, the npm CLI scripts) re-execute themselves once with glibc's
// malloc asking for huge pages: index loads are mostly page faults (bench/README.md, store part).

describe('hugePagesEnv', () => {
  it('adds the hugetlb tunable on Linux and keeps the other settings and tunables', () => {
    expect(hugePagesEnv({ HOME: '/h' }, 'linux')).toEqual({ HOME: '/h', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(hugePagesEnv({ GLIBC_TUNABLES: 'glibc.malloc.check=0' }, 'linux')).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.check=0:glibc.malloc.hugetlb=1' });
  });

  it('leaves a hugetlb value already chosen alone (0 opts out) and other systems untouched', () => {
    expect(hugePagesEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux')).toBeNull();
    expect(hugePagesEnv({ GLIBC_TUNABLES: 'glibc.malloc.check=0:glibc.malloc.hugetlb=1' }, 'linux')).toBeNull();
    expect(hugePagesEnv({}, 'darwin')).toBeNull();
    expect(hugePagesEnv({}, 'win32')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('an entry relaunched with huge pages (real processes)', () => {
  let dir: string;
  let probe: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'depeche-hugepages-'));
    probe = join(dir, 'probe.mjs');
    // An entry like dist/bot/start.js that says who it is each time it starts.
    writeFileSync(
      probe,
      `import { relaunchWithHugePages } from ${JSON.stringify(pathToFileURL(join(DIST, 'launch/huge-pages.js')).href)};\n` +
        `process.stdout.write(JSON.stringify({ pid: process.pid, tunables: process.env.GLIBC_TUNABLES ?? null, args: process.argv.slice(2), execArgv: process.execArgv, keep: process.env.KEEP_ME ?? null }) + '\\n');\n` +
        `relaunchWithHugePages();\n`,
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=300', probe, 'ask', 'une question à deux mots'], { env: { PATH: process.env.PATH!, KEEP_ME: 'yes', ...env }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { pid: number; tunables: string | null; args: string[]; execArgv: string[]; keep: string | null });
  };

  it('re-executes exactly once, in place: same pid, arguments, Node flags and environment, with the tunable', () => {
    const [first, second, ...more] = start({});
    expect(more).toEqual([]);
    expect(first!.tunables).toBeNull();
    expect(second).toEqual({ pid: first!.pid, tunables: 'glibc.malloc.hugetlb=1', args: ['ask', 'une question à deux mots'], execArgv: ['--max-old-space-size=300'], keep: 'yes' });
  });

  it('runs once, unchanged, when the tunable is already set (the opt-out included)', () => {
    expect(start({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' })).toEqual([expect.objectContaining({ tunables: 'glibc.malloc.hugetlb=0' })]);
  });

  it('the CLI entry the npm scripts run answers through the relaunch', () => {
    const r = spawnSync(process.execPath, [join(DIST, 'cli/start.js'), '--help'], { env: { PATH: process.env.PATH! }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: depeche <command>/);
  });
});
