/** Schemas and helpers shared by the route modules. */

import { Page } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { Permission } from '../auth/permissions.ts';
import type { Db } from '../db/client.ts';
import { ApiError, errorResponses } from '../http/errors.ts';

/** `:id` path parameter. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** `?limit=&offset=` paging; lists answer `{ items, total, limit, offset }`. */
export const PagingQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

/** A list's answer (the contract's schema, which the web reads as `Page<T>`). */
export { Page };

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

/** What the list and get-one routes of a resource need to know about it. */
export interface ReadRoutesOptions<
  T extends SQLiteTable & { id: SQLiteColumn },
  F extends Record<string, TSchema>,
> {
  /** Collection path, e.g. '/docks'; the item route is `${path}/:id`. */
  path: string;
  table: T;
  /** Singular noun for messages ("no dock with id ..."). */
  what: string;
  permission: Permission;
  tags: string[];
  listSummary: string;
  getSummary: string;
  /** The response schema of one item and how a row becomes it. */
  view: TSchema;
  toView: (row: T['$inferSelect']) => unknown;
  orderBy: SQLiteColumn;
  /** Department column that limits what a department-scoped role sees (none: everyone sees all). */
  scopeColumn?: SQLiteColumn;
  /** Extra list filters: their query schemas and the condition they make. */
  filters?: { query: F; where: (query: Record<string, unknown>) => SQL | undefined };
}

/**
 * Registers `GET path` (paged, scoped, ordered) and `GET path/:id` (scoped: another
 * department's row answers 404) for a resource. Writes stay with each resource: their rules
 * (references, bindings, the last administrator) differ.
 */
export function registerReadRoutes<
  T extends SQLiteTable & { id: SQLiteColumn },
  F extends Record<string, TSchema>,
>(app: FastifyInstance, db: Db, o: ReadRoutesOptions<T, F>): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const scope = (req: FastifyRequest) => (o.scopeColumn ? scopeCondition(req, o.scopeColumn) : undefined);
  // drizzle cannot type a query over a table chosen at run time; rows are the table's own.
  const from = () =>
    db.select().from(o.table as SQLiteTable) as unknown as {
      where(c: SQL | undefined): {
        orderBy(c: SQLiteColumn): { limit(n: number): { offset(n: number): Promise<T['$inferSelect'][]> } };
      } & Promise<T['$inferSelect'][]>;
    };

  r.get(
    o.path,
    {
      config: { permission: o.permission },
      schema: {
        tags: o.tags,
        summary: o.listSummary,
        querystring: Type.Object({ ...PagingQuery, ...(o.filters?.query ?? {}) }),
        response: { 200: Page(o.view), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const query = req.query as { limit: number; offset: number } & Record<string, unknown>;
      const where = allOf(scope(req), o.filters?.where(query));
      const rows = await from().where(where).orderBy(o.orderBy).limit(query.limit).offset(query.offset);
      const [total] = await db
        .select({ n: count() })
        .from(o.table as SQLiteTable)
        .where(where);
      return { items: rows.map(o.toView), total: total?.n ?? 0, limit: query.limit, offset: query.offset };
    },
  );

  r.get(
    `${o.path}/:id`,
    {
      config: { permission: o.permission },
      schema: {
        tags: o.tags,
        summary: o.getSummary,
        params: IdParams,
        response: { 200: o.view, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const [row] = await from().where(allOf(eq(o.table.id, id), scope(req)));
      if (!row) throw notFound(o.what, id);
      return o.toView(row);
    },
  );
}
