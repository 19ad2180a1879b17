/**
 * GeoJSON (RFC 7946) routes, zones and survey polygons.
 *
 * Route files: features in order; a Point is one item (`properties.type`: waypoint (default),
 * takeoff, land, loiter, home), a LineString is one waypoint per vertex. Heights come from
 * `properties.altM` (metres above home); coordinate heights are ignored, because GeoJSON
 * defines them as ellipsoidal heights, not heights above the dock. A route without a take-off
 * gets one at its start and a route without RTL or landing gets an RTL at its end, unless the
 * importer is told not to.
 *
 * Zone files: Polygon / MultiPolygon features (outer rings; holes are not used) and Point
 * features with `properties.radiusM` (circles); `properties.kind` is nofly (default),
 * controlled or inclusion, with optional `floorM`/`ceilingM` heights above home.
 */
import { type Static, type TSchema, Type } from 'typebox';
import type { LatLon } from '../geo.ts';
import type { Route, RouteDefaults, RouteItem } from '../route.ts';
import { DEFAULT_ROUTE_DEFAULTS, itemPosition } from '../route.ts';
import type { Zone, ZoneKind } from '../zones.ts';
import { formatPath, type ParseError, type ParseResult, parseFail } from './parse-result.ts';
import { schemaMessage } from './schema-message.ts';

/** [longitude, latitude, ...]; the ranges are checked after the schema (see positionRangeError). */
const position = Type.Array(Type.Number({ errorMessage: 'must be a number' }), {
  minItems: 2,
  errorMessage: (v: unknown) =>
    Array.isArray(v)
      ? 'a position needs longitude and latitude'
      : `must be an array, got ${JSON.stringify(v) ?? 'nothing'}`,
});

const geometryOf = <T extends string, C extends TSchema>(type: T, coordinates: C) =>
  Type.Object({ type: Type.Literal(type), coordinates });

const geometry = Type.Union(
  [
    geometryOf('Point', position),
    geometryOf('MultiPoint', Type.Array(position)),
    geometryOf(
      'LineString',
      Type.Array(position, { minItems: 2, errorMessage: 'needs 2 or more positions' }),
    ),
    geometryOf('MultiLineString', Type.Array(Type.Array(position))),
    geometryOf(
      'Polygon',
      Type.Array(
        Type.Array(position, { minItems: 4, errorMessage: 'a linear ring needs 4 or more positions' }),
        {
          minItems: 1,
        },
      ),
    ),
    geometryOf('MultiPolygon', Type.Array(Type.Array(Type.Array(position, { minItems: 4 })))),
    Type.Object({ type: Type.Literal('GeometryCollection'), geometries: Type.Array(Type.Unknown()) }),
  ],
  {
    discriminator: 'type',
    errorMessage: (v: unknown) =>
      `type must be a GeoJSON geometry type, got ${JSON.stringify((v as { type?: unknown } | null)?.type)}`,
  },
);

const feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(Type.Unknown()),
  geometry: Type.Union([geometry, Type.Null()]),
  properties: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
});

const featureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(feature),
  name: Type.Optional(Type.String()),
});

type Geometry = Static<typeof geometry>;
type Feature = Static<typeof feature>;

/** The first position (path from the geometry) with a longitude or latitude out of range. */
function positionRangeError(g: Geometry): { path: PropertyKey[]; message: string } | null {
  const walk = (c: unknown, path: PropertyKey[]): { path: PropertyKey[]; message: string } | null => {
    if (!Array.isArray(c)) return null;
    if (typeof c[0] === 'number') {
      const [lon, lat] = c as [number, number];
      if (lon < -180 || lon > 180)
        return { path: [...path, 0], message: `longitude must be between -180 and 180, got ${lon}` };
      if (lat < -90 || lat > 90)
        return { path: [...path, 1], message: `latitude must be between -90 and 90, got ${lat}` };
      return null;
    }
    for (const [i, x] of c.entries()) {
      const e = walk(x, [...path, i]);
      if (e) return e;
    }
    return null;
  };
  return 'coordinates' in g ? walk(g.coordinates, ['coordinates']) : null;
}

