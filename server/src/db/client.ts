/**
 * The one place that knows which SQL engine sits underneath: embedded SQLite (better-sqlite3, the
 * default, in `<dataDir>/aerie.sqlite`) or PostgreSQL 15 (node-postgres, when the configuration
 * carries `databaseUrl`, i.e. `AERIE_DATABASE_URL=postgres://...`). Both apply their migrations at
 * start (`server/drizzle`, `server/drizzle-pg`).
 *
 * Typing: query code is written once, against `Db` (the SQLite flavour of drizzle) and the tables
 * of `schema.ts`, and only uses what both engines do the same at run time: builders awaited as
 * promises, `.returning()`, `onConflictDo*`, `sql` that both dialects read alike, and
 * `transaction()` below for anything that must be atomic. On PostgreSQL the `Db` is a
 * node-postgres drizzle instance typed as `Db`: drizzle builds SQL from table objects generically,
 * and the SQLite columns' encoders (Date -> epoch ms, boolean -> 1/0) give values PostgreSQL
 * takes for the twin's bigint/boolean columns (`schema-pg.ts`). The SQLite-only calls (`.get()`,
 * `.all()`, `.run()`, `db.transaction(sync)`) would not exist there; `Db` leaves the database-level
 * ones out, and `no-sqlite-only-calls.test.ts` rejects the builder-level ones in server code.
 * A union type would have made every query site branch on the engine for no gain.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

/** Drizzle handle on the Aerie schema (either engine; see the header). */
export type Db = Omit<BetterSQLite3Database<typeof schema>, 'run' | 'all' | 'get' | 'values' | 'transaction'>;

export type Dialect = 'sqlite' | 'postgres';

/** An open database with its lifecycle. */
export interface Database {
  readonly db: Db;
  readonly dialect: Dialect;
  /** Where the data lives (file path, or the URL without its password), for the health report. */
  readonly location: string;
  /** True when a trivial query round-trips. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  dataDir: string;
  /** `postgres://` URL: PostgreSQL instead of the embedded SQLite file in `dataDir`. */
  url?: string | undefined;
  /** SQLite write-ahead logging (readers never block the writer); on unless a test needs otherwise. */
  wal?: boolean;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));
const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle-pg', import.meta.url));

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE = 'aerie.sqlite';

/**
 * Opens the configured database and applies any pending migrations: PostgreSQL when `url` is
 * given, else the embedded SQLite file in `dataDir` (created if needed). Drizzle records applied
 * migrations (`__drizzle_migrations`), so a restart applies only new ones.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url === undefined) return openSqliteDatabase(opts);
  return openPostgresDatabase(opts.url);
}

/** The embedded SQLite database, synchronously (local tools that never use PostgreSQL). */
export function openSqliteDatabase(opts: Omit<OpenDatabaseOptions, 'url'>): Database {
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
    engines.set(db, { dialect: 'sqlite', lock: new Mutex(), scope: new AsyncLocalStorage() });
    return {
      db,
      dialect: 'sqlite',
      location: file,
      async ping() {
        try {
          db.run(sql`select 1`);
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        if (raw.open) raw.close();
      },
    };
  } catch (err) {
    raw.close();
    throw err;
  }
}

/** Parses `url` as a PostgreSQL connection URL; a clear error names what is wrong. */
export function parsePostgresUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`database URL is not a URL (expected postgres://user:password@host:port/database)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new Error(`database URL must start with postgres:// or postgresql://, not ${u.protocol}//`);
  if (!u.hostname) throw new Error('database URL has no host');
  if (u.pathname.length < 2) throw new Error('database URL names no database (…/database at the end)');
  return u;
}

/** The URL without its password, for logs and the health report. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// node-postgres reads int8 (bigint columns, count(*)) and numeric (sum, avg) as strings; Aerie
// keeps epoch ms and counters in bigint, all well inside 2^53, so they are read as numbers. The
// parsers are process-wide because drizzle's node-postgres session asks pg's global registry.
let pgTypesSet = false;
/** Reads int8 and numeric as numbers (see above); every PostgreSQL client in Aerie calls it first. */
export function setPgTypeParsers(): void {
  if (pgTypesSet) return;
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  pgTypesSet = true;
}

