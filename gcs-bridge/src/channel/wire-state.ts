/**
 * The bridge's internal vehicle snapshot mapped to the channel's wire type, field by field.
 * The wire type (`VehicleStatePayload` in @aerie/contracts) is what the server checks and the
 * console draws; listing every field here means an internal rename or a new internal field is
 * not a wire change until someone writes it down in this one place.
 */
import type { VehicleStatePayload } from '@aerie/contracts';
import type { VehicleSnapshot } from '../bridge.ts';

/** How many recent status texts travel with each state. */
export const WIRE_STATUS_TEXTS = 10;

export function toWireState(s: VehicleSnapshot): VehicleStatePayload {
  return {
    sysid: s.sysid,
    compid: s.compid,
    autopilot: s.autopilot,
    vehicleType: s.vehicleType,
    online: s.online,
    lastHeartbeatAtMs: s.lastHeartbeatAtMs,
    mode: s.mode,
    modeKind: s.modeKind,
    baseMode: s.baseMode,
    customMode: s.customMode,
    armed: s.armed,
    systemStatus: s.systemStatus,
    lat: s.lat,
    lon: s.lon,
    altMslM: s.altMslM,
    altRelM: s.altRelM,
    headingDeg: s.headingDeg,
    groundSpeedMps: s.groundSpeedMps,
    airSpeedMps: s.airSpeedMps,
    climbMps: s.climbMps,
    vNorthMps: s.vNorthMps,
    vEastMps: s.vEastMps,
    vDownMps: s.vDownMps,
    rollDeg: s.rollDeg,
    pitchDeg: s.pitchDeg,
    yawDeg: s.yawDeg,
    gimbal: s.gimbal
      ? {
          pitchDeg: s.gimbal.pitchDeg,
          rollDeg: s.gimbal.rollDeg,
          yawDeg: s.gimbal.yawDeg,
          yawFrame: s.gimbal.yawFrame,
          atMs: s.gimbal.atMs,
        }
      : null,
    batteryPct: s.batteryPct,
    batteryV: s.batteryV,
    batteryA: s.batteryA,
    gpsFixType: s.gpsFixType,
    satellites: s.satellites,
    hdop: s.hdop,
    landedState: s.landedState,
    landed: s.landed,
    home: s.home ? { lat: s.home.lat, lon: s.home.lon, altMslM: s.home.altMslM } : null,
    mission: {
      currentSeq: s.mission.currentSeq,
      total: s.mission.total,
      state: s.mission.state,
      missionId: s.mission.missionId,
      lastReachedSeq: s.mission.lastReachedSeq,
    },
    statusTexts: s.statusTexts.slice(-WIRE_STATUS_TEXTS).map((t) => ({
      atMs: t.atMs,
      severity: t.severity,
      severityName: t.severityName,
      text: t.text,
    })),
    lastHeardAtMs: s.lastHeardAtMs,
    updatedAtMs: s.updatedAtMs,
    link: { id: s.link.id, lossPct: s.link.lossPct },
  };
}
