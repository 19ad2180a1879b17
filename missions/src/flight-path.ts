/**
 * The path a route makes the vehicle fly, worked out from its mission steps: legs in three
 * dimensions (height above home), hold times and speed changes, with DO_JUMP loops unrolled.
 * Summaries and leg-based checks (zones, endurance) read this.
 *
 * Assumptions (stated, because they are the estimate's limits): the ground is flat at home
 * height; RTL flies straight home at the current height then descends (PX4 first climbs to
 * RTL_RETURN_ALT when below it); the vehicle flies legs at the current cruise speed and climbs
 * or descends at fixed rates while it does.
 */
import { isGlobalFrame, MavCmdExtra, type MissionStep, NAV_POSITION_COMMANDS } from './convert.ts';
import type { LatLon } from './geo.ts';
import { distanceM } from './geo.ts';
import { MavCmd, MavFrame } from './items.ts';
import type { Home } from './route.ts';

/** A point of the flown path: position and height above home, metres. */
export interface PathPoint extends LatLon {
  altM: number;
}

export type LegKind = 'climb' | 'cruise' | 'return' | 'descent';

export interface Leg {
  from: PathPoint;
  to: PathPoint;
  /** The route item that made the vehicle fly this leg (null: ArduPilot home item). */
  routeIndex: number | null;
  kind: LegKind;
  horizontalM: number;
  speedMps: number;
  durationS: number;
}

export interface FlightPathOptions {
  home?: Home;
  cruiseSpeedMps: number;
  climbRateMps?: number;
  descentRateMps?: number;
  /** Loiter radius assumed when an item gives none (metres). */
  defaultLoiterRadiusM?: number;
}

export interface FlightPath {
  legs: Leg[];
  /** Seconds spent holding or loitering on the spot. */
  holdS: number;
  /** True when the route ends in an unlimited loiter: no end time can be given. */
  unlimitedLoiter: boolean;
  /** True when the path ends on the ground (RTL or land). */
  endsOnGround: boolean;
  /** Route indices of the items the interpreter visited, in order, once each. */
  visited: Set<number>;
}

/** Default climb and descent rates, PX4 multicopter MPC_Z_VEL_MAX_UP / MPC_Z_VEL_MAX_DN. */
export const DEFAULT_CLIMB_RATE_MPS = 3;
export const DEFAULT_DESCENT_RATE_MPS = 1;

/** Height above home of a step's altitude, or null when it cannot be known. */
export function heightAboveHome(step: MissionStep, home: Home | undefined): number | null {
  const z = step.params[6];
  if (!Number.isFinite(z)) return null;
  if (step.frame === MavFrame.Global || step.frame === MavFrame.GlobalInt) {
    return home?.altAmslM !== undefined ? z - home.altAmslM : null;
  }
  return z;
}

/** The position of a step, when it is a place the vehicle flies to and has one. */
export function stepPosition(step: MissionStep): LatLon | null {
  if (!isGlobalFrame(step.frame) || !NAV_POSITION_COMMANDS.has(step.command)) return null;
  const [lat, lon] = [step.params[4], step.params[5]];
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
}

const MAX_INTERPRETED_STEPS = 100_000;

/** Interprets mission steps into the path flown. */
export function flightPath(steps: readonly MissionStep[], opts: FlightPathOptions): FlightPath {
  const climb = opts.climbRateMps ?? DEFAULT_CLIMB_RATE_MPS;
  const descent = opts.descentRateMps ?? DEFAULT_DESCENT_RATE_MPS;
  const loiterR = opts.defaultLoiterRadiusM ?? 20;
  let speed = opts.cruiseSpeedMps;
  const legs: Leg[] = [];
  const visited = new Set<number>();
  let holdS = 0;
  let unlimitedLoiter = false;
  let endsOnGround = false;
  let cur: PathPoint | null = opts.home ? { lat: opts.home.lat, lon: opts.home.lon, altM: 0 } : null;
  const jumpsLeft = new Map<number, number>();

  const fly = (to: PathPoint, routeIndex: number | null, kind: LegKind): void => {
    if (!cur) {
      cur = to;
      return;
    }
    const h = distanceM(cur, to);
    const v = Math.abs(to.altM - cur.altM);
    const rate = to.altM >= cur.altM ? climb : descent;
    const durationS = Math.max(h / speed, v / rate);
    if (h > 0 || v > 0)
      legs.push({ from: cur, to, routeIndex, kind, horizontalM: h, speedMps: speed, durationS });
    cur = to;
  };

  // ArduPilot's seq 0 is the home item; it is not flown.
  let i = steps[0]?.routeIndex === null ? 1 : 0;
  for (let n = 0; i < steps.length && n < MAX_INTERPRETED_STEPS; n++) {
    const s = steps[i]!;
    if (s.routeIndex !== null) visited.add(s.routeIndex);
    const pos = stepPosition(s);
    const alt = heightAboveHome(s, opts.home);
    const here = (): PathPoint | null => cur;
    switch (s.command) {
      case MavCmd.NavTakeoff:
      case MavCmdExtra.NavVtolTakeoff: {
        const base = pos ?? here();
        if (base) {
          if (!cur) cur = { ...base, altM: 0 };
          fly({ ...base, altM: alt ?? cur.altM }, s.routeIndex, 'climb');
        }
        break;
      }
      case MavCmd.NavReturnToLaunch:
        if (cur && opts.home) {
          fly({ lat: opts.home.lat, lon: opts.home.lon, altM: cur.altM }, s.routeIndex, 'return');
          fly({ lat: opts.home.lat, lon: opts.home.lon, altM: 0 }, s.routeIndex, 'descent');
        }
        endsOnGround = true;
        i = steps.length;
        continue;
      case MavCmd.NavLand:
      case MavCmdExtra.NavVtolLand: {
        const at = pos ?? here();
        if (at && cur) {
          fly({ ...at, altM: cur.altM }, s.routeIndex, 'cruise');
          fly({ ...at, altM: 0 }, s.routeIndex, 'descent');
        }
        endsOnGround = true;
        i = steps.length;
        continue;
      }
      case MavCmd.DoChangeSpeed:
        if (s.params[1] > 0) speed = s.params[1];
        break;
      case MavCmdExtra.DoJump: {
        const left = jumpsLeft.get(i) ?? s.params[1];
        if (left > 0) {
          jumpsLeft.set(i, left - 1);
          // DO_JUMP names a sequence number, and steps are indexed by sequence number.
          const target = s.params[0];
          if (Number.isInteger(target) && target >= 0 && target < steps.length) {
            i = target;
            continue;
          }
        }
        break;
      }
      default:
        if (pos) {
          const to = { ...pos, altM: alt ?? cur?.altM ?? 0 };
          fly(to, s.routeIndex, 'cruise');
          if (s.command === MavCmd.NavWaypoint) holdS += Math.max(0, s.params[0]);
          else if (s.command === MavCmd.NavLoiterTime) holdS += Math.max(0, s.params[0]);
          else if (s.command === MavCmd.NavLoiterTurns) {
            const r = Math.abs(s.params[2]) || loiterR;
            holdS += (Math.max(0, s.params[0]) * 2 * Math.PI * r) / speed;
          } else if (s.command === MavCmd.NavLoiterUnlim) {
            unlimitedLoiter = true;
            i = steps.length;
            continue;
          }
        } else if (s.command === MavCmdExtra.NavDelay || s.command === MavCmdExtra.ConditionDelay) {
          holdS += Math.max(0, s.params[0]);
        }
    }
    i++;
  }
  return { legs, holdS, unlimitedLoiter, endsOnGround, visited };
}
