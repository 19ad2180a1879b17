/** Schemas and helpers shared by the route modules. */

import { randomUUID } from 'node:crypto';
import { Page } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
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

/** A table whose rows have an `id` key. */
type IdTable = SQLiteTable & { id: SQLiteColumn };

/**
 * Checks that a referenced row exists, so a bad reference is a 400 naming the field rather
 * than a foreign-key failure from the database.
 */
export async function requireRef(
  db: Db,
  table: IdTable,
  id: string | null | undefined,
  path: string,
  what: string,
): Promise<void> {
  if (id === null || id === undefined) return;
  const rows = await db.select({ id: table.id }).from(table).where(eq(table.id, id)).limit(1);
  if (!rows[0]) throw new ApiError('ValidationFailed', `${path}: no ${what} with id ${id}`, path);
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('NotFound', `no ${what} with id ${id}`, undefined, {
    detail: 'NoSuchRecord',
    what,
    id,
  });
}

/** Stores a new row of `table` under a fresh id and answers it as stored. */
export async function insertNew<T extends IdTable>(
  db: Db,
  table: T,
  values: Omit<T['$inferInsert'], 'id'>,
): Promise<T['$inferSelect']> {
  const [row] = (await db
    .insert(table as SQLiteTable)
    .values({ id: randomUUID(), ...values } as SQLiteTable['$inferInsert'])
    .returning()) as T['$inferSelect'][];
  return row!;
}

/** Answers 201 with a new item, naming it as the target of the request's audit record. */
export function created(req: FastifyRequest, reply: FastifyReply, id: string, body: unknown): FastifyReply {
  req.auditTargetId = id;
  return reply.status(201).send(body);
}

/**
 * The row with this id, or a 404 naming it. `scope` limits what counts as found (a row of
 * another department reads as missing).
 */
export async function findOr404<T extends IdTable>(
  db: Db,
  table: T,
  id: string,
  what: string,
  scope?: SQL,
): Promise<T['$inferSelect']> {
  // drizzle cannot type a query over a table chosen at run time; rows are the table's own.
  const [row] = (await db
    .select()
    .from(table as SQLiteTable)
    .where(allOf(eq(table.id, id), scope))) as T['$inferSelect'][];
  if (!row) throw notFound(what, id);
  return row;
}

/** Sets columns of the row with this id and answers it as it is now, or a 404 naming it. */
export async function updateOr404<T extends IdTable>(
  db: Db,
  table: T,
  id: string,
  set: Partial<T['$inferInsert']>,
  what: string,
): Promise<T['$inferSelect']> {
  const [row] = (await db
    .update(table as SQLiteTable)
    .set(set as Record<string, unknown>)
    .where(eq(table.id, id))
    .returning()) as T['$inferSelect'][];
  if (!row) throw notFound(what, id);
  return row;
}

/** How a vehicle or dock is bound to a bridge: the bridge and its MAVLink address there. */
type Binding<K extends 'sysid' | 'compid'> = { bridgeId: string | null } & Record<K, number | null>;

/**
 * A row's bridge binding after a change: what the body leaves out stays, except that unbinding
 * from a bridge drops the MAVLink address (`keys`) with it unless a new one is given.
 */
export function bindingAfter<K extends 'sysid' | 'compid'>(
  current: Binding<K>,
  body: Partial<Binding<K>>,
  keys: readonly K[],
): Binding<K> {
  const bridgeId = body.bridgeId === undefined ? current.bridgeId : body.bridgeId;
  const out = { bridgeId } as Binding<K>;
  for (const k of keys) {
    const given = body[k] as number | null | undefined;
    (out as Record<K, number | null>)[k] =
      given !== undefined ? given : bridgeId === null ? null : current[k];
  }
  return out;
}

/**
 * Options of `PATCH path/:id`: the body holds some of `fields` (one at least) and the answer is
 * the item as it is now. `errors` are the statuses it may answer besides 200.
 */
export function changeRoute<P extends Record<string, TSchema>, V extends TSchema>(o: {
  permission: Permission;
  tags: string[];
  summary: string;
  fields: P;
  view: V;
  errors?: number[];
}) {
  return {
    config: { permission: o.permission },
    schema: {
      tags: o.tags,
      summary: o.summary,
      params: IdParams,
      body: PatchBody(o.fields),
      response: { 200: o.view, ...errorResponses(...(o.errors ?? [400, 401, 403, 404, 409])) },
    },
  };
}

/** A resource's table and names, which all its routes share. */
export interface Resource<T extends IdTable> {
  /** Collection path, e.g. '/docks'; an item's route is `${path}/:id`. */
  path: string;
  table: T;
  /** Singular noun for messages ("no dock with id ..."). */
  what: string;
  tags: string[];
  /**
   * Department column that limits what a department-scoped role sees: another department's row
   * reads as missing (none: everyone sees all).
   */
  scopeColumn?: SQLiteColumn;
}

