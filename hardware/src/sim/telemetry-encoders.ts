/**
 * What the vehicle says about itself: one encoder per telemetry message (HEARTBEAT,
 * SYS_STATUS, GPS_RAW_INT, ...) reading the vehicle's parts, and the streams that send them
 * at their rates (changed at run time by SET_MESSAGE_INTERVAL).
 */
import { common, type MavLinkData, minimal, standard } from 'node-mavlink';
import type { Battery } from './battery.ts';
import { MAV_AUTOPILOT_ARDUPILOTMEGA, MAV_AUTOPILOT_PX4, MAV_TYPE_QUADROTOR } from './flavour.ts';
import type { Flight } from './flight.ts';
import { wrap2Pi, wrapPi } from './geo.ts';
import { AUTOPILOT_GIMBAL_ID, quaternionFromDeg, type SimGimbal } from './gimbal.ts';
import type { MissionExecutor } from './mission-exec.ts';
import type { MissionStore } from './mission-store.ts';
import { MavResult, type VehicleConfig, type VehicleIo, type VehicleState } from './state.ts';
import { buildStreams, type Stream } from './telemetry.ts';

/** The parts of a vehicle the encoders read. */
export interface TelemetrySource {
  readonly config: VehicleConfig;
  readonly state: VehicleState;
  readonly battery: Battery;
  readonly mission: MissionExecutor;
  readonly flight: Flight;
  readonly store: MissionStore;
  /** The camera gimbal; without one the gimbal messages are not sent (as PX4 without a gimbal). */
  readonly gimbal?: SimGimbal;
}

export function heartbeat(v: TelemetrySource): minimal.Heartbeat {
  const s = v.state;
  const m = new minimal.Heartbeat();
  m.type = MAV_TYPE_QUADROTOR;
  m.autopilot = v.config.flavour === 'px4' ? MAV_AUTOPILOT_PX4 : MAV_AUTOPILOT_ARDUPILOTMEGA;
  let base = 1; // MAV_MODE_FLAG_CUSTOM_MODE_ENABLED
  if (s.behaviour === 'manual') base |= 16 | 64;
  else base |= 4 | 8 | 16;
  if (s.armed) base |= 128;
  m.baseMode = base;
  m.customMode = s.customMode >>> 0;
  m.systemStatus = s.failsafe ? 5 : s.armed ? 4 : 3;
  m.mavlinkVersion = 3;
  return m;
}

export function sysStatus(v: TelemetrySource): common.SysStatus {
  const m = new common.SysStatus();
  const sensors = 1 | 2 | 4 | 8 | 32 | 1024 | 2048 | 4096 | 8192 | 16384 | 32768 | 0x200000 | 0x2000000;
  let health = sensors;
  if (v.state.gpsLost) health &= ~32;
  if (v.battery.charge <= v.state.tuning.batCrit) health &= ~0x2000000;
  m.onboardControlSensorsPresent = sensors;
  m.onboardControlSensorsEnabled = sensors;
  m.onboardControlSensorsHealth = health;
  m.load = 250;
  m.voltageBattery = Math.round(v.battery.voltage() * 1000);
  m.currentBattery = v.battery.currentCa();
  m.batteryRemaining = Math.round(v.battery.charge * 100);
  m.dropRateComm = 0;
  return m;
}

export function gpsRaw(v: TelemetrySource): common.GpsRawInt {
  const s = v.state;
  const m = new common.GpsRawInt();
  m.timeUsec = BigInt(Math.round(s.simMs * 1000));
  if (s.gpsLost) {
    m.fixType = 0;
    m.satellitesVisible = 0;
    m.eph = 65535;
    m.epv = 65535;
    m.cog = 65535;
    return m;
  }
  m.fixType = 3;
  m.satellitesVisible = 16;
  m.lat = Math.round(s.lat * 1e7);
  m.lon = Math.round(s.lon * 1e7);
  m.alt = Math.round(s.altAmsl * 1000);
  m.eph = 70;
  m.epv = 110;
  m.vel = Math.round(s.groundSpeed * 100);
  m.cog = Math.round((wrap2Pi(s.course) * 18000) / Math.PI) % 36000;
  m.altEllipsoid = m.alt;
  m.hAcc = 400;
  m.vAcc = 600;
  m.velAcc = 200;
  return m;
}

