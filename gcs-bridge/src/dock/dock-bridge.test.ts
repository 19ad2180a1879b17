/**
 * The bridge with a simulated dock and its aircraft on one UDP link: the dock dialect decodes
 * through the bridge's own framing, the dock is found as a dock (never a vehicle), its cycle
 * follows its reports and the commands it accepted, and its faults come out as events.
 */
import { aerieDock, type Fleet, startFleet } from '@aerie/hardware';
import { MavLinkProtocolV2 } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCK_SORTIE_STATES, type DockEventPayload, type DockStatusPayload } from '../channel/events.ts';
import { MavlinkDecoder } from '../codec/frame.ts';
import { messageEntry } from '../codec/registry.ts';
import { openBridge, type RunningBridge } from '../open-bridge.ts';
import { waitFor } from '../testing/wait.ts';

let fleet: Fleet | undefined;
let running: RunningBridge | undefined;
afterEach(async () => {
  await running?.close();
  await fleet?.close();
  running = undefined;
  fleet = undefined;
});

async function site(speedup = 20, vehicles = 1) {
  const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
  if (!opened.ok) throw new Error(opened.error.message);
  running = opened.value;
  const gcsPort = running.connections[0]!.link.localPort()!;
  fleet = await startFleet({
    vehicles,
    basePort: 0,
    bindHost: '127.0.0.1',
    gcsHost: '127.0.0.1',
    gcsPort,
    speedup,
    settleS: 0,
    docks: { lidTravelS: 10 },
  });
  const bridge = running.bridge;
  const events: DockEventPayload[] = [];
  const states: DockStatusPayload[] = [];
  bridge.on('dock.event', (_sysid, e) => events.push(e));
  bridge.on('dock.state', (s) => states.push(s));
  return { bridge, fleet, events, states, dock: fleet.docks[0]!, aircraft: fleet.vehicles[0]! };
}

describe('dock dialect in the bridge codec', () => {
  it('a status serialised by node-mavlink decodes field for field through the bridge framing', () => {
    const m = new aerieDock.AerieDockStatus();
    Object.assign(m, {
      timeBootMs: 99,
      lidState: aerieDock.AerieDockLidState.CLOSING,
      chargerState: aerieDock.AerieDockChargerState.FULL,
      cycleState: aerieDock.AerieDockCycleState.READY_FOR_LANDING,
      aircraftParked: 1,
      aircraftBattery: 87,
      mainsPower: 0,
      faultFlags: aerieDock.AerieDockFault.POWER_LOSS,
      temperature: -5.5,
      humidity: 95,
      windSpeed: 12.5,
      windGust: 17,
      rainRate: 30,
      lat: -339000000,
      lon: 1512000000,
      alt: -2500,
    });
    const frames: { bytes: Buffer; offset: number; msgid: number }[] = [];
    const decoder = new MavlinkDecoder((bytes, offset, _length, msgid) =>
      frames.push({ bytes: Buffer.from(bytes), offset, msgid }),
    );
    decoder.push(new MavLinkProtocolV2(150, 25).serialize(m, 3));
    expect(decoder.counters).toMatchObject({ crcErrors: 0, unknownIds: 0 });
    expect(frames.map((f) => f.msgid)).toEqual([52500]);
    const entry = messageEntry(aerieDock.AerieDockStatus.MSG_ID)!;
    expect(entry.name).toBe('AERIE_DOCK_STATUS');
    // MAVLink 2 trims trailing zeros; the connection pads the payload before decoding, as here.
    const f = frames[0]!;
    const len = f.bytes[f.offset + 1]!;
    const payload = Buffer.alloc(entry.payloadLength);
    f.bytes.copy(payload, 0, f.offset + 10, f.offset + 10 + len);
    const back = entry.decode(payload, 0);
    expect(back).toBeInstanceOf(aerieDock.AerieDockStatus);
    expect({ ...back }).toEqual({ ...m });
  });
});

