/**
 * What one simulated vehicle is made of, shared by its parts (flight, mission execution,
 * battery, commands, telemetry): the resolved configuration, the mutable flight state, the
 * tuning read from its parameters, and the few services every part uses (send, status text,
 * simulated-time timers).
 */
import type { MavLinkData } from 'node-mavlink';
import { type Behaviour, customModeFor, type Flavour } from './flavour.ts';
import type { ParamTable } from './params.ts';
import type { StreamRates } from './telemetry.ts';
import type { SimTimers } from './ticker.ts';

/** MAV_RESULT. */
export const MavResult = {
  Accepted: 0,
  TemporarilyRejected: 1,
  Denied: 2,
  Unsupported: 3,
  Failed: 4,
} as const;
/** MAV_LANDED_STATE. */
export const LandedState = { Undefined: 0, OnGround: 1, InAir: 2, Takeoff: 3, Landing: 4 } as const;
/** MISSION_STATE as MISSION_CURRENT reports it. */
export const MissionState = { NoMission: 1, NotStarted: 2, Active: 3, Paused: 4, Complete: 5 } as const;

/** MAV_SEVERITY values the simulator uses in STATUSTEXT. */
export const Sev = { Emergency: 0, Alert: 1, Critical: 2, Error: 3, Warning: 4, Notice: 5, Info: 6 } as const;

/** Everything a vehicle is built from (already resolved and checked by the caller). */
export interface VehicleConfig {
  sysid: number;
  flavour: Flavour;
  home: { lat: number; lon: number; altM: number };
  speedup: number;
  settleS: number;
  preflightDisarmS: number | undefined;
  rates: Partial<StreamRates> | undefined;
  maxItems: number;
  duplicateAckChance: number;
  wind: { northMps: number; eastMps: number };
  batteryFlightMin: number;
  random: () => number;
}

/** A ground station (or other system) a reply goes to. */
export interface Partner {
  sysid: number;
  compid: number;
}

/** Flight tuning, read from the flavour's parameters (and re-read after every PARAM_SET). */
export interface Tuning {
  cruise: number;
  up: number;
  down: number;
  takeoffSpeed: number;
  landSpeed: number;
  accRad: number;
  rtlAlt: number;
  disarmLandS: number;
  preflightDisarmS: number;
  takeoffAlt: number;
  turnRate: number;
  batLow: number;
  batCrit: number;
}

/** The tuning a flavour's parameter table asks for. */
export function tuningFrom(flavour: Flavour, p: ParamTable): Tuning {
  if (flavour === 'px4') {
    return {
      cruise: p.get('MPC_XY_CRUISE'),
      up: p.get('MPC_Z_VEL_MAX_UP'),
      down: p.get('MPC_Z_VEL_MAX_DN'),
      takeoffSpeed: p.get('MPC_TKO_SPEED'),
      landSpeed: p.get('MPC_LAND_SPEED'),
      accRad: p.get('NAV_ACC_RAD'),
      rtlAlt: p.get('RTL_RETURN_ALT'),
      disarmLandS: p.get('COM_DISARM_LAND'),
      preflightDisarmS: p.get('COM_DISARM_PRFLT'),
      takeoffAlt: p.get('MIS_TAKEOFF_ALT'),
      turnRate: (p.get('MPC_YAWRAUTO_MAX') * Math.PI) / 180,
      batLow: p.get('BAT_LOW_THR'),
      batCrit: p.get('BAT_CRIT_THR'),
    };
  }
  return {
    cruise: p.get('WPNAV_SPEED') / 100,
    up: p.get('WPNAV_SPEED_UP') / 100,
    down: p.get('WPNAV_SPEED_DN') / 100,
    takeoffSpeed: p.get('WPNAV_SPEED_UP') / 100,
    landSpeed: p.get('LAND_SPEED') / 100,
    accRad: p.get('WPNAV_RADIUS') / 100,
    rtlAlt: p.get('RTL_ALT') / 100,
    disarmLandS: 2,
    preflightDisarmS: p.get('DISARM_DELAY'),
    takeoffAlt: 2.5,
    turnRate: Math.PI / 2,
    batLow: 0.15,
    batCrit: 0.07,
  };
}

/** Where the vehicle is heading in its current behaviour. */
export interface NavTarget {
  lat: number;
  lon: number;
  /** Metres above home. */
  alt: number;
}

/** What a behaviour's step asks the physics to do. */
export interface NavStep {
  target: NavTarget;
  vertFirst: boolean;
  landing: boolean;
}

export type RtlPhase = 'climb' | 'return' | 'descend';

/** The services every part of a vehicle uses. */
export interface VehicleIo {
  /** Frames and writes one message from the vehicle (nothing once closed). */
  send(message: MavLinkData): void;
  /** Sends a STATUSTEXT (split into chunks as PX4 does when longer than one message). */
  statusText(severity: number, text: string): void;
  /** The vehicle's simulated-time timers. */
  readonly timers: SimTimers;
}

/** The mutable state of one vehicle: kinematics, arming, mode, home, navigation target. */
export class VehicleState {
  simMs = 0;

  // Kinematics: position, altitude AMSL, ground velocity (course + speed), vertical speed.
  lat: number;
  lon: number;
  altAmsl: number;
  readonly groundAmsl: number;
  course = 0;
  groundSpeed = 0;
  climbRate = 0;
  yaw = 0;
  roll = 0;
  pitch = 0;
  yawRate = 0;
  airspeed = 0;

  armed = false;
  onGround = true;
  behaviour: Behaviour;
  customMode: number;
  failsafe = false;
  home: { lat: number; lon: number; altM: number };
  target: NavTarget;
  takeoffAlt = 0;
  rtlPhase: RtlPhase = 'climb';
  cruiseOverride: number | undefined;
  disarmTimer: number | undefined;
  gpsLost = false;
  tuning!: Tuning;

  constructor(config: VehicleConfig) {
    this.lat = config.home.lat;
    this.lon = config.home.lon;
    this.altAmsl = config.home.altM;
    this.groundAmsl = config.home.altM;
    this.home = { ...config.home };
    this.target = { lat: this.lat, lon: this.lon, alt: 0 };
    this.behaviour = config.flavour === 'px4' ? 'hold' : 'manual';
    this.customMode = customModeFor(config.flavour, this.behaviour);
  }

  /** Metres above home. */
  altRel(): number {
    return this.altAmsl - this.home.altM;
  }

  /** Metres above the ground it stands on. */
  aglM(): number {
    return this.altAmsl - this.groundAmsl;
  }

  /** Horizontal speed it flies at now (DO_CHANGE_SPEED overrides the parameter). */
  cruise(): number {
    return this.cruiseOverride ?? this.tuning.cruise;
  }

  here(): NavTarget {
    return { lat: this.lat, lon: this.lon, alt: this.altRel() };
  }
}