/** Schema check, then the position ranges of every feature's geometry. */
function checkGeoJson(
  schema: TSchema,
  json: unknown,
  prefix: PropertyKey[],
  geometries: () => [PropertyKey[], Geometry | null][],
): ParseError | null {
  const bad = schemaMessage(schema, json, prefix);
  if (bad !== null) return { code: 'InvalidGeoJson', message: bad };
  for (const [path, g] of geometries()) {
    const e = g && positionRangeError(g);
    if (e) return { code: 'InvalidGeoJson', message: `${formatPath([...path, ...e.path])}: ${e.message}` };
  }
  return null;
}

/** Decodes a GeoJSON object into features (a FeatureCollection, a Feature or a bare geometry). */
function featuresOf(
  json: unknown,
): { ok: true; features: Feature[]; name?: string } | { ok: false; error: ParseError } {
  const t = (json as { type?: unknown })?.type;
  if (t === 'FeatureCollection') {
    const fc = json as Static<typeof featureCollection>;
    const error = checkGeoJson(featureCollection, json, [], () =>
      fc.features.map((f, i) => [['features', i, 'geometry'], f.geometry]),
    );
    if (error) return { ok: false, error };
    return { ok: true, features: fc.features, ...(fc.name ? { name: fc.name } : {}) };
  }
  if (t === 'Feature') {
    const f = json as Feature;
    const error = checkGeoJson(feature, json, ['features', 0], () => [
      [['features', 0, 'geometry'], f.geometry],
    ]);
    if (error) return { ok: false, error };
    return { ok: true, features: [f] };
  }
  const g = json as Geometry;
  const error = checkGeoJson(geometry, json, [], () => [[[], g]]);
  if (error) return { ok: false, error };
  return { ok: true, features: [{ type: 'Feature', geometry: g, properties: {} }] };
}

const ll = (p: readonly number[]): LatLon => ({ lat: p[1]!, lon: p[0]! });

export interface GeoImportOptions {
  name?: string;
  defaults?: Partial<RouteDefaults>;
  /** Add a take-off at the start when the file has none (default true). */
  autoTakeoff?: boolean;
  /** Add an RTL at the end when the file ends with neither RTL nor landing (default true). */
  autoReturn?: boolean;
}

