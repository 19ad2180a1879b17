/**
 * Fault table for the mission protocol, run against a scripted PX4 and a scripted ArduPilot
 * (QGroundControl's MockLinkMissionItemHandler does the same). Each case asserts what the
 * user would see (the coded result) and what went out on the wire (the cancel, the resends).
 */
import type { MissionItemInt } from '@aerie/missions';
import { common } from 'node-mavlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearMission } from './mission-clear.ts';
import { downloadMission } from './mission-download.ts';
import { uploadMission } from './mission-upload.ts';
import { all, FakeLink, firstN } from './testing/fake-link.ts';
import type { Flavour, MissionFaults } from './testing/mission-vehicle.ts';
import { MissionVehicle, makeItems } from './testing/mission-vehicle.ts';

const target = { sysid: 1, compid: 1 };
const CANCELLED = 15;

let vehicle: MissionVehicle | undefined;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vehicle?.dispose();
  vehicle = undefined;
  vi.useRealTimers();
});

async function settle<T>(promise: Promise<T>, ms = 30_000): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  return promise;
}

function setup(flavour: Flavour, faults: MissionFaults = {}, latencyMs = 2) {
  const link = new FakeLink(latencyMs);
  vehicle = new MissionVehicle(link, flavour, { faults });
  return { link, vehicle };
}

/** What the vehicle should hold after a good upload of `items`. */
function expectedStored(flavour: Flavour, v: MissionVehicle, items: MissionItemInt[]): MissionItemInt[] {
  return flavour === 'ardupilot' && items[0]?.missionType === 0 ? [v.home, ...items.slice(1)] : items;
}

const cancelsSent = (link: FakeLink) =>
  link.sentOf(common.MissionAck).filter((a) => a.type === CANCELLED).length;

interface UploadCase {
  name: string;
  faults?: MissionFaults;
  link?: (link: FakeLink) => void;
  /** Expected outcome per flavour (or for both). */
  expect: (flavour: Flavour) => { ok: true } | { code: string; missionResultName?: string; cancel: boolean };
  check?: (ctx: {
    link: FakeLink;
    vehicle: MissionVehicle;
    flavour: Flavour;
    items: MissionItemInt[];
  }) => void;
}

