import { common, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { VehicleOptions } from './fleet.ts';
import { offsetLatLon } from './geo.ts';
import { command, missionItem, until, uploadMission } from './testing/ground-station.ts';
import { vehicleWithGcs as openVehicleWithGcs } from './testing/vehicle-gcs.ts';

/** A vehicle that needs no settling time, with a ground station. */
const vehicleWithGcs = (opts: VehicleOptions = {}) => openVehicleWithGcs({ settleS: 0, ...opts });

const HOME = { lat: 23.03, lon: 113.14 };

/** Take-off to 30 m, two waypoints 150 m apart, return: the reference patrol. */
function patrol(seqOffset = 0): common.MissionItemInt[] {
  const [lat1, lon1] = offsetLatLon(HOME.lat, HOME.lon, 150, 0);
  const [lat2, lon2] = offsetLatLon(HOME.lat, HOME.lon, 150, 150);
  return [
    missionItem(seqOffset, 22, 0, 0, 30),
    missionItem(seqOffset + 1, 16, lat1, lon1, 30),
    missionItem(seqOffset + 2, 16, lat2, lon2, 30),
    missionItem(seqOffset + 3, 20, 0, 0, 0, { frame: 2 }),
  ];
}

describe('a patrol flown to completion', () => {
  it('PX4: AUTO.MISSION -> AUTO.RTL, items reached, state complete, lands and disarms in about three simulated minutes', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 60 });
    expect((await uploadMission(gcs, patrol())).type).toBe(0);
    const modes = new Set<number>();
    const reached: number[] = [];
    gcs.onMessage((r) => {
      if (r.message instanceof minimal.Heartbeat) modes.add(r.message.customMode);
      if (r.message instanceof common.MissionItemReached) reached.push(r.message.seq);
    });
    expect(await command(gcs, 400, [1])).toBe(0);
    expect(await command(gcs, 300, [0, 0])).toBe(0);
    expect(v.mode.name).toBe('AUTO.MISSION');
    const t0 = v.simTimeS;
    await gcs.next(common.MissionCurrent, (c) => c.missionState === 3, 3000);
    await until(() => v.position.altRelM > 20, 5000, 'climbing');
    await until(() => v.mode.name === 'AUTO.RTL', 10_000, 'AUTO.RTL from the mission RTL item');
    await until(() => v.landed && !v.armed, 10_000, 'landing and auto-disarm');
    const flightS = v.simTimeS - t0;
    expect(flightS).toBeGreaterThan(120);
    expect(flightS).toBeLessThan(260);

    const done = await gcs.next(common.MissionCurrent, () => true, 3000);
    expect([done.seq, done.total, done.missionState]).toEqual([3, 4, 5]);
    const landed = await gcs.next(common.ExtendedSysState, () => true, 3000);
    expect(landed.landedState).toBe(1);
    expect(modes).toContain(0x04040000);
    expect(modes).toContain(0x05040000);
    // Items are reported in order and repeated (~10 times at 1 Hz, as PX4); one reached in the
    // same instant as the next (a waypoint followed by RTL) may be skipped, as on PX4.
    expect(reached).toEqual([...reached].sort((a, b) => a - b));
    expect(reached).toContain(1);
    expect(reached.at(-1)).toBe(3);
    expect(reached.length).toBeGreaterThan(8);
    const home = v.homePosition;
    expect(Math.abs(v.position.lat - home.lat)).toBeLessThan(1e-5);
    expect(v.battery.percent).toBeLessThan(100);
    expect(v.battery.percent).toBeGreaterThan(70);
  });

  it('ArduPilot: AUTO flies items 1..n (home is 0), RTL, lands and disarms', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 60, flavour: 'ardupilot' });
    const items = [missionItem(0, 16, HOME.lat, HOME.lon, 0, { frame: 0 }), ...patrol(1)];
    expect((await uploadMission(gcs, items)).type).toBe(0);
    const reached = new Set<number>();
    gcs.onMessage((r) => {
      if (r.message instanceof common.MissionItemReached) reached.add(r.message.seq);
    });
    expect(await command(gcs, 176, [1, 3])).toBe(0);
    expect(v.mode.name).toBe('AUTO');
    expect(await command(gcs, 400, [1])).toBe(0);
    await until(() => v.position.altRelM > 10, 5000, 'climbing');
    await until(() => v.landed && !v.armed, 15_000, 'landing and disarm');
    expect(reached.has(1) && reached.has(4)).toBe(true);
    expect([...reached].every((seq) => seq >= 1 && seq <= 4)).toBe(true);
    expect(v.missionProgress.state).toBe(5);
  });
});

describe('in-flight control and failsafes', () => {
  it('pause holds in AUTO.LOITER (mission paused), continue resumes AUTO.MISSION', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40 });
    await uploadMission(gcs, patrol());
    await command(gcs, 400, [1]);
    await command(gcs, 300);
    await until(() => v.missionProgress.seq === 1 && v.position.altRelM > 29, 8000, 'first waypoint leg');
    expect(await command(gcs, 193, [0])).toBe(0);
    expect(v.mode.name).toBe('AUTO.LOITER');
    const paused = await gcs.next(common.MissionCurrent, () => true, 2000);
    expect(paused.missionState).toBe(4);
    const p0 = v.position;
    await new Promise((r) => setTimeout(r, 200));
    expect(Math.abs(v.position.lat - p0.lat)).toBeLessThan(5e-5);
    expect(await command(gcs, 193, [1])).toBe(0);
    expect(v.mode.name).toBe('AUTO.MISSION');
    expect((await gcs.next(common.MissionCurrent, () => true, 2000)).missionState).toBe(3);
  });

  it('low battery in flight: STATUSTEXT warning and return to launch', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40 });
    await command(gcs, 400, [1]);
    await command(gcs, 22, [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, v.homePosition.altM + 20]);
    await until(() => v.mode.name === 'AUTO.LOITER', 5000, 'at altitude');
    const t0 = performance.now();
    v.injectFault({ lowBattery: true });
    const text = await gcs.waitFor(common.StatusText, (s) => /critical battery/i.test(s.text), 2000, t0);
    expect(text.severity).toBeLessThanOrEqual(4);
    expect(v.mode.name).toBe('AUTO.RTL');
    const batt = await gcs.next(common.BatteryStatus, () => true, 3000);
    expect(batt.batteryRemaining).toBeLessThanOrEqual(7);
    await until(() => !v.armed, 10_000, 'landed after the failsafe');
  });

  it('wind drifts ground speed against airspeed on a leg', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40, wind: { northMps: -3, eastMps: 0 } });
    await command(gcs, 400, [1]);
    await command(gcs, 22, [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, v.homePosition.altM + 20]);
    await until(() => v.mode.name === 'AUTO.LOITER', 5000, 'at altitude');
    const [lat, lon] = offsetLatLon(v.position.lat, v.position.lon, 600, 0);
    expect(await command(gcs, 192, [-1, 1, 0, Number.NaN, lat, lon, Number.NaN])).toBe(0);
    const hud = await gcs.next(common.VfrHud, (h) => h.groundspeed > 1, 3000);
    // Headwind of 3 m/s against PX4's 5 m/s cruise: slower over the ground than through the air.
    expect(hud.airspeed - hud.groundspeed).toBeGreaterThan(2);
  });
});
