/** Sites: the places a bridge serves and docks stand at. */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, sites } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import {
  Body,
  IdParams,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  notFound,
  PatchBody,
  registerReadRoutes,
  requireRef,
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

  registerReadRoutes(app, db, {
    path: '/sites',
    table: sites,
    what: 'site',
    permission: 'sites.read',
    tags,
    listSummary: 'List sites',
    getSummary: 'One site',
    view: SiteView,
    toView: view,
    orderBy: sites.name,
    scopeColumn: sites.departmentId,
  });

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
