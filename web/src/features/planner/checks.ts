/**
 * The inline check run on every edit: the missions library's validation and summary for the
 * route a draft builds, plus the battery share the flight uses. Pure, so it runs in the
 * browser on each drag and in unit tests alike. A capture setting is checked as the camera items
 * it becomes (`withCaptureItems`), so item numbers and counts are those of the mission flown.
 */
import {
  type Home,
  type Issue,
  isFlyable,
  type LatLon,
  type Route,
  type RouteSummary,
  summarizeRoute,
  VALIDATION_DEFAULTS,
  validateRoute,
  withCaptureItems,
  type Zone,
} from '@aerie/missions';
import { itemAnchor } from './draft.ts';

/** Flight time of a full battery at cruise in still air, when the dock's aircraft does not say (s). */
export const DEFAULT_ENDURANCE_S = 30 * 60;

export interface CheckOptions {
  home?: Home;
  zones: readonly Zone[];
  enduranceS?: number;
  /** Charge of the aircraft at launch, percent. */
  chargePct?: number;
  windMps?: number;
  ceilingM?: number;
}

export interface PlacedIssue extends Issue {
  /** Where the map marks it (null for issues about the whole route with no position). */
  at: LatLon | null;
}

export interface RouteCheck {
  issues: PlacedIssue[];
  summary: RouteSummary;
  /** Share of a full battery the flight uses, percent (wind and hold included). */
  batteryUsePct: number;
  /** Share left on landing, percent of a full battery. */
  batteryLeftPct: number;
  flyable: boolean;
}

/** Validates a route against the zones and the dock and sums it up. */
export function checkRoute(planned: Route, opts: CheckOptions): RouteCheck {
  const route = withCaptureItems(planned);
  const enduranceS = opts.enduranceS ?? DEFAULT_ENDURANCE_S;
  const chargePct = opts.chargePct ?? 100;
  const issues = validateRoute(route, {
    zones: opts.zones,
    ...(opts.home ? { home: opts.home } : {}),
    ceilingM: opts.ceilingM ?? VALIDATION_DEFAULTS.ceilingM,
    battery: { enduranceS, chargePct, windMps: opts.windMps ?? 0 },
  });
  const summary = summarizeRoute(route, opts.home ? { home: opts.home } : {});
  // Flying into the wind on every leg is what validateRoute plans against too.
  const speed = route.defaults.speedMps;
  const wind = Math.min(opts.windMps ?? 0, speed * 0.9);
  const windFactor = speed > 0 ? speed / (speed - wind) : 1;
  const batteryUsePct = ((summary.durationS * windFactor) / enduranceS) * 100;
  return {
    issues: issues.map((i) => ({ ...i, at: i.item === null ? null : itemAnchor(route, i.item, opts.home) })),
    summary,
    batteryUsePct,
    batteryLeftPct: chargePct - batteryUsePct,
    flyable: isFlyable(issues),
  };
}
