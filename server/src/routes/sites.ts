/** Sites: the places a bridge serves and docks stand at. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, sites } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import {
  Body,
  created,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  requireRef,
  resourceRoutes,
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
  const site = resourceRoutes(app, ctx.database.db, {
    path: '/sites',
    table: sites,
    what: 'site',
    tags: ['sites'],
    scopeColumn: sites.departmentId,
  });
  const { r, db, tags } = site;

  site.registerRead({
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
      const row = await site.insert({
        name: b.name,
        description: b.description ?? '',
        departmentId: b.departmentId ?? null,
        latDeg: b.latDeg,
        lonDeg: b.lonDeg,
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, view(row));
    },
  );

  r.patch(
    '/sites/:id',
    site.change({
      permission: 'sites.write',
      summary: 'Change a site',
      fields: Fields,
      view: SiteView,
    }),
    async (req) => {
      await requireRef(db, departments, req.body.departmentId, 'body.departmentId', 'department');
      return view(await site.update(req.params.id, req.body));
    },
  );

  site.registerDelete({
    permission: 'sites.write',
    summary: 'Delete a site (refused while docks or bridges belong to it)',
  });
}
