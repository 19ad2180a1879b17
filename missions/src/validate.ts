/**
 * Pre-flight checks of a route. The autopilot accepts a mission it cannot fly (PX4 takes a
 * first waypoint 30 km away or a 0,0 position at upload and fails only at arm or mission
 * start, see FIELD-NOTES), so the ground catches these before upload.
 *
 * Every issue has a stable `code`, a severity (an `error` means the route must not fly), the
 * route item index it is about (null for the route as a whole) and a message for people.
 */
import type { Flavour, MissionStep } from './convert.ts';
import { isGlobalFrame, MavCmdExtra, NAV_POSITION_COMMANDS, routeToSteps } from './convert.ts';
import type { FlightPath } from './flight-path.ts';
import { DEFAULT_DESCENT_RATE_MPS, flightPath, heightAboveHome, stepPosition } from './flight-path.ts';
import type { LatLon } from './geo.ts';
import { distanceM, localPlane } from './geo.ts';
import { MavCmd, MavFrame } from './items.ts';
import type { Home, Route, VehicleClass } from './route.ts';
import type { Zone } from './zones.ts';
import {
  bandOverlaps,
  distanceToZone,
  fenceToZones,
  legHeightsOverZone,
  pointInZone,
  projectZone,
  zoneLabel,
} from './zones.ts';

export type IssueCode =
  | 'EmptyMission'
  | 'LatOutOfRange'
  | 'LonOutOfRange'
  | 'ZeroCoordinates'
  | 'MissingCoordinates'
  | 'TakeoffPositionUnset'
  | 'AltitudeAboveCeiling'
  | 'AltitudeBelowHome'
  | 'AltitudeUnknown'
  | 'NoHome'
  | 'TooFarFromHome'
  | 'FirstWaypointTooFar'
  | 'TooManyItems'
  | 'NoTakeoff'
  | 'TakeoffNotFirst'
  | 'NoReturnOrLand'
  | 'UnreachableItems'
  | 'UnsupportedCommand'
  | 'UnsupportedFrame'
  | 'JumpTargetInvalid'
  | 'EntersNoFlyZone'
  | 'EntersControlledAirspace'
  | 'LeavesOperatingArea'
  | 'TakeoffClearance'
  | 'LandingClearance'
  | 'TakeoffTooLow'
  | 'InsufficientEndurance'
  | 'LowEnduranceMargin'
  | 'EnduranceUnknown';

export type Severity = 'error' | 'warning';

export interface Issue {
  code: IssueCode;
  severity: Severity;
  /** Route item index the issue is about, or null for the whole route. */
  item: number | null;
  /** The detail in English, with its figures. */
  message: string;
  /**
   * The figures and names in `message`, so a console can word the detail in its own language:
   * `variant` picks the wording when one code has several (`landing`, `amsl`), and the words
   * `leg` (`item` | `climb` | `return`), `point` (`takeoff` | `landing`), `zoneKind` (`nofly` |
   * `controlled`) and `end` (`rtl` | `land`) are fixed tokens, not English.
   */
  params?: IssueParams;
}

/** Figures of an issue; numbers are rounded as the English message shows them. */
export type IssueParams = Record<string, string | number>;

/** What the vehicle's battery allows. */
export interface BatteryOptions {
  /** Flight time on a full battery in still air at cruise, seconds. */
  enduranceS: number;
  /** Charge at launch, percent (default 100). */
  chargePct?: number;
  /** Share of the full endurance that must be left on landing, percent (default 25). */
  reservePct?: number;
  /** Wind speed to plan against, m/s: every leg is assumed to fly into it (default 0). */
  windMps?: number;
}

