/**
 * The tile service: `GET /api/maps` lists the maps folder, `GET /api/maps/:name/:z/:x/:y.ext`
 * serves one tile. A vector map is also served as PNG (drawn by the server) for the globe,
 * which has no vector tiles. `GET /api/maps/overlays/:name` serves a boundary overlay (GeoJSON).
 * Tiles are for signed-in users, like the rest of the console.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError, errorResponses } from '../http/errors.ts';
import { CONTENT_TYPES, type MapInfo, type TileFormat } from './archive.ts';
import type { MapLibrary } from './library.ts';

const MapView = Type.Object({
  name: Type.String(),
  archive: Type.Union([Type.Literal('pmtiles'), Type.Literal('mbtiles')]),
  format: Type.Union([Type.Literal('vector'), Type.Literal('raster')]),
  tileFormat: Type.Union([
    Type.Literal('pbf'),
    Type.Literal('png'),
    Type.Literal('jpg'),
    Type.Literal('webp'),
  ]),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
  layers: Type.Array(Type.String()),
  attribution: Type.String(),
  tiles: Type.String({ description: 'Tile URL template in the map’s own format' }),
  rasterTiles: Type.String({
    description: 'Tile URL template of PNG images (vector maps drawn by the server)',
  }),
});

const OverlayView = Type.Object({
  name: Type.String(),
  features: Type.Integer(),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  url: Type.String({ description: 'The GeoJSON (WGS-84) on this server' }),
});

const MapsView = Type.Object({
  maps: Type.Array(MapView),
  /** Boundary overlays (a district's boundary): GeoJSON files of the maps folder. */
  overlays: Type.Array(OverlayView),
  problems: Type.Array(Type.Object({ file: Type.String(), reason: Type.String() })),
});

/** The public view of a map with its tile URLs. */
export function mapView(info: MapInfo): Omit<MapInfo, 'file'> & { tiles: string; rasterTiles: string } {
  const { file: _file, ...rest } = info;
  const base = `/api/maps/${encodeURIComponent(info.name)}/{z}/{x}/{y}`;
  return {
    ...rest,
    tiles: `${base}.${info.tileFormat}`,
    rasterTiles: info.format === 'vector' ? `${base}.png` : `${base}.${info.tileFormat}`,
  };
}

const EXT = /^(\d+)\.(pbf|mvt|png|jpg|jpeg|webp)$/;

export function registerMapRoutes(app: FastifyInstance, maps: MapLibrary): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/maps',
    {
      config: { permission: 'session.self' },
      schema: {
        tags: ['maps'],
        summary: 'Basemaps in the maps folder, and files that could not be read',
        response: { 200: MapsView, ...errorResponses(401) },
      },
    },
    async () => {
      const { maps: found, problems } = await maps.scan();
      const o = maps.scanOverlays();
      return {
        maps: found.map(mapView),
        overlays: o.overlays.map((x) => ({ ...x, url: `/api/maps/overlays/${encodeURIComponent(x.name)}` })),
        problems: [...problems, ...o.problems],
      };
    },
  );

  r.get(
    '/maps/overlays/:name',
    {
      config: { permission: 'session.self' },
      schema: {
        tags: ['maps'],
        summary: 'A boundary overlay: its polygons and lines as a GeoJSON FeatureCollection (WGS-84)',
        params: Type.Object({ name: Type.String() }),
        response: {
          200: {
            description: 'The FeatureCollection',
            content: { 'application/geo+json': { schema: { type: 'object', additionalProperties: true } } },
          },
          ...errorResponses(401, 404),
        },
      },
    },
    async (req, reply) => {
      const geojson = maps.overlay(req.params.name);
      if (!geojson) throw new ApiError('NotFound', `no overlay '${req.params.name}' in the maps folder`);
      reply.header('cache-control', 'private, max-age=60');
      return reply.type('application/geo+json').send(geojson as unknown as Record<string, unknown>);
    },
  );

  r.get(
    '/maps/:name/:z/:x/:tile',
    {
      config: { permission: 'session.self' },
      schema: {
        tags: ['maps'],
        summary: 'One tile (y.pbf for vector maps, y.png drawn from them, or the raster map’s own format)',
        params: Type.Object({
          name: Type.String(),
          z: Type.Integer({ minimum: 0, maximum: 24 }),
          x: Type.Integer({ minimum: 0 }),
          tile: Type.String({ description: 'y.ext' }),
        }),
        response: {
          200: {
            description: 'The tile, in the format its extension names',
            content: Object.fromEntries(
              ['application/x-protobuf', 'image/png', 'image/jpeg', 'image/webp'].map((t) => [
                t,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
          204: { description: 'An empty vector tile: nothing drawn there', type: 'null' },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (req, reply) => {
      const { name, z, x, tile } = req.params;
      const m = EXT.exec(tile);
      if (!m) throw new ApiError('ValidationFailed', `tile '${tile}' must be <y>.pbf, .png, .jpg or .webp`);
      const y = Number(m[1]);
      const n = 2 ** z;
      if (x >= n || y >= n)
        throw new ApiError('ValidationFailed', `tile ${z}/${x}/${y} is outside zoom ${z}`);
      const ext: TileFormat = m[2] === 'mvt' ? 'pbf' : m[2] === 'jpeg' ? 'jpg' : (m[2] as TileFormat);
      const archive = await maps.get(name);
      if (!archive) throw new ApiError('NotFound', `no map '${name}' in the maps folder`);
      const info = archive.info;
      reply.header('cache-control', 'private, max-age=3600');
      if (info.format === 'vector' && ext === 'png') {
        reply.type('image/png');
        return maps.rasterTile(archive, z, x, y);
      }
      if (ext !== info.tileFormat)
        throw new ApiError(
          'NotFound',
          `map '${name}' has ${info.tileFormat} tiles${info.format === 'vector' ? ' (or png drawn from them)' : ''}, not ${ext}`,
        );
      const bytes =
        info.format === 'vector'
          ? await maps.vectorTile(archive, z, x, y)
          : z > info.maxZoom || z < info.minZoom
            ? null
            : await archive.tile(z, x, y);
      // An empty vector tile is a valid answer (nothing drawn there); a missing image is not.
      if (!bytes && info.format === 'vector') return reply.code(204).send(null);
      if (!bytes) throw new ApiError('NotFound', `map '${name}' has no tile ${z}/${x}/${y}`);
      reply.type(CONTENT_TYPES[info.tileFormat]);
      return Buffer.from(bytes);
    },
  );
}
