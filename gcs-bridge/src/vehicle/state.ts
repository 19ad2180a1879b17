/**
 * Per-vehicle state from telemetry: a pure reducer, no I/O. `applyMessage` updates the state
 * in place (this is the bridge's hot path: hundreds of vehicles at tens of messages a second
 * each) and returns the discrete events the message caused (mode change, armed, landed, item
 * reached, status text). Units are in the field names (altRelM, groundSpeedMps, headingDeg).
 */
import { MISSION_STATE_NAMES } from '@aerie/contracts';
import type { MavLinkData } from 'node-mavlink';
import type { AutopilotFlavour, FlavourName, ModeKind } from '../autopilot/flavour.ts';
import { flavourFor, genericFlavour, MODE_FLAG_SAFETY_ARMED } from '../autopilot/flavour.ts';
import { eulerDegFromQuaternion } from '../protocols/camera.ts';
import { BATTERY_STATUS_FRESH_MS, packVoltageV, sysStatusVoltageV } from './battery.ts';
import {
  type AssembledText,
  addStatusTextChunk,
  createStatusTextAssembler,
  flushStatusTexts,
  type StatusTextAssembler,
} from './status-text.ts';

export type LandedState = 'unknown' | 'on_ground' | 'in_air' | 'takeoff' | 'landing';
export type MissionState = 'unknown' | 'no_mission' | 'not_started' | 'active' | 'paused' | 'complete';

export interface StatusTextEntry {
  atMs: number;
  /** MAV_SEVERITY: 0 emergency ... 7 debug. */
  severity: number;
  severityName: string;
  text: string;
}

/**
 * The camera gimbal's attitude from GIMBAL_DEVICE_ATTITUDE_STATUS: pitch and roll against the
 * horizon, yaw relative to the vehicle's heading (`yawFrame` 'vehicle') or from north ('earth').
 */
export interface GimbalState {
  pitchDeg: number;
  rollDeg: number;
  yawDeg: number;
  yawFrame: 'vehicle' | 'earth';
  atMs: number;
}

export interface VehicleState {
  sysid: number;
  compid: number;
  autopilot: FlavourName;
  /** MAV_TYPE from HEARTBEAT (2 = quadrotor). */
  vehicleType: number;
  online: boolean;
  lastHeartbeatAtMs: number;
  mode: string;
  modeKind: ModeKind;
  baseMode: number;
  customMode: number;
  armed: boolean;
  /** MAV_STATE from HEARTBEAT (3 standby, 4 active, 5 critical, 6 emergency). */
  systemStatus: number;
  lat: number | null;
  lon: number | null;
  altMslM: number | null;
  altRelM: number | null;
  headingDeg: number | null;
  groundSpeedMps: number | null;
  airSpeedMps: number | null;
  climbMps: number | null;
  vNorthMps: number | null;
  vEastMps: number | null;
  vDownMps: number | null;
  rollDeg: number | null;
  pitchDeg: number | null;
  yawDeg: number | null;
  /** The camera gimbal's attitude, null until the vehicle (or its gimbal) reports one. */
  gimbal: GimbalState | null;
  batteryPct: number | null;
  batteryV: number | null;
  batteryA: number | null;
  /** GPS_FIX_TYPE: 0/1 no fix, 2 2D, 3 3D, 4 DGPS, 5 RTK float, 6 RTK fixed. */
  gpsFixType: number;
  satellites: number | null;
  hdop: number | null;
  landedState: LandedState;
  /** True on the ground, false in the air, null until EXTENDED_SYS_STATE says (PX4 sends it at 1 Hz). */
  landed: boolean | null;
  home: { lat: number; lon: number; altMslM: number } | null;
  mission: {
    currentSeq: number | null;
    total: number | null;
    state: MissionState;
    /** MISSION_CURRENT.mission_id: the CRC of the mission the vehicle holds (0 when not reported). */
    missionId: number;
    lastReachedSeq: number | null;
  };
  statusTexts: StatusTextEntry[];
  /** Time of the last message of any kind from this vehicle. */
  lastHeardAtMs: number;
  updatedAtMs: number;
}