export interface ValidateOptions {
  flavour?: Flavour;
  /** Dock or home; overrides `route.home`. */
  home?: Home;
  vehicle?: VehicleClass;
  /** Furthest any item may be from home, metres (default 5000). */
  maxDistanceFromHomeM?: number;
  /** Furthest the first waypoint may be from home or the take-off point, metres (default 900, PX4's MIS_DIST_1WP). */
  maxFirstWaypointDistanceM?: number;
  /** Highest height above home, metres (default 120, the usual regulatory limit). */
  ceilingM?: number;
  /** Most mission items the autopilot stores (default PX4 2000, ArduPilot 700). */
  maxItems?: number;
  /** Airspace to check legs against. */
  zones?: readonly Zone[];
  /** Also check the route against its own geofence (`route.fence`), as the vehicle will (default true). */
  checkFence?: boolean;
  /** Zone ids with a valid authorisation: entering them is allowed. */
  authorisedZoneIds?: readonly string[];
  /** Horizontal clearance of take-off and landing points from no-fly and controlled zones, metres (default 20). */
  clearanceM?: number;
  /** Lowest take-off height that clears rooftops and trees around a dock, metres (default 10). */
  minTakeoffAltM?: number;
  battery?: BatteryOptions;
  /** Cruise speed for endurance, m/s (default route.defaults.speedMps). */
  cruiseSpeedMps?: number;
}

/** Default limits; every one is an option of validateRoute. */
export const VALIDATION_DEFAULTS = {
  maxDistanceFromHomeM: 5000,
  maxFirstWaypointDistanceM: 900,
  ceilingM: 120,
  maxItems: { px4: 2000, ardupilot: 700 } as Record<Flavour, number>,
  clearanceM: 20,
  minTakeoffAltM: 10,
  reservePct: 25,
};

// PX4's mavlink_mission.cpp parse_mavlink_mission_item: commands it accepts in global frames
// and in MAV_FRAME_MISSION; anything else is NACKed with MAV_MISSION_UNSUPPORTED.
const PX4_GLOBAL_COMMANDS = new Set<number>([
  MavCmd.NavWaypoint,
  MavCmd.NavLoiterUnlim,
  MavCmd.NavLoiterTime,
  MavCmd.NavLand,
  MavCmd.NavTakeoff,
  MavCmdExtra.NavLoiterToAlt,
  MavCmdExtra.NavRoi,
  MavCmdExtra.DoSetRoi,
  MavCmdExtra.DoSetRoiLocation,
  MavCmdExtra.NavVtolTakeoff,
  MavCmdExtra.NavVtolLand,
  MavCmdExtra.ConditionGate,
  MavCmd.NavFenceReturnPoint,
  MavCmd.NavFencePolygonVertexInclusion,
  MavCmd.NavFencePolygonVertexExclusion,
  MavCmd.NavFenceCircleInclusion,
  MavCmd.NavFenceCircleExclusion,
  MavCmd.NavRallyPoint,
]);
const PX4_MISSION_FRAME_COMMANDS = new Set<number>([
  MavCmdExtra.DoJump,
  MavCmdExtra.NavRoi,
  MavCmdExtra.DoSetRoi,
  MavCmd.DoChangeSpeed,
  MavCmdExtra.DoSetHome,
  MavCmdExtra.DoSetServo,
  MavCmdExtra.DoLandStart,
  MavCmdExtra.DoTriggerControl,
  MavCmdExtra.DoDigicamControl,
  MavCmdExtra.DoMountConfigure,
  MavCmd.DoMountControl,
  MavCmd.DoGimbalManagerPitchYaw,
  MavCmdExtra.SetCameraFocus,
  MavCmdExtra.DoGimbalManagerConfigure,
  MavCmd.ImageStartCapture,
  MavCmd.ImageStopCapture,
  MavCmd.VideoStartCapture,
  MavCmd.VideoStopCapture,
  MavCmdExtra.DoControlVideo,
  MavCmd.DoSetCamTriggDist,
  MavCmdExtra.ObliqueSurvey,
  MavCmdExtra.DoSetCamTriggInterval,
  MavCmdExtra.SetCameraMode,
  MavCmdExtra.SetCameraZoom,
  MavCmdExtra.DoVtolTransition,
  MavCmdExtra.NavDelay,
  MavCmd.NavReturnToLaunch,
  MavCmdExtra.DoSetRoiWpnextOffset,
  MavCmdExtra.DoSetRoiNone,
  MavCmdExtra.ConditionDelay,
  MavCmdExtra.ConditionDistance,
]);
const PX4_FRAMES = new Set<number>([
  MavFrame.Global,
  MavFrame.GlobalRelativeAlt,
  MavFrame.GlobalInt,
  MavFrame.GlobalRelativeAltInt,
]);

