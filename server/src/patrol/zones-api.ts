/**
 * Airspace zones over HTTP (no-fly zones, controlled airspace, operating areas), as the
 * planning library's `Zone`: everyone reads them (the planner draws them and checks routes
 * against them); administrators write them. A zone's geometry is checked with the library's
 * GeoJSON zone reader, so a bad polygon is refused naming the field.
 */
import { zonesToGeoJson } from '@aerie/missions';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { airspaceZones, ZONE_KINDS } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { Body, created, iso, Latitude, Longitude, Name, resourceRoutes } from '../routes/common.ts';
import { type ZoneRow, zoneOf } from './store.ts';

const Point = Type.Object({ lat: Latitude, lon: Longitude }, { additionalProperties: false });
const Geometry = Type.Union([
  Type.Object(
    { type: Type.Literal('polygon'), points: Type.Array(Point, { minItems: 3, maxItems: 2000 }) },
    { additionalProperties: false, title: 'polygon' },
  ),
  Type.Object(
    {
      type: Type.Literal('circle'),
      center: Point,
      radiusM: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }),
    },
    { additionalProperties: false, title: 'circle' },
  ),
]);
const Height = Type.Union([Type.Number({ minimum: 0, maximum: 10_000 }), Type.Null()]);

const ZoneView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Enum(ZONE_KINDS),
  geometry: Geometry,
  floorM: Type.Union([Type.Number(), Type.Null()]),
  ceilingM: Type.Union([Type.Number(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

type GeometryInput =
  | { type: 'polygon'; points: { lat: number; lon: number }[] }
  | { type: 'circle'; center: { lat: number; lon: number }; radiusM: number };

const view = (z: ZoneRow) => ({
  id: z.id,
  name: z.name,
  kind: z.kind,
  geometry: JSON.parse(z.geometryJson) as GeometryInput,
  floorM: z.floorM,
  ceilingM: z.ceilingM,
  createdAt: iso(z.createdAt)!,
  updatedAt: iso(z.updatedAt),
});

function checkBand(floor: number | null | undefined, ceiling: number | null | undefined): void {
  if (floor !== null && floor !== undefined && ceiling !== null && ceiling !== undefined && ceiling <= floor)
    throw new ApiError(
      'ValidationFailed',
      `body.ceilingM (${ceiling}) must be above body.floorM (${floor})`,
      'body.ceilingM',
    );
}

export function registerZoneRoutes(app: FastifyInstance, ctx: AppContext): void {
  const zone = resourceRoutes(app, ctx.database.db, {
    path: '/zones',
    table: airspaceZones,
    what: 'zone',
    tags: ['zones'],
  });
  const { r, db, tags } = zone;

  zone.registerRead({
    permission: 'zones.read',
    listSummary: 'List airspace zones (no-fly, controlled, operating areas)',
    getSummary: 'One airspace zone',
    view: ZoneView,
    toView: view,
    orderBy: airspaceZones.name,
  });

  r.get(
    '/zones.geojson',
    {
      config: { permission: 'zones.read' },
      schema: {
        tags,
        summary: 'Every zone as a GeoJSON FeatureCollection (for maps and `aerie plan validate --zones`)',
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(401, 403) },
      },
    },
    async () => zonesToGeoJson((await db.select().from(airspaceZones)).map(zoneOf)),
  );

  r.post(
    '/zones',
    {
      config: { permission: 'zones.write' },
      schema: {
        tags,
        summary: 'Create a zone',
        body: Body({
          name: Name,
          kind: Type.Enum(ZONE_KINDS),
          geometry: Geometry,
          floorM: Type.Optional(Height),
          ceilingM: Type.Optional(Height),
        }),
        response: { 201: ZoneView, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      checkBand(req.body.floorM, req.body.ceilingM);
      const row = await zone.insert({
        name: req.body.name,
        kind: req.body.kind,
        geometryJson: JSON.stringify(req.body.geometry),
        floorM: req.body.floorM ?? null,
        ceilingM: req.body.ceilingM ?? null,
        createdBy: req.auth?.id ?? null,
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, view(row));
    },
  );

  r.patch(
    '/zones/:id',
    zone.change({
      permission: 'zones.write',
      summary: 'Change a zone',
      fields: {
        name: Name,
        kind: Type.Enum(ZONE_KINDS),
        geometry: Geometry,
        floorM: Height,
        ceilingM: Height,
      },
      view: ZoneView,
      errors: [400, 401, 403, 404],
    }),
    async (req) => {
      const current = await zone.find(req.params.id);
      const { geometry, ...rest } = req.body;
      checkBand(
        rest.floorM !== undefined ? rest.floorM : current.floorM,
        rest.ceilingM !== undefined ? rest.ceilingM : current.ceilingM,
      );
      const set = {
        ...rest,
        ...(geometry ? { geometryJson: JSON.stringify(geometry) } : {}),
        updatedAt: new Date(ctx.now()),
      };
      return view(await zone.update(current.id, set));
    },
  );

  zone.registerDelete({
    permission: 'zones.write',
    summary: 'Delete a zone',
    mayBeRefused: false,
  });
}