export type VehicleEvent =
  | { type: 'mode_changed'; atMs: number; from: string; to: string; kind: ModeKind }
  | { type: 'armed'; atMs: number }
  | { type: 'disarmed'; atMs: number }
  | { type: 'landed_state_changed'; atMs: number; from: LandedState; to: LandedState }
  | { type: 'takeoff'; atMs: number }
  | { type: 'landing'; atMs: number }
  | { type: 'mission_item_reached'; atMs: number; seq: number }
  | { type: 'mission_current_changed'; atMs: number; seq: number; total: number; state: MissionState }
  | { type: 'home_changed'; atMs: number; lat: number; lon: number; altMslM: number }
  | { type: 'status_text'; atMs: number; severity: number; severityName: string; text: string };

const SEVERITY_NAMES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];
const LANDED: LandedState[] = ['unknown', 'on_ground', 'in_air', 'takeoff', 'landing'];
const MISSION_STATES: readonly MissionState[] = MISSION_STATE_NAMES;
const STATUS_HISTORY = 50;
const RAD2DEG = 180 / Math.PI;
const NO_EVENTS: VehicleEvent[] = [];

export function createVehicleState(sysid: number, compid: number): VehicleState {
  return {
    sysid,
    compid,
    autopilot: 'generic',
    vehicleType: 0,
    online: true,
    lastHeartbeatAtMs: 0,
    mode: 'UNKNOWN',
    modeKind: 'other',
    baseMode: 0,
    customMode: 0,
    armed: false,
    systemStatus: 0,
    lat: null,
    lon: null,
    altMslM: null,
    altRelM: null,
    headingDeg: null,
    groundSpeedMps: null,
    airSpeedMps: null,
    climbMps: null,
    vNorthMps: null,
    vEastMps: null,
    vDownMps: null,
    rollDeg: null,
    pitchDeg: null,
    yawDeg: null,
    gimbal: null,
    batteryPct: null,
    batteryV: null,
    batteryA: null,
    gpsFixType: 0,
    satellites: null,
    hdop: null,
    landedState: 'unknown',
    landed: null,
    home: null,
    mission: { currentSeq: null, total: null, state: 'unknown', missionId: 0, lastReachedSeq: null },
    statusTexts: [],
    lastHeardAtMs: 0,
    updatedAtMs: 0,
  };
}

/** The flavour for a state whose autopilot is known from its heartbeat. */
export function stateFlavour(state: VehicleState): AutopilotFlavour {
  return state.autopilot === 'px4'
    ? flavourFor(12)
    : state.autopilot === 'ardupilot'
      ? flavourFor(3)
      : genericFlavour;
}

/**
 * Applies one message from the vehicle to its state. `msgid` selects the handler; messages
 * the state does not track return no events and cost one switch.
 */
