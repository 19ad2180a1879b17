/**
 * Dock assignment: the nearest ready dock whose parked aircraft has the charge and the range
 * for the route. Every dock turned down gets a coded reason, so a dispatcher can see why the
 * nearest dock did not fly.
 *
 * Range and charge use the planning library's own estimate (`validateRoute` with the dock as
 * home and the parked aircraft's battery), so assignment and pre-flight checks never disagree.
 */
import type { Flavour } from '../convert.ts';
import { distanceM, type LatLon } from '../geo.ts';
import type { Route } from '../route.ts';
import { itemPosition } from '../route.ts';
import { summarizeRoute } from '../summary.ts';
import { type Issue, validateRoute } from '../validate.ts';
import type { Zone } from '../zones.ts';
import { type WeatherLimits, type WeatherReading, weatherGate } from './weather.ts';

/** Dock cycle states in which a dock can start a sortie (the bridge's dock state machine). */
export const DOCK_STATES_READY_FOR_SORTIE: ReadonlySet<string> = new Set(['idle', 'charging', 'ready']);

/** A dock as the assigner sees it. */
export interface DockCandidate {
  dockId: string;
  name?: string;
  lat: number;
  lon: number;
  altAmslM?: number;
  /** The dock is heard now. */
  online: boolean;
  /** Dock cycle state ('idle', 'charging', 'ready', 'fault', ...). */
  state: string;
  faults: readonly string[];
  aircraftParked: boolean;
  /** Parked aircraft's battery, percent (null: unknown). */
  aircraftBatteryPct: number | null;
  /** A sortie is already using this dock. */
  busy: boolean;
  weather: WeatherReading | null;
  /** The aircraft based at this dock, null when none is. */
  aircraft: {
    vehicleId: string;
    online: boolean;
    /** Flight time on a full battery in still air at cruise, seconds. */
    enduranceS: number;
    flavour?: Flavour;
  } | null;
}

/** Every reason dock assignment turns a dock down for. */
export const DOCK_REJECTION_CODES = [
  'DockOffline',
  'DockFault',
  'DockBusy',
  'DockNotReady',
  'NoAircraft',
  'AircraftOffline',
  'LowCharge',
  'InsufficientEndurance',
  'OutOfRange',
  'RouteInvalidFromDock',
  'Grounded',
  'NotPreferred',
] as const;
export type DockRejectionCode = (typeof DOCK_REJECTION_CODES)[number];

export interface DockRejection {
  dockId: string;
  code: DockRejectionCode;
  message: string;
  /** Distance from the dock to the route's first point, metres. */
  distanceM: number;
}

export interface AssignOptions {
  zones?: readonly Zone[];
  /** Lowest charge to take off with, percent (default 30). */
  minChargePct?: number;
  /** Reserve left on landing, percent of a full battery (default 25). */
  reservePct?: number;
  /** Wind to plan against when a dock reports none, m/s (the dock's own reading is used when present). */
  windMps?: number;
  /** Furthest the route may go from the dock, metres (default 5000). */
  maxDistanceFromDockM?: number;
  /** Only these docks, in this order of preference when equally near; others are 'NotPreferred'. */
  onlyDockIds?: readonly string[];
  /** Check the weather gate too (default true). */
  weather?: boolean;
  weatherLimits?: Partial<WeatherLimits>;
  /** Highest height above the dock (default 120). */
  ceilingM?: number;
}

export interface Assignment {
  dockId: string;
  vehicleId: string;
  distanceM: number;
  /** The route's estimate from this dock. */
  durationS: number;
  routeDistanceM: number;
  /** Warnings of the route from this dock (errors would have rejected it). */
  warnings: Issue[];
}

export type AssignResult =
  | { ok: true; value: Assignment; rejected: DockRejection[] }
  | { ok: false; rejected: DockRejection[]; message: string };

/** Where a route starts: its first item with a position, or its home. */
export function routeStart(route: Route): LatLon | null {
  for (const it of route.items) {
    const p = itemPosition(it);
    if (p) return p;
  }
  return route.home ? { lat: route.home.lat, lon: route.home.lon } : null;
}

const ENDURANCE_CODES = new Set(['InsufficientEndurance', 'EnduranceUnknown']);
const RANGE_CODES = new Set(['TooFarFromHome', 'FirstWaypointTooFar']);

