/**
 * Route figures a dispatcher reads before launch: how far, how long, how high.
 */
import type { Flavour } from './convert.ts';
import { routeToSteps } from './convert.ts';
import { flightPath, heightAboveHome, stepPosition } from './flight-path.ts';
import { distanceM } from './geo.ts';
import { MavCmd } from './items.ts';
import type { Home, Route } from './route.ts';

export interface SummaryOptions {
  flavour?: Flavour;
  /** Dock or home; overrides `route.home`. */
  home?: Home;
  /** Cruise speed, m/s; default `route.defaults.speedMps`. DO_CHANGE_SPEED items change it en route. */
  cruiseSpeedMps?: number;
  climbRateMps?: number;
  descentRateMps?: number;
}

export interface RouteSummary {
  /** Route items. */
  itemCount: number;
  /** Mission items uploaded (ArduPilot adds its home item). */
  missionItemCount: number;
  /** Horizontal distance flown, metres, including the way home after RTL (needs a home). */
  distanceM: number;
  /** Estimated flight time, seconds: legs at cruise speed, climbs and descents at their rates, holds. */
  durationS: number;
  /** Seconds of holds and timed loiters included in `durationS`. */
  holdS: number;
  /** Highest planned height above home, metres. */
  maxAltM: number;
  /** Furthest planned point from home, metres (null when no home is known). */
  maxDistanceFromHomeM: number | null;
  /** The route ends in an unlimited loiter, so `durationS` only counts up to it. */
  endsInUnlimitedLoiter: boolean;
  /** The route ends with RTL or a landing. */
  endsOnGround: boolean;
}

/** Distance, duration and height figures for a route. */
export function summarizeRoute(route: Route, options: SummaryOptions = {}): RouteSummary {
  const flavour = options.flavour ?? 'px4';
  const home = options.home ?? route.home;
  const steps = routeToSteps(route, { flavour, ...(home ? { home } : {}) });
  const path = flightPath(steps, {
    ...(home ? { home } : {}),
    cruiseSpeedMps: options.cruiseSpeedMps ?? route.defaults.speedMps,
    ...(options.climbRateMps ? { climbRateMps: options.climbRateMps } : {}),
    ...(options.descentRateMps ? { descentRateMps: options.descentRateMps } : {}),
  });
  let maxAltM = 0;
  let maxDist: number | null = home ? 0 : null;
  for (const s of steps) {
    if (s.routeIndex === null) continue;
    const p = stepPosition(s);
    const h = p || s.command === MavCmd.NavTakeoff ? heightAboveHome(s, home) : null;
    if (h !== null && h > maxAltM) maxAltM = h;
    if (p && home && maxDist !== null) maxDist = Math.max(maxDist, distanceM(home, p));
  }
  const legsS = path.legs.reduce((a, l) => a + l.durationS, 0);
  return {
    itemCount: route.items.length,
    missionItemCount: steps.length,
    distanceM: path.legs.reduce((a, l) => a + l.horizontalM, 0),
    durationS: legsS + path.holdS,
    holdS: path.holdS,
    maxAltM,
    maxDistanceFromHomeM: maxDist,
    endsInUnlimitedLoiter: path.unlimitedLoiter,
    endsOnGround: path.endsOnGround,
  };
}