// ArduPilot Copter/Plane mission commands (AP_Mission::mavlink_int_to_mission_cmd).
const ARDUPILOT_COMMANDS = new Set<number>([
  16, 17, 18, 19, 20, 21, 22, 30, 31, 82, 84, 85, 92, 93, 94, 112, 113, 114, 115, 177, 178, 179, 181, 182,
  183, 184, 189, 191, 192, 193, 195, 197, 200, 201, 202, 203, 204, 205, 206, 207, 208, 210, 211, 212, 213,
  214, 215, 216, 217, 218, 219, 220, 222, 223, 530, 531, 532, 1000, 2000, 2001, 2500, 2501, 3000, 42600,
  42702, 42703,
]);
const ARDUPILOT_FRAMES = new Set<number>([0, 2, 3, 5, 6, 10, 11]);

function commandSupport(flavour: Flavour, s: MissionStep): 'ok' | 'command' | 'frame' {
  if (flavour === 'px4') {
    if (isGlobalFrame(s.frame)) {
      if (!PX4_FRAMES.has(s.frame)) return 'frame';
      if (PX4_GLOBAL_COMMANDS.has(s.command)) return 'ok';
      return PX4_MISSION_FRAME_COMMANDS.has(s.command) ? 'frame' : 'command';
    }
    if (s.frame === MavFrame.Mission) {
      if (PX4_MISSION_FRAME_COMMANDS.has(s.command)) return 'ok';
      return PX4_GLOBAL_COMMANDS.has(s.command) ? 'frame' : 'command';
    }
    return 'frame';
  }
  if (!ARDUPILOT_COMMANDS.has(s.command)) return 'command';
  return ARDUPILOT_FRAMES.has(s.frame) ? 'ok' : 'frame';
}

const TAKEOFF_COMMANDS = new Set<number>([MavCmd.NavTakeoff, MavCmdExtra.NavVtolTakeoff]);
const END_COMMANDS = new Set<number>([MavCmd.NavReturnToLaunch, MavCmd.NavLand, MavCmdExtra.NavVtolLand]);

const fmt = (v: number, digits = 0): string => v.toFixed(digits);
const fmtPos = (p: LatLon): string => `${p.lat.toFixed(6)},${p.lon.toFixed(6)}`;

/** True when no issue is an error: the route may fly. */
export function isFlyable(issues: readonly Issue[]): boolean {
  return !issues.some((i) => i.severity === 'error');
}

