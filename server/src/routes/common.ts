/** Schemas and helpers shared by the route modules. */

import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';

/** `:id` path parameter. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** `?limit=&offset=` paging; lists answer `{ items, total, limit, offset }`. */
export const PagingQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}

/** Optional id reference that may be cleared with null. */
export const NullableId = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]);
export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });
export const Name = Type.String({ minLength: 1, maxLength: 120 });
export const Timestamp = Type.String({ format: 'date-time' });

/** A body object that rejects fields it does not know (a typo must not pass silently). */
export function Body<P extends Record<string, TSchema>>(props: P) {
  return Type.Object(props, { additionalProperties: false });
}

/** A PATCH body: same fields, all optional, at least one present. */
export function PatchBody<P extends Record<string, TSchema>>(props: P) {
  return Type.Partial(Type.Object(props), { additionalProperties: false, minProperties: 1 });
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * The condition that limits a query to what the request may see: nothing extra for scope
 * 'all', the user's own department for 'department' (a user without one sees nothing).
 */
export function scopeCondition(req: FastifyRequest, departmentColumn: SQLiteColumn): SQL | undefined {
  if (req.scope !== 'department') return undefined;
  const dep = req.auth?.departmentId;
  return dep ? eq(departmentColumn, dep) : sql`1 = 0`;
}

/** Joins optional conditions with AND. */
export function allOf(...conds: (SQL | undefined)[]): SQL | undefined {
  const present = conds.filter((c): c is SQL => c !== undefined);
  return present.length ? and(...present) : undefined;
}

/**
 * Checks that a referenced row exists, so a bad reference is a 400 naming the field rather
 * than a foreign-key failure from the database.
 */
export async function requireRef(
  db: Db,
  table: SQLiteTable & { id: SQLiteColumn },
  id: string | null | undefined,
  path: string,
  what: string,
): Promise<void> {
  if (id === null || id === undefined) return;
  const rows = await db.select({ id: table.id }).from(table).where(eq(table.id, id)).limit(1);
  if (!rows[0]) throw new ApiError('ValidationFailed', `${path}: no ${what} with id ${id}`, path);
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('NotFound', `no ${what} with id ${id}`);
}
