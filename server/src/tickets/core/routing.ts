/**
 * Routing: which department a ticket goes to, by its category and the grid (网格) polygon that
 * contains its location. Rules are (category or null, grid or null) -> department; the most
 * specific rule wins (category+grid, then grid's own department for any category via a rule
 * with null category, then category only); with no rule, the grid's own department. Grids come
 * from GeoJSON (Polygon or MultiPolygon, with holes).
 */
import { fail, ok, type Result } from '@aerie/contracts';

/** [lon, lat] rings as GeoJSON has them: first the outer ring, then holes. */
export type Polygon = number[][][];
export type MultiPolygon = Polygon[];

export interface RoutingGrid {
  id: string;
  departmentId: string | null;
  polygons: MultiPolygon;
}

export interface RoutingRule {
  category: string | null;
  gridId: string | null;
  departmentId: string;
}

function inRing(lon: number, lat: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the point lies inside the polygon (inside the outer ring and outside every hole). */
export function pointInPolygon(lon: number, lat: number, polygon: Polygon): boolean {
  const [outer, ...holes] = polygon;
  if (!outer || !inRing(lon, lat, outer)) return false;
  return !holes.some((h) => inRing(lon, lat, h));
}

/** The first grid containing the point. */
export function gridAt<G extends RoutingGrid>(lat: number, lon: number, grids: readonly G[]): G | null {
  for (const g of grids) if (g.polygons.some((p) => pointInPolygon(lon, lat, p))) return g;
  return null;
}

/** The department a ticket of `category` at (lat, lon) goes to, and the grid it lies in. */
export function route(
  category: string,
  lat: number,
  lon: number,
  grids: readonly RoutingGrid[],
  rules: readonly RoutingRule[],
): { gridId: string | null; departmentId: string | null } {
  const grid = gridAt(lat, lon, grids);
  const gridId = grid?.id ?? null;
  const pick = (c: string | null, g: string | null) =>
    rules.find((r) => r.category === c && r.gridId === g)?.departmentId;
  const dep =
    (gridId ? pick(category, gridId) : undefined) ??
    (gridId ? pick(null, gridId) : undefined) ??
    grid?.departmentId ??
    pick(category, null) ??
    null;
  return { gridId, departmentId: dep };
}

function isPosition(p: unknown): p is [number, number] {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Math.abs(p[0]) <= 180 &&
    Math.abs(p[1]) <= 90
  );
}

function checkPolygon(p: unknown, where: string): Result<Polygon, 'InvalidGeoJson'> {
  if (!Array.isArray(p) || p.length === 0) return fail('InvalidGeoJson', `${where}: a polygon needs rings`);
  for (const [i, ring] of p.entries()) {
    if (!Array.isArray(ring) || ring.length < 4 || !ring.every(isPosition))
      return fail('InvalidGeoJson', `${where}[${i}]: a ring needs at least 4 [lon, lat] positions`);
    const a = ring[0] as number[];
    const b = ring[ring.length - 1] as number[];
    if (a[0] !== b[0] || a[1] !== b[1])
      return fail('InvalidGeoJson', `${where}[${i}]: a ring must end where it starts`);
  }
  return ok(p.map((ring: number[][]) => ring.map((pos) => [pos[0] as number, pos[1] as number])));
}

/** A geometry (Polygon or MultiPolygon) as a MultiPolygon. */
export function parseGeometry(g: unknown, where = 'geometry'): Result<MultiPolygon, 'InvalidGeoJson'> {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (geom?.type === 'Polygon') {
    const p = checkPolygon(geom.coordinates, `${where}.coordinates`);
    return p.ok ? ok([p.value]) : p;
  }
  if (geom?.type === 'MultiPolygon' && Array.isArray(geom.coordinates) && geom.coordinates.length > 0) {
    const out: MultiPolygon = [];
    for (const [i, c] of geom.coordinates.entries()) {
      const p = checkPolygon(c, `${where}.coordinates[${i}]`);
      if (!p.ok) return p;
      out.push(p.value);
    }
    return ok(out);
  }
  return fail('InvalidGeoJson', `${where}: must be a Polygon or MultiPolygon`);
}

export interface ImportedGrid {
  name: string;
  /** The feature's `properties.department` (id or code), when it names one. */
  department: string | null;
  polygons: MultiPolygon;
}

/**
 * Grids from a GeoJSON FeatureCollection (or one Feature): each feature needs a Polygon or
 * MultiPolygon geometry and `properties.name`; `properties.department` is optional. All or
 * nothing: the first bad feature fails the whole import, naming it.
 */
export function parseGridCollection(input: unknown): Result<ImportedGrid[], 'InvalidGeoJson'> {
  const fc = input as { type?: unknown; features?: unknown };
  const features =
    fc?.type === 'FeatureCollection' && Array.isArray(fc.features)
      ? fc.features
      : fc?.type === 'Feature'
        ? [fc]
        : null;
  if (!features || features.length === 0)
    return fail('InvalidGeoJson', 'expected a GeoJSON FeatureCollection with at least one feature');
  const out: ImportedGrid[] = [];
  for (const [i, f] of features.entries()) {
    const where = `features[${i}]`;
    const feat = f as { type?: unknown; geometry?: unknown; properties?: Record<string, unknown> | null };
    if (feat?.type !== 'Feature') return fail('InvalidGeoJson', `${where}: not a Feature`);
    const name = feat.properties?.name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 120)
      return fail('InvalidGeoJson', `${where}.properties.name: a grid needs a name (1-120 characters)`);
    const geom = parseGeometry(feat.geometry, `${where}.geometry`);
    if (!geom.ok) return geom;
    const dep = feat.properties?.department;
    out.push({
      name: name.trim(),
      department: typeof dep === 'string' && dep ? dep : null,
      polygons: geom.value,
    });
  }
  return ok(out);
}