const uploadCases: UploadCase[] = [
  { name: 'clean transfer', expect: () => ({ ok: true }) },
  {
    name: 'no reply to the first two MISSION_COUNTs (lost on the way up)',
    link: (l) => l.dropUp(firstN(common.MissionCount, 2)),
    expect: () => ({ ok: true }),
    check: ({ link }) => expect(link.sentOf(common.MissionCount)).toHaveLength(3),
  },
  {
    name: 'first item request lost on the way down (vehicle re-requests by itself)',
    link: (l) => l.dropDown(firstN(common.MissionRequestInt, 1)),
    expect: () => ({ ok: true }),
  },
  {
    name: 'no reply to the count at all',
    link: (l) => l.dropUp(all(common.MissionCount)),
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ link }) => expect(link.sentOf(common.MissionCount)).toHaveLength(6),
  },
  {
    name: 'a request mid-transfer is lost once (vehicle re-requests)',
    link: (l) => {
      l.dropDown(firstN(common.MissionRequestInt, 1, (r) => r.seq === 2));
      l.dropDown(firstN(common.MissionRequest, 1, (r) => r.seq === 2));
    },
    expect: () => ({ ok: true }),
  },
  {
    name: 'vehicle goes silent mid-transfer',
    faults: { silentAfterItems: 2 },
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ link, vehicle: v, flavour }) => {
      // Mid-transfer the vehicle drives: no item is pushed unasked, each went out once.
      expect(link.sentOf(common.MissionItemInt).map((i) => i.seq)).toEqual([0, 1]);
      if (flavour === 'px4') expect(v.busy).toBe(false);
    },
  },
  {
    name: 'final ACK lost once',
    link: (l) => l.dropDown(firstN(common.MissionAck, 1, (a) => a.type === 0)),
    // PX4 answers the repeated last item with the ACK again; ArduPilot has no such rule.
    expect: (f) => (f === 'px4' ? { ok: true } : { code: 'Timeout', cancel: true }),
  },
  {
    name: 'final ACK never sent',
    faults: { noFinalAck: true },
    expect: () => ({ code: 'Timeout', cancel: true }),
    check: ({ link, items }) => {
      const last = items.length - 1;
      // One answer to the request plus a resend of the last item for each of the 5 retries.
      expect(link.sentOf(common.MissionItemInt).filter((i) => i.seq === last)).toHaveLength(6);
    },
  },
  {
    name: 'wrong mission type: vehicle answers ERROR (PX4 then stays busy until cancelled)',
    faults: { wrongTypeAtItem: 1 },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'ERROR', cancel: true }),
    check: ({ vehicle: v, flavour }) => {
      if (flavour === 'px4') {
        expect(v.busy).toBe(false);
        expect(v.cancels).toBe(1);
      }
    },
  },
  {
    name: 'NACK mid-transfer (NO_SPACE)',
    faults: { nackAtItem: { seq: 2, result: 4 } },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'NO_SPACE', cancel: true }),
  },
  {
    name: 'NACK mid-transfer (UNSUPPORTED_FRAME)',
    faults: { nackAtItem: { seq: 0, result: 2 } },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'UNSUPPORTED_FRAME', cancel: true }),
  },
  {
    name: 'count too large: NO_SPACE in answer to MISSION_COUNT',
    faults: { maxItems: 3 },
    expect: () => ({ code: 'VehicleRejected', missionResultName: 'NO_SPACE', cancel: true }),
    check: ({ link }) => expect(link.sentOf(common.MissionItemInt)).toHaveLength(0),
  },
  {
    name: 'duplicate requests',
    faults: { duplicateRequests: true },
    expect: () => ({ ok: true }),
  },
  {
    name: 'out-of-order requests (last item first)',
    faults: { reverseOrder: true },
    expect: () => ({ ok: true }),
    check: ({ link, items }) =>
      expect(link.sentOf(common.MissionItemInt).map((i) => i.seq)).toEqual(
        items.map((_, i) => items.length - 1 - i),
      ),
  },
  {
    name: 'duplicate final ACKs',
    faults: { duplicateAcks: true },
    expect: () => ({ ok: true }),
  },
  {
    name: 'vehicle requests an item beyond the count',
    faults: { requestBeyondCount: true },
    expect: () => ({ code: 'ProtocolError', cancel: true }),
  },
];

