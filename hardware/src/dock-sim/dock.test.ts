import { common } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { AerieDockStatus, MavCmd as DockCmd } from '../dialect/aerie-dock.ts';
import { startFleet, startVehicle, type VehicleOptions } from '../sim/fleet.ts';
import { offsetLatLon } from '../sim/geo.ts';
import { commandLong, TestGroundStation, until } from '../sim/testing/ground-station.ts';
import { MavResult } from '../sim/vehicle.ts';
import { DOCK_COMPID, type DockOptions, SimDock } from './dock.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function site(vehicle: VehicleOptions = {}, dock: DockOptions = {}) {
  const gcs = await TestGroundStation.open(0);
  const v = await startVehicle({
    port: 0,
    bindHost: '127.0.0.1',
    gcsPort: gcs.port,
    settleS: 0,
    speedup: 20,
    ...vehicle,
  });
  gcs.vehiclePort = v.port!;
  const d = new SimDock(v, { lidTravelS: 15, ...dock });
  cleanup.push(
    () => gcs.close(),
    () => v.close(),
    () => d.close(),
  );
  return { gcs, v, d };
}

/** Sends a command to `target` and resolves with the acknowledged MAV_RESULT. */
async function cmd(gcs: TestGroundStation, target: number, command: number, params: number[] = []) {
  const m = commandLong(command, params, target) as common.CommandLong;
  m.targetComponent = target === 1 ? 1 : DOCK_COMPID;
  const since = performance.now();
  gcs.send(m);
  const ack = await gcs.waitFor(common.CommandAck, (a) => a.command === command, 3000, since);
  return ack.result;
}