describe('bridge with a simulated dock on its aircraft link (UDP)', () => {
  it('finds the dock as a dock, not a vehicle, with its status', async () => {
    const { bridge, dock } = await site();
    const found = await waitFor(() => bridge.docks()[0], 5000, 'the dock');
    expect(found).toMatchObject({
      sysid: 101,
      compid: 25,
      state: 'idle',
      lid: 'closed',
      charger: 'idle',
      aircraftParked: true,
      mainsPower: true,
      faults: [],
    });
    expect(found.lat).toBeCloseTo(dock.position.lat, 6);
    expect(found.aircraftBatteryPct).toBe(100);
    await waitFor(() => bridge.vehicles().length === 1, 5000, 'the aircraft');
    await new Promise((r) => setTimeout(r, 300));
    expect(bridge.vehicles().map((v) => v.sysid)).toEqual([1]);
  });

  it('prepare for take-off: preparing then ready, and the aircraft may arm only then', async () => {
    const { bridge, events } = await site(20);
    const vehicle = (await bridge.waitForVehicle(1, 5000))!;
    const dock = (await bridge.waitForDock(101, 5000))!;
    const refused = await vehicle.arm();
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('Denied');

    const r = await dock.prepareTakeoff();
    expect(r.ok).toBe(true);
    expect(bridge.docks()[0]!.state).toBe('preparing');
    await waitFor(() => bridge.docks()[0]!.state === 'ready', 5000, 'dock ready');
    expect(bridge.docks()[0]!.lid).toBe('open');
    expect((await vehicle.arm()).ok).toBe(true);
    expect(
      events.filter((e) => e.type === 'state_changed').map((e) => (e.type === 'state_changed' ? e.to : '')),
    ).toEqual(['preparing', 'ready']);
  });

  it('a refused command is a coded failure and changes nothing', async () => {
    const { bridge, aircraft, events } = await site(20);
    const dock = (await bridge.waitForDock(101, 5000))!;
    await bridge.waitForVehicle(1, 5000);
    aircraft.injectFault({ lowBattery: 40 });
    // Armed on the pad (after opening) the aircraft is in the lid's path: closing is denied.
    expect((await dock.prepareTakeoff()).ok).toBe(true);
    await waitFor(() => bridge.docks()[0]!.state === 'ready', 5000, 'dock ready');
    expect((await bridge.vehicle(1)!.arm()).ok).toBe(true);
    const closing = await dock.closeLid();
    expect(closing.ok).toBe(false);
    expect(!closing.ok && closing.error.code).toBe('Denied');
    // Nothing moved: no closing state, the lid still open (armed, the aircraft counts as out).
    await new Promise((r) => setTimeout(r, 200));
    expect(events.some((e) => e.type === 'state_changed' && e.to === 'closing')).toBe(false);
    expect(bridge.docks()[0]!.lid).toBe('open');
  });

  it('surfaces a lid jam and a charger fault as events with a message, and their clearing', async () => {
    const { bridge, events, dock } = await site(20);
    await waitFor(() => bridge.docks()[0], 5000, 'the dock');
    dock.injectFault({ lidJam: true });
    await waitFor(() => bridge.docks()[0]!.state === 'fault', 3000, 'fault state');
    dock.injectFault({ chargerFault: true });
    await waitFor(() => bridge.docks()[0]!.faults.length === 2, 3000, 'two faults');
    dock.clearFaults();
    await waitFor(() => bridge.docks()[0]!.state === 'idle', 3000, 'idle again');
    const faults = events.filter((e) => e.type === 'fault');
    expect(faults.map((e) => e.type === 'fault' && e.code)).toEqual(['lid_jam', 'charger_fault']);
    for (const f of faults) expect(f.type === 'fault' && f.message).toMatch(/dock/);
    expect(events.filter((e) => e.type === 'fault_cleared')).toHaveLength(2);
  });

  it('marks the dock lost when it goes quiet and found when it speaks again', async () => {
    const { bridge, aircraft } = await site(5);
    await waitFor(() => bridge.docks()[0], 5000, 'the dock');
    const lost = new Promise<DockStatusPayload>((resolve) => bridge.once('dock.lost', resolve));
    const found = new Promise<DockStatusPayload>((resolve) => bridge.once('dock.found', resolve));
    aircraft.injectFault({ linkDropS: 4 });
    expect((await lost).sysid).toBe(101);
    expect((await found).sysid).toBe(101);
  });

  it('a whole cycle: take off from the dock, land back in it, close and charge', async () => {
    const { bridge, events, aircraft } = await site(40);
    const vehicle = (await bridge.waitForVehicle(1, 5000))!;
    const dock = (await bridge.waitForDock(101, 5000))!;
    aircraft.injectFault({ lowBattery: 50 });
    expect((await dock.prepareTakeoff()).ok).toBe(true);
    await waitFor(() => bridge.docks()[0]!.state === 'ready', 5000, 'ready');
    expect((await vehicle.arm()).ok).toBe(true);
    expect((await vehicle.takeoff(15)).ok).toBe(true);
    await waitFor(() => bridge.docks()[0]!.state === 'aircraft_out', 5000, 'aircraft out');
    await waitFor(() => (vehicle.state.altRelM ?? 0) > 10, 10_000, 'airborne');
    expect((await dock.prepareLanding()).ok).toBe(true);
    expect(bridge.docks()[0]!.state).toBe('awaiting_landing');
    expect((await vehicle.returnToLaunch()).ok).toBe(true);
    await waitFor(() => bridge.docks()[0]!.state === 'landed', 15_000, 'landed in the dock');
    expect((await dock.closeLid()).ok).toBe(true);
    expect((await dock.startCharging()).ok).toBe(true);
    await waitFor(() => bridge.docks()[0]!.state === 'charging', 5000, 'charging');
    expect(bridge.docks()[0]!.lid).toBe('closed');
    const pct = bridge.docks()[0]!.aircraftBatteryPct!;
    await waitFor(() => (bridge.docks()[0]!.aircraftBatteryPct ?? 0) > pct, 10_000, 'battery rising');
    const path = events
      .filter((e) => e.type === 'state_changed')
      .map((e) => (e.type === 'state_changed' ? e.to : ''));
    expect(path).toEqual(DOCK_SORTIE_STATES.slice(1));
  });
});

