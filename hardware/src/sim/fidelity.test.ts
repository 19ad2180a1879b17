/** What the simulator says the way PX4 v1.16 says it (FIELD-NOTES, docs/simulator-vs-px4.md). */
import { itemAt, MavFrame } from '@aerie/missions';
import { common, type MavLinkData } from 'node-mavlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameDecoder, FrameEncoder } from './codec.ts';
import { startVehicle } from './fleet.ts';
import { UdpLink } from './link.ts';
import { MemoryLink } from './testing/memory-link.ts';
import type { SimVehicle } from './vehicle.ts';

let vehicle: SimVehicle | undefined;
afterEach(async () => {
  await vehicle?.close();
  vehicle = undefined;
  vi.useRealTimers();
});

/** A vehicle on an in-memory link, under fake timers, and what it sent. */
async function onMemoryLink(opts: Parameters<typeof startVehicle>[0] = {}) {
  vi.useFakeTimers();
  const link = new MemoryLink();
  const got: MavLinkData[] = [];
  const decoder = new FrameDecoder((d) => got.push(d.message));
  link.ground.onData((buf) => decoder.push(buf));
  vehicle = await startVehicle({ link: link.vehicle, settleS: 0, ...opts });
  const gcs = new FrameEncoder(245, 190);
  const command = (id: number, params: number[] = []) => {
    const m = new common.CommandLong();
    m.targetSystem = 1;
    m.targetComponent = 1;
    m.command = id;
    [m._param1 = 0, m._param2 = 0, m._param3 = 0] = params;
    link.ground.write(gcs.encode(m));
  };
  return { got, command };
}

describe('simulator fidelity to PX4 v1.16', () => {
  it('a long status text goes out as MAVLink 2 STATUSTEXT chunks (id, chunk_seq) of 50 characters', async () => {
    const { got, command } = await onMemoryLink({ home: { lat: 23.03, lon: 113.14, altM: 460 } });
    command(20); // MAV_CMD_NAV_RETURN_TO_LAUNCH
    await vi.advanceTimersByTimeAsync(100);
    const texts = got.filter((m) => m instanceof common.StatusText) as common.StatusText[];
    const rtl = texts.filter((t) => t.id === texts.find((x) => x.text.startsWith('RTL:'))?.id);
    expect(rtl.map((t) => [t.chunkSeq, t.text])).toEqual([
      [0, 'RTL: start return at 520 m (60 m above destination'],
      [1, ')\t'],
    ]);
    // Every text has an id of its own (PX4 numbers them all).
    expect(new Set(texts.map((t) => t.id)).size).toBe(texts.length - 1);
  });

  it('BATTERY_STATUS cell voltages add up to the SYS_STATUS pack voltage as the charge changes', async () => {
    const { got } = await onMemoryLink({
      rates: { sysStatus: 10, batteryStatus: 10 },
      faults: { lowBattery: 77.77 },
    });
    await vi.advanceTimersByTimeAsync(300);
    vehicle!.injectFault({ lowBattery: 33.33 });
    await vi.advanceTimersByTimeAsync(300);
    const sys = got.filter((m) => m instanceof common.SysStatus) as common.SysStatus[];
    const bat = got.filter((m) => m instanceof common.BatteryStatus) as common.BatteryStatus[];
    expect(sys.length).toBeGreaterThan(3);
    expect(bat.length).toBeGreaterThan(3);
    const packs = new Set(sys.map((s) => s.voltageBattery));
    expect(packs.size).toBe(2);
    for (const b of bat) {
      const cells = b.voltages.filter((v) => v !== 65535);
      expect(cells).toHaveLength(4);
      expect(packs.has(cells.reduce((a, v) => a + v, 0))).toBe(true);
    }
  });

  it('listens on loopback unless told otherwise', async () => {
    vehicle = await startVehicle({ port: 0 });
    expect((vehicle.link.inner as UdpLink).host).toBe('127.0.0.1');
    await vehicle.close();
    vehicle = await startVehicle({ port: 0, bindHost: '0.0.0.0' });
    expect((vehicle.link.inner as UdpLink).host).toBe('0.0.0.0');
    expect(vehicle.link.inner).toBeInstanceOf(UdpLink);
  });
});

describe('how a mission ends (PX4)', () => {
  const item = (command: number, lat: number, z: number) =>
    itemAt(MavFrame.GlobalRelativeAlt, command, { lat, lon: 113.14 }, z);

  it.each([
    ['a land item', 21, 'Mission finished, landed\t'],
    ['a waypoint', 16, 'Mission finished, loitering\t'],
  ] as const)('a mission ending in %s says so', async (_name, last, text) => {
    const { got, command } = await onMemoryLink({ speedup: 10, rates: { missionCurrent: 1 } });
    vehicle!.storeMission(0, [item(22, 23.03, 10), item(16, 23.0302, 10), item(last, 23.0302, 10)]);
    command(400, [1]);
    command(300);
    await vi.advanceTimersByTimeAsync(8000);
    const texts = (got.filter((m) => m instanceof common.StatusText) as common.StatusText[]).map(
      (t) => t.text,
    );
    expect(texts.filter((t) => t.startsWith('Mission finished'))).toEqual([text]);
    expect(vehicle!.missionProgress.state).toBe(5);
    expect(vehicle!.landed).toBe(last === 21);
  });
});