async function openPostgresDatabase(url: string): Promise<Database> {
  parsePostgresUrl(url);
  setPgTypeParsers();
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const pgDb = drizzlePg(pool);
    await migratePg(pgDb, { migrationsFolder: PG_MIGRATIONS_DIR });
    const db = pgDb as unknown as Db;
    engines.set(db, { dialect: 'postgres', pg: pgDb as unknown as PgTransactor });
    return {
      db,
      dialect: 'postgres',
      location: redactUrl(url),
      async ping() {
        try {
          await pgDb.execute(sql`select 1`);
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        if (!pool.ended) await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}

type Engine =
  | { dialect: 'sqlite'; lock: Mutex; scope: AsyncLocalStorage<true> }
  | { dialect: 'postgres'; pg: PgTransactor };

/** What drizzle's PostgreSQL database and its transactions share: `transaction` (nested: a savepoint). */
interface PgTransactor {
  transaction<T>(fn: (tx: PgTransactor) => Promise<T>): Promise<T>;
}

const engines = new WeakMap<object, Engine>();

/** Which engine `db` runs on. */
export function dialectOf(db: Db): Dialect {
  const e = engines.get(db);
  if (!e) throw new Error('dialectOf: this Db was not opened by openDatabase');
  return e.dialect;
}

/**
 * Runs `fn` in one transaction: everything it writes through `tx` is committed together when it
 * resolves, and nothing when it throws (the error is rethrown). Writes inside must go through
 * `tx` (on PostgreSQL it is its own connection).
 *
 * SQLite: one connection, so transactions are serialised by a mutex and bracketed with
 * BEGIN IMMEDIATE (takes the write lock at once: no deadlock upgrading a read) / COMMIT /
 * ROLLBACK; a transaction started inside another one joins it. PostgreSQL: drizzle's
 * `transaction` on a pooled connection (READ COMMITTED; a nested call is a savepoint).
 */
export async function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const e = engines.get(db);
  if (e === undefined) throw new Error('transaction: this Db was not opened by openDatabase');
  if (e.dialect === 'postgres')
    return e.pg.transaction((tx) => {
      // A transaction started on `tx` nests as a savepoint.
      engines.set(tx, { dialect: 'postgres', pg: tx });
      return fn(tx as unknown as Db);
    });
  if (e.scope.getStore()) return fn(db);
  const raw = db as unknown as BetterSQLite3Database<typeof schema>;
  return e.lock.run(() =>
    e.scope.run(true, async () => {
      raw.run(sql`BEGIN IMMEDIATE`);
      try {
        const out = await fn(db);
        raw.run(sql`COMMIT`);
        return out;
      } catch (err) {
        // SQLite may have rolled back on its own already (e.g. after SQLITE_FULL).
        try {
          raw.run(sql`ROLLBACK`);
        } catch {}
        throw err;
      }
    }),
  );
}

/** The rows of a raw SQL statement (engine-specific SQL: pragmas, catalog queries, tests). */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  if (dialectOf(db) === 'sqlite')
    return (db as unknown as BetterSQLite3Database<typeof schema>).all<T>(query);
  return (await (db as unknown as NodePgDatabase).execute(query)).rows as T[];
}

/**
 * Inside a transaction: waits until no other transaction holds the lock called `name`, and holds
 * it until this one ends. SQLite needs nothing (its transactions are serialised already);
 * PostgreSQL takes a transaction-scoped advisory lock, for read-then-write sequences that must
 * not interleave (the next link of a hash chain, a de-duplication read before an insert).
 */
export async function serialize(tx: Db, name: string): Promise<void> {
  if (dialectOf(tx) === 'sqlite') return;
  await (tx as unknown as NodePgDatabase).execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`);
}

/** First-come, first-served lock for async work. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const out = this.tail.then(fn, fn);
    this.tail = out.catch(() => {});
    return out;
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