/** Checks a route before upload; see IssueCode for what is checked. */
export function validateRoute(route: Route, options: ValidateOptions = {}): Issue[] {
  const flavour = options.flavour ?? 'px4';
  const home = options.home ?? route.home;
  const vehicle = options.vehicle ?? route.vehicle ?? 'multicopter';
  const ceiling = options.ceilingM ?? VALIDATION_DEFAULTS.ceilingM;
  const maxDist = options.maxDistanceFromHomeM ?? VALIDATION_DEFAULTS.maxDistanceFromHomeM;
  const maxFirst = options.maxFirstWaypointDistanceM ?? VALIDATION_DEFAULTS.maxFirstWaypointDistanceM;
  const maxItems = options.maxItems ?? VALIDATION_DEFAULTS.maxItems[flavour];
  const issues: Issue[] = [];
  const add = (
    code: IssueCode,
    severity: Severity,
    item: number | null,
    message: string,
    params?: IssueParams,
  ): void => {
    issues.push({ code, severity, item, message, ...(params ? { params } : {}) });
  };

  if (route.items.length === 0) {
    add('EmptyMission', 'error', null, 'the route has no items');
    return issues;
  }
  const steps = routeToSteps(route, { flavour, ...(home ? { home } : {}) });
  if (steps.length > maxItems)
    add(
      'TooManyItems',
      'error',
      null,
      `the mission has ${steps.length} items; ${flavour === 'px4' ? 'PX4' : 'ArduPilot'} stores at most ${maxItems}`,
      { count: steps.length, autopilot: flavour === 'px4' ? 'PX4' : 'ArduPilot', max: maxItems },
    );
  if (!home)
    add(
      'NoHome',
      'warning',
      null,
      'no home or dock position is known: distances from home were not checked (pass --dock)',
    );

  let firstPositionChecked = false;
  let takeoffPos: LatLon | null = null;
  let seenTakeoff = false;
  let seenPositionBeforeTakeoff = false;
  for (const s of steps) {
    if (s.routeIndex === null) continue;
    const idx = s.routeIndex;
    const item = route.items[idx]!;
    const support = commandSupport(flavour, s);
    const who = flavour === 'px4' ? 'PX4' : 'ArduPilot';
    if (support === 'command')
      add('UnsupportedCommand', 'error', idx, `command ${s.command} is not accepted in a ${who} mission`, {
        command: s.command,
        autopilot: who,
      });
    else if (support === 'frame')
      add(
        'UnsupportedFrame',
        'error',
        idx,
        `command ${s.command} in frame ${s.frame} is not accepted by ${who}`,
        { command: s.command, frame: s.frame, autopilot: who },
      );

    if (s.command === MavCmdExtra.DoJump) {
      const target = s.params[0] - (steps[0]?.routeIndex === null ? 1 : 0);
      if (!Number.isInteger(target) || target < 0 || target >= route.items.length || target === idx)
        add(
          'JumpTargetInvalid',
          'error',
          idx,
          `DO_JUMP target item ${target} is not another item of this route`,
          { target },
        );
    }

    const isNav = isGlobalFrame(s.frame) && NAV_POSITION_COMMANDS.has(s.command);
    if (!isNav) continue;
    const isTakeoff = TAKEOFF_COMMANDS.has(s.command);
    const isLand = s.command === MavCmd.NavLand || s.command === MavCmdExtra.NavVtolLand;
    if (isTakeoff) seenTakeoff = true;
    else if (!seenTakeoff) seenPositionBeforeTakeoff = true;

    const [lat, lon] = [s.params[4], s.params[5]];
    let pos: LatLon | null = null;
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
      if (item.type === 'takeoff' || isTakeoff)
        add(
          'TakeoffPositionUnset',
          'error',
          idx,
          'take-off has no position and no home or dock is known: it would be sent as 0,0 (give lat/lon or a dock)',
        );
      else if (item.type === 'land' || isLand)
        add(
          'MissingCoordinates',
          'error',
          idx,
          'landing has no position and none precedes it: give lat/lon',
          {
            variant: 'landing',
          },
        );
      else
        add(
          'MissingCoordinates',
          'error',
          idx,
          'position item has no latitude/longitude (it would be sent as 0,0)',
        );
    } else if (lat < -90 || lat > 90)
      add('LatOutOfRange', 'error', idx, `latitude must be between -90 and 90, got ${lat}`, { value: lat });
    else if (lon < -180 || lon > 180)
      add('LonOutOfRange', 'error', idx, `longitude must be between -180 and 180, got ${lon}`, {
        value: lon,
      });
    else if (Math.abs(lat) < 1e-7 && Math.abs(lon) < 1e-7)
      add('ZeroCoordinates', 'error', idx, 'position is 0,0 (a missing coordinate, not a place to fly)');
    else pos = { lat, lon };

    if (!isLand) {
      const h = heightAboveHome(s, home);
      if (h === null) {
        if (Number.isFinite(s.params[6]))
          add(
            'AltitudeUnknown',
            'warning',
            idx,
            'AMSL altitude cannot be checked: the home altitude (AMSL) is unknown',
            { variant: 'amsl' },
          );
        else add('AltitudeUnknown', 'error', idx, 'altitude is not set');
      } else if (h > ceiling)
        add(
          'AltitudeAboveCeiling',
          'error',
          idx,
          `height ${fmt(h, 1)} m above home is above the ${ceiling} m ceiling`,
          { heightM: fmt(h, 1), ceilingM: ceiling },
        );
      else if (h < 0)
        add('AltitudeBelowHome', 'error', idx, `height ${fmt(h, 1)} m is below home`, { heightM: fmt(h, 1) });
    }

    if (!pos) continue;
    if (isTakeoff) takeoffPos = pos;
    if (home) {
      const d = distanceM(home, pos);
      if (d > maxDist)
        add('TooFarFromHome', 'error', idx, `${fmt(d)} m from home/dock; the limit is ${maxDist} m`, {
          distanceM: fmt(d),
          limitM: maxDist,
        });
    }
    if (!isTakeoff && !firstPositionChecked) {
      firstPositionChecked = true;
      const ref = home ?? takeoffPos;
      if (ref) {
        const d = distanceM(ref, pos);
        if (d > maxFirst)
          add(
            'FirstWaypointTooFar',
            'error',
            idx,
            `first waypoint is ${fmt(d)} m from ${home ? 'home/dock' : 'the take-off point'}; the limit is ${maxFirst} m`,
            { distanceM: fmt(d), limitM: maxFirst, ...(home ? {} : { variant: 'takeoff' }) },
          );
      }
    }
  }

  if (vehicle !== 'fixedwing') {
    const takeoffIdx = steps.find((s) => TAKEOFF_COMMANDS.has(s.command))?.routeIndex ?? null;
    if (takeoffIdx === null)
      add('NoTakeoff', 'error', null, `a ${vehicle} mission must start with a take-off item`, { vehicle });
    else if (seenPositionBeforeTakeoff)
      add('TakeoffNotFirst', 'error', takeoffIdx, 'take-off must come before the first position item');
  }

  const lastNav = [...steps]
    .reverse()
    .find((s) => NAV_POSITION_COMMANDS.has(s.command) || END_COMMANDS.has(s.command));
  const endsWithLoop = steps[steps.length - 1]?.command === MavCmdExtra.DoJump;
  if (!endsWithLoop && (!lastNav || !END_COMMANDS.has(lastNav.command)))
    add(
      'NoReturnOrLand',
      'warning',
      null,
      'the route does not end with RTL or a landing: the vehicle will hover at the last item',
    );

  const firstEnd = steps.findIndex((s) => END_COMMANDS.has(s.command));
  if (firstEnd >= 0 && firstEnd < steps.length - 1) {
    const after = steps.slice(firstEnd + 1).filter((s) => s.routeIndex !== null);
    if (after.length > 0)
      add(
        'UnreachableItems',
        'warning',
        after[0]!.routeIndex,
        `${after.length} item(s) after the ${steps[firstEnd]!.command === MavCmd.NavReturnToLaunch ? 'RTL' : 'landing'} will never run`,
        { count: after.length, end: steps[firstEnd]!.command === MavCmd.NavReturnToLaunch ? 'rtl' : 'land' },
      );
  }

  const path = flightPath(steps, {
    ...(home ? { home } : {}),
    cruiseSpeedMps: options.cruiseSpeedMps ?? route.defaults.speedMps,
  });
  const zones = [
    ...(options.zones ?? []),
    ...((options.checkFence ?? true) && route.fence ? fenceToZones(route.fence) : []),
  ];
  if (zones.length > 0) checkZones(route, steps, path, { ...options, zones }, issues);
  checkClearance(steps, home, { ...options, zones }, issues);
  if (options.battery) checkEndurance(path, options.battery, home, issues);
  return issues;
}

