/**
 * Deconfliction of planned sorties: two flights whose paths come within a horizontal
 * separation while both are in the air and within a vertical separation of each other are in
 * conflict. The later flight gives way, in this order of preference:
 *   1. altitude: its whole route is raised (or lowered) by whole steps of the vertical
 *      separation, if the ceiling (and the lowest cruise height) allow;
 *   2. time: its start moves to just after the other flight ends, if that is still inside its
 *      window;
 *   3. wait: it does not start now; the caller asks again later.
 * Each answer says what was decided and why, for the dispatcher.
 *
 * Times come from the planning library's own flight path estimate (legs at cruise speed,
 * climbs and descents at their rates), so the windows are estimates: keep the separations
 * generous.
 */
import { routeToSteps } from '../convert.ts';
import { flightPath } from '../flight-path.ts';
import { type LatLon, localPlane, pointSegmentDistance, segmentsIntersect, type XY } from '../geo.ts';
import { MavFrame } from '../items.ts';
import type { Home, Route, RouteItem } from '../route.ts';

/** A flight planned or in the air. */
export interface PlannedFlight {
  sortieId: string;
  route: Route;
  /** The dock it flies from. */
  home: Home;
  /** Take-off time (epoch ms); for a flight in the air, when it took off. */
  startMs: number;
  /** Latest start its window allows (null: no limit). Only read for the flight being placed. */
  latestStartMs?: number | null;
}

export interface DeconflictOptions {
  /** Closest two flights may come horizontally, metres (default 50). */
  separationM?: number;
  /** Closest they may come vertically when horizontally close, metres (default 20). */
  verticalSeparationM?: number;
  /** Highest height above home, metres (default 120). */
  ceilingM?: number;
  /** Lowest height a route may be lowered to, metres (default 30). */
  minCruiseAltM?: number;
  /** Gap kept after the other flight ends when moving in time, ms (default 60 s). */
  timeBufferMs?: number;
}

export interface Conflict {
  withSortieId: string;
  /** Where and when the two come closest. */
  atMs: number;
  at: LatLon;
  horizontalM: number;
  verticalM: number;
}

export type DeconflictDecision =
  | { decision: 'clear'; reason: string }
  | { decision: 'altitude'; offsetM: number; route: Route; conflicts: Conflict[]; reason: string }
  | { decision: 'delay'; startMs: number; conflicts: Conflict[]; reason: string }
  | { decision: 'wait'; conflicts: Conflict[]; reason: string };

interface TimedLeg {
  a: XY;
  b: XY;
  altA: number;
  altB: number;
  t0: number;
  t1: number;
}

interface TimedPath {
  legs: TimedLeg[];
  endMs: number;
  maxAltM: number;
  minCruiseAltM: number;
}

function timedPath(f: PlannedFlight, startMs: number, plane: ReturnType<typeof localPlane>): TimedPath {
  const steps = routeToSteps(f.route, { flavour: 'px4', home: f.home });
  const path = flightPath(steps, { home: f.home, cruiseSpeedMps: f.route.defaults.speedMps });
  const legs: TimedLeg[] = [];
  let t = startMs;
  let maxAltM = 0;
  let minCruise = Number.POSITIVE_INFINITY;
  for (const leg of path.legs) {
    const t1 = t + leg.durationS * 1000;
    legs.push({
      a: plane.toXY(leg.from),
      b: plane.toXY(leg.to),
      altA: leg.from.altM,
      altB: leg.to.altM,
      t0: t,
      t1,
    });
    maxAltM = Math.max(maxAltM, leg.from.altM, leg.to.altM);
    if (leg.kind === 'cruise') minCruise = Math.min(minCruise, leg.from.altM, leg.to.altM);
    t = t1;
  }
  return {
    legs,
    endMs: t + path.holdS * 1000,
    maxAltM,
    minCruiseAltM: Number.isFinite(minCruise) ? minCruise : maxAltM,
  };
}

function segmentDistance(a1: XY, a2: XY, b1: XY, b2: XY): number {
  if (segmentsIntersect(a1, a2, b1, b2)) return 0;
  return Math.min(
    pointSegmentDistance(a1, b1, b2),
    pointSegmentDistance(a2, b1, b2),
    pointSegmentDistance(b1, a1, a2),
    pointSegmentDistance(b2, a1, a2),
  );
}