export function attitude(v: TelemetrySource): common.Attitude {
  const s = v.state;
  const m = new common.Attitude();
  m.timeBootMs = Math.round(s.simMs) >>> 0;
  m.roll = s.roll;
  m.pitch = s.pitch;
  m.yaw = wrapPi(s.yaw);
  m.yawspeed = s.yawRate;
  return m;
}

export function globalPosition(v: TelemetrySource): common.GlobalPositionInt {
  const s = v.state;
  const m = new common.GlobalPositionInt();
  m.timeBootMs = Math.round(s.simMs) >>> 0;
  m.lat = Math.round(s.lat * 1e7);
  m.lon = Math.round(s.lon * 1e7);
  m.alt = Math.round(s.altAmsl * 1000);
  m.relativeAlt = Math.round(s.altRel() * 1000);
  m.vx = Math.round(s.groundSpeed * Math.cos(s.course) * 100);
  m.vy = Math.round(s.groundSpeed * Math.sin(s.course) * 100);
  m.vz = Math.round(-s.climbRate * 100);
  m.hdg = Math.round((wrap2Pi(s.yaw) * 18000) / Math.PI) % 36000;
  return m;
}

export function missionCurrent(v: TelemetrySource): common.MissionCurrent {
  const mission = v.mission;
  const m = new common.MissionCurrent();
  m.seq = mission.items.length === 0 ? 0 : mission.wireSeq(mission.index);
  m.total = mission.total();
  m.missionState = mission.missionState();
  m.missionMode = v.state.behaviour === 'mission' ? 1 : 2;
  m.missionId = v.store.opaqueId(0);
  m.fenceId = v.store.opaqueId(1);
  m.rallyPointsId = v.store.opaqueId(2);
  return m;
}

export function vfrHud(v: TelemetrySource): common.VfrHud {
  const s = v.state;
  const m = new common.VfrHud();
  m.airspeed = s.airspeed;
  m.groundspeed = s.groundSpeed;
  m.heading = Math.round((wrap2Pi(s.yaw) * 180) / Math.PI) % 360;
  m.throttle = s.armed ? (s.onGround ? 0 : 50) : 0;
  m.alt = s.altAmsl;
  m.climb = s.climbRate;
  return m;
}

export function batteryStatus(v: TelemetrySource): common.BatteryStatus {
  const b = v.battery;
  const m = new common.BatteryStatus();
  const cellMv = b.cellMv();
  m.id = 0;
  m.batteryFunction = 1;
  m.type = 1;
  m.temperature = 32767;
  m.voltages = [cellMv, cellMv, cellMv, cellMv, 65535, 65535, 65535, 65535, 65535, 65535];
  m.currentBattery = b.currentCa();
  m.currentConsumed = Math.round(b.consumedMah);
  m.energyConsumed = -1;
  m.batteryRemaining = Math.round(b.charge * 100);
  m.timeRemaining = Math.round(b.charge * v.config.batteryFlightMin * 60);
  m.chargeState = b.chargeState();
  m.voltagesExt = [0, 0, 0, 0];
  return m;
}

