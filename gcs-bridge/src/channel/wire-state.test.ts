import { checkChannelItem, VehicleStatePayload } from '@aerie/contracts';
import { common, minimal } from 'node-mavlink';
import { Value } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import type { VehicleSnapshot } from '../bridge.ts';
import { openSimSite, type SimSite } from '../testing/sim-site.ts';
import { applyMessage, createVehicleState } from '../vehicle/state.ts';
import { toWireState, WIRE_STATUS_TEXTS } from './wire-state.ts';

function flyingSnapshot(): VehicleSnapshot {
  const s = createVehicleState(7, 1);
  const hb = Object.assign(new minimal.Heartbeat(), {
    autopilot: 12,
    type: 2,
    baseMode: 0x80 | 0x1d,
    customMode: 0x04040000,
    systemStatus: 4,
  });
  applyMessage(s, 0, hb, 1_000);
  const pos = Object.assign(new common.GlobalPositionInt(), {
    lat: 230300000,
    lon: 1131400000,
    alt: 52_500,
    relativeAlt: 30_250,
    vx: 120,
    vy: -40,
    vz: 0,
    hdg: 9000,
  });
  applyMessage(s, 33, pos, 1_100);
  for (let i = 0; i < WIRE_STATUS_TEXTS + 3; i++) {
    s.statusTexts.push({ atMs: 1_000 + i, severity: 6, severityName: 'info', text: `t${i}` });
  }
  return { ...s, link: { id: 'udp:14550', lossPct: 1.5 } };
}

describe('toWireState', () => {
  it('maps a live snapshot to a state the server accepts, with every wire field and no other', () => {
    const wire = toWireState(flyingSnapshot());
    expect(Value.Check(VehicleStatePayload, wire)).toBe(true);
    expect(Object.keys(wire).sort()).toEqual(Object.keys(VehicleStatePayload.properties).sort());
    expect(wire).toMatchObject({ sysid: 7, autopilot: 'px4', mode: 'AUTO.MISSION', armed: true, lat: 23.03 });
    expect(wire.link).toEqual({ id: 'udp:14550', lossPct: 1.5 });
    expect(wire.statusTexts).toHaveLength(WIRE_STATUS_TEXTS);
    expect(wire.statusTexts.at(-1)?.text).toBe(`t${WIRE_STATUS_TEXTS + 2}`);
    const item = checkChannelItem({ seq: 1, kind: 'state', sysid: 7, atMs: 1_100, state: wire });
    expect(item.ok).toBe(true);
  });

  it('keeps internal fields off the wire and copies nested objects', () => {
    const snap = flyingSnapshot() as VehicleSnapshot & { internalCounter: number };
    snap.internalCounter = 3;
    const wire = toWireState(snap);
    expect('internalCounter' in wire).toBe(false);
    expect(wire.mission).not.toBe(snap.mission);
    snap.mission.currentSeq = 99;
    expect(wire.mission.currentSeq).not.toBe(99);
  });
});

describe('toWireState against the simulator', () => {
  let site: SimSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it('maps what a simulated PX4 reports over UDP to a state the server accepts', async () => {
    site = await openSimSite({ home: { lat: 30.2741, lon: 120.1551 } });
    const bridge = site.running.bridge;
    const end = Date.now() + 10_000;
    let snap = bridge.vehicles()[0];
    while (!snap || snap.lat === null || snap.batteryPct === null || snap.landed === null) {
      if (Date.now() > end)
        throw new Error('the simulated vehicle never reported position, battery and landed state');
      await new Promise((r) => setTimeout(r, 50));
      snap = bridge.vehicles()[0];
    }
    // Through JSON, as on the channel.
    const state = JSON.parse(JSON.stringify(toWireState(snap)));
    const checked = checkChannelItem({ seq: 1, kind: 'state', sysid: snap.sysid, atMs: 1, state });
    expect(checked.ok ? 'ok' : checked.error.message).toBe('ok');
    expect(state).toMatchObject({ autopilot: 'px4', lat: expect.closeTo(30.2741, 3) });
  });
});