function optNum(props: Record<string, unknown>, key: string, where: string): number | undefined | ParseError {
  const v = props[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    return {
      code: 'InvalidGeoJson',
      message: `${where}.properties.${key}: must be a number, got ${JSON.stringify(v)}`,
    };
  return v;
}

const isErr = (v: unknown): v is ParseError => typeof v === 'object' && v !== null && 'code' in v;

/** Finishes an imported list of items: take-off at the start and RTL at the end when asked. */
export function finishImportedRoute(
  items: RouteItem[],
  home: LatLon | undefined,
  name: string,
  options: GeoImportOptions,
): Route {
  const defaults = { ...DEFAULT_ROUTE_DEFAULTS, ...options.defaults };
  const out = [...items];
  if ((options.autoTakeoff ?? true) && !out.some((i) => i.type === 'takeoff'))
    out.unshift({ type: 'takeoff', altM: defaults.altM });
  const last = out[out.length - 1];
  if ((options.autoReturn ?? true) && last && last.type !== 'rtl' && last.type !== 'land')
    out.push({ type: 'rtl' });
  const route: Route = { name, defaults, items: out };
  if (home) route.home = home;
  return route;
}

/** Parses a GeoJSON route (decoded JSON) into a Route; errors name `features[i]` and the field. */
export function parseGeoJsonRoute(json: unknown, options: GeoImportOptions = {}): ParseResult {
  const f = featuresOf(json);
  if (!f.ok) return f;
  const defaults = { ...DEFAULT_ROUTE_DEFAULTS, ...options.defaults };
  const items: RouteItem[] = [];
  let home: LatLon | undefined;
  let name = options.name ?? f.name;
  for (const [i, feat] of f.features.entries()) {
    const where = `features[${i}]`;
    const props = (feat.properties ?? {}) as Record<string, unknown>;
    if (!name && typeof props.name === 'string') name = props.name;
    const g = feat.geometry;
    // Aerie's own exports carry the flown line beside the items; the items are what counts.
    if (!g || props.role === 'path') continue;
    const alt = optNum(props, 'altM', where);
    if (isErr(alt)) return { ok: false, error: alt };
    const altM = alt ?? defaults.altM;
    if (g.type === 'Point') {
      const p = ll(g.coordinates);
      const type = props.type ?? 'waypoint';
      const extra: Record<string, number> = {};
      for (const key of ['holdS', 'acceptRadiusM', 'turns', 'timeS', 'radiusM'] as const) {
        const v = optNum(props, key, where);
        if (isErr(v)) return { ok: false, error: v };
        if (v !== undefined) extra[key] = v;
      }
      if (type === 'waypoint')
        items.push({ type: 'waypoint', ...p, altM, ...pick(extra, ['holdS', 'acceptRadiusM']) });
      else if (type === 'takeoff') items.push({ type: 'takeoff', altM, ...p });
      else if (type === 'land') items.push({ type: 'land', ...p });
      else if (type === 'loiter')
        items.push({ type: 'loiter', ...p, altM, ...pick(extra, ['turns', 'timeS', 'radiusM']) });
      else if (type === 'home') home = p;
      else
        return parseFail(
          'InvalidGeoJson',
          `${where}.properties.type: must be waypoint, takeoff, land, loiter or home, got ${JSON.stringify(type)}`,
        );
    } else if (g.type === 'LineString') {
      for (const c of g.coordinates) items.push({ type: 'waypoint', ...ll(c), altM });
    } else if (g.type === 'MultiPoint') {
      for (const c of g.coordinates) items.push({ type: 'waypoint', ...ll(c), altM });
    } else {
      return parseFail(
        'InvalidGeoJson',
        `${where}.geometry.type: a ${g.type} cannot be flown as a route (routes are Points and LineStrings; survey a Polygon with plan survey)`,
      );
    }
  }
  if (!items.some((i) => itemPosition(i) !== null))
    return parseFail('InvalidGeoJson', 'features: no Point or LineString to fly through');
  return {
    ok: true,
    route: finishImportedRoute(items, home, name ?? 'GeoJSON route', options),
    format: 'geojson',
  };
}

function pick(o: Record<string, number>, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export type ZonesResult = { ok: true; zones: Zone[] } | { ok: false; error: ParseError };

const KINDS: readonly ZoneKind[] = ['nofly', 'controlled', 'inclusion'];

/** Parses zones from GeoJSON (decoded JSON). */
export function parseGeoJsonZones(json: unknown): ZonesResult {
  const f = featuresOf(json);
  if (!f.ok) return f;
  const zones: Zone[] = [];
  for (const [i, feat] of f.features.entries()) {
    const where = `features[${i}]`;
    const props = (feat.properties ?? {}) as Record<string, unknown>;
    const kind = (props.kind ?? 'nofly') as ZoneKind;
    if (!KINDS.includes(kind))
      return parseFail(
        'InvalidGeoJson',
        `${where}.properties.kind: must be nofly, controlled or inclusion, got ${JSON.stringify(props.kind)}`,
      );
    const floor = optNum(props, 'floorM', where);
    if (isErr(floor)) return { ok: false, error: floor };
    const ceiling = optNum(props, 'ceilingM', where);
    if (isErr(ceiling)) return { ok: false, error: ceiling };
    const base: Omit<Zone, 'geometry'> = { kind };
    if (typeof props.name === 'string') base.name = props.name;
    const id = props.id ?? feat.id;
    if (typeof id === 'string' || typeof id === 'number') base.id = String(id);
    if (floor !== undefined) base.floorM = floor;
    if (ceiling !== undefined) base.ceilingM = ceiling;
    const g = feat.geometry;
    if (!g) continue;
    if (g.type === 'Polygon')
      zones.push({ ...base, geometry: { type: 'polygon', points: g.coordinates[0]!.map(ll) } });
    else if (g.type === 'MultiPolygon')
      for (const poly of g.coordinates)
        zones.push({ ...base, geometry: { type: 'polygon', points: poly[0]!.map(ll) } });
    else if (g.type === 'Point') {
      const r = optNum(props, 'radiusM', where);
      if (isErr(r)) return { ok: false, error: r };
      if (r === undefined || r <= 0)
        return parseFail(
          'InvalidGeoJson',
          `${where}.properties.radiusM: a Point zone needs a radius above 0 metres`,
        );
      zones.push({ ...base, geometry: { type: 'circle', center: ll(g.coordinates), radiusM: r } });
    } else
      return parseFail(
        'InvalidGeoJson',
        `${where}.geometry.type: a zone must be a Polygon, MultiPolygon or Point, got ${g.type}`,
      );
  }
  return { ok: true, zones };
}

export type PolygonResult =
  | { ok: true; polygon: LatLon[]; properties: Record<string, unknown> }
  | { ok: false; error: ParseError };

/** The first Polygon (outer ring) of a GeoJSON object: the area to survey. */
export function parseGeoJsonPolygon(json: unknown): PolygonResult {
  const f = featuresOf(json);
  if (!f.ok) return f;
  for (const feat of f.features) {
    const g = feat.geometry;
    if (g?.type === 'Polygon')
      return {
        ok: true,
        polygon: g.coordinates[0]!.map(ll),
        properties: (feat.properties ?? {}) as Record<string, unknown>,
      };
    if (g?.type === 'MultiPolygon' && g.coordinates[0])
      return {
        ok: true,
        polygon: g.coordinates[0][0]!.map(ll),
        properties: (feat.properties ?? {}) as Record<string, unknown>,
      };
  }
  return parseFail('InvalidGeoJson', 'features: no Polygon found');
}

/** The first LineString of a GeoJSON object: a corridor's centre line. */
export function parseGeoJsonLine(
  json: unknown,
): { ok: true; line: LatLon[] } | { ok: false; error: ParseError } {
  const f = featuresOf(json);
  if (!f.ok) return f;
  for (const feat of f.features)
    if (feat.geometry?.type === 'LineString') return { ok: true, line: feat.geometry.coordinates.map(ll) };
  return parseFail('InvalidGeoJson', 'features: no LineString found');
}

/** A route as a GeoJSON FeatureCollection: the flown line, then one Point per position item. */
export function routeToGeoJson(route: Route): Record<string, unknown> {
  const points: Record<string, unknown>[] = [];
  const line: number[][] = [];
  if (route.home) {
    points.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [route.home.lon, route.home.lat] },
      properties: { type: 'home' },
    });
  }
  route.items.forEach((it, index) => {
    const p = itemPosition(it);
    if (!p) return;
    line.push([p.lon, p.lat]);
    const props: Record<string, unknown> = { index, type: it.type };
    if ('altM' in it) props.altM = it.altM;
    for (const k of ['holdS', 'acceptRadiusM', 'turns', 'timeS', 'radiusM'] as const)
      if (k in it && (it as unknown as Record<string, unknown>)[k] !== undefined)
        props[k] = (it as unknown as Record<string, unknown>)[k];
    points.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: props,
    });
  });
  const features =
    line.length >= 2
      ? [
          {
            type: 'Feature',
            geometry: { type: 'LineString', coordinates: line },
            properties: { name: route.name, role: 'path' },
          },
          ...points,
        ]
      : points;
  return { type: 'FeatureCollection', name: route.name, features };
}

/** Zones as a GeoJSON FeatureCollection (circles as Points with radiusM). */
export function zonesToGeoJson(zones: readonly Zone[]): Record<string, unknown> {
  return {
    type: 'FeatureCollection',
    features: zones.map((zn) => {
      const properties: Record<string, unknown> = { kind: zn.kind };
      if (zn.id) properties.id = zn.id;
      if (zn.name) properties.name = zn.name;
      if (zn.floorM !== undefined) properties.floorM = zn.floorM;
      if (zn.ceilingM !== undefined) properties.ceilingM = zn.ceilingM;
      if (zn.geometry.type === 'circle') {
        properties.radiusM = zn.geometry.radiusM;
        return {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [zn.geometry.center.lon, zn.geometry.center.lat] },
          properties,
        };
      }
      const ring = zn.geometry.points.map((p) => [p.lon, p.lat]);
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([...first]);
      return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties };
    }),
  };
}