export function autopilotVersion(v: TelemetrySource): standard.AutopilotVersion {
  const m = new standard.AutopilotVersion();
  const px4 = v.config.flavour === 'px4';
  // MISSION_FLOAT|PARAM_FLOAT|MISSION_INT|COMMAND_INT|SET_POSITION_TARGET_GLOBAL_INT|MAVLINK2|
  // MISSION_FENCE|MISSION_RALLY, plus how parameters are encoded (bytewise PX4, C cast AP).
  const caps = 1 | 2 | 4 | 8 | 256 | 8192 | 16384 | 32768 | (px4 ? 4096 : 131072);
  m.capabilities = BigInt(caps) as unknown as typeof m.capabilities;
  // An untagged PX4 build reports 0.0.0 (FIELD-NOTES); ArduCopter 4.5.7 official.
  m.flightSwVersion = px4 ? 0 : ((4 << 24) | (5 << 16) | (7 << 8) | 255) >>> 0;
  m.middlewareSwVersion = 0;
  m.osSwVersion = 0;
  m.boardVersion = 0;
  m.flightCustomVersion = [0x61, 0x65, 0x72, 0x69, 0x65, 0x73, 0x69, 0x6d];
  m.middlewareCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
  m.osCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
  m.vendorId = 0;
  m.productId = 0;
  m.uid = BigInt(0x5349_4d00_0000 + v.config.sysid);
  m.uid2 = new Array(18).fill(0);
  return m;
}

export function homePosition(v: TelemetrySource): common.HomePosition {
  const s = v.state;
  const m = new common.HomePosition();
  m.latitude = Math.round(s.home.lat * 1e7);
  m.longitude = Math.round(s.home.lon * 1e7);
  m.altitude = Math.round(s.home.altM * 1000);
  m.q = [1, 0, 0, 0];
  m.timeUsec = BigInt(Math.round(s.simMs * 1000));
  return m;
}

export function extendedSysState(v: TelemetrySource): common.ExtendedSysState {
  const m = new common.ExtendedSysState();
  m.vtolState = 0;
  m.landedState = v.flight.landedState;
  return m;
}

const GIMBAL_DEVICE_FLAGS_ROLL_LOCK = 4;
const GIMBAL_DEVICE_FLAGS_PITCH_LOCK = 8;
const GIMBAL_DEVICE_FLAGS_YAW_LOCK = 16;
const GIMBAL_DEVICE_FLAGS_YAW_IN_EARTH_FRAME = 64;

const vehicleAttitudeDeg = (s: VehicleState) => {
  const deg = 180 / Math.PI;
  return { rollDeg: s.roll * deg, pitchDeg: s.pitch * deg, yawDeg: s.yaw * deg };
};

function gimbalFlags(g: SimGimbal): number {
  const locks = GIMBAL_DEVICE_FLAGS_ROLL_LOCK | GIMBAL_DEVICE_FLAGS_PITCH_LOCK;
  return locks | (g.setpoint.yawLock ? GIMBAL_DEVICE_FLAGS_YAW_LOCK : 0);
}

/**
 * GIMBAL_DEVICE_ATTITUDE_STATUS as PX4 sends it for a gimbal it drives itself (vmount with a
 * PWM/AUX output publishes the device status, component 1): the camera's attitude with yaw in
 * the earth frame (flag YAW_IN_EARTH_FRAME), and delta_yaw, the yaw relative to the vehicle.
 */
export function gimbalDeviceAttitudeStatus(
  v: TelemetrySource,
): common.GimbalDeviceAttitudeStatus | undefined {
  const g = v.gimbal;
  if (!g) return undefined;
  const vehicle = vehicleAttitudeDeg(v.state);
  const cam = g.cameraAttitude(vehicle);
  const m = new common.GimbalDeviceAttitudeStatus();
  m.targetSystem = 0;
  m.targetComponent = 0;
  m.timeBootMs = Math.round(v.state.simMs) >>> 0;
  m.flags = (gimbalFlags(g) | GIMBAL_DEVICE_FLAGS_YAW_IN_EARTH_FRAME) as common.GimbalDeviceFlags;
  m.q = quaternionFromDeg(cam);
  m.angularVelocityX = Number.NaN;
  m.angularVelocityY = Number.NaN;
  m.angularVelocityZ = Number.NaN;
  m.failureFlags = 0 as common.GimbalDeviceErrorFlags;
  m.deltaYaw = wrapPi(((cam.yawDeg - vehicle.yawDeg) * Math.PI) / 180);
  m.deltaYawVelocity = Number.NaN;
  m.gimbalDeviceId = AUTOPILOT_GIMBAL_ID;
  return m;
}