describe.each(['px4', 'ardupilot'] as const)('mission upload faults, %s', (flavour) => {
  it.each(uploadCases)('$name', async (c) => {
    const { link, vehicle: v } = setup(flavour, c.faults);
    c.link?.(link);
    const items = makeItems(5);
    const progress: number[] = [];
    const result = await settle(
      uploadMission(link.port, { target, missionType: 0, items, onProgress: (p) => progress.push(p.sent) }),
    );
    const want = c.expect(flavour);
    if ('ok' in want) {
      expect(result).toEqual({ ok: true, value: { opaqueId: v.opaqueIdOf(0), count: 5 } });
      expect(v.opaqueIdOf(0)).not.toBe(0);
      expect(v.lists.get(0)).toEqual(expectedStored(flavour, v, items));
      expect(progress.at(-1)).toBe(5);
      expect(cancelsSent(link)).toBe(0);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(want.code);
      if (want.missionResultName) expect(result.error.detail?.missionResultName).toBe(want.missionResultName);
      expect(cancelsSent(link)).toBe(want.cancel ? 1 : 0);
      // The cancel goes out last: nothing more is sent after the transfer is abandoned.
      expect(link.sent.at(-1)?.message).toBeInstanceOf(common.MissionAck);
    }
    // Every item on the wire is MISSION_ITEM_INT of the transfer's type, even if asked with MISSION_REQUEST.
    for (const sent of link.sentOf(common.MissionItemInt)) expect(sent.missionType).toBe(0);
    expect(link.sentOf(common.MissionItem)).toHaveLength(0);
    c.check?.({ link, vehicle: v, flavour, items });
  });

  it('after a wrong-type ERROR and our cancel, the next upload goes through', async () => {
    const { link, vehicle: v } = setup(flavour, { wrongTypeAtItem: 1 });
    const first = await settle(uploadMission(link.port, { target, missionType: 0, items: makeItems(4) }));
    expect(first.ok).toBe(false);
    const second = await settle(
      uploadMission(link.port, { target, missionType: 0, items: makeItems(4) }),
      10_000,
    );
    expect(second.ok).toBe(true);
    expect(v.lists.get(0)).toHaveLength(4);
  });

  it('uploads fence and rally lists with their own mission type', async () => {
    const { link, vehicle: v } = setup(flavour);
    const fence = makeItems(4, 1);
    const rally = makeItems(2, 2);
    const r1 = await settle(uploadMission(link.port, { target, missionType: 1, items: fence }));
    const r2 = await settle(uploadMission(link.port, { target, missionType: 2, items: rally }));
    expect(r1.ok && r2.ok).toBe(true);
    expect(v.lists.get(1)).toEqual(fence);
    expect(v.lists.get(2)).toEqual(rally);
    expect(link.sentOf(common.MissionCount).map((c) => c.missionType)).toEqual([1, 2]);
  });

  it('an empty list is a valid upload (clears the list)', async () => {
    const { link, vehicle: v } = setup(flavour);
    v.lists.set(1, makeItems(3, 1));
    const r = await settle(uploadMission(link.port, { target, missionType: 1, items: [] }));
    expect(r).toEqual({ ok: true, value: { opaqueId: 0, count: 0 } });
    expect(v.lists.get(1)).toEqual([]);
  });

  it('cancel mid-transfer sends OPERATION_CANCELLED and returns Cancelled', async () => {
    const { link, vehicle: v } = setup(flavour, { silentAfterItems: 2 });
    const controller = new AbortController();
    const p = uploadMission(link.port, {
      target,
      missionType: 0,
      items: makeItems(5),
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const r = await settle(p, 100);
    expect(r.ok ? undefined : r.error.code).toBe('Cancelled');
    expect(cancelsSent(link)).toBe(1);
    expect(link.sent.at(-1)?.message).toBeInstanceOf(common.MissionAck);
    if (flavour === 'px4') expect(v.busy).toBe(false);
  });
});

describe.each(['px4', 'ardupilot'] as const)('mission download faults, %s', (flavour) => {
  it('downloads what the vehicle holds, with its opaque id (ArduPilot: home at seq 0)', async () => {
    const { link, vehicle: v } = setup(flavour);
    const items = makeItems(4);
    v.lists.set(0, flavour === 'ardupilot' ? [v.home, ...items.slice(1)] : items);
    const progress: number[] = [];
    const r = await settle(
      downloadMission(link.port, { target, missionType: 0, onProgress: (p) => progress.push(p.received) }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.items).toEqual(v.lists.get(0));
    if (flavour === 'ardupilot') expect(r.value.items[0]).toEqual(v.home);
    expect(r.value.opaqueId).toBe(flavour === 'px4' ? v.opaqueIdOf(0) : 0);
    expect(progress).toEqual([0, 1, 2, 3, 4]);
    const acks = link.sentOf(common.MissionAck);
    expect(acks.map((a) => a.type)).toEqual([0]);
    expect(link.sentOf(common.MissionRequestInt).map((q) => q.seq)).toEqual([0, 1, 2, 3]);
  });

  it('count 0 is a valid empty list', async () => {
    const { link } = setup(flavour);
    const r = await settle(downloadMission(link.port, { target, missionType: 1 }));
    expect(r).toEqual({ ok: true, value: { items: [], opaqueId: 0 } });
    expect(link.sentOf(common.MissionAck).map((a) => a.type)).toEqual([0]);
  });

  it('lost MISSION_COUNT and lost items are re-requested', async () => {
    const { link, vehicle: v } = setup(flavour);
    v.lists.set(2, makeItems(3, 2));
    link.dropDown(firstN(common.MissionCount, 1));
    link.dropDown(firstN(common.MissionItemInt, 2, (i) => i.seq === 1));
    const r = await settle(downloadMission(link.port, { target, missionType: 2 }));
    expect(r.ok && r.value.items).toEqual(v.lists.get(2));
    expect(link.sentOf(common.MissionRequestList)).toHaveLength(2);
    expect(link.sentOf(common.MissionRequestInt).filter((q) => q.seq === 1)).toHaveLength(3);
  });

  it('a vehicle that stops sending items ends in Timeout and a cancel', async () => {
    const { link, vehicle: v } = setup(flavour);
    v.lists.set(1, makeItems(3, 1));
    link.dropDown(all(common.MissionItemInt, (i) => i.seq === 2));
    const r = await settle(downloadMission(link.port, { target, missionType: 1 }));
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { missingSeq: 2, received: 2 },
    });
    expect(link.sentOf(common.MissionRequestInt).filter((q) => q.seq === 2)).toHaveLength(6);
    expect(cancelsSent(link)).toBe(1);
  });

  it('ignores messages from other systems and of other mission types', async () => {
    const { link, vehicle: v } = setup(flavour);
    v.lists.set(1, makeItems(2, 1));
    const p = downloadMission(link.port, { target, missionType: 1 });
    const bogus = new common.MissionCount();
    bogus.count = 9;
    bogus.missionType = 1;
    link.inject(7, 1, bogus); // another vehicle
    const otherType = new common.MissionCount();
    otherType.count = 9;
    otherType.missionType = 0;
    link.inject(1, 1, otherType); // right vehicle, other list
    const r = await settle(p);
    expect(r.ok && r.value.items).toEqual(v.lists.get(1));
  });
});

describe.each(['px4', 'ardupilot'] as const)('mission clear, %s', (flavour) => {
  it('clears one list and is acknowledged', async () => {
    const { link, vehicle: v } = setup(flavour);
    v.lists.set(1, makeItems(3, 1));
    const r = await settle(clearMission(link.port, { target, missionType: 1 }));
    expect(r).toEqual({ ok: true, value: { missionType: 1 } });
    expect(v.lists.get(1)).toEqual([]);
  });

  it('retries a lost clear, then times out when nothing answers', async () => {
    const { link } = setup(flavour);
    link.dropUp(firstN(common.MissionClearAll, 1));
    const r1 = await settle(clearMission(link.port, { target, missionType: 0 }));
    expect(r1.ok).toBe(true);
    expect(link.sentOf(common.MissionClearAll)).toHaveLength(2);
    link.dropUp(all(common.MissionClearAll));
    const r2 = await settle(clearMission(link.port, { target, missionType: 0 }));
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
  'lossy link (10%% of mission messages dropped each way), %s',
  (flavour) => {
    it.each([1, 2, 3, 4, 5, 6])('seed %i: 40 items up and back down intact', async (seed) => {
      const { link, vehicle: v } = setup(flavour);
      const random = mulberry32(seed);
      // ArduPilot has no rule for re-acknowledging a repeated last item, so a lost final upload
      // ACK cannot be recovered there (the upload would honestly end in Timeout); spare it.
      const spareFinalAck = (m: unknown) =>
        flavour === 'ardupilot' && m instanceof common.MissionAck && m.type === 0;
      link.dropUp(() => random() < 0.1);
      link.dropDown((m) => !spareFinalAck(m) && random() < 0.1);
      const items = makeItems(40);
      const up = await settle(uploadMission(link.port, { target, missionType: 0, items }), 120_000);
      expect(up.ok ? 'ok' : up.error).toBe('ok');
      const down = await settle(downloadMission(link.port, { target, missionType: 0 }), 120_000);
      expect(down.ok ? 'ok' : down.error).toBe('ok');
      expect(down.ok && down.value.items).toEqual(expectedStored(flavour, v, items));
    });
  },
);
