/**
 * Small spherical and local-plane geometry used by planning and validation.
 *
 * Distances use the haversine formula on a sphere of the mean Earth radius: within 0.5% of
 * the ellipsoid, which is far inside the margins of a patrol route. Pattern generation and
 * zone tests work on a local east/north plane around a reference point (equirectangular):
 * over the few kilometres a dock serves the error is centimetres.
 */

/** A position in WGS-84 degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** A point on a local plane, metres east (`x`) and north (`y`) of the projection origin. */
export interface XY {
  x: number;
  y: number;
}

/** IUGG mean Earth radius, metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const toRad = (deg: number): number => (deg * Math.PI) / 180;
const toDeg = (rad: number): number => (rad * 180) / Math.PI;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from `a` to `b`, degrees clockwise from true north in [0, 360). */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const φ1 = toRad(a.lat);
  const φ2 = toRad(b.lat);
  const Δλ = toRad(b.lon - a.lon);
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return (toDeg(Math.atan2(y, x)) + 360) % 360;
}

/** The point `distM` metres from `from` along the initial bearing `bearing` (degrees). */
export function destination(from: LatLon, bearing: number, distM: number): LatLon {
  const δ = distM / EARTH_RADIUS_M;
  const θ = toRad(bearing);
  const φ1 = toRad(from.lat);
  const λ1 = toRad(from.lon);
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 =
    λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return { lat: toDeg(φ2), lon: ((toDeg(λ2) + 540) % 360) - 180 };
}

/** Length in metres of a path through the given points. */
export function pathLengthM(points: readonly LatLon[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += distanceM(points[i - 1]!, points[i]!);
  return sum;
}

/** A local east/north plane around `origin`, for geometry over a few kilometres. */
export interface LocalPlane {
  origin: LatLon;
  toXY(p: LatLon): XY;
  toLatLon(p: XY): LatLon;
}

/** Builds an equirectangular local plane centred on `origin`. */
export function localPlane(origin: LatLon): LocalPlane {
  const mPerDegLat = (Math.PI / 180) * EARTH_RADIUS_M;
  const mPerDegLon = mPerDegLat * Math.cos(toRad(origin.lat));
  return {
    origin,
    toXY: (p) => ({ x: (p.lon - origin.lon) * mPerDegLon, y: (p.lat - origin.lat) * mPerDegLat }),
    toLatLon: (p) => ({ lat: origin.lat + p.y / mPerDegLat, lon: origin.lon + p.x / mPerDegLon }),
  };
}

/** The mean of the given points: a good enough projection origin for a small area. */
export function centroidOf(points: readonly LatLon[]): LatLon {
  let lat = 0;
  let lon = 0;
  for (const p of points) {
    lat += p.lat;
    lon += p.lon;
  }
  return { lat: lat / points.length, lon: lon / points.length };
}

/** Ray-casting point-in-polygon on the plane; the ring may be open or closed. */
export function pointInRing(p: XY, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

const cross = (o: XY, a: XY, b: XY): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Whether segments `p1p2` and `q1q2` touch or cross. */
export function segmentsIntersect(p1: XY, p2: XY, q1: XY, q2: XY): boolean {
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const onSeg = (a: XY, b: XY, c: XY): boolean =>
    Math.min(a.x, b.x) <= c.x &&
    c.x <= Math.max(a.x, b.x) &&
    Math.min(a.y, b.y) <= c.y &&
    c.y <= Math.max(a.y, b.y);
  return (
    (d1 === 0 && onSeg(q1, q2, p1)) ||
    (d2 === 0 && onSeg(q1, q2, p2)) ||
    (d3 === 0 && onSeg(p1, p2, q1)) ||
    (d4 === 0 && onSeg(p1, p2, q2))
  );
}

/** Whether the segment `a`-`b` enters the polygon ring (an end inside, or crossing an edge). */
export function segmentTouchesRing(a: XY, b: XY, ring: readonly XY[]): boolean {
  if (pointInRing(a, ring) || pointInRing(b, ring)) return true;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    if (segmentsIntersect(a, b, ring[j]!, ring[i]!)) return true;
  }
  return false;
}

/** Shortest distance from point `p` to segment `a`-`b` on the plane. */
export function pointSegmentDistance(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Signed area of a ring (positive when counter-clockwise), square metres. */
export function ringArea(ring: readonly XY[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += ring[j]!.x * ring[i]!.y - ring[i]!.x * ring[j]!.y;
  return s / 2;
}

/** The ring without its closing point (a ring given closed, first point repeated last, is opened). */
export function openRing<T extends LatLon>(points: readonly T[]): T[] {
  const out = [...points];
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first.lat === last.lat && first.lon === last.lon) out.pop();
  return out;
}
