/**
 * The bridge against the simulated fleet over real UDP on loopback: discovery, state, the
 * high-level actions, mission transfers and link loss, for PX4 and ArduPilot.
 */
import { distanceM, MavCmd, MavFrame, type MissionItemInt, MissionType } from '@aerie/missions';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimAndBridge, startSimAndBridge, waitFor } from './harness.ts';

const HOME = { lat: 23.03, lon: 113.14 };
let sys: SimAndBridge | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

function waypoint(seq: number, northM: number, altM = 20): MissionItemInt {
  return {
    seq,
    frame: MavFrame.GlobalRelativeAltInt,
    command: MavCmd.NavWaypoint,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 2,
    param3: 0,
    param4: Number.NaN,
    x: Math.round((HOME.lat + northM / 111_320) * 1e7),
    y: Math.round(HOME.lon * 1e7),
    z: altM,
    missionType: MissionType.Mission,
  };
}

describe('bridge + simulated PX4 fleet over UDP', () => {
  it('discovers every vehicle with its PX4 state', async () => {
    sys = await startSimAndBridge({ vehicles: 3, home: HOME, speedup: 5 });
    const bridge = sys.running.bridge;
    const vehicles = await waitFor(
      () => {
        const v = bridge.vehicles();
        return (
          v.length === 3 && v.every((x) => x.lat !== null && x.landed !== null && x.batteryPct !== null) && v
        );
      },
      10_000,
      'three vehicles with position',
    );
    expect(vehicles.map((v) => v.sysid)).toEqual([1, 2, 3]);
    for (const v of vehicles) {
      expect(v).toMatchObject({ autopilot: 'px4', online: true, armed: false, landed: true });
      expect(distanceM(HOME, { lat: v.lat!, lon: v.lon! })).toBeLessThan(1500);
      expect(v.batteryPct).toBeGreaterThan(90);
      expect(v.gpsFixType).toBeGreaterThanOrEqual(3);
    }
    // Vehicles stand apart, as docks do.
    expect(
      distanceM(
        { lat: vehicles[0]!.lat!, lon: vehicles[0]!.lon! },
        { lat: vehicles[1]!.lat!, lon: vehicles[1]!.lon! },
      ),
    ).toBeGreaterThan(100);
  });

  it('reaches every vehicle of a fleet that shares one ground port with its commands', async () => {
    sys = await startSimAndBridge({ vehicles: 3, home: HOME, speedup: 5 });
    const bridge = sys.running.bridge;
    await waitFor(() => bridge.vehicles().length === 3, 10_000, 'three vehicles');
    for (const sysid of [3, 1, 2]) {
      const v = bridge.vehicle(sysid)!;
      // MAV_CMD_SET_MESSAGE_INTERVAL(BATTERY_STATUS, 2 Hz): each vehicle must answer its own.
      expect(await v.setMessageRate(147, 2), `vehicle ${sysid}`).toMatchObject({ ok: true });
    }
  });

  it('waits out the post-boot arming refusal, takes off, holds, flies to a point and returns to land', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 10 });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
    expect(vehicle).not.toBeNull();
    await waitFor(() => vehicle.state.home, 5000, 'home position');

    // Straight after boot the vehicle refuses to arm (TEMPORARILY_REJECTED) for its settle time.
    const refused = await vehicle.arm();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('TemporarilyRejected');

    const takeoff = await vehicle.takeoff(25, { retryTemporarilyRejectedForMs: 10_000 });
    expect(takeoff).toMatchObject({ ok: true });
    await waitFor(() => (vehicle.state.altRelM ?? 0) > 23, 20_000, 'altitude above 23 m');
    expect(vehicle.state.armed).toBe(true);
    expect(vehicle.state.landed).toBe(false);

    expect(await vehicle.hold()).toMatchObject({ ok: true });
    await waitFor(() => vehicle.state.mode === 'AUTO.LOITER', 5000, 'AUTO.LOITER');

    const target = { lat: HOME.lat + 150 / 111_320, lon: HOME.lon };
    expect(await vehicle.goto(target.lat, target.lon, 30)).toMatchObject({ ok: true });
    await waitFor(
      () => distanceM(target, { lat: vehicle.state.lat!, lon: vehicle.state.lon! }) < 10,
      30_000,
      'arrival at the go-to point',
    );

    expect(await vehicle.returnToLaunch()).toMatchObject({ ok: true });
    await waitFor(() => vehicle.state.mode === 'AUTO.RTL', 5000, 'AUTO.RTL');
    await waitFor(
      () => vehicle.state.landed === true && !vehicle.state.armed,
      60_000,
      'landing and auto-disarm',
    );
    expect(distanceM(HOME, { lat: vehicle.state.lat!, lon: vehicle.state.lon! })).toBeLessThan(5);
  }, 120_000);

  it('refuses an unknown mode by name without sending anything', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 5 });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
    const r = await vehicle.setMode('GUIDED');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UnknownMode');
      expect(r.error.message).toContain('AUTO.LOITER');
    }
  });

  it('uploads a mission, checks the mission id the vehicle reports, and downloads the same items', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 5 });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
    const items = [0, 1, 2, 3, 4].map((i) => waypoint(i, 50 * (i + 1)));
    const progress: number[] = [];
    const up = await vehicle.uploadMission(items, { onProgress: (p) => progress.push(p.sent) });
    expect(up.ok).toBe(true);
    if (!up.ok) return;
    expect(up.value.opaqueId).not.toBe(0);
    expect(progress.at(-1)).toBe(5);
    await waitFor(
      () => vehicle.state.mission.missionId === up.value.opaqueId,
      5000,
      'MISSION_CURRENT.mission_id',
    );
    expect(vehicle.state.mission.total).toBe(5);

    const down = await vehicle.downloadMission();
    expect(down.ok).toBe(true);
    if (!down.ok) return;
    expect(down.value.items.map((i) => [i.seq, i.command, i.x, i.y, i.z])).toEqual(
      items.map((i) => [i.seq, i.command, i.x, i.y, i.z]),
    );

    const cleared = await vehicle.clearMission();
    expect(cleared.ok).toBe(true);
    await waitFor(() => vehicle.state.mission.state === 'no_mission', 5000, 'no mission after clear');
  });

  it('surfaces the vehicle NACK reason and keeps the stored mission', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 5 });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
    const good = await vehicle.uploadMission([waypoint(0, 50), waypoint(1, 100)]);
    expect(good.ok).toBe(true);
    const bad = [waypoint(0, 50), { ...waypoint(1, 100), command: 31999 }];
    const r = await vehicle.uploadMission(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.error)).toContain('UNSUPPORTED');
    const down = await vehicle.downloadMission();
    expect(down.ok && down.value.items.length).toBe(2);
  });

  it('marks a vehicle lost after 3 s of silence and found again on the next heartbeat', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 1 });
    const bridge = sys.running.bridge;
    await bridge.waitForVehicle(1, 5000);
    const events: string[] = [];
    bridge.on('vehicle.lost', (v) => events.push(`lost ${v.sysid}`));
    bridge.on('vehicle.found', (v) => events.push(`found ${v.sysid}`));
    sys.fleet.vehicles[0]!.injectFault({ linkDropS: 4.5 });
    await waitFor(() => events.includes('lost 1'), 6000, 'vehicle.lost');
    expect(bridge.vehicles()[0]!.online).toBe(false);
    await waitFor(() => events.includes('found 1'), 6000, 'vehicle.found');
    expect(bridge.vehicles()[0]!.online).toBe(true);
    expect(events).toEqual(['lost 1', 'found 1']);
  }, 20_000);
});

