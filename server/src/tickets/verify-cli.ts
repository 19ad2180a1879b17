/**
 * `aerie evidence verify`: walks the evidence hash chain of a data directory and reports OK or
 * the first tampered, missing, removed or reordered record. Opens the database read-only, so a
 * verification never changes what it verifies (no migration, no journal mode change).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { SQLITE_FILE } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import type { ChainVerdict } from './core/evidence-chain.ts';
import { verifyEvidenceChain } from './desk.ts';

/** Verifies the chain in `dataDir`; throws when there is no database there. */
export async function verifyEvidenceDir(dataDir: string): Promise<ChainVerdict> {
  const file = path.join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) throw new Error(`no Aerie database at ${file}`);
  const raw = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    return await verifyEvidenceChain(drizzle(raw, { schema }), path.join(dataDir, 'media'));
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