/** What `DELETE path/:id` of a resource needs to know besides the resource. */
export interface DeleteRouteOptions<T extends IdTable> extends Resource<T> {
  permission: Permission;
  summary: string;
  /** False when nothing refers to the resource, so a delete is never refused with 409. */
  mayBeRefused?: boolean;
  /** Runs first, e.g. to refuse the delete or to release what refers to the row. */
  before?: (id: string) => Promise<void>;
  /** Runs once the row is gone. */
  after?: (id: string) => void;
}

/**
 * Registers `DELETE path/:id`: 204 once the row is gone, 404 when there is none (or the request
 * may not see it), 409 when the database refuses because other rows still refer to it.
 */
export function registerDeleteRoute<T extends IdTable>(
  app: FastifyInstance,
  db: Db,
  o: DeleteRouteOptions<T>,
): void {
  app.withTypeProvider<TypeBoxTypeProvider>().delete(
    `${o.path}/:id`,
    {
      config: { permission: o.permission },
      schema: {
        tags: o.tags,
        summary: o.summary,
        params: IdParams,
        response: {
          204: Type.Null(),
          ...errorResponses(401, 403, 404, ...(o.mayBeRefused === false ? [] : [409])),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      await o.before?.(id);
      const scope = o.scopeColumn ? scopeCondition(req, o.scopeColumn) : undefined;
      const [row] = await db
        .delete(o.table as SQLiteTable)
        .where(allOf(eq(o.table.id, id), scope))
        .returning({ id: o.table.id });
      if (!row) throw notFound(o.what, id);
      o.after?.(id);
      return reply.status(204).send(null);
    },
  );
}

/** What the list and get-one routes of a resource need to know about it. */
export interface ReadRoutesOptions<T extends IdTable, F extends Record<string, TSchema>> extends Resource<T> {
  permission: Permission;
  listSummary: string;
  getSummary: string;
  /** The response schema of one item and how a row becomes it. */
  view: TSchema;
  toView: (row: T['$inferSelect']) => unknown;
  orderBy: SQLiteColumn;
  /** Extra list filters: their query schemas and the condition they make. */
  filters?: { query: F; where: (query: Record<string, unknown>) => SQL | undefined };
}

/**
 * Registers `GET path` (paged, scoped, ordered) and `GET path/:id` (scoped: another
 * department's row answers 404) for a resource. Creating and changing stay with each resource:
 * their rules (references, bindings, the last administrator) differ.
 */
export function registerReadRoutes<T extends IdTable, F extends Record<string, TSchema>>(
  app: FastifyInstance,
  db: Db,
  o: ReadRoutesOptions<T, F>,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const scope = (req: FastifyRequest) => (o.scopeColumn ? scopeCondition(req, o.scopeColumn) : undefined);
  // drizzle cannot type a query over a table chosen at run time; rows are the table's own.
  const from = () =>
    db.select().from(o.table as SQLiteTable) as unknown as {
      where(c: SQL | undefined): {
        orderBy(c: SQLiteColumn): { limit(n: number): { offset(n: number): Promise<T['$inferSelect'][]> } };
      };
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
      return o.toView(await findOr404(db, o.table, id, o.what, scope(req)));
    },
  );
}

/** The app with TypeBox types, as route modules register on it. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * A resource's routes and row helpers, bound to its table and names so that each route says
 * only what is its own: `registerRead` (list and get one), `registerDelete`, the options of a
 * `change` (PATCH), and `find` / `insert` / `update` with their 404s.
 */
export interface ResourceRoutes<T extends IdTable> {
  r: TypedApp;
  db: Db;
  tags: string[];
  registerRead<F extends Record<string, TSchema>>(o: Omit<ReadRoutesOptions<T, F>, keyof Resource<T>>): void;
  registerDelete(o: Omit<DeleteRouteOptions<T>, keyof Resource<T>>): void;
  change<P extends Record<string, TSchema>, V extends TSchema>(
    o: Omit<Parameters<typeof changeRoute<P, V>>[0], 'tags'>,
  ): ReturnType<typeof changeRoute<P, V>>;
  /** The row, or a 404; with `req`, a row the request may not see reads as missing. */
  find(id: string, req?: FastifyRequest): Promise<T['$inferSelect']>;
  insert(values: Omit<T['$inferInsert'], 'id'>): Promise<T['$inferSelect']>;
  update(id: string, set: Partial<T['$inferInsert']>): Promise<T['$inferSelect']>;
}

export function resourceRoutes<T extends IdTable>(
  app: FastifyInstance,
  db: Db,
  resource: Resource<T>,
): ResourceRoutes<T> {
  const { table, what, tags, scopeColumn } = resource;
  return {
    r: app.withTypeProvider<TypeBoxTypeProvider>(),
    db,
    tags,
    registerRead: (o) => registerReadRoutes(app, db, { ...resource, ...o }),
    registerDelete: (o) => registerDeleteRoute(app, db, { ...resource, ...o }),
    change: (o) => changeRoute({ ...o, tags }),
    find: (id, req) => findOr404(db, table, id, what, req && scopeColumn && scopeCondition(req, scopeColumn)),
    insert: (values) => insertNew(db, table, values),
    update: (id, set) => updateOr404(db, table, id, set, what),
  };
}
