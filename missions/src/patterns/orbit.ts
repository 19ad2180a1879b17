/**
 * Orbit: a circle of waypoints around a point of interest (a fire, a building under
 * inspection), with the camera turned to the centre and pitched down at it.
 *
 * The nose is left to the autopilot: with their default settings PX4 (MIS_YAWMODE 1, heading
 * towards the waypoint) and ArduPilot (WP_YAW_BEHAVIOR 2, face the next waypoint) fly a
 * mission nose along the track and ignore a waypoint's yaw, so a yaw on the waypoints would
 * not turn the camera to the centre. The gimbal item turns it instead, 90 degrees to the inside
 * of the circle relative to the heading (yaw not locked: it turns with the aircraft), which
 * holds on both autopilots' defaults. (Between waypoints the nose points along the chord to the
 * next one, a few degrees inside the tangent; the camera's field of view absorbs it.)
 */
import type { LatLon } from '../geo.ts';
import { destination } from '../geo.ts';
import type { Home, Route, RouteItem } from '../route.ts';

export interface OrbitOptions {
  center: LatLon;
  radiusM: number;
  altM: number;
  /** Full circles flown (default 1). */
  turns?: number;
  /** Waypoints per circle; default one every ~30 m of arc, at least 8. */
  pointsPerTurn?: number;
  /** Clockwise seen from above (default true). */
  clockwise?: boolean;
  /** Bearing from the centre of the first point, degrees (default 0, north). */
  startBearingDeg?: number;
  /** Height of the point of interest above home, metres (default 0): sets the camera pitch. */
  targetAltM?: number;
  speedMps?: number;
  home?: Home;
  name?: string;
  takeoffAndReturn?: boolean;
}

export interface OrbitPlan {
  route: Route;
  points: LatLon[];
  gimbalPitchDeg: number;
}

export type OrbitResult =
  | { ok: true; plan: OrbitPlan }
  | { ok: false; error: { code: 'InvalidOrbit'; message: string } };

export function planOrbit(options: OrbitOptions): OrbitResult {
  const fail = (message: string): OrbitResult => ({ ok: false, error: { code: 'InvalidOrbit', message } });
  if (!(options.radiusM > 0)) return fail(`radiusM: must be more than 0, got ${options.radiusM}`);
  if (!(options.altM > 0)) return fail(`altM: must be more than 0, got ${options.altM}`);
  const turns = options.turns ?? 1;
  if (!(turns > 0)) return fail(`turns: must be more than 0, got ${turns}`);
  const perTurn = options.pointsPerTurn ?? Math.max(8, Math.ceil((2 * Math.PI * options.radiusM) / 30));
  if (!Number.isInteger(perTurn) || perTurn < 3)
    return fail(`pointsPerTurn: must be a whole number of 3 or more, got ${perTurn}`);
  const dir = (options.clockwise ?? true) ? 1 : -1;
  const start = options.startBearingDeg ?? 0;
  const total = Math.round(turns * perTurn);
  const points: LatLon[] = [];
  for (let k = 0; k <= total; k++)
    points.push(destination(options.center, start + (dir * 360 * k) / perTurn, options.radiusM));
  const pitch = -(Math.atan2(options.altM - (options.targetAltM ?? 0), options.radiusM) * 180) / Math.PI;
  const items: RouteItem[] = [];
  const wrap = options.takeoffAndReturn ?? true;
  if (wrap) items.push({ type: 'takeoff', altM: options.altM });
  if (options.speedMps) items.push({ type: 'speed', mps: options.speedMps });
  // Clockwise seen from above: the centre is on the right of the track.
  items.push({ type: 'gimbal', pitchDeg: Math.round(pitch * 10) / 10, yawDeg: dir * 90 });
  for (const p of points) items.push({ type: 'waypoint', ...p, altM: options.altM });
  if (wrap) items.push({ type: 'rtl' });
  const route: Route = {
    name: options.name ?? 'orbit',
    defaults: { altM: options.altM, speedMps: options.speedMps ?? 8 },
    items,
  };
  if (options.home) route.home = options.home;
  return { ok: true, plan: { route, points, gimbalPitchDeg: pitch } };
}
