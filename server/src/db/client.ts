/**
 * The one place that knows which SQL engine sits underneath. Everything else receives a `Db`
 * and uses drizzle's query builder with `await`, which reads the same against the async
 * PostgreSQL drivers; swapping engines means a second `open*` here and a `pg-core` schema twin.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

/** Drizzle handle on the Aerie schema. */
export type Db = BetterSQLite3Database<typeof schema>;

/** An open database with its lifecycle. */
export interface Database {
  readonly db: Db;
  readonly dialect: 'sqlite';
  /** Where the data lives (file path), for the health report. */
  readonly location: string;
  /** True when a trivial query round-trips. */
  ping(): Promise<boolean>;
  close(): void;
}

export interface OpenDatabaseOptions {
  dataDir: string;
  /** Write-ahead logging (readers never block the writer); on unless a test needs otherwise. */
  wal?: boolean;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE = 'aerie.sqlite';

/**
 * Opens (creating if needed) the embedded database in `dataDir` and applies any pending
 * migrations. Drizzle records applied migrations in `__drizzle_migrations`, so a restart
 * applies only new ones and never re-runs the `CREATE TABLE`s.
 */
export function openDatabase(opts: OpenDatabaseOptions): Database {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, SQLITE_FILE);
  const raw = new Sqlite(file);
  try {
    raw.pragma(`journal_mode = ${opts.wal === false ? 'DELETE' : 'WAL'}`);
    raw.pragma('foreign_keys = ON');
    // Another process (a backup, a CLI) may hold the write lock briefly.
    raw.pragma('busy_timeout = 5000');
    const db = drizzle(raw, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    return {
      db,
      dialect: 'sqlite',
      location: file,
      async ping() {
        try {
          await db.run(sql`select 1`);
          return true;
        } catch {
          return false;
        }
      },
      close() {
        if (raw.open) raw.close();
      },
    };
  } catch (err) {
    raw.close();
    throw err;
  }
}

/**
 * True when `err` is the engine's unique-constraint violation. Kept here because the shape of
 * that error is engine-specific (SQLite: SQLITE_CONSTRAINT_UNIQUE; PostgreSQL: 23505).
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = engineCode(err);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** True when `err` is a foreign-key violation (a referenced row is missing, or still in use). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = engineCode(err);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return true;
  // SQLite reports ON DELETE RESTRICT through its trigger machinery.
  return code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(engineMessage(err));
}

// Drizzle wraps driver errors (DrizzleQueryError) and keeps the driver's error as `cause`.
function engineCode(err: unknown): unknown {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function engineMessage(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof (e as { code?: unknown }).code === 'string')
      return String((e as { message?: unknown }).message ?? '');
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}
