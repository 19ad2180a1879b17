/**
 * A well-formed vehicle state for tests, benchmarks and examples: a disarmed PX4 quadrotor on
 * the ground with a 3D fix. `over` sets what a caller cares about. Kept beside the contract so
 * a new wire field is added to the sample in the same change (the type checker insists).
 */
import type { DockStatusPayload, VehicleStatePayload } from './channel.ts';

export function sampleVehicleState(over: Partial<VehicleStatePayload> = {}): VehicleStatePayload {
  return {
    sysid: 1,
    compid: 1,
    autopilot: 'px4',
    vehicleType: 2,
    online: true,
    lastHeartbeatAtMs: 0,
    mode: 'AUTO.LOITER',
    modeKind: 'hold',
    baseMode: 0x1d,
    customMode: 0x03040000,
    armed: false,
    systemStatus: 3,
    lat: 30,
    lon: 120,
    altMslM: 10,
    altRelM: 0,
    headingDeg: 90,
    groundSpeedMps: 0,
    airSpeedMps: 0,
    climbMps: 0,
    vNorthMps: 0,
    vEastMps: 0,
    vDownMps: 0,
    rollDeg: 0,
    pitchDeg: 0,
    yawDeg: 90,
    batteryPct: 95,
    batteryV: 16.2,
    batteryA: 1,
    gpsFixType: 3,
    satellites: 14,
    hdop: 0.8,
    landedState: 'on_ground',
    landed: true,
    home: null,
    mission: { currentSeq: null, total: null, state: 'no_mission', missionId: 0, lastReachedSeq: null },
    statusTexts: [],
    lastHeardAtMs: 0,
    updatedAtMs: 0,
    link: { id: 'udp:127.0.0.1:14550', lossPct: 0 },
    ...over,
  };
}

/** A well-formed dock status for tests: idle, lid closed, aircraft parked and charged, calm weather. */
export function sampleDockStatus(over: Partial<DockStatusPayload> = {}): DockStatusPayload {
  return {
    sysid: 101,
    compid: 25,
    state: 'idle',
    lid: 'closed',
    charger: 'full',
    aircraftParked: true,
    aircraftBatteryPct: 95,
    temperatureC: 20,
    humidityPct: 50,
    windSpeedMps: 2,
    windGustMps: 3,
    rainMmPerH: 0,
    mainsPower: true,
    faults: [],
    lat: 30.2741,
    lon: 120.1551,
    altAmslM: 10,
    lastHeardMs: 0,
    ...over,
  };
}
