/**
 * Stream table: which messages a vehicle sends on its own and how often. Defaults are the
 * rates PX4 uses on its ground link (FIELD-NOTES); each one can be changed with
 * MAV_CMD_SET_MESSAGE_INTERVAL at run time or with the `rates` option at start.
 */

/** Streams by name, in Hz; 0 switches a stream off. */
export interface StreamRates {
  heartbeat: number;
  sysStatus: number;
  extendedSysState: number;
  globalPositionInt: number;
  attitude: number;
  gpsRawInt: number;
  vfrHud: number;
  batteryStatus: number;
  missionCurrent: number;
  homePosition: number;
  /** GIMBAL_MANAGER_STATUS and GIMBAL_DEVICE_ATTITUDE_STATUS (PX4 sends them when it has a gimbal). */
  gimbalManagerStatus: number;
  gimbalDeviceAttitudeStatus: number;
}

/** MAVLink message id of each stream. */
export const STREAM_MSGID: Record<keyof StreamRates, number> = {
  heartbeat: 0,
  sysStatus: 1,
  extendedSysState: 245,
  globalPositionInt: 33,
  attitude: 30,
  gpsRawInt: 24,
  vfrHud: 74,
  batteryStatus: 147,
  missionCurrent: 42,
  homePosition: 242,
  gimbalManagerStatus: 281,
  gimbalDeviceAttitudeStatus: 285,
};

/** PX4's default ground-link rates. */
export const DEFAULT_RATES: StreamRates = {
  heartbeat: 1,
  sysStatus: 1,
  extendedSysState: 1,
  globalPositionInt: 30,
  attitude: 30,
  gpsRawInt: 5,
  vfrHud: 4,
  batteryStatus: 0.5,
  missionCurrent: 1,
  homePosition: 0.5,
  // PX4 mavlink_main.cpp, normal (ground link) mode.
  gimbalManagerStatus: 0.5,
  gimbalDeviceAttitudeStatus: 1,
};

/** One periodic stream in simulated time. */
export interface Stream {
  msgid: number;
  /** Interval configured at start (0 = off), restored by SET_MESSAGE_INTERVAL with 0. */
  defaultIntervalMs: number;
  intervalMs: number;
  nextDueMs: number;
}

/**
 * `phase` (0-1) offsets each stream's first due time within its interval, so a fleet started
 * in one go does not send every vehicle's messages in the same tick (a burst that overflows
 * a ground station's socket buffer with hundreds of vehicles).
 */
export function buildStreams(rates: Partial<StreamRates> | undefined, phase = 0): Map<number, Stream> {
  const merged: StreamRates = { ...DEFAULT_RATES, ...rates };
  const streams = new Map<number, Stream>();
  for (const key of Object.keys(STREAM_MSGID) as (keyof StreamRates)[]) {
    const hz = merged[key];
    if (!(hz >= 0) || !Number.isFinite(hz))
      throw new Error(`rates.${key} must be a rate in Hz >= 0, got ${hz}`);
    const interval = hz > 0 ? 1000 / hz : 0;
    streams.set(STREAM_MSGID[key], {
      msgid: STREAM_MSGID[key],
      defaultIntervalMs: interval,
      intervalMs: interval,
      nextDueMs: interval * phase,
    });
  }
  return streams;
}
