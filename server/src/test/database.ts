/**
 * Test databases. By default a test's database is the SQLite file in its temporary data folder.
 * With `AERIE_TEST_DATABASE_URL=postgres://.../postgres` (what `npm run test:pg` sets), each
 * data folder gets a PostgreSQL database of its own instead, named after the folder, so a test
 * that restarts an app on the same folder finds its data again; `dropTestDatabase` removes it.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { type Database, type OpenDatabaseOptions, openDatabase, parsePostgresUrl } from '../db/client.ts';

/** The server URL tests run against on PostgreSQL, or undefined (SQLite). */
export function testDatabaseServer(): string | undefined {
  return process.env.AERIE_TEST_DATABASE_URL || undefined;
}

/** The PostgreSQL database name of a data folder: `aerie_t_` and a hash of its path. */
export function testDatabaseName(dataDir: string): string {
  return `aerie_t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const server = testDatabaseServer();
  if (!server) throw new Error('AERIE_TEST_DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The database URL for a test app on `dataDir`: undefined on SQLite; on PostgreSQL the folder's
 * database, created when it does not exist yet.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const server = testDatabaseServer();
  if (!server) return undefined;
  const name = testDatabaseName(dataDir);
  await onServer(async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      try {
        await c.query(`create database ${name}`);
      } catch (err) {
        // Created meanwhile by a parallel opener of the same folder.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  });
  const u = parsePostgresUrl(server);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops the PostgreSQL database of `dataDir` (nothing on SQLite). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  if (!testDatabaseServer()) return;
  const name = testDatabaseName(dataDir);
  await onServer((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** Opens the test database of `dataDir` (see the header), migrated. */
export async function openTestDatabase(
  dataDir: string,
  opts: Omit<OpenDatabaseOptions, 'dataDir' | 'url'> = {},
): Promise<Database> {
  return openDatabase({ ...opts, dataDir, url: await testDatabaseUrl(dataDir) });
}

/** `databaseUrl` for a test app's configuration on `dataDir` (null: SQLite). */
export async function testDatabaseConfig(dataDir: string): Promise<{ databaseUrl: string | null }> {
  return { databaseUrl: (await testDatabaseUrl(dataDir)) ?? null };
}

/** Removes a test's data folder and its PostgreSQL database. */
export async function removeTestData(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await dropTestDatabase(dataDir);
}
