import { bearingDeg, distanceM, mulMat, planOrbit, rotationZYX, toMissionItems } from '@aerie/missions';
import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { offsetLatLon } from './geo.ts';
import { type AttitudeDeg, bodyRelative, type Params7, quaternionFromDeg, SimGimbal } from './gimbal.ts';
import { command, until, uploadMission } from './testing/ground-station.ts';
import { vehicleWithGcs } from './testing/vehicle-gcs.ts';

const NAN = Number.NaN;
const HOME = { lat: 23.03, lon: 113.14 };

const matrix = (a: AttitudeDeg) => rotationZYX(a.yawDeg, a.pitchDeg, a.rollDeg);

function expectSameRotation(a: ReturnType<typeof matrix>, b: ReturnType<typeof matrix>): void {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(a[i]![j]!).toBeCloseTo(b[i]![j]!, 9);
}

describe('simulated gimbal (PX4 gimbal manager, stabilising gimbal device)', () => {
  const pitchYaw = (pitch: number, yaw: number, flags = 0): Params7 => [pitch, yaw, NAN, NAN, flags, 0, 0];

  it('looks straight down until commanded, whatever the vehicle does', () => {
    const g = new SimGimbal();
    expect(g.cameraAttitude({ rollDeg: 8, pitchDeg: -5, yawDeg: 120 })).toEqual({
      rollDeg: 0,
      pitchDeg: -90,
      yawDeg: 120,
    });
  });

  it('DO_GIMBAL_MANAGER_PITCHYAW: pitch held against the horizon, yaw follows the heading, NaN keeps an axis', () => {
    const g = new SimGimbal();
    expect(g.command(1000, pitchYaw(-35, NAN))).toBe(true);
    const tilted = { rollDeg: 12, pitchDeg: -7, yawDeg: 250 };
    expect(g.cameraAttitude(tilted)).toEqual({ rollDeg: 0, pitchDeg: -35, yawDeg: 250 });
    g.command(1000, pitchYaw(NAN, 30));
    expect(g.cameraAttitude(tilted)).toEqual({ rollDeg: 0, pitchDeg: -35, yawDeg: 280 });
    // YAW_LOCK (16): the yaw is a bearing from north, whatever the heading.
    g.command(1000, pitchYaw(-20, 90, 16));
    expect(g.cameraAttitude(tilted)).toMatchObject({ pitchDeg: -20, yawDeg: 90 });
    expect(g.setpoint.yawLock).toBe(true);
    // NEUTRAL (2): level, straight ahead.
    g.command(1000, pitchYaw(-60, 0, 2));
    expect(g.cameraAttitude(tilted)).toEqual({ rollDeg: 0, pitchDeg: 0, yawDeg: 250 });
    expect(g.command(16, [0, 0, 0, 0, 0, 0, 0])).toBe(false);
  });

  it('DO_MOUNT_CONTROL in MAVLink targeting: param1 pitch, param2 roll, param3 yaw relative to the vehicle', () => {
    const g = new SimGimbal();
    expect(g.command(205, [-45, 5, 10, 0, 0, 0, 2])).toBe(true);
    expect(g.cameraAttitude({ rollDeg: 0, pitchDeg: 0, yawDeg: 355 })).toEqual({
      rollDeg: 5,
      pitchDeg: -45,
      yawDeg: 5,
    });
    g.command(205, [0, 0, 0, 0, 0, 0, 1]);
    expect(g.setpoint).toMatchObject({ pitchDeg: 0, rollDeg: 0, yawDeg: 0 });
  });

  it('gives body-relative angles that, composed with the attitude, are the camera attitude exactly', () => {
    const g = new SimGimbal();
    const attitudes = [
      { rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
      { rollDeg: 14, pitchDeg: -9, yawDeg: 73 },
      { rollDeg: -25, pitchDeg: 18, yawDeg: 301 },
    ];
    for (const cmd of [pitchYaw(-90, NAN), pitchYaw(-35, NAN), pitchYaw(-10, 40, 16)]) {
      g.command(1000, cmd);
      for (const att of attitudes) {
        const rel = g.bodyRelative(att);
        expectSameRotation(mulMat(matrix(att), matrix(rel)), matrix(g.cameraAttitude(att)));
      }
    }
    // Straight down from a level body: yaw and roll are one axis; roll is 0.
    expect(bodyRelative(g.setpoint, attitudes[0]!).rollDeg).not.toBeNaN();
  });

  it('turns an attitude into the quaternion MAVLink sends (w, x, y, z)', () => {
    const q = quaternionFromDeg({ rollDeg: 0, pitchDeg: -90, yawDeg: 0 });
    expect(q[0]).toBeCloseTo(Math.SQRT1_2, 9);
    expect(q[2]).toBeCloseTo(-Math.SQRT1_2, 9);
  });
});

describe('an orbit flown by the simulated autopilot', () => {
  it('points the gimbal as the orbit item says and reports it in GIMBAL_DEVICE_ATTITUDE_STATUS', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40, settleS: 0 });
    const [cLat, cLon] = offsetLatLon(HOME.lat, HOME.lon, 60, 0);
    const orbit = planOrbit({
      center: { lat: cLat, lon: cLon },
      radiusM: 40,
      altM: 30,
      pointsPerTurn: 8,
      turns: 0.5,
      home: { ...HOME },
    });
    if (!orbit.ok) throw new Error(orbit.error.message);
    const pitch = orbit.plan.route.items.find((it) => it.type === 'gimbal');
    expect(pitch).toMatchObject({ type: 'gimbal', pitchDeg: -36.9 });
    const planned = toMissionItems(orbit.plan.route, { flavour: 'px4' });
    expect(planned.some((it) => it.command === 1000)).toBe(true);
    const items = planned.map((it) =>
      Object.assign(new common.MissionItemInt(), it, { targetSystem: 1, targetComponent: 1 }),
    );
    expect((await uploadMission(gcs, items)).type).toBe(0);
    const statuses: common.GimbalDeviceAttitudeStatus[] = [];
    const managers: common.GimbalManagerStatus[] = [];
    gcs.onMessage((r) => {
      if (r.message instanceof common.GimbalDeviceAttitudeStatus) statuses.push(r.message);
      if (r.message instanceof common.GimbalManagerStatus) managers.push(r.message);
    });
    // Straight down before the mission.
    await until(() => statuses.length > 0, 5000, 'a gimbal status');
    expect(v.cameraAttitudeDeg.pitchDeg).toBe(-90);
    expect(await command(gcs, 400, [1])).toBe(0);
    expect(await command(gcs, 300, [0, 0])).toBe(0);
    await until(() => v.gimbal.setpoint.pitchDeg !== -90, 20_000, 'the gimbal item passed');
    // The item's param1 travels as a float32.
    expect(v.gimbal.setpoint.pitchDeg).toBeCloseTo(-36.9, 4);
    expect(v.gimbal.setpoint.yawLock).toBe(false);
    const n = statuses.length;
    await until(() => statuses.length > n + 1, 5000, 'a status after the item');
    const last = statuses.at(-1)!;
    // q is the camera's attitude in NED: pitch -36.9, yaw along the heading.
    const [w, x, y, z] = last.q;
    const pitchDeg = (Math.asin(2 * (w! * y! - z! * x!)) * 180) / Math.PI;
    expect(pitchDeg).toBeCloseTo(-36.9, 1);
    expect(last.gimbalDeviceId).toBe(1);
    expect(Number(last.flags) & (4 | 8 | 64)).toBe(4 | 8 | 64);
    expect(managers.length).toBeGreaterThan(0);
    expect(managers.at(-1)!.primaryControlSysid).toBe(1);
    // On the circle the nose goes along the track and the camera looks at the centre.
    const center = { lat: cLat, lon: cLon };
    const off = (a: number, b: number) => Math.abs(((((a - b) % 360) + 540) % 360) - 180);
    const looks: number[] = [];
    const firstWp = planned.findIndex((it) => it.command === 16);
    const lastWp = planned.map((it) => it.command).lastIndexOf(16);
    await until(
      () => {
        const p = v.position;
        // Past the first point of the circle, before the last (then it turns for home).
        const seq = v.missionProgress.seq;
        if (seq > firstWp && seq <= lastWp && Math.abs(distanceM(p, center) - 40) < 3)
          looks.push(off(v.cameraAttitudeDeg.yawDeg, bearingDeg(p, center)));
        return looks.length >= 26;
      },
      20_000,
      'the aircraft on the circle',
    );
    // Once it has turned onto the circle (its yaw slews at the first point), within 20 deg.
    expect(Math.max(...looks.slice(6)), JSON.stringify(looks)).toBeLessThan(20);
    // As a command too, answered ACCEPTED.
    expect(await command(gcs, 1000, [-60, Number.NaN, Number.NaN, Number.NaN, 0, 0, 0])).toBe(0);
    expect(v.gimbal.setpoint.pitchDeg).toBe(-60);
  }, 60_000);
});
