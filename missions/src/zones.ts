/**
 * Airspace zones (no-fly zones, controlled airspace, operating areas) and the geofence items
 * made from them.
 *
 * Altitude bands are heights above home in metres, because that is what the route's items
 * carry; a zone without a band reaches from the ground up without limit.
 */
import type { LatLon, LocalPlane, XY } from './geo.ts';
import { distanceM, localPlane, pointInRing, pointSegmentDistance, segmentTouchesRing } from './geo.ts';
import { itemAt, MavCmd, MavFrame, type MissionItemInt, MissionType } from './items.ts';
import type { Fence, RallyPoint } from './route.ts';

/**
 * - `nofly`: must not be entered (error).
 * - `controlled`: controlled airspace, needs an authorisation to enter (warning unless authorised).
 * - `inclusion`: an operating area the route must stay inside (error when left).
 */
export type ZoneKind = 'nofly' | 'controlled' | 'inclusion';

export type ZoneGeometry =
  | { type: 'polygon'; points: LatLon[] }
  | { type: 'circle'; center: LatLon; radiusM: number };

export interface Zone {
  id?: string;
  name?: string;
  kind: ZoneKind;
  geometry: ZoneGeometry;
  /** Lowest height above home the zone applies at, metres (default 0). */
  floorM?: number;
  /** Highest height above home the zone applies at, metres (default unlimited). */
  ceilingM?: number;
}

/** A zone's display name for messages. */
export function zoneLabel(z: Zone, index: number): string {
  const n = z.name ?? z.id;
  return n ? `"${n}"` : `zones[${index}]`;
}

/** A zone projected on a local plane for repeated tests. */
export interface PlanarZone {
  zone: Zone;
  ring?: XY[];
  center?: XY;
  radiusM?: number;
}

export function projectZone(zone: Zone, plane: LocalPlane): PlanarZone {
  if (zone.geometry.type === 'polygon') return { zone, ring: zone.geometry.points.map(plane.toXY) };
  return { zone, center: plane.toXY(zone.geometry.center), radiusM: zone.geometry.radiusM };
}

/** Whether the band of heights [lo, hi] overlaps the zone's altitude band. */
export function bandOverlaps(zone: Zone, lo: number, hi: number): boolean {
  return hi >= (zone.floorM ?? 0) && lo <= (zone.ceilingM ?? Number.POSITIVE_INFINITY);
}

/** Whether the horizontal segment a-b touches the zone's footprint. */
export function segmentTouchesZone(pz: PlanarZone, a: XY, b: XY): boolean {
  if (pz.ring) return segmentTouchesRing(a, b, pz.ring);
  return pointSegmentDistance(pz.center!, a, b) <= pz.radiusM!;
}

/**
 * The heights at which a straight leg from `a` (height `altA`) to `b` (height `altB`) is over
 * the zone's footprint, or null when it never is. Height changes linearly along the leg, so a
 * climb that is still low where it crosses a zone with a floor is told apart from one that
 * is already above it.
 */
export function legHeightsOverZone(
  pz: PlanarZone,
  a: XY,
  b: XY,
  altA: number,
  altB: number,
): { lo: number; hi: number } | null {
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  const take = (t: number): void => {
    t0 = Math.min(t0, t);
    t1 = Math.max(t1, t);
  };
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (pz.ring) {
    if (pointInRing(a, pz.ring)) take(0);
    if (pointInRing(b, pz.ring)) take(1);
    const ring = pz.ring;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const p = ring[j]!;
      const q = ring[i]!;
      const ex = q.x - p.x;
      const ey = q.y - p.y;
      const den = dx * ey - dy * ex;
      if (Math.abs(den) < 1e-12) {
        if (segmentTouchesRing(a, b, [p, q, p]) && pointSegmentDistance(a, p, q) < 1e-6) take(0);
        continue;
      }
      const t = ((p.x - a.x) * ey - (p.y - a.y) * ex) / den;
      const u = ((p.x - a.x) * dy - (p.y - a.y) * dx) / den;
      if (t >= 0 && t <= 1 && u >= 0 && u <= 1) take(t);
    }
  } else {
    const c = pz.center!;
    const r = pz.radiusM!;
    const fx = a.x - c.x;
    const fy = a.y - c.y;
    const A = dx * dx + dy * dy;
    const B = 2 * (fx * dx + fy * dy);
    const C = fx * fx + fy * fy - r * r;
    if (A < 1e-12) {
      if (C <= 0) {
        take(0);
        take(1);
      }
    } else {
      const disc = B * B - 4 * A * C;
      if (disc >= 0) {
        const s = Math.sqrt(disc);
        const lo = Math.max(0, (-B - s) / (2 * A));
        const hi = Math.min(1, (-B + s) / (2 * A));
        if (lo <= hi) {
          take(lo);
          take(hi);
        }
      }
    }
  }
  if (t0 > t1) return null;
  const h0 = altA + (altB - altA) * t0;
  const h1 = altA + (altB - altA) * t1;
  return { lo: Math.min(h0, h1), hi: Math.max(h0, h1) };
}

/** Whether a point lies inside the zone's footprint. */
export function pointInZone(pz: PlanarZone, p: XY): boolean {
  if (pz.ring) return pointInRing(p, pz.ring);
  return Math.hypot(p.x - pz.center!.x, p.y - pz.center!.y) <= pz.radiusM!;
}

