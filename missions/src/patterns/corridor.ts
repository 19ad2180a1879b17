/**
 * Corridor: fly along a polyline (a river, a road, a power line) on its centre line or at a
 * sideways offset on one or both sides. Offsets are mitred at the corners, so every leg of an
 * offset path stays exactly `offsetM` from its centre-line leg; both sides fly out on the
 * left and back on the right, ending near where they started.
 */
import type { LatLon, XY } from '../geo.ts';
import { centroidOf, localPlane } from '../geo.ts';
import type { Home, Route, RouteItem } from '../route.ts';

export type CorridorSide = 'center' | 'left' | 'right' | 'both';

export interface CorridorOptions {
  line: readonly LatLon[];
  altM: number;
  /** Sideways distance from the centre line, metres (ignored for `center`). */
  offsetM?: number;
  /** Default `center` when no offset is given, else `both`. */
  side?: CorridorSide;
  /** Distance-triggered photos along the corridor, metres between photos. */
  photoDistanceM?: number;
  speedMps?: number;
  gimbalPitchDeg?: number;
  home?: Home;
  name?: string;
  takeoffAndReturn?: boolean;
}

export interface CorridorPlan {
  route: Route;
  /** The paths flown, one per side. */
  paths: LatLon[][];
}

export type CorridorResult =
  | { ok: true; plan: CorridorPlan }
  | { ok: false; error: { code: 'InvalidCorridor'; message: string } };

/** Miter limit: at very sharp corners the offset point would run far away; cap it. */
const MAX_MITER = 4;

/** The polyline offset sideways by `d` metres (positive: to the left of the direction of travel). */
export function offsetPolyline(pts: readonly XY[], d: number): XY[] {
  const normals: XY[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    normals.push({ x: -(b.y - a.y) / len, y: (b.x - a.x) / len });
  }
  return pts.map((p, i) => {
    const n1 = normals[Math.max(0, i - 1)]!;
    const n2 = normals[Math.min(normals.length - 1, i)]!;
    const mx = n1.x + n2.x;
    const my = n1.y + n2.y;
    const ml = Math.hypot(mx, my);
    if (ml < 1e-9) return { x: p.x + n1.x * d, y: p.y + n1.y * d };
    const m = { x: mx / ml, y: my / ml };
    const scale = Math.min(MAX_MITER, 1 / Math.max(1e-9, m.x * n2.x + m.y * n2.y));
    return { x: p.x + m.x * d * scale, y: p.y + m.y * d * scale };
  });
}

export function planCorridor(options: CorridorOptions): CorridorResult {
  const fail = (message: string): CorridorResult => ({
    ok: false,
    error: { code: 'InvalidCorridor', message },
  });
  const line = options.line.filter(
    (p, i, a) => i === 0 || p.lat !== a[i - 1]!.lat || p.lon !== a[i - 1]!.lon,
  );
  if (line.length < 2) return fail(`line: needs 2 or more distinct positions, got ${line.length}`);
  if (!(options.altM > 0)) return fail(`altM: must be more than 0, got ${options.altM}`);
  const offset = options.offsetM ?? 0;
  if (offset < 0) return fail(`offsetM: must be 0 or more, got ${offset}`);
  const side = options.side ?? (offset > 0 ? 'both' : 'center');
  const plane = localPlane(centroidOf(line));
  const xy = line.map(plane.toXY);
  const toLL = (pts: XY[]): LatLon[] => pts.map(plane.toLatLon);
  const paths: LatLon[][] = [];
  if (side === 'center') paths.push([...line]);
  if (side === 'left' || side === 'both') paths.push(toLL(offsetPolyline(xy, offset)));
  if (side === 'right') paths.push(toLL(offsetPolyline(xy, -offset)));
  if (side === 'both') paths.push(toLL(offsetPolyline([...xy].reverse(), offset)));

  const items: RouteItem[] = [];
  const wrap = options.takeoffAndReturn ?? true;
  if (wrap) items.push({ type: 'takeoff', altM: options.altM });
  if (options.speedMps) items.push({ type: 'speed', mps: options.speedMps });
  if (options.gimbalPitchDeg !== undefined) items.push({ type: 'gimbal', pitchDeg: options.gimbalPitchDeg });
  for (const path of paths) {
    path.forEach((p, i) => {
      items.push({ type: 'waypoint', ...p, altM: options.altM });
      if (i === 0 && options.photoDistanceM) items.push({ type: 'photo', distanceM: options.photoDistanceM });
    });
    if (options.photoDistanceM) items.push({ type: 'photo', distanceM: 0 });
  }
  if (wrap) items.push({ type: 'rtl' });
  const route: Route = {
    name: options.name ?? 'corridor',
    defaults: { altM: options.altM, speedMps: options.speedMps ?? 8 },
    items,
  };
  if (options.home) route.home = options.home;
  return { ok: true, plan: { route, paths } };
}
