import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { VehicleOptions } from './fleet.ts';
import { downloadMission, missionItem, sleep, uploadMission } from './testing/ground-station.ts';
import { vehicleWithGcs as openVehicleWithGcs } from './testing/vehicle-gcs.ts';

/** A vehicle that needs no settling time, with a ground station. */
const vehicleWithGcs = (opts: VehicleOptions = {}) => openVehicleWithGcs({ settleS: 0, ...opts });

const LAT = 23.03;
const LON = 113.14;

function patrol(): common.MissionItemInt[] {
  return [
    missionItem(0, 22, 0, 0, 30),
    missionItem(1, 16, LAT + 0.001, LON, 30),
    missionItem(2, 16, LAT + 0.001, LON + 0.0015, 30),
    missionItem(3, 20, 0, 0, 0, { frame: 2 }),
  ];
}

function missionCount(n: number, missionType = 0): common.MissionCount {
  const c = new common.MissionCount();
  c.targetSystem = 1;
  c.targetComponent = 1;
  c.count = n;
  c.missionType = missionType;
  return c;
}

describe('mission upload (PX4 answers)', () => {
  it('accepts a patrol with a CRC32 opaque id that download and MISSION_CURRENT repeat', async () => {
    const { gcs } = await vehicleWithGcs();
    const ack = await uploadMission(gcs, patrol());
    expect(ack.type).toBe(0);
    expect(ack.opaqueId).not.toBe(0);
    const down = await downloadMission(gcs);
    expect(down.count.count).toBe(4);
    expect(down.count.opaqueId).toBe(ack.opaqueId);
    expect(down.items.map((i) => i.command)).toEqual([22, 16, 16, 20]);
    expect(down.items[1]!.x).toBe(Math.round((LAT + 0.001) * 1e7));
    expect(down.items[2]!.y).toBe(Math.round((LON + 0.0015) * 1e7));
    expect(down.items[3]!.frame).toBe(2);
    const cur = await gcs.next(common.MissionCurrent);
    expect([cur.total, cur.missionState, cur.missionId]).toEqual([4, 2, ack.opaqueId]);

    // The last item again (as if the ACK had been lost) is acknowledged again, as PX4 does.
    const t0 = performance.now();
    gcs.send(patrol()[3]!);
    expect((await gcs.waitFor(common.MissionAck, () => true, 2000, t0)).opaqueId).toBe(ack.opaqueId);

    // A different mission gets a different id.
    const other = patrol();
    other[1]!.z = 40;
    const ack2 = await uploadMission(gcs, other);
    expect(ack2.opaqueId).not.toBe(ack.opaqueId);
  });

  it('answers unknown command UNSUPPORTED, bad frame UNSUPPORTED_FRAME, too many NO_SPACE; keeps the stored mission', async () => {
    const { gcs } = await vehicleWithGcs({ maxItems: 5 });
    const good = await uploadMission(gcs, patrol());
    expect(good.type).toBe(0);

    const unknown = patrol();
    unknown[2] = missionItem(2, 31999, LAT, LON, 30);
    expect((await uploadMission(gcs, unknown)).type).toBe(3);

    const badFrame = patrol();
    badFrame[1]!.frame = 1; // MAV_FRAME_LOCAL_NED
    expect((await uploadMission(gcs, badFrame)).type).toBe(2);

    const many = Array.from({ length: 6 }, (_, i) => missionItem(i, 16, LAT + i * 1e-4, LON, 30));
    expect((await uploadMission(gcs, many)).type).toBe(4);

    const down = await downloadMission(gcs);
    expect(down.count.count).toBe(4);
    expect(down.count.opaqueId).toBe(good.opaqueId);
  });

  it('re-requests an unanswered item every 250 ms (simulated) and gives up after the protocol timeout', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 10 });
    const t0 = performance.now();
    gcs.send(missionCount(3));
    await sleep(200);
    // 200 ms real at 10x is 2 s simulated: about 8 requests for item 0.
    const reqs = gcs.received.filter((r) => r.at >= t0 && r.message instanceof common.MissionRequestInt);
    expect(reqs.length).toBeGreaterThanOrEqual(4);
    expect(reqs.every((r) => (r.message as common.MissionRequestInt).seq === 0)).toBe(true);
    await gcs.waitFor(common.StatusText, (s) => s.text.includes('timeout'), 3000, t0);
    const quiet = performance.now() + 30;
    await sleep(150);
    expect(gcs.count(common.MissionRequestInt, quiet)).toBe(0);
  });

  it('after a legacy float MISSION_ITEM keeps asking with MISSION_REQUEST', async () => {
    const { gcs } = await vehicleWithGcs();
    const t0 = performance.now();
    gcs.send(missionCount(2));
    const first = await gcs.waitFor(common.MissionRequestInt, (r) => r.seq === 0, 2000, t0);
    expect(first.seq).toBe(0);
    const legacy = new common.MissionItem();
    legacy.targetSystem = 1;
    legacy.targetComponent = 1;
    legacy.seq = 0;
    legacy.frame = 3;
    legacy.command = 16;
    legacy.autocontinue = 1;
    legacy.x = LAT;
    legacy.y = LON;
    legacy.z = 25;
    gcs.send(legacy);
    const second = await gcs.waitFor(common.MissionRequest, (r) => r.seq === 1, 2000, t0);
    expect(second.seq).toBe(1);
    gcs.send(missionItem(1, 16, LAT + 0.001, LON, 25));
    expect((await gcs.waitFor(common.MissionAck, () => true, 2000, t0)).type).toBe(0);
    const down = await downloadMission(gcs);
    // float32 degrees carry ~1 m of resolution: the reason MISSION_ITEM_INT exists.
    expect(Math.abs(down.items[0]!.x - Math.round(LAT * 1e7))).toBeLessThan(20);
    expect(down.items[0]!.z).toBe(25);
  });

  it('wrong mission_type: ERROR, then busy (re-requests forever, new uploads refused) until OPERATION_CANCELLED', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 20 });
    const t0 = performance.now();
    gcs.send(missionCount(2));
    await gcs.waitFor(common.MissionRequestInt, (r) => r.seq === 0, 2000, t0);
    gcs.send(missionItem(0, 5001, LAT, LON, 0, { missionType: 1 }));
    const err = await gcs.waitFor(common.MissionAck, () => true, 2000, t0);
    expect(err.type).toBe(1);

    // Well past PX4's 5 s protocol timeout (simulated), it still asks for item 0.
    await sleep(400);
    const late = performance.now();
    const again = await gcs.waitFor(common.MissionRequestInt, () => true, 1000, late);
    expect(again.seq).toBe(0);

    const t1 = performance.now();
    gcs.send(missionCount(4));
    const busy = await gcs.waitFor(common.MissionAck, () => true, 2000, t1);
    expect(busy.type).toBe(1);
    const text = await gcs.waitFor(common.StatusText, (s) => s.text.includes('Busy'), 2000, t1);
    expect(text.text).toBe('WPM: REJ. CMD: Busy');

    const cancel = new common.MissionAck();
    cancel.targetSystem = 1;
    cancel.targetComponent = 1;
    cancel.type = 15; // MAV_MISSION_OPERATION_CANCELLED
    cancel.missionType = 0;
    gcs.send(cancel);
    await sleep(100);
    const quiet = performance.now();
    await sleep(100);
    expect(gcs.count(common.MissionRequestInt, quiet)).toBe(0);
    expect((await uploadMission(gcs, patrol())).type).toBe(0);
  });

  it('stores fence and rally lists separately; CLEAR_ALL empties one list; total reads 65535 without a mission', async () => {
    const { gcs } = await vehicleWithGcs();
    const fence = [0, 1, 2].map((i) =>
      missionItem(i, 5001, LAT + (i === 1 ? 0.01 : 0), LON + (i === 2 ? 0.01 : 0), 0, {
        missionType: 1,
        param1: 3,
      }),
    );
    const rally = [missionItem(0, 5100, LAT + 0.002, LON, 20, { missionType: 2 })];
    expect((await uploadMission(gcs, fence, 1)).type).toBe(0);
    expect((await uploadMission(gcs, rally, 2)).type).toBe(0);
    expect((await uploadMission(gcs, patrol(), 0)).type).toBe(0);
    expect((await downloadMission(gcs, 1)).items.map((i) => i.command)).toEqual([5001, 5001, 5001]);
    expect((await downloadMission(gcs, 2)).count.count).toBe(1);

    const t0 = performance.now();
    const clear = new common.MissionClearAll();
    clear.targetSystem = 1;
    clear.targetComponent = 1;
    clear.missionType = 0;
    gcs.send(clear);
    expect((await gcs.waitFor(common.MissionAck, () => true, 2000, t0)).type).toBe(0);
    expect((await downloadMission(gcs, 0)).count.count).toBe(0);
    expect((await downloadMission(gcs, 1)).count.count).toBe(3);
    const cur = await gcs.next(common.MissionCurrent);
    expect([cur.total, cur.missionState]).toEqual([65535, 1]);
  });

  it('MISSION_SET_CURRENT moves the current item', async () => {
    const { gcs } = await vehicleWithGcs();
    await uploadMission(gcs, patrol());
    const set = new common.MissionSetCurrent();
    set.targetSystem = 1;
    set.targetComponent = 1;
    set.seq = 2;
    const t0 = performance.now();
    gcs.send(set);
    expect((await gcs.waitFor(common.MissionCurrent, (c) => c.seq === 2, 2000, t0)).total).toBe(4);
  });
});

describe('mission lists on ArduPilot', () => {
  it('uploads carry home as item 0 (ignored); downloads return home as item 0', async () => {
    const { gcs, v } = await vehicleWithGcs({ flavour: 'ardupilot' });
    const items = [
      missionItem(0, 16, 1, 1, 0, { frame: 0 }),
      ...patrol().map((it, i) => Object.assign(it, { seq: i + 1 })),
    ];
    const ack = await uploadMission(gcs, items);
    expect(ack.type).toBe(0);
    const down = await downloadMission(gcs);
    expect(down.count.count).toBe(5);
    const home = down.items[0]!;
    expect(home.command).toBe(16);
    expect(home.x).toBe(Math.round(v.homePosition.lat * 1e7));
    expect(home.y).toBe(Math.round(v.homePosition.lon * 1e7));
    expect(down.items.slice(1).map((i) => i.command)).toEqual([22, 16, 16, 20]);
    const cur = await gcs.next(common.MissionCurrent);
    expect(cur.seq).toBe(1);
  });
});
