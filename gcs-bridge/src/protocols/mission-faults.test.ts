/**
 * Fault table for the mission protocol, run against the simulator's mission server (PX4 and
 * ArduPilot flavours) over an in-memory link whose rules drop, duplicate, delay or rewrite
 * messages (QGroundControl's MockLinkMissionItemHandler idea; the quirks live once, in the
 * simulator). Each case asserts what the user would see (the coded result) and what went out
 * on the wire (the cancel, the resends).
 */
import type { MissionItemInt } from '@aerie/missions';
import { common } from 'node-mavlink';
import { describe, expect, it, vi } from 'vitest';
import { clearMission } from './mission-clear.ts';
import { downloadMission } from './mission-download.ts';
import { uploadMission } from './mission-upload.ts';
import { makeItems, storedFields } from './testing/items.ts';
import type { SimPeer, SimPeerOptions } from './testing/sim-link.ts';
import { simPerTest } from './testing/sim-per-test.ts';

type Flavour = 'px4' | 'ardupilot';
const target = { sysid: 1, compid: 1 };
const CANCELLED = 15;

const sim = simPerTest(30_000);
const { settle } = sim;
const setup = (flavour: Flavour, vehicle: SimPeerOptions['vehicle'] = {}) => sim.open({ flavour, vehicle });

/** What the vehicle stores of an upload: ArduPilot takes item 0 of a mission as its home slot. */
function expectedStored(flavour: Flavour, items: MissionItemInt[]) {
  const kept = flavour === 'ardupilot' && items[0]?.missionType === 0 ? items.slice(1) : items;
  return kept.map(storedFields);
}

function stored(p: SimPeer, type: number) {
  return p.vehicle.missionItems(type).map(({ current: _c, ...rest }) => rest);
}

const cancelsSent = (p: SimPeer) => p.sent(common.MissionAck).filter((a) => a.type === CANCELLED).length;

interface UploadCase {
  name: string;
  /** Fault rules and vehicle options. */
  arrange?: (p: SimPeer) => void;
  vehicle?: SimPeerOptions['vehicle'];
  /** Items to upload (default five waypoints). */
  items?: () => MissionItemInt[];
  expect: (flavour: Flavour) => { ok: true } | { code: string; missionResultName?: string; cancel: boolean };
  check?: (ctx: { p: SimPeer; flavour: Flavour; items: MissionItemInt[] }) => void;
}

const seqIs =
  (seq: number) =>
  (m: { seq: number }): boolean =>
    m.seq === seq;