function checkZones(
  route: Route,
  steps: MissionStep[],
  path: FlightPath,
  options: ValidateOptions,
  issues: Issue[],
): void {
  const zones = options.zones ?? [];
  const authorised = new Set(options.authorisedZoneIds ?? []);
  const origin =
    options.home ?? route.home ?? path.legs[0]?.from ?? steps.map(stepPosition).find((p) => p !== null);
  if (!origin) return;
  const plane = localPlane(origin);
  const reported = new Set<string>();
  const once = (key: string, issue: Issue): void => {
    if (reported.has(key)) return;
    reported.add(key);
    issues.push(issue);
  };
  for (const [zi, zone] of zones.entries()) {
    const pz = projectZone(zone, plane);
    const label = zoneLabel(zone, zi);
    for (const leg of path.legs) {
      const a = plane.toXY(leg.from);
      const b = plane.toXY(leg.to);
      const legToken = leg.kind === 'return' ? 'return' : leg.kind === 'climb' ? 'climb' : 'item';
      const zoneParams = { leg: legToken, zone: label, ...bandParams(zone) };
      const what =
        leg.kind === 'return'
          ? 'the way home after RTL'
          : leg.kind === 'climb'
            ? 'the take-off climb'
            : 'the leg to this item';
      if (zone.kind === 'inclusion') {
        if (!pointInZone(pz, a) || !pointInZone(pz, b) || crossesOut(pz, a, b))
          once(`${zi}:${leg.routeIndex}`, {
            code: 'LeavesOperatingArea',
            severity: 'error',
            item: leg.routeIndex,
            message: `${what} leaves the operating area ${label}`,
            params: zoneParams,
          });
        continue;
      }
      const over = legHeightsOverZone(pz, a, b, leg.from.altM, leg.to.altM);
      if (!over || !bandOverlaps(zone, over.lo, over.hi)) continue;
      if (zone.kind === 'nofly')
        once(`${zi}:${leg.routeIndex}`, {
          code: 'EntersNoFlyZone',
          severity: 'error',
          item: leg.routeIndex,
          message: `${what} enters no-fly zone ${label}${bandText(zone)}`,
          params: zoneParams,
        });
      else if (!zone.id || !authorised.has(zone.id))
        once(`${zi}:${leg.routeIndex}`, {
          code: 'EntersControlledAirspace',
          severity: 'warning',
          item: leg.routeIndex,
          message: `${what} enters controlled airspace ${label}${bandText(zone)} without an authorisation`,
          params: zoneParams,
        });
    }
  }
}

