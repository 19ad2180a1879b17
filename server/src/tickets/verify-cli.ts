/**
 * `aerie evidence verify`: walks the evidence hash chain of a data directory and reports OK or
 * the first tampered, missing, removed or reordered record. Opens the database read-only, so a
 * verification never changes what it verifies (no migration, no journal mode change): the SQLite
 * file of the data directory, or the PostgreSQL database of AERIE_DATABASE_URL (read-only
 * transaction), whose media files are still in the data directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type Db, parsePostgresUrl, SQLITE_FILE, setPgTypeParsers } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import type { ChainVerdict } from './core/evidence-chain.ts';
import { verifyEvidenceChain } from './desk.ts';

/**
 * Verifies the chain of the database at `databaseUrl` (PostgreSQL) or in `dataDir` (SQLite),
 * against the media files in `dataDir`; throws when there is no such database.
 */
export async function verifyEvidenceDir(dataDir: string, databaseUrl?: string): Promise<ChainVerdict> {
  const mediaDir = path.join(dataDir, 'media');
  if (databaseUrl) {
    parsePostgresUrl(databaseUrl);
    setPgTypeParsers();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('begin transaction read only');
      const verdict = await verifyEvidenceChain(drizzlePg(client) as unknown as Db, mediaDir);
      await client.query('commit');
      return verdict;
    } finally {
      await client.end();
    }
  }
  const file = path.join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) throw new Error(`no Aerie database at ${file}`);
  const raw = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    return await verifyEvidenceChain(drizzle(raw, { schema }), mediaDir);
  } finally {
    raw.close();
  }
}

/** The one-line report the CLI prints. */
export function verdictText(v: ChainVerdict): string {
  return v.ok
    ? `evidence chain OK: ${v.records} record${v.records === 1 ? '' : 's'} verified`
    : `evidence chain TAMPERED: ${v.problem}: ${v.message}`;
}
