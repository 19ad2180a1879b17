import { common, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { VehicleOptions } from './fleet.ts';
import { command, commandLong, sleep, until } from './testing/ground-station.ts';
import { vehicleWithGcs as openVehicleWithGcs } from './testing/vehicle-gcs.ts';

/** A vehicle that needs no settling time, with a ground station. */
const vehicleWithGcs = (opts: VehicleOptions = {}) => openVehicleWithGcs({ settleS: 0, ...opts });

/** Share of frames lost, from the gaps in the vehicle's sequence numbers. */
function lossFromSequence(seqs: number[]): number {
  let sent = 0;
  for (let i = 1; i < seqs.length; i++) sent += (seqs[i]! - seqs[i - 1]! + 256) % 256;
  return 1 - (seqs.length - 1) / sent;
}

describe('link faults', () => {
  it('packet loss drops roughly the configured share out, and in', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 20, faults: { lossPct: 30 } });
    await sleep(1200);
    const seqs = gcs.received.map((r) => r.seq);
    expect(seqs.length).toBeGreaterThan(150);
    const loss = lossFromSequence(seqs);
    expect(loss).toBeGreaterThan(0.2);
    expect(loss).toBeLessThan(0.4);

    // Inbound: of 200 commands about 30 % never arrive, so about 49 % of round trips fail.
    v.injectFault({ lossPct: 30 });
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) gcs.send(commandLong(31000 + i));
    await sleep(400);
    const acks = gcs.received.filter((r) => r.at >= t0 && r.message instanceof common.CommandAck).length;
    expect(acks).toBeGreaterThan(200 * 0.7 * 0.7 * 0.7);
    expect(acks).toBeLessThan(200 * 0.7 * 0.7 * 1.3);

    v.clearFaults();
    const t1 = performance.now() + 50;
    await sleep(350);
    expect(lossFromSequence(gcs.received.filter((r) => r.at >= t1).map((r) => r.seq))).toBe(0);
  });

  it('link drop: nothing in or out for the given seconds, then traffic resumes', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 10 });
    await gcs.waitFor(minimal.Heartbeat);
    v.injectFault({ linkDropS: 0.5 });
    const t0 = performance.now();
    gcs.send(commandLong(31337));
    await sleep(400);
    expect(gcs.received.filter((r) => r.at >= t0 + 20).length).toBe(0);
    await gcs.next(minimal.Heartbeat, () => true, 2000);
    expect(performance.now() - t0).toBeGreaterThan(450);
    // The command sent during the drop was lost, not queued.
    expect(gcs.count(common.CommandAck, t0)).toBe(0);
  });

  it('latency delays answers by about the configured time', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 5 });
    v.injectFault({ latencyMs: 120 });
    const t0 = performance.now();
    expect(await command(gcs, 31337)).toBe(3);
    expect(performance.now() - t0).toBeGreaterThan(230);
  });
});

describe('vehicle faults', () => {
  it('GPS loss: fix 0, no satellites, a STATUSTEXT, arming refused; restored on clear', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 10 });
    const t0 = performance.now();
    v.injectFault({ gpsLoss: true });
    const text = await gcs.waitFor(common.StatusText, (s) => /gps/i.test(s.text), 2000, t0);
    expect(text.severity).toBeLessThanOrEqual(4);
    const gps = await gcs.waitFor(common.GpsRawInt, () => true, 2000, t0 + 5);
    expect([gps.fixType, gps.satellitesVisible]).toEqual([0, 0]);
    expect(await command(gcs, 400, [1])).toBe(1);
    v.clearFaults();
    const t1 = performance.now();
    const back = await gcs.waitFor(common.GpsRawInt, () => true, 2000, t1 + 5);
    expect(back.fixType).toBe(3);
    expect(back.satellitesVisible).toBeGreaterThan(5);
    expect(await command(gcs, 400, [1])).toBe(0);
  });

  it('low battery on the ground shows in SYS_STATUS and BATTERY_STATUS', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 10 });
    v.injectFault({ lowBattery: 12 });
    const t0 = performance.now();
    const sys = await gcs.waitFor(common.SysStatus, () => true, 2000, t0 + 5);
    expect(sys.batteryRemaining).toBe(12);
    const warn = await gcs.waitFor(common.StatusText, (s) => /low battery/i.test(s.text), 2000, 0);
    expect(warn.severity).toBe(4);
    await until(() => v.battery.percent === 12, 1000, 'battery state');
  });
});
