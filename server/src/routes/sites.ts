/** Sites: the places a bridge serves and docks stand at. */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, sites } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import {
  allOf,
  Body,
  IdParams,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  notFound,
  Page,
  PagingQuery,
  PatchBody,
  requireRef,
  scopeCondition,
} from './common.ts';

const SiteView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  latDeg: Type.Number(),
  lonDeg: Type.Number(),
  createdAt: Type.String({ format: 'date-time' }),
});

const Fields = {
  name: Name,
  description: Type.String({ maxLength: 2000 }),
  departmentId: NullableId,
  latDeg: Latitude,
  lonDeg: Longitude,
};

const view = (s: typeof sites.$inferSelect) => ({ ...s, createdAt: iso(s.createdAt)! });

export function registerSiteRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['sites'];

  r.get(
    '/sites',
    {
      config: { permission: 'sites.read' },
      schema: {
        tags,
        summary: 'List sites',
        querystring: Type.Object(PagingQuery),
        response: { 200: Page(SiteView), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const { limit, offset } = req.query;
      const where = scopeCondition(req, sites.departmentId);
      const rows = await db.select().from(sites).where(where).orderBy(sites.name).limit(limit).offset(offset);
      const [total] = await db.select({ n: count() }).from(sites).where(where);
      return { items: rows.map(view), total: total?.n ?? 0, limit, offset };
    },
  );

  r.get(
    '/sites/:id',
    {
      config: { permission: 'sites.read' },
      schema: {
        tags,
        summary: 'One site',
        params: IdParams,
        response: { 200: SiteView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const [row] = await db
        .select()
        .from(sites)
        .where(allOf(eq(sites.id, req.params.id), scopeCondition(req, sites.departmentId)));
      if (!row) throw notFound('site', req.params.id);
      return view(row);
    },
  );

  r.post(
    '/sites',
    {
      config: { permission: 'sites.write' },
      schema: {
        tags,
        summary: 'Create a site',
        body: Body({
          name: Fields.name,
          description: Type.Optional(Fields.description),
          departmentId: Type.Optional(Fields.departmentId),
          latDeg: Fields.latDeg,
          lonDeg: Fields.lonDeg,
        }),
        response: { 201: SiteView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      const [row] = await db
        .insert(sites)
        .values({
          id: randomUUID(),
          name: b.name,
          description: b.description ?? '',
          departmentId: b.departmentId ?? null,
          latDeg: b.latDeg,
          lonDeg: b.lonDeg,
          createdAt: new Date(ctx.now()),
        })
        .returning();
      req.auditTargetId = row!.id;
      return reply.status(201).send(view(row!));
    },
  );

  r.patch(
    '/sites/:id',
    {
      config: { permission: 'sites.write' },
      schema: {
        tags,
        summary: 'Change a site',
        params: IdParams,
        body: PatchBody(Fields),
        response: { 200: SiteView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      await requireRef(db, departments, req.body.departmentId, 'body.departmentId', 'department');
      const [row] = await db.update(sites).set(req.body).where(eq(sites.id, req.params.id)).returning();
      if (!row) throw notFound('site', req.params.id);
      return view(row);
    },
  );

  r.delete(
    '/sites/:id',
    {
      config: { permission: 'sites.write' },
      schema: {
        tags,
        summary: 'Delete a site (refused while docks or bridges belong to it)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const [row] = await db.delete(sites).where(eq(sites.id, req.params.id)).returning({ id: sites.id });
      if (!row) throw notFound('site', req.params.id);
      return reply.status(204).send(null);
    },
  );
}
