/** Pure tests of the mission step functions: no timers, no port, just state in and effects out. */
import type { MavLinkData } from 'node-mavlink';
import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { Inbound } from '../codec/types.ts';
import { GCS_SYSID } from '../codec/types.ts';
import type { Effect, ProtocolEvent } from './machine.ts';
import { clearStep, initialClearState } from './mission-clear.ts';
import { checkUploadItems } from './mission-common.ts';
import type { DownloadState } from './mission-download.ts';
import { downloadStep, initialDownloadState } from './mission-download.ts';
import type { UploadState } from './mission-upload.ts';
import { initialUploadState, uploadStep } from './mission-upload.ts';
import { makeItems } from './testing/items.ts';

const target = { sysid: 1, compid: 1 };
const started: ProtocolEvent = { kind: 'started', now: 0 };
const timeout: ProtocolEvent = { kind: 'timeout', now: 0 };

function from(message: MavLinkData, sysid = 1, compid = 1): ProtocolEvent {
  const msgid = (message.constructor as unknown as { MSG_ID: number }).MSG_ID;
  const inbound: Inbound = { sysid, compid, msgid, message, linkId: 't', receivedAt: 0 };
  return { kind: 'message', inbound, now: 0 };
}

function request(seq: number, missionType = 0, legacy = false): ProtocolEvent {
  const m = legacy ? new common.MissionRequest() : new common.MissionRequestInt();
  m.targetSystem = GCS_SYSID;
  m.targetComponent = 190;
  m.seq = seq;
  m.missionType = missionType;
  return from(m);
}

function ack(type: number, missionType = 0, opaqueId = 0): ProtocolEvent {
  const m = new common.MissionAck();
  m.targetSystem = GCS_SYSID;
  m.targetComponent = 190;
  m.type = type;
  m.missionType = missionType;
  m.opaqueId = opaqueId;
  return from(m);
}

const sends = <P, R>(effects: Effect<P, R>[]): MavLinkData[] =>
  effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
const done = <P, R>(effects: Effect<P, R>[]): R | undefined => {
  const d = effects.find((e) => e.kind === 'done');
  return d?.kind === 'done' ? d.result : undefined;
};

