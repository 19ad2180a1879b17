/**
 * Vitest global setup of the `server-pg` project (the server's tests on PostgreSQL): starts the
 * private test cluster (tests/scripts/pg-up.sh, idempotent) and drops the per-test databases an
 * earlier, interrupted run left behind (server/src/test/database.ts names them aerie_t_...).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject): Promise<void> {
  const url = project.config.env?.AERIE_TEST_DATABASE_URL as string | undefined;
  if (!url) throw new Error('the server-pg project needs AERIE_TEST_DATABASE_URL (vitest.config.ts sets it)');
  const u = new URL(url);
  const script = fileURLToPath(new URL('../scripts/pg-up.sh', import.meta.url));
  if (u.hostname === '127.0.0.1' || u.hostname === 'localhost')
    execFileSync(script, [], { env: { ...process.env, AERIE_PG_PORT: u.port || '5432' }, stdio: 'pipe' });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like 'aerie\\_t\\_%'`,
    );
    for (const r of rows) await client.query(`drop database if exists ${r.datname} with (force)`);
  } finally {
    await client.end();
  }
}
