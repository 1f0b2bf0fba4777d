import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/**
 * PostgreSQL for the tests: the cluster DATABASE_URL points at (.ci/run starts a throw-away one
 * with scripts/pg-test-cluster.sh; do the same by hand). Each test database is created fresh
 * and dropped after. A missing DATABASE_URL fails the PostgreSQL tests, naming how to start a
 * cluster: they never skip.
 */
export const POSTGRES_URL = process.env.DATABASE_URL?.trim() || null;

const MISSING =
  'DATABASE_URL is not set: PostgreSQL tests need a cluster (eval "$(scripts/pg-test-cluster.sh start /tmp/depeche-pg)"; .ci/run does it)';

/** `describe` for tests that need PostgreSQL: without a cluster they fail, naming how to start one. */
export function describePostgres(name: string, body: () => void): void {
  if (POSTGRES_URL) describe(name, body);
  else describe(name, () => it('has a PostgreSQL cluster to test against', () => { throw new Error(MISSING); }));
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new empty database on the test cluster — a schema of its own, which the returned URL
 * makes the search path (CREATE DATABASE takes about a second on a loaded machine; a schema, milliseconds).
 */
export async function freshDatabase(): Promise<TestDatabase> {
  if (!POSTGRES_URL) throw new Error(MISSING);
  const name = `depeche_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${name}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    drop: () => admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL! });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