/** GIMBAL_MANAGER_STATUS: the device's flags, and who controls it (the autopilot itself here). */
export function gimbalManagerStatus(v: TelemetrySource): common.GimbalManagerStatus | undefined {
  const g = v.gimbal;
  if (!g) return undefined;
  const m = new common.GimbalManagerStatus();
  m.timeBootMs = Math.round(v.state.simMs) >>> 0;
  m.flags = gimbalFlags(g) as common.GimbalManagerFlags;
  m.gimbalDeviceId = AUTOPILOT_GIMBAL_ID;
  m.primaryControlSysid = v.config.sysid;
  m.primaryControlCompid = 1;
  m.secondaryControlSysid = 0;
  m.secondaryControlCompid = 0;
  return m;
}

/** Encoders by message id: what the vehicle can send on its own or on request (undefined: not now). */
const ENCODERS: Record<number, (v: TelemetrySource) => MavLinkData | undefined> = {
  0: heartbeat,
  1: sysStatus,
  24: gpsRaw,
  30: attitude,
  33: globalPosition,
  42: missionCurrent,
  74: vfrHud,
  147: batteryStatus,
  148: autopilotVersion,
  242: homePosition,
  245: extendedSysState,
  281: gimbalManagerStatus,
  285: gimbalDeviceAttitudeStatus,
};

/** The vehicle's telemetry streams and one-off sends. */
export class Telemetry {
  private readonly streams: Map<number, Stream>;

  constructor(
    private readonly source: TelemetrySource,
    private readonly io: VehicleIo,
  ) {
    const { config } = source;
    this.streams = buildStreams(config.rates, (config.sysid * 0.618034) % 1);
  }

  /** Sends every stream that is due (once per tick). */
  runStreams(): void {
    const now = this.source.state.simMs;
    for (const s of this.streams.values()) {
      if (s.intervalMs <= 0 || now < s.nextDueMs) continue;
      this.sendOnce(s.msgid);
      // Catch up by skipping, not bursting: at high speedup the tick bounds the real rate.
      s.nextDueMs = Math.max(s.nextDueMs + s.intervalMs, now);
    }
  }

  /** Sends one message on request; false when the vehicle does not provide it. */
  sendOnce(msgid: number): boolean {
    const encode = ENCODERS[msgid];
    const m = encode?.(this.source);
    if (!m) return false;
    this.io.send(m);
    return true;
  }

  /** MAV_CMD_SET_MESSAGE_INTERVAL: param2 µs, -1 off, 0 back to the default. */
  setInterval(msgid: number, intervalUs: number): number {
    // PX4 refuses to re-rate MISSION_CURRENT (observed on SITL).
    if (msgid === 42 && this.source.config.flavour === 'px4') return MavResult.Failed;
    const stream = this.streams.get(msgid);
    if (!stream) return MavResult.Failed;
    if (intervalUs < 0) stream.intervalMs = 0;
    else if (intervalUs === 0) stream.intervalMs = stream.defaultIntervalMs;
    else stream.intervalMs = intervalUs / 1000;
    stream.nextDueMs = this.source.state.simMs;
    return MavResult.Accepted;
  }

  /** MAV_CMD_GET_MESSAGE_INTERVAL: answers with MESSAGE_INTERVAL. */
  getInterval(msgid: number): number {
    const stream = this.streams.get(msgid);
    const m = new common.MessageInterval();
    m.messageId = msgid;
    m.intervalUs = stream ? (stream.intervalMs > 0 ? Math.round(stream.intervalMs * 1000) : -1) : 0;
    this.io.send(m);
    return MavResult.Accepted;
  }
}
