/** Sites: the places a bridge serves and docks stand at. */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, sites } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import {
  Body,
  changeRoute,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  registerDeleteRoute,
  registerReadRoutes,
  requireRef,
  updateOr404,
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
  const site = {
    path: '/sites',
    table: sites,
    what: 'site',
    tags: ['sites'],
    scopeColumn: sites.departmentId,
  };
  const { tags } = site;

  registerReadRoutes(app, db, {
    ...site,
    permission: 'sites.read',
    listSummary: 'List sites',
    getSummary: 'One site',
    view: SiteView,
    toView: view,
    orderBy: sites.name,
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
    changeRoute({
      permission: 'sites.write',
      tags,
      summary: 'Change a site',
      fields: Fields,
      view: SiteView,
    }),
    async (req) => {
      await requireRef(db, departments, req.body.departmentId, 'body.departmentId', 'department');
      return view(await updateOr404(db, sites, req.params.id, req.body, 'site'));
    },
  );

  registerDeleteRoute(app, db, {
    ...site,
    permission: 'sites.write',
    summary: 'Delete a site (refused while docks or bridges belong to it)',
  });
}