/** A leg whose ends are inside a concave operating area may still cut outside it. */
function crossesOut(
  pz: ReturnType<typeof projectZone>,
  a: { x: number; y: number },
  b: { x: number; y: number },
): boolean {
  if (!pz.ring) return false;
  const n = Math.max(2, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 10));
  for (let k = 1; k < n; k++) {
    const t = k / n;
    if (!pointInZone(pz, { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t })) return true;
  }
  return false;
}

/** The zone's height band as figures (`band` empty when the zone has none). */
function bandParams(z: Zone): IssueParams {
  if (z.floorM === undefined && z.ceilingM === undefined) return { band: '' };
  return { band: `${z.floorM ?? 0}-${z.ceilingM ?? '∞'}` };
}

function bandText(z: Zone): string {
  if (z.floorM === undefined && z.ceilingM === undefined) return '';
  return ` (${z.floorM ?? 0}-${z.ceilingM ?? '∞'} m)`;
}

function checkClearance(
  steps: MissionStep[],
  home: Home | undefined,
  options: ValidateOptions,
  issues: Issue[],
): void {
  const minAlt = options.minTakeoffAltM ?? VALIDATION_DEFAULTS.minTakeoffAltM;
  const clearance = options.clearanceM ?? VALIDATION_DEFAULTS.clearanceM;
  const zones = (options.zones ?? []).filter((z) => z.kind !== 'inclusion' && (z.floorM ?? 0) <= 0);
  const plane = home ? localPlane(home) : null;
  let lastPos: LatLon | null = null;
  for (const s of steps) {
    if (s.routeIndex === null) continue;
    const pos = stepPosition(s);
    const isTakeoff = TAKEOFF_COMMANDS.has(s.command);
    const isLand = END_COMMANDS.has(s.command);
    if (isTakeoff) {
      const h = heightAboveHome(s, home);
      if (h !== null && h >= 0 && h < minAlt)
        issues.push({
          code: 'TakeoffTooLow',
          severity: 'warning',
          item: s.routeIndex,
          message: `take-off height ${fmt(h, 1)} m is below the ${minAlt} m needed to clear obstacles around the dock`,
          params: { heightM: fmt(h, 1), minM: minAlt },
        });
    }
    if ((isTakeoff || isLand) && plane && zones.length > 0) {
      let at: LatLon | null | undefined = pos ?? (isTakeoff ? home : lastPos);
      if (s.command === MavCmd.NavReturnToLaunch) at = home;
      if (at) {
        for (const [zi, z] of zones.entries()) {
          const d = distanceToZone(projectZone(z, plane), plane.toXY(at));
          if (d < clearance)
            issues.push({
              code: isTakeoff ? 'TakeoffClearance' : 'LandingClearance',
              severity: d === 0 ? 'error' : 'warning',
              item: s.routeIndex,
              message: `${isTakeoff ? 'take-off' : 'landing'} point ${fmtPos(at)} is ${d === 0 ? 'inside' : `${fmt(d)} m from`} ${z.kind === 'nofly' ? 'no-fly zone' : 'controlled airspace'} ${zoneLabel(z, zi)}; ${clearance} m clearance is required`,
              params: {
                ...(d === 0 ? { variant: 'inside' } : { distanceM: fmt(d) }),
                position: fmtPos(at),
                zoneKind: z.kind === 'nofly' ? 'nofly' : 'controlled',
                zone: zoneLabel(z, zi),
                clearanceM: clearance,
              },
            });
        }
      }
    }
    if (pos) lastPos = pos;
  }
}