function conflictsBetween(
  p: TimedPath,
  q: TimedPath,
  otherId: string,
  sep: number,
  vsep: number,
  plane: ReturnType<typeof localPlane>,
): Conflict | null {
  let worst: Conflict | null = null;
  for (const l of p.legs) {
    for (const m of q.legs) {
      if (l.t1 < m.t0 || m.t1 < l.t0) continue;
      const h = segmentDistance(l.a, l.b, m.a, m.b);
      if (h >= sep) continue;
      const loL = Math.min(l.altA, l.altB);
      const hiL = Math.max(l.altA, l.altB);
      const loM = Math.min(m.altA, m.altB);
      const hiM = Math.max(m.altA, m.altB);
      const v = Math.max(0, loL - hiM, loM - hiL);
      if (v >= vsep) continue;
      if (!worst || h < worst.horizontalM) {
        const mid = { x: (l.a.x + l.b.x) / 2, y: (l.a.y + l.b.y) / 2 };
        worst = {
          withSortieId: otherId,
          atMs: Math.max(l.t0, m.t0),
          at: plane.toLatLon(mid),
          horizontalM: h,
          verticalM: v,
        };
      }
    }
  }
  return worst;
}

/** The route with every height above home moved by `offsetM` (typed items and relative-frame raw items). */
export function offsetRouteAltitude(route: Route, offsetM: number): Route {
  const move = (it: RouteItem): RouteItem => {
    switch (it.type) {
      case 'takeoff':
      case 'waypoint':
      case 'loiter':
        return { ...it, altM: it.altM + offsetM };
      case 'mavlink':
        if (
          (it.frame === MavFrame.GlobalRelativeAlt || it.frame === MavFrame.GlobalRelativeAltInt) &&
          Number.isFinite(it.params[6])
        ) {
          const params = [...it.params] as typeof it.params;
          params[6] += offsetM;
          return { ...it, params };
        }
        return it;
      default:
        return it;
    }
  };
  return {
    ...route,
    defaults: { ...route.defaults, altM: route.defaults.altM + offsetM },
    items: route.items.map(move),
  };
}

const fmtTime = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/**
 * Places `candidate` among `others` (planned or flying); see the file comment for the order
 * of remedies.
 */
export function deconflict(
  candidate: PlannedFlight,
  others: readonly PlannedFlight[],
  options: DeconflictOptions = {},
): DeconflictDecision {
  const sep = options.separationM ?? 50;
  const vsep = options.verticalSeparationM ?? 20;
  const ceiling = options.ceilingM ?? 120;
  const minCruise = options.minCruiseAltM ?? 30;
  const buffer = options.timeBufferMs ?? 60_000;
  const plane = localPlane(candidate.home);
  const otherPaths = others.map((o) => ({ id: o.sortieId, path: timedPath(o, o.startMs, plane) }));

  const check = (route: Route, startMs: number): Conflict[] => {
    const p = timedPath({ ...candidate, route }, startMs, plane);
    const out: Conflict[] = [];
    for (const o of otherPaths) {
      const c = conflictsBetween(p, o.path, o.id, sep, vsep, plane);
      if (c) out.push(c);
    }
    return out;
  };

  const conflicts = check(candidate.route, candidate.startMs);
  if (conflicts.length === 0)
    return { decision: 'clear', reason: 'no other flight comes within the separation' };
  const names = conflicts
    .map((c) => `sortie ${c.withSortieId} (${Math.round(c.horizontalM)} m apart at ${fmtTime(c.atMs)} UTC)`)
    .join(', ');

  // 1. Altitude: smallest move first, up before down.
  const own = timedPath(candidate, candidate.startMs, plane);
  for (let k = 1; k <= 6; k++) {
    for (const sign of [1, -1]) {
      const offset = sign * k * vsep;
      if (own.maxAltM + offset > ceiling) continue;
      if (own.minCruiseAltM + offset < minCruise) continue;
      const moved = offsetRouteAltitude(candidate.route, offset);
      if (check(moved, candidate.startMs).length === 0) {
        return {
          decision: 'altitude',
          offsetM: offset,
          route: moved,
          conflicts,
          reason: `conflicts with ${names}; flies ${Math.abs(offset)} m ${offset > 0 ? 'higher' : 'lower'} (within the ${ceiling} m ceiling)`,
        };
      }
    }
  }

  // 2. Time: start after one of the others ends.
  const latest = candidate.latestStartMs ?? null;
  const ends = otherPaths
    .map((o) => o.path.endMs + buffer)
    .filter((t) => t > candidate.startMs)
    .sort((a, b) => a - b);
  for (const t of ends) {
    if (latest !== null && t > latest) break;
    if (check(candidate.route, t).length === 0) {
      return {
        decision: 'delay',
        startMs: t,
        conflicts,
        reason: `conflicts with ${names}; no free altitude under the ${ceiling} m ceiling, so it starts at ${fmtTime(t)} UTC, after the other flight`,
      };
    }
  }

  return {
    decision: 'wait',
    conflicts,
    reason: `conflicts with ${names}; no free altitude under the ${ceiling} m ceiling and no start inside its window: it waits`,
  };
}