describe('bridge + simulated ArduPilot Copter', () => {
  it('decodes ArduPilot modes, handles its home item and takes off in GUIDED', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 10, flavour: 'ardupilot' });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
    expect(vehicle.state.autopilot).toBe('ardupilot');
    expect(vehicle.flavour.missionHasHomeItem).toBe(true);

    const items = [0, 1, 2].map((i) => waypoint(i, 40 * i + 40));
    const up = await vehicle.uploadMission(items);
    expect(up.ok).toBe(true);
    const down = await vehicle.downloadMission();
    expect(down.ok).toBe(true);
    if (down.ok) expect(down.value.items.length).toBe(3);

    const takeoff = await vehicle.takeoff(15, { retryTemporarilyRejectedForMs: 10_000 });
    expect(takeoff).toMatchObject({ ok: true });
    await waitFor(() => vehicle.state.mode === 'GUIDED', 5000, 'GUIDED');
    await waitFor(() => (vehicle.state.altRelM ?? 0) > 13, 20_000, 'altitude above 13 m');
    expect(await vehicle.land()).toMatchObject({ ok: true });
    await waitFor(() => vehicle.state.mode === 'LAND', 5000, 'LAND');
  }, 60_000);
});

describe('mission upload over a lossy link', () => {
  it('completes a 200-item upload with 10% loss in both directions', async () => {
    sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 1, faults: { lossPct: 10 } });
    const vehicle = (await sys.running.bridge.waitForVehicle(1, 10_000))!;
    expect(vehicle).not.toBeNull();
    const items = Array.from({ length: 200 }, (_, i) => waypoint(i, 5 * i + 20));
    const up = await vehicle.uploadMission(items);
    expect(up).toMatchObject({ ok: true, value: { count: 200 } });
    sys.fleet.vehicles[0]!.clearFaults();
    const down = await vehicle.downloadMission();
    expect(down.ok && down.value.items.length).toBe(200);
  }, 60_000);
});

describe('parameters through the bridge', () => {
  it.each(['px4', 'ardupilot'] as const)(
    'reads all %s parameters and sets one with read-back',
    async (flavour) => {
      sys = await startSimAndBridge({ vehicles: 1, home: HOME, speedup: 5, flavour });
      const vehicle = (await sys.running.bridge.waitForVehicle(1, 5000))!;
      const all = await vehicle.readParams();
      expect(all.ok).toBe(true);
      if (!all.ok) return;
      expect(all.value.params.length).toBe(all.value.count);
      expect(all.value.count).toBeGreaterThan(3);
      const id = flavour === 'px4' ? 'RTL_RETURN_ALT' : 'RTL_ALT';
      const before = all.value.params.find((p) => p.id === id);
      expect(before).toBeDefined();
      const set = await vehicle.setParam(id, before!.value + 10);
      expect(set).toMatchObject({ ok: true, value: { id, value: before!.value + 10 } });
      const again = await vehicle.readParam(id);
      expect(again).toMatchObject({ ok: true, value: { value: before!.value + 10 } });
    },
  );
});
