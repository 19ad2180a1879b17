/**
 * `aerie evidence verify`: walks the evidence hash chain of a data directory and reports OK or
 * the first tampered, missing, removed or reordered record. Opens the database read-only, so a
 * verification never changes what it verifies (no migration, no journal mode change): the SQLite
 * file of the data directory, or the PostgreSQL database of AERIE_DATABASE_URL (read-only
 * transaction); the evidence files are read from the configured media store (the local folder,
 * or S3).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type Db, parsePostgresUrl, SQLITE_FILE, setPgTypeParsers } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import { MediaLibrary } from '../media/library.ts';
import { openMediaStore } from '../media/open.ts';
import type { MediaStore } from '../media/store.ts';
import type { ChainVerdict } from './core/evidence-chain.ts';
import { verifyEvidenceChain } from './desk.ts';

/**
 * Verifies the chain of the database at `databaseUrl` (PostgreSQL) or in `dataDir` (SQLite)
 * against `given` (default: the media folder of `dataDir`); throws when there is no such
 * database or the store cannot be used.
 */
export async function verifyEvidenceDir(
  dataDir: string,
  given?: MediaStore,
  databaseUrl?: string,
): Promise<ChainVerdict> {
  if (databaseUrl) parsePostgresUrl(databaseUrl);
  else {
    const file = path.join(dataDir, SQLITE_FILE);
    if (!existsSync(file)) throw new Error(`no Aerie database at ${file}`);
  }
  const store = given ?? (await openMediaStore(dataDir));
  try {
    await store.check();
    const media = new MediaLibrary(store);
    if (databaseUrl) {
      setPgTypeParsers();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query('begin transaction read only');
        const verdict = await verifyEvidenceChain(drizzlePg(client) as unknown as Db, media);
        await client.query('commit');
        return verdict;
      } finally {
        await client.end();
      }
    }
    const raw = new Sqlite(path.join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true });
    try {
      return await verifyEvidenceChain(drizzle(raw, { schema }), media);
    } finally {
      raw.close();
    }
  } finally {
    store.close();
  }
}

/** The one-line report the CLI prints. */
export function verdictText(v: ChainVerdict): string {
  return v.ok
    ? `evidence chain OK: ${v.records} record${v.records === 1 ? '' : 's'} verified`
    : `evidence chain TAMPERED: ${v.problem}: ${v.message}`;
}
