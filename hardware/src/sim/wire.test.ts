import { common, minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startFleet, startVehicle } from './fleet.ts';
import { distanceM } from './geo.ts';
import { commandLong, TestGroundStation } from './testing/ground-station.ts';
import { vehicleWithGcs } from './testing/vehicle-gcs.ts';
import type { SimVehicle } from './vehicle.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function groundHeartbeat(): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = 6; // MAV_TYPE_GCS
  hb.autopilot = 8; // MAV_AUTOPILOT_INVALID
  hb.mavlinkVersion = 3;
  return hb;
}

describe('heartbeat on the wire', () => {
  it('PX4: autopilot 12, quadrotor, AUTO.LOITER in custom_mode, custom flag, disarmed; MAVLink 2 from 1/1', async () => {
    // A host name is resolved once at start.
    const { gcs } = await vehicleWithGcs({ speedup: 5, gcsHost: 'localhost' });
    await gcs.waitFor(minimal.Heartbeat);
    const r = gcs.received.find((m) => m.message instanceof minimal.Heartbeat)!;
    const hb = r.message as minimal.Heartbeat;
    expect([r.sysid, r.compid, r.version]).toEqual([1, 1, 2]);
    expect(hb.autopilot).toBe(12);
    expect(hb.type).toBe(2);
    expect(hb.customMode).toBe(0x03040000);
    expect((hb.customMode >> 16) & 0xff).toBe(4);
    expect(hb.customMode >>> 24).toBe(3);
    expect(hb.baseMode & 1).toBe(1);
    expect(hb.baseMode & 0x80).toBe(0);
  });

  it('ArduPilot: autopilot 3 and plain Copter mode numbers', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 5, flavour: 'ardupilot', sysid: 4 });
    const hb = await gcs.waitFor(minimal.Heartbeat);
    const r = gcs.received.find((m) => m.message instanceof minimal.Heartbeat)!;
    expect(r.sysid).toBe(4);
    expect(hb.autopilot).toBe(3);
    expect(hb.customMode).toBe(0);
  });

  it('sequence numbers count up per vehicle', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 10 });
    await gcs.waitFor(common.Attitude);
    await gcs.next(common.Attitude);
    const seqs = gcs.received.slice(0, 10).map((r) => r.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xff);
  });
});

describe('addressing', () => {
  it('answers whoever sent the last packet, as PX4 does', async () => {
    const { gcs: a, v } = await vehicleWithGcs({ speedup: 10 });
    await a.waitFor(minimal.Heartbeat);
    const b = await TestGroundStation.open(v.port!);
    cleanup.push(() => b.close());
    b.send(groundHeartbeat());
    await b.waitFor(common.Attitude);
    const switchedAt = performance.now();
    await b.next(common.Attitude);
    await new Promise((r) => setTimeout(r, 150));
    // Nothing more reaches A once B has spoken (allow for frames already in flight).
    expect(a.count(common.Attitude, switchedAt + 20)).toBe(0);
    a.send(groundHeartbeat());
    await a.next(common.Attitude);
  });

  it('ignores commands for another system, accepts its own and broadcast ones, in MAVLink 1 and 2', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 10 });
    const t0 = performance.now();
    gcs.send(commandLong(9999, [], 7));
    await new Promise((r) => setTimeout(r, 200));
    expect(gcs.count(common.CommandAck, t0)).toBe(0);
    gcs.send(commandLong(9999, [], 0));
    expect(
      (await gcs.waitFor(common.CommandAck, (a) => (a.command as number) === 9999, 2000, t0)).result,
    ).toBe(3);
    const t1 = performance.now();
    gcs.send(commandLong(9998, [], 1), { v1: true });
    expect(
      (await gcs.waitFor(common.CommandAck, (a) => (a.command as number) === 9998, 2000, t1)).result,
    ).toBe(3);
  });
});

describe('fleet', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  it('numbers vehicles 1..N on their own ports, a few hundred metres apart around home', async () => {
    const gcs = await TestGroundStation.open(0);
    cleanup.push(() => gcs.close());
    fleet = await startFleet({ vehicles: 4, basePort: 0, gcsPort: gcs.port, speedup: 5, spacingM: 300 });
    const vs: readonly SimVehicle[] = fleet.vehicles;
    expect(vs.map((v) => v.sysid)).toEqual([1, 2, 3, 4]);
    expect(new Set(vs.map((v) => v.port)).size).toBe(4);
    expect(vs[0]!.position.lat).toBeCloseTo(23.03, 6);
    expect(vs[0]!.position.lon).toBeCloseTo(113.14, 6);
    const d = distanceM(vs[0]!.position.lat, vs[0]!.position.lon, vs[1]!.position.lat, vs[1]!.position.lon);
    expect(d).toBeGreaterThan(250);
    expect(d).toBeLessThan(350);
    const seen = new Set<number>();
    gcs.onMessage((r) => {
      if (r.message instanceof minimal.Heartbeat) seen.add(r.sysid);
    });
    await new Promise((r) => setTimeout(r, 400));
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad options with a message naming the option', async () => {
    await expect(startFleet({ vehicles: 0 })).rejects.toThrow(/vehicles must be an integer 1-254, got 0/);
    await expect(startFleet({ vehicles: 1, home: { lat: 95, lon: 0 } })).rejects.toThrow(/home\.lat/);
    await expect(startVehicle({ speedup: -1, port: 0 })).rejects.toThrow(/speedup must be a number > 0/);
  });
});