/** Horizontal distance from a point to the zone's edge (0 inside), metres. */
export function distanceToZone(pz: PlanarZone, p: XY): number {
  if (pointInZone(pz, p)) return 0;
  if (pz.center) return Math.hypot(p.x - pz.center.x, p.y - pz.center.y) - pz.radiusM!;
  const ring = pz.ring!;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    best = Math.min(best, pointSegmentDistance(p, ring[j]!, ring[i]!));
  return best;
}

/** A local plane centred on the given points (and zones), for zone tests. */
export function planeFor(points: readonly LatLon[]): LocalPlane {
  const first = points[0] ?? { lat: 0, lon: 0 };
  return localPlane(first);
}

/** Converts no-fly and operating-area zones to a geofence: operating areas include, no-fly zones exclude. */
export function zonesToFence(zones: readonly Zone[]): Fence {
  const fence: Fence = { polygons: [], circles: [] };
  for (const z of zones) {
    if (z.kind === 'controlled') continue;
    const inclusion = z.kind === 'inclusion';
    if (z.geometry.type === 'polygon') fence.polygons.push({ inclusion, points: z.geometry.points });
    else fence.circles.push({ inclusion, center: z.geometry.center, radiusM: z.geometry.radiusM });
  }
  return fence;
}

/**
 * Geofence mission items (mission_type 1): every polygon vertex is one item whose param1 is
 * the polygon's vertex count (5001 inclusion / 5002 exclusion); circles are one item with the
 * radius in param1 (5003 / 5004). Positions in MAV_FRAME_GLOBAL_INT; the fence has no heights.
 */
export function fenceToItems(fence: Fence): MissionItemInt[] {
  const items: MissionItemInt[] = [];
  const push = (command: number, param1: number, p: LatLon): void => {
    items.push({
      seq: items.length,
      ...itemAt(MavFrame.GlobalInt, command, p, 0, { param1 }),
      missionType: MissionType.Fence,
    });
  };
  for (const poly of fence.polygons) {
    let pts = poly.points;
    const first = pts[0];
    const last = pts[pts.length - 1];
    // A closed ring repeats its first vertex; the fence protocol wants each vertex once.
    if (first && last && pts.length > 3 && first.lat === last.lat && first.lon === last.lon)
      pts = pts.slice(0, -1);
    const cmd = poly.inclusion
      ? MavCmd.NavFencePolygonVertexInclusion
      : MavCmd.NavFencePolygonVertexExclusion;
    for (const p of pts) push(cmd, pts.length, p);
  }
  for (const c of fence.circles) {
    push(c.inclusion ? MavCmd.NavFenceCircleInclusion : MavCmd.NavFenceCircleExclusion, c.radiusM, c.center);
  }
  return items;
}

/** Reads fence items (as downloaded) back into a Fence. Unknown commands are skipped. */
export function itemsToFence(items: readonly MissionItemInt[]): Fence {
  const fence: Fence = { polygons: [], circles: [] };
  const sorted = [...items].sort((a, b) => a.seq - b.seq);
  for (let i = 0; i < sorted.length; ) {
    const it = sorted[i]!;
    const p = { lat: it.x / 1e7, lon: it.y / 1e7 };
    if (it.command === MavCmd.NavFenceCircleInclusion || it.command === MavCmd.NavFenceCircleExclusion) {
      fence.circles.push({
        inclusion: it.command === MavCmd.NavFenceCircleInclusion,
        center: p,
        radiusM: it.param1,
      });
      i++;
    } else if (
      it.command === MavCmd.NavFencePolygonVertexInclusion ||
      it.command === MavCmd.NavFencePolygonVertexExclusion
    ) {
      const n = Math.max(1, Math.round(it.param1));
      const points = sorted.slice(i, i + n).map((v) => ({ lat: v.x / 1e7, lon: v.y / 1e7 }));
      fence.polygons.push({ inclusion: it.command === MavCmd.NavFencePolygonVertexInclusion, points });
      i += n;
    } else i++;
  }
  return fence;
}

/** Straight-line distance from a point to a circle zone's centre, for messages. */
export function distanceToCircleCenter(zone: Zone, p: LatLon): number | null {
  return zone.geometry.type === 'circle' ? distanceM(zone.geometry.center, p) : null;
}

/**
 * A plan's own geofence as zones, so a route can be checked against the fence it will fly
 * with: inclusion shapes become operating areas, exclusion shapes no-fly zones.
 */
export function fenceToZones(fence: Fence): Zone[] {
  const polygons = fence.polygons.map(
    (p, i): Zone => ({
      name: `geofence ${p.inclusion ? 'inclusion' : 'exclusion'} polygon ${i}`,
      kind: p.inclusion ? 'inclusion' : 'nofly',
      geometry: { type: 'polygon', points: p.points },
    }),
  );
  const circles = fence.circles.map(
    (c, i): Zone => ({
      name: `geofence ${c.inclusion ? 'inclusion' : 'exclusion'} circle ${i}`,
      kind: c.inclusion ? 'inclusion' : 'nofly',
      geometry: { type: 'circle', center: c.center, radiusM: c.radiusM },
    }),
  );
  return [...polygons, ...circles];
}

/** Rally points as mission items (mission_type 2): NAV_RALLY_POINT, heights above home. */
export function rallyToItems(points: readonly RallyPoint[]): MissionItemInt[] {
  return points.map((p, seq) => ({
    seq,
    ...itemAt(MavFrame.GlobalRelativeAltInt, MavCmd.NavRallyPoint, p, p.altM),
    missionType: MissionType.Rally,
  }));
}