export function applyMessage(
  state: VehicleState,
  msgid: number,
  message: MavLinkData,
  atMs: number,
): VehicleEvent[] {
  state.lastHeardAtMs = atMs;
  // biome-ignore lint/suspicious/noExplicitAny: fields are read per message id below
  const m = message as any;
  switch (msgid) {
    case 0:
      return onHeartbeat(state, m, atMs);
    case 1: {
      // SYS_STATUS: -1 / UINT16_MAX mean "not sent by this autopilot".
      if (m.batteryRemaining >= 0) state.batteryPct = m.batteryRemaining;
      // Pack voltage; BATTERY_STATUS wins while it keeps coming, so the figure does not flip.
      const v = sysStatusVoltageV(m.voltageBattery);
      if (v !== null && atMs - scratchOf(state).batteryStatusAtMs > BATTERY_STATUS_FRESH_MS)
        state.batteryV = v;
      if (m.currentBattery >= 0) state.batteryA = m.currentBattery / 100;
      state.updatedAtMs = atMs;
      return NO_EVENTS;
    }
    case 24: {
      state.gpsFixType = m.fixType;
      state.satellites = m.satellitesVisible === 255 ? null : m.satellitesVisible;
      state.hdop = m.eph === 0xffff ? null : m.eph / 100;
      state.updatedAtMs = atMs;
      return NO_EVENTS;
    }
    case 30: {
      state.rollDeg = m.roll * RAD2DEG;
      state.pitchDeg = m.pitch * RAD2DEG;
      state.yawDeg = m.yaw * RAD2DEG;
      state.updatedAtMs = atMs;
      return NO_EVENTS;
    }
    case 33: {
      state.lat = m.lat / 1e7;
      state.lon = m.lon / 1e7;
      state.altMslM = m.alt / 1000;
      state.altRelM = m.relativeAlt / 1000;
      state.vNorthMps = m.vx / 100;
      state.vEastMps = m.vy / 100;
      state.vDownMps = m.vz / 100;
      if (m.hdg !== 0xffff) state.headingDeg = m.hdg / 100;
      state.groundSpeedMps = Math.hypot(state.vNorthMps, state.vEastMps);
      state.updatedAtMs = atMs;
      return NO_EVENTS;
    }
    case 74: {
      state.airSpeedMps = m.airspeed;
      state.groundSpeedMps = m.groundspeed;
      state.climbMps = m.climb;
      if (state.headingDeg === null) state.headingDeg = m.heading;
      state.updatedAtMs = atMs;
      return NO_EVENTS;
    }
    case 42:
      return onMissionCurrent(state, m, atMs);
    case 46: {
      // PX4 repeats MISSION_ITEM_REACHED about ten times: report each item once.
      const seq: number = m.seq;
      if (state.mission.lastReachedSeq === seq) return NO_EVENTS;
      state.mission.lastReachedSeq = seq;
      return [{ type: 'mission_item_reached', atMs, seq }];
    }
    case 147: {
      // One pack per vehicle: the first battery (id 0) is the one the views show.
      if ((m.id ?? 0) !== 0) return NO_EVENTS;
      if (m.batteryRemaining >= 0) state.batteryPct = m.batteryRemaining;
      const v = packVoltageV(m.voltages, m.voltagesExt);
      if (v !== null) {
        state.batteryV = v;
        scratchOf(state).batteryStatusAtMs = atMs;
      }
      return NO_EVENTS;
    }
    case 242: {
      const home = { lat: m.latitude / 1e7, lon: m.longitude / 1e7, altMslM: m.altitude / 1000 };
      const prev = state.home;
      state.home = home;
      if (prev && prev.lat === home.lat && prev.lon === home.lon && prev.altMslM === home.altMslM)
        return NO_EVENTS;
      return [{ type: 'home_changed', atMs, ...home }];
    }
    case 245:
      return onExtendedSysState(state, m.landedState, atMs);
    case 285:
      state.gimbal = gimbalFromStatus(m.q, Number(m.flags), atMs) ?? state.gimbal;
      return NO_EVENTS;
    case 253: {
      // Long texts arrive as MAVLink 2 chunks (id, chunk_seq): only whole texts become events.
      const texts = addStatusTextChunk(
        scratchOf(state).assembler,
        { severity: m.severity, text: String(m.text ?? ''), id: m.id ?? 0, chunkSeq: m.chunkSeq ?? 0 },
        atMs,
      );
      return texts.length === 0 ? NO_EVENTS : texts.map((t) => pushStatusText(state, t, atMs));
    }
    default:
      return NO_EVENTS;
  }
}

const GIMBAL_DEVICE_FLAGS_YAW_LOCK = 16;
const GIMBAL_DEVICE_FLAGS_YAW_IN_VEHICLE_FRAME = 32;
const GIMBAL_DEVICE_FLAGS_YAW_IN_EARTH_FRAME = 64;

/**
 * GIMBAL_DEVICE_ATTITUDE_STATUS's quaternion as a gimbal attitude. Its yaw is from north with
 * YAW_IN_EARTH_FRAME, from the heading with YAW_IN_VEHICLE_FRAME; with neither (older
 * gimbals), from north when YAW_LOCK is set, else from the heading (MAVLink common.xml). Pitch
 * and roll are against the horizon in both frames. Null for a quaternion that is not finite.
 */
export function gimbalFromStatus(q: readonly number[], flags: number, atMs: number): GimbalState | null {
  if (!Array.isArray(q) || q.length !== 4 || !q.every(Number.isFinite)) return null;
  const earth =
    (flags & GIMBAL_DEVICE_FLAGS_YAW_IN_EARTH_FRAME) !== 0 ||
    ((flags & GIMBAL_DEVICE_FLAGS_YAW_IN_VEHICLE_FRAME) === 0 &&
      (flags & GIMBAL_DEVICE_FLAGS_YAW_LOCK) !== 0);
  const e = eulerDegFromQuaternion(q);
  const yawDeg = earth ? e.yawDeg : e.yawDeg > 180 ? e.yawDeg - 360 : e.yawDeg;
  return { pitchDeg: e.pitchDeg, rollDeg: e.rollDeg, yawDeg, yawFrame: earth ? 'earth' : 'vehicle', atMs };
}