const uploadCases: UploadCase[] = [
  { name: 'clean transfer', expect: () => ({ ok: true }) },
  {
    name: 'no reply to the first two MISSION_COUNTs (lost on the way up)',
    arrange: (p) => p.link.faults.drop('up', common.MissionCount, { first: 2 }),
    expect: () => ({ ok: true }),
    check: ({ p }) => expect(p.sent(common.MissionCount)).toHaveLength(3),
  },
  {
    name: 'first item request lost on the way down (vehicle re-requests by itself)',
    arrange: (p) => p.link.faults.drop('down', common.MissionRequestInt, { first: 1 }),
    expect: () => ({ ok: true }),
    check: ({ p }) => expect(p.link.messages('down', common.MissionRequestInt)[1]?.seq).toBe(0),
  },
  {
    name: 'no reply to the count at all',
    arrange: (p) => p.link.faults.drop('up', common.MissionCount),
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ p }) => expect(p.sent(common.MissionCount)).toHaveLength(6),
  },
  {
    name: 'a request mid-transfer is lost once (vehicle re-requests)',
    arrange: (p) => p.link.faults.drop('down', common.MissionRequestInt, { first: 1, where: seqIs(2) }),
    expect: () => ({ ok: true }),
  },
  {
    name: "the vehicle's requests stop reaching us mid-transfer",
    arrange: (p) =>
      p.link.faults.drop('down', common.MissionRequestInt, {
        where: (r: common.MissionRequestInt) => r.seq >= 2,
      }),
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ p }) => {
      // Mid-transfer the vehicle drives: no item is pushed unasked, each went out once.
      expect(p.sent(common.MissionItemInt).map((i) => i.seq)).toEqual([0, 1]);
      // The cancel reached the vehicle: its transfer is closed.
      expect(p.vehicle.missionTransferOpen).toBe(false);
    },
  },
  {
    name: 'final ACK lost once (the vehicle acknowledges the repeated last item again)',
    arrange: (p) =>
      p.link.faults.drop('down', common.MissionAck, {
        first: 1,
        where: (a: common.MissionAck) => a.type === 0,
      }),
    expect: () => ({ ok: true }),
  },
  {
    name: 'final ACK never arrives',
    arrange: (p) =>
      p.link.faults.drop('down', common.MissionAck, { where: (a: common.MissionAck) => a.type === 0 }),
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ p, items }) => {
      const last = items.length - 1;
      // One answer to the request plus a resend of the last item for each of the 5 retries.
      expect(p.sent(common.MissionItemInt).filter((i) => i.seq === last)).toHaveLength(6);
    },
  },
  {
    name: 'an item arrives as another mission type: ERROR, the vehicle stays busy until cancelled',
    arrange: (p) =>
      p.link.faults.rewrite(
        'up',
        common.MissionItemInt,
        (m: common.MissionItemInt) => {
          m.missionType = 1;
          return [m];
        },
        { first: 1, where: seqIs(1) },
      ),
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'ERROR', cancel: true }),
    check: ({ p }) => {
      expect(p.vehicle.missionTransferOpen).toBe(false);
      expect(p.link.messages('up', common.MissionAck, true).filter((a) => a.type === CANCELLED)).toHaveLength(
        1,
      );
    },
  },
  {
    name: 'unknown command mid-transfer: UNSUPPORTED, stored mission unchanged',
    items: () => {
      const items = makeItems(5);
      items[2]!.command = 31999;
      return items;
    },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'UNSUPPORTED', cancel: true }),
    check: ({ p }) => expect(p.vehicle.missionItems(0)).toEqual([]),
  },
  {
    name: 'bad frame mid-transfer: UNSUPPORTED_FRAME',
    items: () => {
      const items = makeItems(5);
      items[3]!.frame = 1; // MAV_FRAME_LOCAL_NED
      return items;
    },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'UNSUPPORTED_FRAME', cancel: true }),
  },
  {
    name: 'count too large: NO_SPACE in answer to MISSION_COUNT',
    vehicle: { maxItems: 3 },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'NO_SPACE', cancel: true }),
    check: ({ p }) => expect(p.sent(common.MissionItemInt)).toHaveLength(0),
  },
  {
    name: 'duplicate requests',
    arrange: (p) => p.link.faults.duplicate('down', common.MissionRequestInt),
    expect: () => ({ ok: true }),
  },
  {
    name: 'a request for an item out of order (the last one first)',
    arrange: (p) =>
      p.link.faults.rewrite(
        'down',
        common.MissionRequestInt,
        (m: common.MissionRequestInt) => {
          m.seq = 4;
          return [m];
        },
        { first: 1 },
      ),
    expect: () => ({ ok: true }),
    check: ({ p }) => expect(p.sent(common.MissionItemInt).map((i) => i.seq)).toEqual([4, 0, 1, 2, 3, 4]),
  },
  {
    name: 'duplicate final ACKs',
    arrange: (p) =>
      p.link.faults.duplicate('down', common.MissionAck, { where: (a: common.MissionAck) => a.type === 0 }),
    expect: () => ({ ok: true }),
  },
  {
    name: 'vehicle requests an item beyond the count',
    arrange: (p) =>
      p.link.faults.rewrite(
        'down',
        common.MissionAck,
        () => {
          const r = new common.MissionRequestInt();
          r.targetSystem = 245;
          r.targetComponent = 190;
          r.seq = 5;
          r.missionType = 0;
          return [r];
        },
        { first: 1, where: (a: common.MissionAck) => a.type === 0 },
      ),
    expect: () => ({ code: 'ProtocolError', cancel: true }),
  },
];

