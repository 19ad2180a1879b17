/**
 * What the web console draws its globe and planner with: the configured imagery (XYZ or WMTS
 * tiles, in WGS-84 or GCJ-02), the basemap from Aerie's own maps folder (`map.basemap`, the
 * generated `aerie-default` unless configured otherwise) and the terrain server. Every signed-in
 * user needs it to show the command view, so it asks only for a session.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { errorResponses } from '../http/errors.ts';
import type { MapLibrary } from '../maps/library.ts';
import { mapView } from '../maps/routes.ts';

const ConsoleSettingsView = Type.Object({
  imagery: Type.Object({
    type: Type.Union([Type.Literal('none'), Type.Literal('xyz'), Type.Literal('wmts')]),
    url: Type.String(),
    layer: Type.Optional(Type.String()),
    crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
    maxZoom: Type.Optional(Type.Integer()),
  }),
  basemap: Type.Union(
    [
      Type.Object({
        name: Type.String(),
        format: Type.Union([Type.Literal('vector'), Type.Literal('raster')]),
        tiles: Type.String(),
        rasterTiles: Type.String(),
        crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
        minZoom: Type.Integer(),
        maxZoom: Type.Integer(),
        layers: Type.Array(Type.String()),
        attribution: Type.String(),
      }),
      Type.Null(),
    ],
    { description: 'The maps-folder basemap the console draws under its overlays (null: none there)' },
  ),
  terrainUrl: Type.Union([Type.String(), Type.Null()]),
});

export function registerConsoleSettingsRoutes(app: FastifyInstance, ctx: AppContext, maps: MapLibrary): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/console/settings',
    {
      config: { permission: 'session.self' },
      schema: {
        tags: ['console'],
        summary: "The console's imagery, basemap and terrain servers",
        response: { 200: ConsoleSettingsView, ...errorResponses(401) },
      },
    },
    async () => {
      const name = ctx.config.map.basemap;
      const archive = name ? await maps.get(name) : null;
      const v = archive ? mapView(archive.info) : null;
      return {
        ...ctx.config.console,
        basemap: v && {
          name: v.name,
          format: v.format,
          tiles: v.tiles,
          rasterTiles: v.rasterTiles,
          crs: v.crs,
          minZoom: v.minZoom,
          maxZoom: v.maxZoom,
          layers: v.layers,
          attribution: v.attribution,
        },
      };
    },
  );
}
