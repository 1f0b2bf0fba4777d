import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt } from './helpers/build.js';
import { ensureTinyModel } from './helpers/tiny-model.js';

const PG_CLUSTER = resolve(import.meta.dirname, '../scripts/pg-test-cluster.sh');

// Every test file may load the generated tiny model; make it once per run (~0.2 s).
// Tests that spawn `npm start` or the CLI run dist/: compile it once if src/ changed since.
// The PostgreSQL tests need a cluster: without DATABASE_URL, start a throw-away one for the run
// (where PostgreSQL is not installed they fail, naming how to get one).
export default async function setup(): Promise<() => void> {
  await ensureTinyModel();
  ensureBuilt();
  return startPostgresIfNeeded();
}

function startPostgresIfNeeded(): () => void {
  if (process.env.DATABASE_URL?.trim()) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'depeche-pg-'));
  try {
    const exports = execFileSync(PG_CLUSTER, ['start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const url = /DATABASE_URL=(\S+)/.exec(exports)?.[1];
    if (url) process.env.DATABASE_URL = url;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return () => undefined;
  }
  return () => {
    execFileSync(PG_CLUSTER, ['stop', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
}
