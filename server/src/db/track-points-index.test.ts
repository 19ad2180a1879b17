/**
 * Deleting a vehicle cascades to its track points (`WHERE vehicle_id = ?`): the index
 * `track_points_vehicle_idx` keeps that from scanning every point of every vehicle, and the
 * migration that adds it applies at start on a database created before it.
 * Runs on SQLite by default and on PostgreSQL under `npm run test:pg`.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, removeTestData, testDatabaseUrl } from '../test/database.ts';
import { type Database, rawRows, SQLITE_FILE, transaction } from './client.ts';

const INDEX = 'track_points_vehicle_idx';
const MIGRATION_TAG = 'track_points_vehicle_index';

let dir: string;
let open: Database | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
  await removeTestData(dir);
});

async function openDb(): Promise<Database> {
  open = await openTestDatabase(dir, { wal: false });
  return open;
}

/** The plan of `query`, one line per step. PostgreSQL is told to avoid a sequential scan when it
 *  has any other way: on a tiny table its cost model would pick one even with the index. */
async function planOf(d: Database, query: string): Promise<string> {
  if (d.dialect === 'sqlite') {
    const rows = await rawRows<{ detail: string }>(d.db, sql.raw(`explain query plan ${query}`));
    return rows.map((r) => r.detail).join('; ');
  }
  return transaction(d.db, async (tx) => {
    await rawRows(tx, sql.raw('set local enable_seqscan = off'));
    const rows = await rawRows<{ 'QUERY PLAN': string }>(tx, sql.raw(`explain ${query}`));
    return rows.map((r) => r['QUERY PLAN']).join('; ');
  });
}

/**
 * Builds the database of `dir` as a release before the index left it: a copy of the dialect's
 * migrations folder whose journal stops before the index migration, applied by drizzle.
 */
async function migrateBeforeIndex(): Promise<void> {
  const pgUrl = await testDatabaseUrl(dir);
  const source = fileURLToPath(new URL(`../../${pgUrl ? 'drizzle-pg' : 'drizzle'}`, import.meta.url));
  const folder = path.join(dir, 'migrations-before');
  cpSync(source, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith(MIGRATION_TAG));
  expect(at, `no ${MIGRATION_TAG} migration in ${source}`).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  if (pgUrl) {
    const pool = new pg.Pool({ connectionString: pgUrl, max: 1 });
    try {
      await migratePg(drizzlePg(pool), { migrationsFolder: folder });
    } finally {
      await pool.end();
    }
    return;
  }
  const raw = new Sqlite(path.join(dir, SQLITE_FILE));
  try {
    migrate(drizzleSqlite(raw), { migrationsFolder: folder });
  } finally {
    raw.close();
  }
}

describe('the track points of a vehicle', () => {
  it(`are found through ${INDEX} by vehicle_id = ?, the lookup of the vehicle-delete cascade`, async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-track-index-'));
    const d = await openDb();
    for (const q of [
      "delete from track_points where vehicle_id = 'v1'",
      "select id from track_points where vehicle_id = 'v1'",
    ])
      expect(await planOf(d, q), q).toContain(INDEX);
  });

  it('get the index when a database made before it starts again', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-track-index-'));
    await migrateBeforeIndex();
    const d = await openDb();
    expect(await planOf(d, "delete from track_points where vehicle_id = 'v1'")).toContain(INDEX);
  });
});