describe('uploadStep', () => {
  const items = makeItems(3);
  const begin = (): UploadState =>
    uploadStep(initialUploadState({ target, missionType: 0, items }), started).state;

  it('starts with MISSION_COUNT and the ack timer', () => {
    const out = uploadStep(initialUploadState({ target, missionType: 0, items }), started);
    const [count] = sends(out.effects) as [common.MissionCount];
    expect(count).toBeInstanceOf(common.MissionCount);
    expect([count.count, count.missionType, count.targetSystem, count.targetComponent]).toEqual([3, 0, 1, 1]);
    expect(out.effects).toContainEqual({ kind: 'setTimer', ms: 1500 });
  });

  it('answers MISSION_REQUEST_INT and legacy MISSION_REQUEST with MISSION_ITEM_INT', () => {
    let s = begin();
    for (const [seq, legacy] of [
      [0, false],
      [1, true],
    ] as const) {
      const out = uploadStep(s, request(seq, 0, legacy));
      const [item] = sends(out.effects) as [common.MissionItemInt];
      expect(item).toBeInstanceOf(common.MissionItemInt);
      expect([item.seq, item.x, item.y, item.z, item.missionType]).toEqual([
        seq,
        items[seq]!.x,
        items[seq]!.y,
        items[seq]!.z,
        0,
      ]);
      expect(out.effects).toContainEqual({ kind: 'progress', progress: { sent: seq + 1, total: 3 } });
      s = out.state;
    }
  });

  it('resends the count on silence, and gives up with a cancel', () => {
    let s = uploadStep(
      initialUploadState({ target, missionType: 1, items: makeItems(2, 1), retries: 1 }),
      started,
    ).state;
    const again = uploadStep(s, timeout);
    expect(sends(again.effects)[0]).toBeInstanceOf(common.MissionCount);
    s = again.state;
    const out = uploadStep(s, timeout);
    const [cancel] = sends(out.effects) as [common.MissionAck];
    expect([cancel.type, cancel.missionType]).toEqual([15, 1]);
    expect(done(out.effects)).toMatchObject({ ok: false, error: { code: 'Timeout' } });
  });

  it('mid-transfer silence does not push items; after all items it resends the last requested one', () => {
    let s = uploadStep(begin(), request(0)).state;
    const quiet = uploadStep(s, timeout);
    expect(sends(quiet.effects)).toEqual([]);
    s = uploadStep(uploadStep(quiet.state, request(1)).state, request(2)).state;
    const noAck = uploadStep(s, timeout);
    const [again] = sends(noAck.effects) as [common.MissionItemInt];
    expect(again.seq).toBe(2);
  });

  it('finishes with the opaque id on ACCEPTED after every item went out', () => {
    let s = begin();
    for (const seq of [2, 0, 1]) s = uploadStep(s, request(seq)).state;
    const out = uploadStep(s, ack(0, 0, 0xabcdef));
    expect(done(out.effects)).toEqual({ ok: true, value: { opaqueId: 0xabcdef, count: 3 } });
    expect(sends(out.effects)).toEqual([]);
  });

  it('surfaces a NACK with its name and sends the cancel', () => {
    const s = uploadStep(begin(), request(0)).state;
    const out = uploadStep(s, ack(2));
    expect(done(out.effects)).toMatchObject({
      ok: false,
      error: {
        code: 'VehicleRejected',
        detail: { missionResult: 2, missionResultName: 'UNSUPPORTED_FRAME' },
      },
    });
    expect((sends(out.effects)[0] as common.MissionAck).type).toBe(15);
  });

  it('ignores other systems, other mission types, other ground stations and INVALID_SEQUENCE', () => {
    const s = uploadStep(begin(), request(0)).state;
    const other = request(1);
    if (other.kind === 'message') other.inbound.sysid = 2;
    const foreign = new common.MissionRequestInt();
    foreign.targetSystem = 200;
    foreign.seq = 1;
    for (const e of [other, request(1, 1), from(foreign)]) expect(uploadStep(s, e).state).toBe(s);
    const seqNack = uploadStep(s, ack(13));
    expect(seqNack.effects).toEqual([]);
    expect(seqNack.state.phase).toBe('sending');
  });

  it('an ACCEPTED before anything was requested is a stale ack, not success', () => {
    const out = uploadStep(begin(), ack(0));
    expect(done(out.effects)).toBeUndefined();
  });

  it('counts repeated requests as retries and resets on a new item', () => {
    let s = uploadStep(
      uploadStep(initialUploadState({ target, missionType: 0, items, retries: 2 }), started).state,
      request(0),
    ).state;
    s = uploadStep(uploadStep(s, request(0)).state, request(0)).state;
    expect(s.phase === 'sending' && s.retries).toBe(2);
    s = uploadStep(s, request(1)).state;
    expect(s.phase === 'sending' && s.retries).toBe(0);
    s = uploadStep(uploadStep(s, request(1)).state, request(1)).state;
    const out = uploadStep(s, request(1));
    expect(done(out.effects)).toMatchObject({ ok: false, error: { code: 'Timeout' } });
  });

  it('refuses a request beyond the count', () => {
    const out = uploadStep(uploadStep(begin(), request(0)).state, request(3));
    expect(done(out.effects)).toMatchObject({
      ok: false,
      error: { code: 'ProtocolError', detail: { requestedSeq: 3 } },
    });
  });
});

describe('checkUploadItems', () => {
  it('names the item and field that is wrong', () => {
    const items = makeItems(3);
    expect(checkUploadItems(items, 0)).toBeUndefined();
    expect(checkUploadItems([items[0]!, { ...items[2]! }], 0)).toMatch(/item 1: seq is 2/);
    expect(checkUploadItems([{ ...items[0]!, missionType: 1 }], 0)).toMatch(
      /item 0: missionType is 1 \(fence\)/,
    );
    expect(checkUploadItems([{ ...items[0]!, x: 30.5 }], 0)).toMatch(/item 0: x must be an int32/);
    expect(checkUploadItems(items, 3)).toMatch(/missionType must be/);
  });
});