/** Picks the dock for a route; see the file comment. */
export function assignDock(
  route: Route,
  docks: readonly DockCandidate[],
  options: AssignOptions = {},
): AssignResult {
  const start = routeStart(route);
  const minCharge = options.minChargePct ?? 30;
  const rejected: DockRejection[] = [];
  const candidates = docks
    .map((d) => ({ d, dist: start ? distanceM(start, d) : 0 }))
    .sort((a, b) => {
      const pa = options.onlyDockIds?.indexOf(a.d.dockId) ?? -1;
      const pb = options.onlyDockIds?.indexOf(b.d.dockId) ?? -1;
      return a.dist - b.dist || pa - pb;
    });
  for (const { d, dist } of candidates) {
    const reject = (code: DockRejectionCode, message: string): void => {
      rejected.push({
        dockId: d.dockId,
        code,
        message: `${d.name ?? d.dockId}: ${message}`,
        distanceM: dist,
      });
    };
    if (options.onlyDockIds && !options.onlyDockIds.includes(d.dockId)) {
      reject('NotPreferred', 'not among the docks this sortie may use');
      continue;
    }
    if (!d.online) {
      reject('DockOffline', 'the dock is not reporting');
      continue;
    }
    if (d.faults.length > 0 || d.state === 'fault') {
      reject('DockFault', `the dock reports a fault (${d.faults.join(', ') || d.state})`);
      continue;
    }
    if (d.busy) {
      reject('DockBusy', 'the dock is flying another sortie');
      continue;
    }
    if (!DOCK_STATES_READY_FOR_SORTIE.has(d.state)) {
      reject('DockNotReady', `the dock is ${d.state.replace(/_/g, ' ')}`);
      continue;
    }
    if (!d.aircraft) {
      reject('NoAircraft', 'no aircraft is based at this dock');
      continue;
    }
    if (!d.aircraftParked) {
      reject('NoAircraft', 'the aircraft is not parked in the dock');
      continue;
    }
    if (!d.aircraft.online) {
      reject('AircraftOffline', 'the parked aircraft is not reporting');
      continue;
    }
    const charge = d.aircraftBatteryPct;
    if (charge === null || charge < minCharge) {
      reject(
        'LowCharge',
        charge === null
          ? 'the aircraft battery level is unknown'
          : `battery ${Math.round(charge)}% is below the ${minCharge}% needed to take off`,
      );
      continue;
    }
    if (options.weather !== false) {
      const gate = weatherGate(d.weather, options.weatherLimits);
      if (!gate.ok) {
        reject('Grounded', gate.reasons.map((r) => r.message).join('; '));
        continue;
      }
    }
    const home = { lat: d.lat, lon: d.lon, ...(d.altAmslM !== undefined ? { altAmslM: d.altAmslM } : {}) };
    const issues = validateRoute(route, {
      home,
      flavour: d.aircraft.flavour ?? 'px4',
      ...(options.zones ? { zones: options.zones } : {}),
      ...(options.ceilingM !== undefined ? { ceilingM: options.ceilingM } : {}),
      maxDistanceFromHomeM: options.maxDistanceFromDockM ?? 5000,
      battery: {
        enduranceS: d.aircraft.enduranceS,
        chargePct: charge,
        ...(options.reservePct !== undefined ? { reservePct: options.reservePct } : {}),
        windMps: d.weather?.windSpeedMps ?? options.windMps ?? 0,
      },
    });
    const errors = issues.filter((i) => i.severity === 'error');
    const endurance = errors.find((i) => ENDURANCE_CODES.has(i.code));
    const range = errors.find((i) => RANGE_CODES.has(i.code));
    if (range) {
      reject('OutOfRange', range.message);
      continue;
    }
    if (endurance) {
      reject('InsufficientEndurance', endurance.message);
      continue;
    }
    if (errors.length > 0) {
      reject('RouteInvalidFromDock', errors.map((e) => `${e.code}: ${e.message}`).join('; '));
      continue;
    }
    const summary = summarizeRoute(route, { home, flavour: d.aircraft.flavour ?? 'px4' });
    return {
      ok: true,
      value: {
        dockId: d.dockId,
        vehicleId: d.aircraft.vehicleId,
        distanceM: dist,
        durationS: summary.durationS,
        routeDistanceM: summary.distanceM,
        warnings: issues.filter((i) => i.severity === 'warning'),
      },
      rejected,
    };
  }
  const message =
    docks.length === 0
      ? 'no docks to choose from'
      : `no dock can fly this route: ${rejected.map((r) => r.message).join('; ')}`;
  return { ok: false, rejected, message };
}