describe('simulated dock', () => {
  it('is a system of its own on the aircraft link: sysid + 100, not an autopilot, status at ~1 Hz', async () => {
    const { gcs, d } = await site({ speedup: 1 });
    expect(d.sysid).toBe(101);
    const status = await gcs.waitFor(AerieDockStatus, () => true, 3000);
    const from = gcs.received.find((r) => r.message === status)!;
    expect([from.sysid, from.compid]).toEqual([101, DOCK_COMPID]);
    await until(() => gcs.received.some((r) => r.msgid === 0 && r.sysid === 101), 3000, 'dock heartbeat');
    const dockHb = gcs.received.find((r) => r.msgid === 0 && r.sysid === 101)!.message as {
      autopilot: number;
    };
    expect(dockHb.autopilot).toBe(8);
    expect(status.lat).toBe(Math.round(d.position.lat * 1e7));
    expect(status.aircraftParked).toBe(1);
    expect(status.lidState).toBe(1);
  });

  it('opens the lid in its travel time (scaled by speedup), reporting opening then open', async () => {
    const { gcs, d } = await site({ speedup: 20 }, { lidTravelS: 15 });
    const t0 = performance.now();
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_LID, [1])).toBe(MavResult.Accepted);
    await gcs.waitFor(AerieDockStatus, (s) => s.lidState === 2, 1000, t0);
    expect(d.status.lid).toBe('opening');
    await gcs.waitFor(AerieDockStatus, (s) => s.lidState === 3, 3000, t0);
    const simS = ((performance.now() - t0) / 1000) * 20;
    // 15 simulated seconds at speedup 20 is 0.75 s real; the clock of the dock follows the aircraft's.
    expect(simS).toBeGreaterThan(14);
    expect(d.status.lidPosition).toBe(1);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_LID, [0])).toBe(MavResult.Accepted);
    await until(() => d.status.lid === 'closed', 3000, 'lid closed');
  });

  it('the aircraft may not arm while the lid is closed over it; prepare for take-off opens and it may', async () => {
    const { gcs, d, v } = await site({ speedup: 30 });
    const since = performance.now();
    expect(await cmd(gcs, 1, 400, [1])).toBe(MavResult.Denied);
    const text = await gcs.waitFor(common.StatusText, (t) => t.text.startsWith('Arming denied'), 1000, since);
    expect(text.text).toBe('Arming denied: dock lid is not open');
    expect(v.armed).toBe(false);

    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_PREPARE_TAKEOFF)).toBe(MavResult.Accepted);
    expect(d.status.cycle).toBe('preparing_takeoff');
    await until(() => d.status.cycle === 'ready_for_takeoff', 3000, 'ready for take-off');
    expect(d.status.lid).toBe('open');
    expect(d.status.charger).toBe('idle');
    expect(await cmd(gcs, 1, 400, [1])).toBe(MavResult.Accepted);
    expect(v.armed).toBe(true);
    // Armed on the pad the aircraft is in the lid's path: closing is refused.
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_LID, [0])).toBe(MavResult.Denied);
  });

  it('charging raises the aircraft battery fast to 80 % and slower above; stops when asked', async () => {
    const { gcs, d, v } = await site({ speedup: 200 }, { chargeTo80Min: 2 });
    v.injectFault({ lowBattery: 10 });
    expect(v.battery.percent).toBe(10);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_CHARGER, [1])).toBe(MavResult.Accepted);
    await until(() => d.status.charger === 'charging', 1000, 'charging');
    const t0 = performance.now();
    await until(() => v.battery.percent >= 70, 5000, 'battery 70 %');
    const t70 = performance.now();
    await until(() => v.battery.percent >= 80, 5000, 'battery 80 %');
    const t80 = performance.now();
    await until(() => v.battery.percent >= 90, 10000, 'battery 90 %');
    const t90 = performance.now();
    // 10 % below 80 vs 10 % above: the constant-voltage phase is clearly slower.
    expect(t90 - t80).toBeGreaterThan(1.5 * ((t70 - t0) / 6));
    expect(d.status.aircraftBatteryPct).toBeGreaterThanOrEqual(90);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_CHARGER, [0])).toBe(MavResult.Accepted);
    const pct = v.battery.percent;
    await new Promise((r) => setTimeout(r, 200));
    expect(v.battery.percent).toBe(pct);
    expect(d.status.charger).toBe('idle');
  });

  it('refuses to charge an empty pad and to prepare a take-off without an aircraft', async () => {
    const { gcs, d } = await site({}, {});
    const [lat, lon] = offsetLatLon(d.position.lat, d.position.lon, 50, 0);
    const far = new SimDock(d.aircraft, { sysid: 150, position: { lat, lon } });
    cleanup.push(() => far.close());
    expect(far.status.aircraftParked).toBe(false);
    expect(await cmd(gcs, 150, DockCmd.AERIE_DOCK_CHARGER, [1])).toBe(MavResult.Denied);
    expect(await cmd(gcs, 150, DockCmd.AERIE_DOCK_PREPARE_TAKEOFF)).toBe(MavResult.Denied);
    expect(await cmd(gcs, 150, 12345)).toBe(MavResult.Unsupported);
  });

  it('lid jam: the lid stops where it is, reports jammed and the fault, refuses to move until cleared', async () => {
    const { gcs, d } = await site({ speedup: 10 }, { lidTravelS: 15 });
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_LID, [1])).toBe(MavResult.Accepted);
    await until(() => d.status.lidPosition > 0.1, 3000, 'lid moving');
    d.injectFault({ lidJam: true });
    const at = d.status.lidPosition;
    const since = performance.now();
    const s = await gcs.waitFor(AerieDockStatus, (m) => m.lidState === 5, 1000, since);
    expect(s.faultFlags & 1).toBe(1);
    expect(s.cycleState).toBe(5);
    await new Promise((r) => setTimeout(r, 200));
    expect(d.status.lidPosition).toBe(at);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_LID, [0])).toBe(MavResult.Failed);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_PREPARE_TAKEOFF)).toBe(MavResult.Failed);
    d.clearFaults();
    await until(() => d.status.lid === 'open', 3000, 'lid open after the jam cleared');
  });

  it('charger fault stops charging and refuses to start; power loss too', async () => {
    const { gcs, d, v } = await site({ speedup: 100 });
    v.injectFault({ lowBattery: 30 });
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_CHARGER, [1])).toBe(MavResult.Accepted);
    d.injectFault({ chargerFault: true });
    const since = performance.now();
    const s = await gcs.waitFor(AerieDockStatus, (m) => m.chargerState === 4, 1000, since);
    expect(s.faultFlags & 2).toBe(2);
    const pct = v.battery.percent;
    await new Promise((r) => setTimeout(r, 200));
    expect(v.battery.percent).toBe(pct);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_CHARGER, [1])).toBe(MavResult.Failed);
    d.clearFaults();
    d.injectFault({ powerLoss: true });
    const p = await gcs.waitFor(AerieDockStatus, (m) => m.mainsPower === 0, 1000, since);
    expect(p.faultFlags & 4).toBe(4);
    expect(await cmd(gcs, d.sysid, DockCmd.AERIE_DOCK_CHARGER, [1])).toBe(MavResult.Failed);
  });

  it('weather set at start and at run time is what the status reports', async () => {
    const { gcs, d } = await site({}, { weather: { windSpeedMps: 4, rainMmPerH: 0 } });
    const first = await gcs.waitFor(AerieDockStatus, () => true, 3000);
    expect(first.windSpeed).toBe(4);
    expect(first.windGust).toBe(4);
    const since = performance.now();
    d.setWeather({ windSpeedMps: 14, windGustMps: 19.5, rainMmPerH: 12 });
    const s = await gcs.waitFor(AerieDockStatus, (m) => m.rainRate === 12, 1000, since);
    expect([s.windSpeed, s.windGust]).toEqual([14, 19.5]);
    expect(() => d.setWeather({ rainMmPerH: -1 })).toThrow(/weather.rainMmPerH must be a number >= 0/);
  });

  it('startFleet({ docks }) pairs a dock with every vehicle at its home, on its link', async () => {
    const gcs = await TestGroundStation.open(0);
    const fleet = await startFleet({
      vehicles: 2,
      basePort: 0,
      bindHost: '127.0.0.1',
      gcsPort: gcs.port,
      docks: { lidTravelS: 5 },
    });
    cleanup.push(
      () => gcs.close(),
      () => fleet.close(),
    );
    expect(fleet.docks.map((d) => d.sysid)).toEqual([101, 102]);
    expect(fleet.docks[1]!.position.lat).toBeCloseTo(fleet.vehicles[1]!.homePosition.lat, 9);
    await until(
      () =>
        [101, 102].every((id) =>
          gcs.received.some((r) => r.sysid === id && r.message instanceof AerieDockStatus),
        ),
      3000,
      'both docks reporting',
    );
  });
});