describe('a bridge with 250 docked aircraft on one link (UDP)', () => {
  it("hears every dock as component 25 of its aircraft's system, beside the aircraft, and commands it", async () => {
    const n = 250;
    const { bridge } = await site(1, n);
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    await waitFor(
      () => bridge.docks().length === n && bridge.vehicles().length === n,
      90_000,
      `${n} docks and aircraft`,
    ).catch((err: Error) => {
      const heard = new Set(bridge.docks().map((d) => d.sysid));
      const missing = ids.filter((id) => !heard.has(id));
      throw new Error(
        `${err.message}: heard ${heard.size} docks, ${bridge.vehicles().length} aircraft; no dock ${missing.join(',')}`,
      );
    });
    expect(bridge.docks().map((d) => [d.sysid, d.compid])).toEqual(ids.map((id) => [id, 25]));
    expect(bridge.vehicles().map((v) => v.sysid)).toEqual(ids);
    expect(bridge.docks().every((d) => d.aircraftParked && d.lid === 'closed')).toBe(true);
    // The dock of the last aircraft answers its own command; its aircraft stays an aircraft.
    const dock = bridge.dock(n)!;
    expect((await dock.openLid()).ok).toBe(true);
    await waitFor(() => bridge.docks()[n - 1]!.lid === 'open', 30_000, 'the lid of the last dock open');
    expect(
      bridge
        .docks()
        .filter((d) => d.lid !== 'closed')
        .map((d) => d.sysid),
    ).toEqual([n]);
    expect(bridge.vehicles()[n - 1]!.armed).toBe(false);
  }, 180_000);
});