describe('downloadStep', () => {
  const begin = (): DownloadState =>
    downloadStep(initialDownloadState({ target, missionType: 0 }), started).state;
  const count = (n: number, opaqueId = 0, missionType = 0): ProtocolEvent => {
    const m = new common.MissionCount();
    m.count = n;
    m.missionType = missionType;
    m.opaqueId = opaqueId;
    return from(m);
  };
  const item = (seq: number, missionType = 0): ProtocolEvent => {
    const m = new common.MissionItemInt();
    Object.assign(m, { ...makeItems(seq + 1, 0)[seq]!, missionType });
    return from(m);
  };

  it('asks for the list, then each item with MISSION_REQUEST_INT on the 250 ms item timer', () => {
    const first = downloadStep(initialDownloadState({ target, missionType: 0 }), started);
    expect(sends(first.effects)[0]).toBeInstanceOf(common.MissionRequestList);
    const out = downloadStep(first.state, count(2, 77));
    const [req] = sends(out.effects) as [common.MissionRequestInt];
    expect([req.seq, req.missionType]).toEqual([0, 0]);
    expect(out.effects).toContainEqual({ kind: 'setTimer', ms: 250 });
  });

  it('drops out-of-sequence items and re-requests the expected one on timeout', () => {
    let s = downloadStep(begin(), count(3)).state;
    s = downloadStep(s, item(1)).state;
    expect(s.phase === 'requesting' && s.items.length).toBe(0);
    const out = downloadStep(s, timeout);
    expect((sends(out.effects)[0] as common.MissionRequestInt).seq).toBe(0);
  });

  it('acknowledges and returns items with the opaque id', () => {
    let s = downloadStep(begin(), count(2, 1234)).state;
    s = downloadStep(s, item(0)).state;
    const out = downloadStep(s, item(1));
    const [final] = sends(out.effects) as [common.MissionAck];
    expect([final.type, final.missionType]).toEqual([0, 0]);
    const result = done(out.effects);
    expect(result?.ok && result.value.opaqueId).toBe(1234);
    expect(result?.ok && result.value.items.map((i) => i.seq)).toEqual([0, 1]);
  });

  it('ignores counts and items of other mission types', () => {
    const s = begin();
    expect(downloadStep(s, count(5, 0, 1)).state).toBe(s);
    const r = downloadStep(begin(), count(1)).state;
    expect(downloadStep(r, item(0, 2)).state).toBe(r);
  });

  it('ends on a vehicle error ack without sending a cancel', () => {
    const out = downloadStep(downloadStep(begin(), count(2)).state, ack(1));
    expect(done(out.effects)).toMatchObject({
      ok: false,
      error: { code: 'VehicleRejected', detail: { missionResultName: 'ERROR' } },
    });
    expect(sends(out.effects)).toEqual([]);
  });
});

describe('clearStep', () => {
  it('sends MISSION_CLEAR_ALL, retries, and maps the ack', () => {
    const first = clearStep(initialClearState({ target, missionType: 255, retries: 1 }), started);
    const [clear] = sends(first.effects) as [common.MissionClearAll];
    expect(clear.missionType).toBe(255);
    const again = clearStep(first.state, timeout);
    expect(sends(again.effects)[0]).toBeInstanceOf(common.MissionClearAll);
    expect(done(clearStep(again.state, timeout).effects)).toMatchObject({ error: { code: 'Timeout' } });
    expect(done(clearStep(first.state, ack(0, 255)).effects)).toEqual({
      ok: true,
      value: { missionType: 255 },
    });
    expect(done(clearStep(first.state, ack(14, 255)).effects)).toMatchObject({
      error: { code: 'VehicleRejected', detail: { missionResultName: 'DENIED' } },
    });
    expect(clearStep(first.state, ack(0, 1)).effects).toEqual([]);
  });
});