/**
 * Per-vehicle bookkeeping of the reducer (chunk buffers, when BATTERY_STATUS last came), kept
 * beside the state so that snapshots of the state never carry it.
 */
interface Scratch {
  assembler: StatusTextAssembler;
  batteryStatusAtMs: number;
}
const scratch = new WeakMap<VehicleState, Scratch>();

function scratchOf(state: VehicleState): Scratch {
  let s = scratch.get(state);
  if (!s) {
    s = { assembler: createStatusTextAssembler(), batteryStatusAtMs: Number.NEGATIVE_INFINITY };
    scratch.set(state, s);
  }
  return s;
}

function pushStatusText(state: VehicleState, t: AssembledText, atMs: number): VehicleEvent {
  // PX4 sometimes ends status texts with a tab.
  const text = t.text.trimEnd();
  const severityName = SEVERITY_NAMES[t.severity] ?? String(t.severity);
  state.statusTexts.push({ atMs, severity: t.severity, severityName, text });
  if (state.statusTexts.length > STATUS_HISTORY) state.statusTexts.shift();
  return { type: 'status_text', atMs, severity: t.severity, severityName, text };
}

/**
 * Texts whose remaining chunks never came, flushed once the chunk timeout has passed; the
 * bridge calls this from its periodic timer.
 */
export function flushStatusTextChunks(state: VehicleState, atMs: number): VehicleEvent[] {
  const a = scratch.get(state)?.assembler;
  if (!a || a.pending.size === 0) return NO_EVENTS;
  const texts = flushStatusTexts(a, atMs);
  return texts.length === 0 ? NO_EVENTS : texts.map((t) => pushStatusText(state, t, atMs));
}

function onHeartbeat(
  state: VehicleState,
  m: { autopilot: number; type: number; baseMode: number; customMode: number; systemStatus: number },
  atMs: number,
): VehicleEvent[] {
  let events: VehicleEvent[] = NO_EVENTS;
  const flavour = flavourFor(m.autopilot);
  state.autopilot = flavour.name;
  state.vehicleType = m.type;
  state.lastHeartbeatAtMs = atMs;
  state.systemStatus = m.systemStatus;
  state.baseMode = m.baseMode;
  state.customMode = m.customMode;
  const { name, kind } = flavour.decodeMode(m.baseMode, m.customMode);
  if (name !== state.mode) {
    events = [{ type: 'mode_changed', atMs, from: state.mode, to: name, kind }];
    state.mode = name;
    state.modeKind = kind;
  }
  const armed = (m.baseMode & MODE_FLAG_SAFETY_ARMED) !== 0;
  if (armed !== state.armed) {
    state.armed = armed;
    events = [...events, { type: armed ? 'armed' : 'disarmed', atMs }];
  }
  state.updatedAtMs = atMs;
  return events;
}

function onMissionCurrent(
  state: VehicleState,
  m: { seq: number; total: number; missionState: number; missionId: number },
  atMs: number,
): VehicleEvent[] {
  const mission = state.mission;
  // A MISSION_CURRENT without the MAVLink 2 extensions reads total 0 and state 0: keep what we know.
  const total = m.total === 65535 ? 0 : m.total;
  const stateName = MISSION_STATES[m.missionState] ?? 'unknown';
  const changed = mission.currentSeq !== m.seq || mission.total !== total || mission.state !== stateName;
  mission.currentSeq = m.seq;
  mission.total = total;
  mission.state = m.total === 65535 ? 'no_mission' : stateName;
  mission.missionId = m.missionId ?? 0;
  if (!changed) return NO_EVENTS;
  return [{ type: 'mission_current_changed', atMs, seq: m.seq, total, state: mission.state }];
}

function onExtendedSysState(state: VehicleState, landedState: number, atMs: number): VehicleEvent[] {
  const to = LANDED[landedState] ?? 'unknown';
  const from = state.landedState;
  if (to === from) return NO_EVENTS;
  state.landedState = to;
  state.landed = to === 'on_ground' ? true : to === 'unknown' ? null : false;
  const events: VehicleEvent[] = [{ type: 'landed_state_changed', atMs, from, to }];
  if (to === 'takeoff' || (to === 'in_air' && from === 'on_ground')) events.push({ type: 'takeoff', atMs });
  if (to === 'on_ground' && from !== 'unknown') events.push({ type: 'landing', atMs });
  return events;
}
