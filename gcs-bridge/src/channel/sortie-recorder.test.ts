/** The sortie recorder: one vehicle's packets and the bridge's frames for it, arm to disarm, capped. */
import { common, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { PacketInfo } from '../codec/connection.ts';
import { encodeFrame } from '../codec/frame.ts';
import { GCS_COMPID, GCS_SYSID } from '../codec/types.ts';
import { splitTlog } from '../link/tlog.ts';
import { outboundConcerns, type RecordableConnection, SortieRecorder } from './sortie-recorder.ts';

class FakeConnection implements RecordableConnection {
  readonly sysid = GCS_SYSID;
  private readonly inHandlers = new Set<(p: PacketInfo) => void>();
  private readonly outHandlers = new Set<(f: Buffer) => void>();
  constructor(readonly id: string) {}
  onPacket(h: (p: PacketInfo) => void) {
    this.inHandlers.add(h);
    return () => this.inHandlers.delete(h);
  }
  onOutbound(h: (f: Buffer) => void) {
    this.outHandlers.add(h);
    return () => this.outHandlers.delete(h);
  }
  /** A frame from `sysid`, delivered as a view into a bigger buffer (as the decoder does). */
  receive(sysid: number, frame: Buffer) {
    const big = Buffer.concat([Buffer.from([1, 2, 3]), frame, Buffer.from([9])]);
    const raw = big.subarray(3, 3 + frame.length);
    const info = { sysid, compid: 1, msgid: 0, seq: 0, raw, signed: false, linkId: this.id, receivedAt: 0 };
    for (const h of this.inHandlers) h(info);
    big.fill(0); // the decoder reuses its buffer: a recorder must have copied
  }
  send(frame: Buffer) {
    for (const h of this.outHandlers) h(frame);
  }
  get listeners() {
    return this.inHandlers.size + this.outHandlers.size;
  }
}

function heartbeat(sysid: number, armed: boolean, seq = 0): Buffer {
  const m = new minimal.Heartbeat();
  m.type = 2;
  m.autopilot = 12;
  m.baseMode = armed ? 0x80 | 0x01 : 0x01;
  m.mavlinkVersion = 3;
  return encodeFrame(m, { sysid, compid: 1, seq });
}

function commandLong(from: number, target: number, command: number): Buffer {
  const m = new common.CommandLong();
  m.targetSystem = target;
  m.targetComponent = 1;
  m.command = command;
  return encodeFrame(m, { sysid: from, compid: GCS_COMPID, seq: 0 });
}

const gcsBeat = () => {
  const m = new minimal.Heartbeat();
  m.type = 6;
  m.autopilot = 8;
  return encodeFrame(m, { sysid: GCS_SYSID, compid: GCS_COMPID, seq: 0 });
};

const packets = (bytes: Buffer) => {
  const { records, rest } = splitTlog(bytes);
  expect(rest).toBe(bytes.length);
  return records;
};

describe('SortieRecorder', () => {
  it('records only the vehicle armed, from arm to disarm, and the bridge frames meant for it', () => {
    const link = new FakeConnection('udpin://0.0.0.0:14550');
    let us = 1_700_000_000_000_000;
    const rec = new SortieRecorder({ connections: [link], clockUs: () => (us += 1000) });

    link.receive(1, heartbeat(1, false)); // before arming: not recorded
    expect(rec.start(1, 1000, link.id)).toBeNull();
    expect(rec.recording(1)).toBe(true);
    const beat1 = heartbeat(1, true, 7);
    link.receive(1, beat1);
    link.receive(2, heartbeat(2, false)); // another vehicle on the same link
    link.send(gcsBeat()); // the bridge's HEARTBEAT: for everyone
    const land = commandLong(GCS_SYSID, 1, 21);
    link.send(land);
    link.send(commandLong(GCS_SYSID, 2, 22)); // for vehicle 2
    link.send(heartbeat(2, false)); // routed from vehicle 2, not the bridge's own
    const done = rec.stop(1, 5000);
    link.receive(1, heartbeat(1, false)); // after disarm: not recorded

    expect(done).toMatchObject({ sysid: 1, fromMs: 1000, toMs: 5000, records: 3, truncated: false });
    const recs = packets(done!.bytes);
    expect(recs.map((r) => Buffer.from(r.packet))).toEqual([beat1, gcsBeat(), land]);
    expect(recs.map((r) => r.timestampUs)).toEqual([
      1_700_000_000_001_000, 1_700_000_000_002_000, 1_700_000_000_003_000,
    ]);
    expect(link.listeners).toBe(0);
    expect(rec.stop(1, 6000)).toBeNull();
  });

  it('listens on the vehicle link only when it is known, on every link otherwise', () => {
    const a = new FakeConnection('a');
    const b = new FakeConnection('b');
    const rec = new SortieRecorder({ connections: [a, b] });
    rec.start(1, 0, 'b');
    a.receive(1, heartbeat(1, true)); // the same sysid heard on another link (a loop): ignored
    b.receive(1, heartbeat(1, true));
    a.send(gcsBeat());
    expect(rec.stop(1, 1)!.records).toBe(1);

    rec.start(1, 0, 'no-such-link');
    a.receive(1, heartbeat(1, true));
    b.receive(1, heartbeat(1, true));
    expect(rec.stop(1, 1)!.records).toBe(2);
  });

  it('records two vehicles at once, each into its own recording', () => {
    const link = new FakeConnection('l');
    const rec = new SortieRecorder({ connections: [link] });
    rec.start(1, 0, 'l');
    rec.start(2, 0, 'l');
    link.receive(1, heartbeat(1, true));
    link.receive(2, heartbeat(2, true));
    link.receive(2, heartbeat(2, true));
    link.send(commandLong(GCS_SYSID, 2, 21));
    expect(rec.stop(1, 1)!.records).toBe(1);
    expect(rec.stop(2, 1)!.records).toBe(3);
  });

  it('stops at the cap and says the recording is truncated', () => {
    const link = new FakeConnection('l');
    const frame = heartbeat(1, true);
    const per = 8 + frame.length;
    const rec = new SortieRecorder({ connections: [link], maxBytes: per * 3 + 5 });
    rec.start(1, 0);
    for (let i = 0; i < 10; i++) link.receive(1, frame);
    expect(link.listeners).toBe(0); // nothing more to record: detached until the disarm
    const done = rec.stop(1, 100)!;
    expect(done).toMatchObject({ records: 3, truncated: true });
    expect(done.bytes.length).toBe(per * 3);
    expect(packets(done.bytes)).toHaveLength(3);
  });

  it('spans many blocks without losing a byte', () => {
    const link = new FakeConnection('l');
    const rec = new SortieRecorder({ connections: [link] });
    rec.start(1, 0);
    const frame = heartbeat(1, true);
    const n = 40_000; // ~1.4 MB: several internal blocks
    for (let i = 0; i < n; i++) link.receive(1, frame);
    const done = rec.stop(1, 1)!;
    expect(done.bytes.length).toBe(n * (8 + frame.length));
    const recs = packets(done.bytes);
    expect(recs).toHaveLength(n);
    expect(recs.every((r) => Buffer.from(r.packet).equals(frame))).toBe(true);
  });

  it('a second arm without a disarm hands back the first recording and starts anew', () => {
    const link = new FakeConnection('l');
    const rec = new SortieRecorder({ connections: [link] });
    rec.start(1, 10);
    link.receive(1, heartbeat(1, true));
    const first = rec.start(1, 20);
    expect(first).toMatchObject({ fromMs: 10, toMs: 20, records: 1 });
    link.receive(1, heartbeat(1, true));
    link.receive(1, heartbeat(1, true));
    expect(rec.stop(1, 30)).toMatchObject({ fromMs: 20, toMs: 30, records: 2 });
    expect(link.listeners).toBe(0);
  });
});

describe('outboundConcerns', () => {
  it('keeps the bridge frames for the vehicle or for everyone', () => {
    expect(outboundConcerns(gcsBeat(), GCS_SYSID, 1)).toBe(true);
    expect(outboundConcerns(commandLong(GCS_SYSID, 1, 21), GCS_SYSID, 1)).toBe(true);
    expect(outboundConcerns(commandLong(GCS_SYSID, 0, 21), GCS_SYSID, 1)).toBe(true);
    expect(outboundConcerns(commandLong(GCS_SYSID, 3, 21), GCS_SYSID, 1)).toBe(false);
    expect(outboundConcerns(commandLong(255, 1, 21), GCS_SYSID, 1)).toBe(false);
    expect(outboundConcerns(Buffer.from([0xfd, 0]), GCS_SYSID, 1)).toBe(false);
  });
});
