/**
 * Boundary overlays: a GeoJSON file of polygons or lines (a district's boundary, its towns) in the
 * maps folder, drawn over the basemap by the console. `aerie map import boundary.geojson` checks
 * and copies one in; `GET /api/maps` lists them and `GET /api/maps/overlays/:name` serves one.
 * Coordinates are WGS-84 longitude, latitude (RFC 7946).
 */
import { fail, ok, type Result } from '@aerie/contracts';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

export interface OverlayInfo {
  name: string;
  /** Features drawn (polygons and lines). */
  features: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
}

const DRAWN = new Set(['Polygon', 'MultiPolygon', 'LineString', 'MultiLineString']);

function positionsOf(g: Geometry): Position[] {
  switch (g.type) {
    case 'LineString':
      return g.coordinates;
    case 'Polygon':
    case 'MultiLineString':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
    default:
      return [];
  }
}

/**
 * The features of a GeoJSON text that can be drawn as a boundary, with their extent; the error
 * names what is wrong (not JSON, no polygons or lines, a coordinate outside longitude/latitude).
 */
export function readOverlay(
  text: string,
): Result<{ geojson: FeatureCollection; bounds: OverlayInfo['bounds'] }, 'BadOverlay'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail('BadOverlay', `not JSON (${(err as Error).message})`);
  }
  const o = json as { type?: unknown; features?: unknown; geometry?: unknown };
  const features: Feature[] =
    o.type === 'FeatureCollection' && Array.isArray(o.features)
      ? (o.features as Feature[])
      : o.type === 'Feature'
        ? [json as Feature]
        : typeof o.type === 'string' && DRAWN.has(o.type)
          ? [{ type: 'Feature', properties: {}, geometry: json as Geometry }]
          : [];
  if (typeof o.type !== 'string' || (features.length === 0 && o.type !== 'FeatureCollection'))
    return fail(
      'BadOverlay',
      `not GeoJSON: expected a FeatureCollection, a Feature or a geometry, got type ${JSON.stringify(o.type)}`,
    );
  const drawn = features.filter((f) => f?.geometry && DRAWN.has(f.geometry.type));
  if (drawn.length === 0)
    return fail('BadOverlay', 'no Polygon, MultiPolygon, LineString or MultiLineString features to draw');
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const [i, f] of drawn.entries()) {
    for (const p of positionsOf(f.geometry)) {
      const [lon, lat] = p;
      if (typeof lon !== 'number' || typeof lat !== 'number' || Math.abs(lon) > 180 || Math.abs(lat) > 90)
        return fail(
          'BadOverlay',
          `feature ${i}: coordinate ${JSON.stringify(p)} is not [longitude, latitude] in degrees`,
        );
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return ok({ geojson: { type: 'FeatureCollection', features: drawn }, bounds: [w, s, e, n] });
}
