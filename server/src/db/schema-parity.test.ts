/**
 * The SQLite schema, its PostgreSQL twin and the migrations generated for both describe the same
 * tables, columns, indexes and foreign keys: a column added to `schema.ts` without generating
 * both migrations (or a table missing from the twin's exports) fails here.
 */
import { readFileSync } from 'node:fs';
import { getTableName, is } from 'drizzle-orm';
import { PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from './schema-pg.ts';
import { sqliteTables } from './schema-pg.ts';

interface Shape {
  columns: Record<string, { notNull: boolean; primaryKey: boolean }>;
  /** Index and unique-constraint names -> columns (unique ones marked). */
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: string[];
}

const sortKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** What drizzle's `getTableConfig` answers on either engine, as far as the shape goes. */
interface TableConfigLike {
  columns: {
    name: string;
    notNull: boolean;
    primary: boolean;
    isUnique: boolean;
    uniqueName?: string | undefined;
  }[];
  indexes: { config: { name?: string; columns: unknown[]; unique?: boolean } }[];
  foreignKeys: { getName(): string }[];
}

function shapeOf(cfg: TableConfigLike): Shape {
  const shape: Shape = {
    columns: {},
    indexes: {},
    foreignKeys: cfg.foreignKeys.map((f) => f.getName()).sort(),
  };
  for (const c of cfg.columns) {
    shape.columns[c.name] = { notNull: c.notNull || c.primary, primaryKey: c.primary };
    if (c.isUnique) shape.indexes[c.uniqueName!] = { columns: [c.name], unique: true };
  }
  for (const ix of cfg.indexes)
    shape.indexes[ix.config.name!] = {
      columns: ix.config.columns.map((c) => (c as { name: string }).name),
      unique: !!ix.config.unique,
    };
  return { ...shape, columns: sortKeys(shape.columns), indexes: sortKeys(shape.indexes) };
}

function shapeOfSqlite(): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const [name, table] of sqliteTables()) out[name] = shapeOf(sqliteConfig(table) as TableConfigLike);
  return sortKeys(out);
}

function shapeOfPg(): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const table of Object.values(pgSchema))
    if (is(table, PgTable)) out[getTableName(table)] = shapeOf(pgConfig(table) as TableConfigLike);
  return sortKeys(out);
}

interface SnapshotTable {
  name: string;
  columns: Record<string, { name: string; notNull: boolean; primaryKey: boolean }>;
  indexes: Record<string, { name: string; columns: (string | { expression: string })[]; isUnique: boolean }>;
  foreignKeys: Record<string, { name: string }>;
  uniqueConstraints: Record<string, { name: string; columns: string[] }>;
}

/** The shape recorded by drizzle-kit's newest snapshot in `folder` (what the migrations build). */
function shapeOfSnapshot(folder: string): Record<string, Shape> {
  const dir = new URL(`../../${folder}/meta/`, import.meta.url);
  const journal = JSON.parse(readFileSync(new URL('_journal.json', dir), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  const last = journal.entries.at(-1)!;
  const snap = JSON.parse(
    readFileSync(new URL(`${String(last.idx).padStart(4, '0')}_snapshot.json`, dir), 'utf8'),
  ) as { tables: Record<string, SnapshotTable> };
  const out: Record<string, Shape> = {};
  for (const t of Object.values(snap.tables)) {
    const indexes: Shape['indexes'] = {};
    for (const ix of Object.values(t.indexes))
      indexes[ix.name] = {
        columns: ix.columns.map((c) => (typeof c === 'string' ? c : c.expression)),
        unique: ix.isUnique,
      };
    for (const u of Object.values(t.uniqueConstraints ?? {}))
      indexes[u.name] = { columns: u.columns, unique: true };
    out[t.name] = {
      columns: sortKeys(
        Object.fromEntries(
          Object.values(t.columns).map((c) => [
            c.name,
            { notNull: c.notNull || c.primaryKey, primaryKey: c.primaryKey },
          ]),
        ),
      ),
      indexes: sortKeys(indexes),
      foreignKeys: Object.values(t.foreignKeys)
        .map((f) => f.name)
        .sort(),
    };
  }
  return sortKeys(out);
}

describe('schema parity (SQLite, PostgreSQL, and their migrations)', () => {
  const sqlite = shapeOfSqlite();

  it('has every table of schema.ts in the PostgreSQL twin, with the same columns, indexes and keys', () => {
    expect(Object.keys(sqlite).length).toBeGreaterThan(30);
    expect(shapeOfPg()).toEqual(sqlite);
  });

  it('has the SQLite migrations generated from schema.ts as it is (npm run db:generate)', () => {
    expect(shapeOfSnapshot('drizzle')).toEqual(sqlite);
  });

  it('has the PostgreSQL migrations generated from schema.ts as it is (npm run db:generate:pg)', () => {
    expect(shapeOfSnapshot('drizzle-pg')).toEqual(sqlite);
  });

  it('maps column types to their PostgreSQL equivalents', () => {
    const cols = pgConfig(pgSchema.tickets).columns;
    const type = (n: string) => cols.find((c) => c.name === n)?.getSQLType();
    expect(type('id')).toBe('text');
    expect(type('created_at')).toBe('bigint');
    expect(type('urgent')).toBe('boolean');
    expect(type('lat_deg')).toBe('double precision');
    expect(
      pgConfig(pgSchema.trackPoints)
        .columns.find((c) => c.name === 'id')
        ?.getSQLType(),
    ).toBe('bigserial');
  });
});