function checkEndurance(
  path: FlightPath,
  battery: BatteryOptions,
  home: Home | undefined,
  issues: Issue[],
): void {
  if (path.unlimitedLoiter) {
    issues.push({
      code: 'EnduranceUnknown',
      severity: 'warning',
      item: null,
      message: 'the route ends in an unlimited loiter: the flight time and battery use cannot be known',
    });
    return;
  }
  const wind = Math.max(0, battery.windMps ?? 0);
  let needS = path.holdS;
  for (const leg of path.legs) {
    const ground = leg.speedMps - wind;
    if (leg.horizontalM > 0 && ground <= 0.5) {
      issues.push({
        code: 'InsufficientEndurance',
        severity: 'error',
        item: leg.routeIndex,
        message: `a ${wind} m/s headwind stops the vehicle at its ${leg.speedMps} m/s cruise speed`,
        params: { variant: 'headwind', windMps: wind, speedMps: leg.speedMps },
      });
      return;
    }
    const horizontalS = leg.horizontalM > 0 ? leg.horizontalM / ground : 0;
    // durationS is the longer of the horizontal and the vertical time; keep the vertical part.
    const verticalS = leg.durationS > leg.horizontalM / leg.speedMps + 1e-9 ? leg.durationS : 0;
    needS += Math.max(horizontalS, verticalS);
  }
  // A route that does not come down by itself still has to get home (RTL on mission end or failsafe).
  const last = path.legs[path.legs.length - 1];
  if (!path.endsOnGround && home && last) {
    const ground = last.speedMps - wind;
    needS += ground > 0.5 ? distanceM(last.to, home) / ground : 0;
    needS += last.to.altM / DEFAULT_DESCENT_RATE_MPS;
  }
  const charge = (battery.chargePct ?? 100) / 100;
  const reserve = (battery.reservePct ?? VALIDATION_DEFAULTS.reservePct) / 100;
  const availableS = battery.enduranceS * (charge - reserve);
  const params = {
    needMin: fmt(needS / 60, 1),
    windMps: wind,
    availableMin: fmt(Math.max(0, availableS) / 60, 1),
    reservePct: fmt(reserve * 100),
  };
  const msg = `needs ~${fmt(needS / 60, 1)} min with a ${wind} m/s headwind; ${fmt(Math.max(0, availableS) / 60, 1)} min available above the ${fmt(reserve * 100)}% reserve`;
  if (needS > availableS)
    issues.push({ code: 'InsufficientEndurance', severity: 'error', item: null, message: msg, params });
  else if (needS > availableS * 0.9)
    issues.push({
      code: 'LowEnduranceMargin',
      severity: 'warning',
      item: null,
      message: `${msg} (less than 10% margin)`,
      params,
    });
}
