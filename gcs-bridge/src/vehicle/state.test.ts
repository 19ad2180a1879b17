import { quaternionFromEuler } from '@aerie/hardware';
import { common, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { applyMessage, createVehicleState } from './state.ts';

function heartbeat(customMode: number, armed: boolean, autopilot = 12) {
  const hb = new minimal.Heartbeat();
  hb.autopilot = autopilot;
  hb.type = 2;
  hb.baseMode = (armed ? 0x80 : 0) | 0x1d;
  hb.customMode = customMode;
  hb.systemStatus = 4;
  return hb;
}

describe('vehicle state reducer', () => {
  it('follows mode and arming from HEARTBEAT and reports each change once', () => {
    const s = createVehicleState(1, 1);
    expect(applyMessage(s, 0, heartbeat(0x03040000, false), 1).map((e) => e.type)).toEqual(['mode_changed']);
    expect(s).toMatchObject({ autopilot: 'px4', mode: 'AUTO.LOITER', modeKind: 'hold', armed: false });
    expect(applyMessage(s, 0, heartbeat(0x03040000, false), 2)).toEqual([]);
    const ev = applyMessage(s, 0, heartbeat(0x04040000, true), 3);
    expect(ev.map((e) => e.type)).toEqual(['mode_changed', 'armed']);
    expect(ev[0]).toMatchObject({ from: 'AUTO.LOITER', to: 'AUTO.MISSION', kind: 'mission' });
    expect(applyMessage(s, 0, heartbeat(0x04040000, false), 4).map((e) => e.type)).toEqual(['disarmed']);
  });

  it('decodes ArduPilot modes from the same message', () => {
    const s = createVehicleState(2, 1);
    applyMessage(s, 0, heartbeat(6, true, 3), 1);
    expect(s).toMatchObject({ autopilot: 'ardupilot', mode: 'RTL', modeKind: 'return', armed: true });
  });

  it('converts position units', () => {
    const s = createVehicleState(1, 1);
    const p = new common.GlobalPositionInt();
    Object.assign(p, {
      lat: 230300000,
      lon: 1131400000,
      alt: 52_500,
      relativeAlt: 30_250,
      vx: 300,
      vy: 400,
      vz: -50,
      hdg: 9000,
    });
    applyMessage(s, 33, p, 5);
    expect(s).toMatchObject({
      lat: 23.03,
      lon: 113.14,
      altMslM: 52.5,
      altRelM: 30.25,
      headingDeg: 90,
      groundSpeedMps: 5,
    });
  });

  it('keeps the gimbal attitude from GIMBAL_DEVICE_ATTITUDE_STATUS, yaw in the frame its flags name', () => {
    const s = createVehicleState(1, 1);
    expect(s.gimbal).toBeNull();
    const r = Math.PI / 180;
    const status = (rollDeg: number, pitchDeg: number, yawDeg: number, flags: number) =>
      Object.assign(new common.GimbalDeviceAttitudeStatus(), {
        q: Array.from(new Float32Array(quaternionFromEuler(rollDeg * r, pitchDeg * r, yawDeg * r))),
        flags,
      });
    // Earth frame (ROLL_LOCK | PITCH_LOCK | YAW_IN_EARTH_FRAME), as the simulator sends it.
    applyMessage(s, 285, status(0, -40, 300, 4 | 8 | 64), 7);
    expect(s.gimbal).toMatchObject({ rollDeg: 0, yawFrame: 'earth', atMs: 7 });
    expect(s.gimbal!.pitchDeg).toBeCloseTo(-40, 1);
    expect(s.gimbal!.yawDeg).toBeCloseTo(300, 1);
    // Vehicle frame: yaw from the heading, signed.
    applyMessage(s, 285, status(0, -20, -30, 4 | 8 | 32), 8);
    expect(s.gimbal).toMatchObject({ yawFrame: 'vehicle' });
    expect(s.gimbal!.yawDeg).toBeCloseTo(-30, 1);
    // Older gimbals: YAW_LOCK alone means earth frame, no yaw flag the vehicle frame.
    applyMessage(s, 285, status(0, -20, 10, 16), 9);
    expect(s.gimbal!.yawFrame).toBe('earth');
    applyMessage(s, 285, status(0, -20, 10, 0), 10);
    expect(s.gimbal!.yawFrame).toBe('vehicle');
    // A status without a usable quaternion keeps the last one.
    applyMessage(
      s,
      285,
      Object.assign(new common.GimbalDeviceAttitudeStatus(), { q: [NaN, NaN, NaN, NaN], flags: 0 }),
      11,
    );
    expect(s.gimbal!.atMs).toBe(10);
  });

  it('takes landed state from EXTENDED_SYS_STATE and reports take-off and landing', () => {
    const s = createVehicleState(1, 1);
    const ess = (landedState: number) =>
      Object.assign(new common.ExtendedSysState(), { landedState, vtolState: 0 });
    applyMessage(s, 245, ess(1), 1);
    expect(s.landed).toBe(true);
    expect(applyMessage(s, 245, ess(3), 2).map((e) => e.type)).toEqual(['landed_state_changed', 'takeoff']);
    applyMessage(s, 245, ess(2), 3);
    expect(s.landed).toBe(false);
    applyMessage(s, 245, ess(4), 4);
    expect(applyMessage(s, 245, ess(1), 5).map((e) => e.type)).toEqual(['landed_state_changed', 'landing']);
  });

  it('reports a repeated MISSION_ITEM_REACHED once', () => {
    const s = createVehicleState(1, 1);
    const r = (seq: number) => Object.assign(new common.MissionItemReached(), { seq });
    expect(applyMessage(s, 46, r(1), 1)).toHaveLength(1);
    expect(applyMessage(s, 46, r(1), 2)).toHaveLength(0);
    expect(applyMessage(s, 46, r(3), 3)).toEqual([{ type: 'mission_item_reached', atMs: 3, seq: 3 }]);
  });

  it('reads MISSION_CURRENT total 65535 as no mission', () => {
    const s = createVehicleState(1, 1);
    const mc = Object.assign(new common.MissionCurrent(), {
      seq: 0,
      total: 65535,
      missionState: 0,
      missionId: 0,
    });
    applyMessage(s, 42, mc, 1);
    expect(s.mission).toMatchObject({ state: 'no_mission', total: 0 });
    Object.assign(mc, { seq: 2, total: 5, missionState: 3, missionId: 0xdeadbeef });
    expect(applyMessage(s, 42, mc, 2)[0]).toMatchObject({ seq: 2, total: 5, state: 'active' });
    expect(s.mission.missionId).toBe(0xdeadbeef);
  });

  it('strips the tab PX4 leaves on status texts and keeps a bounded history', () => {
    const s = createVehicleState(1, 1);
    for (let i = 0; i < 60; i++) {
      const t = Object.assign(new common.StatusText(), {
        severity: 4,
        text: `Preflight Fail ${i}\t`,
        id: 0,
        chunkSeq: 0,
      });
      applyMessage(s, 253, t, i);
    }
    expect(s.statusTexts).toHaveLength(50);
    expect(s.statusTexts.at(-1)).toMatchObject({ text: 'Preflight Fail 59', severityName: 'warning' });
  });
});