describe.each(['px4', 'ardupilot'] as const)('mission upload faults, %s', (flavour) => {
  it.each(uploadCases)('$name', async (c) => {
    const p = await setup(flavour, c.vehicle);
    c.arrange?.(p);
    const items = c.items?.() ?? makeItems(5);
    const progress: number[] = [];
    const result = await settle(
      uploadMission(p.port, { target, missionType: 0, items, onProgress: (x) => progress.push(x.sent) }),
    );
    const want = c.expect(flavour);
    if ('ok' in want) {
      expect(result).toEqual({ ok: true, value: { opaqueId: p.vehicle.missionOpaqueId(0), count: 5 } });
      expect(p.vehicle.missionOpaqueId(0)).not.toBe(0);
      expect(stored(p, 0)).toEqual(expectedStored(flavour, items));
      expect(progress.at(-1)).toBe(5);
      expect(cancelsSent(p)).toBe(0);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(want.code);
      if (want.missionResultName) expect(result.error.detail?.missionResultName).toBe(want.missionResultName);
      expect(cancelsSent(p)).toBe(want.cancel ? 1 : 0);
      // The cancel goes out last: nothing more is sent after the transfer is abandoned.
      expect(p.link.traffic.filter((r) => r.dir === 'up').at(-1)?.message).toBeInstanceOf(common.MissionAck);
    }
    // Every item on the wire is MISSION_ITEM_INT of the transfer's type, even if asked with MISSION_REQUEST.
    for (const sent of p.sent(common.MissionItemInt)) expect(sent.missionType).toBe(0);
    expect(p.sent(common.MissionItem)).toHaveLength(0);
    c.check?.({ p, flavour, items });
  });

  it('after a wrong-type ERROR and our cancel, the next upload goes through', async () => {
    const p = await setup(flavour);
    p.link.faults.rewrite(
      'up',
      common.MissionItemInt,
      (m: common.MissionItemInt) => {
        m.missionType = 2;
        return [m];
      },
      { first: 1, where: seqIs(1) },
    );
    const first = await settle(uploadMission(p.port, { target, missionType: 0, items: makeItems(4) }));
    expect(first.ok).toBe(false);
    const second = await settle(
      uploadMission(p.port, { target, missionType: 0, items: makeItems(4) }),
      10_000,
    );
    expect(second.ok).toBe(true);
    expect(stored(p, 0)).toEqual(expectedStored(flavour, makeItems(4)));
  });

  it('uploads fence and rally lists with their own mission type', async () => {
    const p = await setup(flavour);
    const fence = makeItems(4, 1);
    const rally = makeItems(2, 2);
    const r1 = await settle(uploadMission(p.port, { target, missionType: 1, items: fence }));
    const r2 = await settle(uploadMission(p.port, { target, missionType: 2, items: rally }));
    expect(r1.ok && r2.ok).toBe(true);
    expect(stored(p, 1)).toEqual(fence.map(storedFields));
    expect(stored(p, 2)).toEqual(rally.map(storedFields));
    expect(p.sent(common.MissionCount).map((c) => c.missionType)).toEqual([1, 2]);
  });

  it('an empty list is a valid upload (clears the list)', async () => {
    const p = await setup(flavour);
    p.vehicle.storeMission(
      1,
      makeItems(3, 1).map((it) => ({ ...storedFields(it), current: 0 })),
    );
    const r = await settle(uploadMission(p.port, { target, missionType: 1, items: [] }));
    expect(r).toEqual({ ok: true, value: { opaqueId: 0, count: 0 } });
    expect(stored(p, 1)).toEqual([]);
  });

  it('cancel mid-transfer sends OPERATION_CANCELLED and returns Cancelled', async () => {
    const p = await setup(flavour);
    p.link.faults.drop('down', common.MissionRequestInt, {
      where: (r: common.MissionRequestInt) => r.seq >= 2,
    });
    const controller = new AbortController();
    const pending = uploadMission(p.port, {
      target,
      missionType: 0,
      items: makeItems(5),
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const r = await settle(pending, 100);
    expect(r.ok ? undefined : r.error.code).toBe('Cancelled');
    expect(cancelsSent(p)).toBe(1);
    expect(p.link.traffic.filter((x) => x.dir === 'up').at(-1)?.message).toBeInstanceOf(common.MissionAck);
    expect(p.vehicle.missionTransferOpen).toBe(false);
  });
});

/** Stores `items` on the vehicle as an upload would. */
function preload(p: SimPeer, type: number, items: MissionItemInt[]): void {
  p.vehicle.storeMission(
    type,
    items.map((it) => ({ ...storedFields(it), current: 0 })),
  );
}

describe.each(['px4', 'ardupilot'] as const)('mission download faults, %s', (flavour) => {
  it('downloads what the vehicle holds, with its opaque id (ArduPilot: home at seq 0)', async () => {
    const p = await setup(flavour);
    const items = makeItems(4);
    preload(p, 0, items);
    const progress: number[] = [];
    const r = await settle(
      downloadMission(p.port, { target, missionType: 0, onProgress: (x) => progress.push(x.received) }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const home = flavour === 'ardupilot' ? 1 : 0;
    expect(r.value.items.map((it) => it.seq)).toEqual([...Array(4 + home).keys()]);
    expect(r.value.items.slice(home).map(storedFields)).toEqual(items.map(storedFields));
    if (flavour === 'ardupilot') {
      const h = p.vehicle.homePosition;
      expect(r.value.items[0]).toMatchObject({
        command: 16,
        frame: 0,
        x: Math.round(h.lat * 1e7),
        z: h.altM,
      });
    }
    expect(r.value.opaqueId).toBe(p.vehicle.missionOpaqueId(0));
    expect(progress).toEqual([...Array(5 + home).keys()]);
    expect(p.sent(common.MissionAck).map((a) => a.type)).toEqual([0]);
    expect(p.sent(common.MissionRequestInt).map((q) => q.seq)).toEqual([...Array(4 + home).keys()]);
  });

  it('count 0 is a valid empty list', async () => {
    const p = await setup(flavour);
    const r = await settle(downloadMission(p.port, { target, missionType: 1 }));
    expect(r).toEqual({ ok: true, value: { items: [], opaqueId: 0 } });
    expect(p.sent(common.MissionAck).map((a) => a.type)).toEqual([0]);
  });

  it('lost MISSION_COUNT and lost items are re-requested', async () => {
    const p = await setup(flavour);
    const rally = makeItems(3, 2);
    preload(p, 2, rally);
    p.link.faults.drop('down', common.MissionCount, { first: 1 });
    p.link.faults.drop('down', common.MissionItemInt, { first: 2, where: seqIs(1) });
    const r = await settle(downloadMission(p.port, { target, missionType: 2 }));
    expect(r.ok && r.value.items.map(storedFields)).toEqual(rally.map(storedFields));
    expect(p.sent(common.MissionRequestList)).toHaveLength(2);
    expect(p.sent(common.MissionRequestInt).filter((q) => q.seq === 1)).toHaveLength(3);
  });

  it('a vehicle that stops sending items ends in Timeout and a cancel', async () => {
    const p = await setup(flavour);
    preload(p, 1, makeItems(3, 1));
    p.link.faults.drop('down', common.MissionItemInt, { where: seqIs(2) });
    const r = await settle(downloadMission(p.port, { target, missionType: 1 }));
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { missingSeq: 2, received: 2 },
    });
    expect(p.sent(common.MissionRequestInt).filter((q) => q.seq === 2)).toHaveLength(6);
    expect(cancelsSent(p)).toBe(1);
  });

  it('ignores messages from other systems and of other mission types', async () => {
    const p = await setup(flavour);
    const fence = makeItems(2, 1);
    preload(p, 1, fence);
    const pending = downloadMission(p.port, { target, missionType: 1 });
    const bogus = new common.MissionCount();
    bogus.count = 9;
    bogus.missionType = 1;
    p.link.inject('down', bogus, { sysid: 7, compid: 1 }); // another vehicle
    const otherType = new common.MissionCount();
    otherType.count = 9;
    otherType.missionType = 0;
    p.link.inject('down', otherType, { sysid: 1, compid: 1 }); // right vehicle, other list
    const r = await settle(pending);
    expect(r.ok && r.value.items.map(storedFields)).toEqual(fence.map(storedFields));
  });
});

describe.each(['px4', 'ardupilot'] as const)('mission clear, %s', (flavour) => {
  it('clears one list and is acknowledged', async () => {
    const p = await setup(flavour);
    preload(p, 1, makeItems(3, 1));
    preload(p, 2, makeItems(2, 2));
    const r = await settle(clearMission(p.port, { target, missionType: 1 }));
    expect(r).toEqual({ ok: true, value: { missionType: 1 } });
    expect(stored(p, 1)).toEqual([]);
    expect(stored(p, 2)).toHaveLength(2);
  });

  it('retries a lost clear, then times out when nothing answers', async () => {
    const p = await setup(flavour);
    preload(p, 0, makeItems(3));
    p.link.faults.drop('up', common.MissionClearAll, { first: 1 });
    const r1 = await settle(clearMission(p.port, { target, missionType: 0 }));
    expect(r1.ok).toBe(true);
    expect(stored(p, 0)).toEqual([]);
    expect(p.sent(common.MissionClearAll)).toHaveLength(2);
    p.link.faults.drop('up', common.MissionClearAll);
    const r2 = await settle(clearMission(p.port, { target, missionType: 0 }));
    expect(r2.ok ? undefined : r2.error).toMatchObject({ code: 'Timeout', detail: { sends: 6 } });
  });
});

/** Deterministic PRNG so a failing seed can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(['px4', 'ardupilot'] as const)(
  'lossy link (10%% of messages dropped each way), %s',
  (flavour) => {
    it.each([1, 2, 3, 4, 5, 6])('seed %i: 40 items up and back down intact', async (seed) => {
      const p = await setup(flavour);
      const random = mulberry32(seed);
      p.link.faults.lossy('up', 0.1, random).lossy('down', 0.1, random);
      const items = makeItems(40);
      const up = await settle(uploadMission(p.port, { target, missionType: 0, items }), 120_000);
      expect(up.ok ? 'ok' : up.error).toBe('ok');
      const down = await settle(downloadMission(p.port, { target, missionType: 0 }), 120_000);
      expect(down.ok ? 'ok' : down.error).toBe('ok');
      const home = flavour === 'ardupilot' ? 1 : 0;
      expect(down.ok && down.value.items.slice(home).map(storedFields)).toEqual(
        expectedStored(flavour, items),
      );
    });
  },
);
