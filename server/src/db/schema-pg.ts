/**
 * The PostgreSQL twin of `schema.ts`, derived from it rather than written a second time: every
 * SQLite table becomes a `pg-core` table with the same table, column, index, unique and
 * foreign-key names, so the two cannot drift apart. It exists for drizzle-kit (which generates
 * `server/drizzle-pg` from it, `drizzle.config.pg.ts`) and for the schema-parity test; query code
 * keeps using the tables of `schema.ts` on both engines (see `client.ts`).
 *
 * Column types: text and JSON text -> text, real -> double precision, boolean -> boolean, integer and epoch-ms
 * times -> bigint (SQLite integers are 64-bit; the pool parses int8 as a JS number, `client.ts`),
 * an auto-increment key -> bigserial. The values still pass through the SQLite columns' encoders
 * (Date -> ms, boolean -> 1/0), which PostgreSQL accepts for these types.
 *
 * Adding a column or table: edit `schema.ts` only; a new table also goes in the export list at
 * the end of this file (the parity test fails until it does). Then generate both migrations:
 * `npm run db:generate -w server` (SQLite, `drizzle/`) and `npm run db:generate:pg -w server`
 * (PostgreSQL, `drizzle-pg/`).
 */
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqlite from './schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: derived tables are typed by shape, not per column.
type PgTableAny = PgTableWithColumns<any>;

/** The SQLite tables of `schema.ts`, by SQL name. */
export function sqliteTables(): Map<string, SQLiteTable> {
  const out = new Map<string, SQLiteTable>();
  for (const v of Object.values(sqlite)) if (is(v, SQLiteTable)) out.set(getTableName(v), v);
  return out;
}

const derived = new Map<string, PgTableAny>();

function pgColumn(col: SQLiteColumn): PgColumnBuilderBase {
  const autoIncrement = (col as unknown as { autoIncrement?: boolean }).autoIncrement === true;
  let b: PgColumnBuilderBase & {
    notNull(): unknown;
    primaryKey(): unknown;
    default(v: unknown): unknown;
    unique(name?: string): unknown;
  };
  switch (col.columnType) {
    case 'SQLiteText':
    // JSON text (`text(..., { mode: 'json' })`): the SQLite column's encoder writes the JSON text.
    case 'SQLiteTextJson':
      b = text(col.name) as never;
      break;
    case 'SQLiteReal':
      b = doublePrecision(col.name) as never;
      break;
    case 'SQLiteBoolean':
      b = boolean(col.name) as never;
      break;
    case 'SQLiteInteger':
    case 'SQLiteTimestamp':
      b = (
        autoIncrement ? bigserial(col.name, { mode: 'number' }) : bigint(col.name, { mode: 'number' })
      ) as never;
      break;
    default:
      throw new Error(
        `schema-pg: column ${col.name} has type ${col.columnType}, which has no PostgreSQL mapping yet`,
      );
  }
  if (col.primary) b.primaryKey();
  else if (col.notNull && !autoIncrement) b.notNull();
  if (col.hasDefault && col.default !== undefined) {
    // Booleans keep a boolean default; everything else the value SQLite stores.
    b.default(col.columnType === 'SQLiteBoolean' ? col.default : col.mapToDriverValue(col.default));
  }
  if (col.isUnique) b.unique(col.uniqueName);
  return b;
}

function derive(name: string, table: SQLiteTable): PgTableAny {
  const cfg = getTableConfig(table);
  const columns: Record<string, PgColumnBuilderBase> = {};
  const keyOf = new Map<string, string>();
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    columns[key] = pgColumn(col as SQLiteColumn);
    keyOf.set(col.name, key);
  }
  // biome-ignore lint/suspicious/noExplicitAny: column map of a derived table.
  return pgTable(name, columns, (t: Record<string, any>) => [
    ...cfg.indexes.map((ix) => {
      const cols = ix.config.columns.map((c) => t[keyOf.get((c as SQLiteColumn).name)!]);
      const make = ix.config.unique ? uniqueIndex(ix.config.name) : index(ix.config.name);
      return make.on(cols[0], ...cols.slice(1));
    }),
    ...cfg.foreignKeys.map((fk) => {
      const ref = fk.reference();
      const target = pgTableFor(getTableName(ref.foreignTable));
      const targetKeys = new Map(
        Object.entries(getTableColumns(ref.foreignTable)).map(([k, c]) => [c.name, k]),
      );
      const built = foreignKey({
        name: fk.getName(),
        columns: ref.columns.map((c) => t[keyOf.get(c.name)!]) as never,
        foreignColumns: ref.foreignColumns.map((c) => target[targetKeys.get(c.name)!]) as never,
      });
      if (fk.onDelete) built.onDelete(fk.onDelete);
      if (fk.onUpdate) built.onUpdate(fk.onUpdate);
      return built;
    }),
  ]);
}

/** The PostgreSQL table named `name` (derived once). */
export function pgTableFor(name: string): PgTableAny {
  let t = derived.get(name);
  if (!t) {
    const src = sqliteTables().get(name);
    if (!src) throw new Error(`schema-pg: no table named ${name} in schema.ts`);
    t = derive(name, src);
    derived.set(name, t);
  }
  return t;
}

// drizzle-kit reads a schema from a module's exports, so each table is exported by name.
export const departments = pgTableFor('departments');
export const users = pgTableFor('users');
export const sessions = pgTableFor('sessions');
export const grids = pgTableFor('grids');
export const sites = pgTableFor('sites');
export const bridges = pgTableFor('bridges');
export const docks = pgTableFor('docks');
export const vehicles = pgTableFor('vehicles');
export const patrolRoutes = pgTableFor('patrol_routes');
export const airspaceZones = pgTableFor('airspace_zones');
export const patrolSchedules = pgTableFor('patrol_schedules');
export const sorties = pgTableFor('sorties');
export const bridgeCursors = pgTableFor('bridge_cursors');
export const media = pgTableFor('media');
export const trackPoints = pgTableFor('track_points');
export const sortieVideoSegments = pgTableFor('sortie_video_segments');
export const vehicleEvents = pgTableFor('vehicle_events');
export const commands = pgTableFor('commands');
export const auditLog = pgTableFor('audit_log');
export const dockEvents = pgTableFor('dock_events');
export const tickets = pgTableFor('tickets');
export const ticketTransitions = pgTableFor('ticket_transitions');
export const ticketAlerts = pgTableFor('ticket_alerts');
export const ticketOccurrences = pgTableFor('ticket_occurrences');
export const triageItems = pgTableFor('triage_items');
export const evidence = pgTableFor('evidence');
export const verificationFlights = pgTableFor('verification_flights');
export const ticketCounters = pgTableFor('ticket_counters');
export const ticketRoutes = pgTableFor('ticket_routes');
export const open311Keys = pgTableFor('open311_keys');
export const webhookSubscriptions = pgTableFor('webhook_subscriptions');
export const webhookDeliveries = pgTableFor('webhook_deliveries');
export const vehicleCameras = pgTableFor('vehicle_cameras');
export const cameraImages = pgTableFor('camera_images');
export const calendarYears = pgTableFor('calendar_years');
export const leases = pgTableFor('leases');
