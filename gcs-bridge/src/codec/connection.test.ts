import {
  common,
  MavLinkData,
  type MavLinkPacket,
  MavLinkPacketField,
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  MavLinkProtocolV1,
  MSG_ID_MAGIC_NUMBER,
  minimal,
  standard,
  x25crc,
} from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { createMemoryLinkPair } from '../link/memory.ts';
import { MavlinkConnection, type PacketInfo } from './connection.ts';
import { mavlinkCrc } from './crc.ts';
import { encodeFrame } from './frame.ts';
import { REGISTRY, registerDialect } from './registry.ts';
import type { Inbound } from './types.ts';
import { GCS_SYSID } from './types.ts';

function heartbeat(customMode = 0): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = minimal.MavType.QUADROTOR;
  hb.autopilot = minimal.MavAutopilot.PX4;
  hb.baseMode = 0x81 as minimal.MavModeFlag;
  hb.customMode = customMode;
  hb.systemStatus = minimal.MavState.ACTIVE;
  hb.mavlinkVersion = 3;
  return hb;
}

function frame(msg: MavLinkData, sysid = 1, compid = 1, seq = 0): Buffer {
  return encodeFrame(msg, { sysid, compid, seq });
}

function collect(conn: MavlinkConnection): { messages: Inbound[]; packets: PacketInfo[] } {
  const messages: Inbound[] = [];
  const packets: PacketInfo[] = [];
  conn.onMessage((m) => messages.push(m));
  conn.onPacket((p) => packets.push({ ...p, raw: Buffer.from(p.raw) }));
  return { messages, packets };
}

function newConnection(options = {}): MavlinkConnection {
  const [a] = createMemoryLinkPair();
  return new MavlinkConnection(a, options);
}

/** Parses frames with node-mavlink's own splitter and parser, as an independent check. */
async function parseWithNodeMavlink(bytes: Buffer): Promise<MavLinkPacket[]> {
  const splitter = new MavLinkPacketSplitter();
  const parser = splitter.pipe(new MavLinkPacketParser());
  const out: MavLinkPacket[] = [];
  parser.on('data', (p: MavLinkPacket) => out.push(p));
  splitter.end(bytes);
  await new Promise((r) => parser.once('end', r).resume());
  return out;
}

describe('crc', () => {
  it('matches the reference X.25 implementation on random data', () => {
    for (let k = 0; k < 50; k++) {
      const b = Buffer.from(Array.from({ length: 1 + k * 5 }, () => Math.floor(Math.random() * 256)));
      expect(mavlinkCrc(b, 1, b.length, k)).toBe(x25crc(b, 1, 0, k));
    }
  });
});

describe('registry', () => {
  it('merges minimal, common, standard and ardupilotmega', () => {
    expect(REGISTRY[0]).toBe(minimal.Heartbeat);
    expect(REGISTRY[148]).toBe(standard.AutopilotVersion);
    expect(REGISTRY[76]).toBe(common.CommandLong);
    expect(REGISTRY[150]).toBeDefined(); // ardupilotmega SENSOR_OFFSETS
  });
});

describe('MavlinkConnection decode', () => {
  it('decodes MAVLink 2 frames into the same values node-mavlink produces', async () => {
    const cmd = new common.CommandLong();
    cmd.targetSystem = 1;
    cmd.targetComponent = 1;
    cmd.command = common.MavCmd.COMPONENT_ARM_DISARM;
    cmd._param1 = 1;
    cmd._param2 = 21196;
    cmd.confirmation = 2;
    const text = new common.StatusText();
    text.severity = common.MavSeverity.WARNING;
    text.text = 'Preflight Fail: baro\t';
    const av = new standard.AutopilotVersion();
    av.capabilities = 0xe4efn as never;
    av.flightSwVersion = 0x010e0000;
    av.uid = 1234567890123n;
    av.flightCustomVersion = [1, 2, 3, 4, 5, 6, 7, 8];
    const bytes = Buffer.concat([
      frame(heartbeat(0x04040000)),
      frame(cmd, 255, 190, 1),
      frame(text, 1, 1, 1),
      frame(av, 1, 1, 2),
    ]);

    const conn = newConnection();
    const { messages, packets } = collect(conn);
    conn.receive(bytes);

    const reference = await parseWithNodeMavlink(bytes);
    expect(reference).toHaveLength(4);
    expect(messages).toHaveLength(4);
    for (let k = 0; k < 4; k++) {
      const ref = reference[k] as MavLinkPacket;
      const clazz = REGISTRY[ref.header.msgid];
      if (!clazz) throw new Error('missing class');
      const expected = ref.protocol.data(ref.payload, clazz);
      const got = (messages[k] as Inbound).message;
      expect(got).toBeInstanceOf(clazz);
      expect({ ...got }).toEqual({ ...expected });
    }
    const hb = messages[0]?.message as minimal.Heartbeat;
    expect(hb.customMode).toBe(0x04040000);
    expect((messages[2]!.message as common.StatusText).text).toBe('Preflight Fail: baro\t');
    expect(packets.map((p) => [p.sysid, p.compid, p.msgid, p.seq])).toEqual([
      [1, 1, 0, 0],
      [255, 190, 76, 1],
      [1, 1, 253, 1],
      [1, 1, 148, 2],
    ]);
    expect(packets[1]?.targetSystem).toBe(1);
    expect(packets[1]?.targetComponent).toBe(1);
    expect(packets[0]?.targetSystem).toBeUndefined();
    expect(conn.stats()).toMatchObject({ packetsIn: 4, crcErrors: 0, seqGapLoss: 0, bytesIn: bytes.length });
  });

  it('decodes MAVLink 1 frames', () => {
    const v1 = new MavLinkProtocolV1(7, 3);
    const conn = newConnection();
    const { messages } = collect(conn);
    conn.receive(v1.serialize(heartbeat(42), 5));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ sysid: 7, compid: 3, msgid: 0 });
    expect((messages[0]!.message as minimal.Heartbeat).customMode).toBe(42);
  });

  it('reassembles frames split across chunks, one byte at a time', () => {
    const bytes = Buffer.concat([frame(heartbeat(1), 1, 1, 0), frame(heartbeat(2), 1, 1, 1)]);
    const conn = newConnection();
    const { messages } = collect(conn);
    for (const b of bytes) conn.receive(Buffer.from([b]));
    expect(messages.map((m) => (m.message as minimal.Heartbeat).customMode)).toEqual([1, 2]);
  });

  it('pads trimmed payloads: a zero-filled message still decodes with zero fields', () => {
    const f = frame(new common.CommandAck());
    expect(f[1]).toBe(1); // trimmed to one byte, never to zero
    const conn = newConnection();
    const { messages } = collect(conn);
    conn.receive(f);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toMatchObject({ command: 0, result: 0, targetSystem: 0 });
  });

  it('counts bad CRCs and unknown message ids, then keeps decoding', () => {
    const good = frame(heartbeat(7));
    const bad = Buffer.from(good);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    // An id no dialect knows (cannot be CRC-checked) and a known-but-undecoded one (storm32).
    const unknown = Buffer.from(frame(heartbeat()));
    unknown[7] = 0x77;
    unknown[8] = 0x77;
    unknown[9] = 0x07;
    const conn = newConnection();
    const { messages, packets } = collect(conn);
    conn.receive(Buffer.concat([bad, unknown, good]));
    expect(messages).toHaveLength(1);
    expect(packets).toHaveLength(1);
    const s = conn.stats();
    expect(s.crcErrors).toBe(1);
    expect(s.unknownMessages).toBe(1);
  });

  it('passes a CRC-valid packet of a dialect it cannot decode to onPacket only', () => {
    // An id some dialect defines (so its CRC can be checked) but our decode set lacks.
    const id = Number(Object.keys(MSG_ID_MAGIC_NUMBER).find((k) => !REGISTRY[Number(k)] && Number(k) > 255));
    const extra = MSG_ID_MAGIC_NUMBER[id] as number;
    const raw = Buffer.from([0xfd, 3, 0, 0, 9, 1, 154, id & 0xff, (id >> 8) & 0xff, id >> 16, 1, 2, 3, 0, 0]);
    const crc = mavlinkCrc(raw, 1, 13, extra);
    raw.writeUInt16LE(crc, 13);
    const conn = newConnection();
    const { messages, packets } = collect(conn);
    conn.receive(raw);
    expect(messages).toHaveLength(0);
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ msgid: id, sysid: 1, compid: 154, seq: 9 });
    expect(packets[0]?.raw.equals(raw)).toBe(true);
    expect(conn.stats()).toMatchObject({ unknownMessages: 1, crcErrors: 0, packetsIn: 1 });
  });

  it('counts packets lost from sequence gaps per (sysid, compid), mod 256', () => {
    const conn = newConnection();
    const chunks: Buffer[] = [];
    // Vehicle 1/1: 250..255, 0..4 with 253 and 1, 2 missing -> 3 lost.
    for (const s of [250, 251, 252, 254, 255, 0, 3, 4]) chunks.push(frame(heartbeat(), 1, 1, s));
    // Camera 1/100 interleaved with its own counter: 10, 11, 15 -> 3 lost.
    for (const s of [10, 11, 15]) chunks.push(frame(heartbeat(), 1, 100, s));
    for (const c of chunks) conn.receive(c);
    const s = conn.stats();
    expect(s.packetsIn).toBe(11);
    expect(s.seqGapLoss).toBe(6);
    expect(s.lossPct).toBeCloseTo((6 / 17) * 100, 5);
  });
});

describe('fuzz', () => {
  it('random bytes interleaved with valid packets: every valid packet comes out, nothing throws', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 20; round++) {
      const conn = newConnection();
      const { messages } = collect(conn);
      const parts: Buffer[] = [];
      const expected: number[] = [];
      for (let k = 0; k < 200; k++) {
        const junk = Buffer.alloc(Math.floor(rand() * 300));
        for (let j = 0; j < junk.length; j++) {
          // Plenty of start bytes so false frames are tried all the time.
          const r = rand();
          junk[j] = r < 0.1 ? 0xfd : r < 0.2 ? 0xfe : Math.floor(rand() * 256);
        }
        parts.push(junk);
        if (rand() < 0.2) {
          // A truncated copy of a real packet (the rest lost on the radio).
          const t = frame(heartbeat(999), 2, 1, k & 0xff);
          parts.push(t.subarray(0, Math.floor(rand() * t.length)));
        }
        const id = round * 1000 + k;
        expected.push(id);
        const f = frame(heartbeat(id), 1, 1, k & 0xff);
        parts.push(rand() < 0.5 ? f : new MavLinkProtocolV1(1, 1).serialize(heartbeat(id), k & 0xff));
      }
      const stream = Buffer.concat(parts);
      // Feed in random chunk sizes.
      let i = 0;
      while (i < stream.length) {
        const n = 1 + Math.floor(rand() * 400);
        expect(() => conn.receive(stream.subarray(i, i + n))).not.toThrow();
        i += n;
      }
      const got = messages
        .filter((m) => m.sysid === 1)
        .map((m) => (m.message as minimal.Heartbeat).customMode);
      expect(got).toEqual(expected);
      expect(conn.stats().crcErrors).toBeGreaterThan(0);
    }
  });
});

describe('encodeFrame', () => {
  it('produces frames node-mavlink parses, with one sequence counter per connection', async () => {
    const [a, b] = createMemoryLinkPair();
    const tx = new MavlinkConnection(a, { sysid: 250, compid: 191 });
    const rx = new MavlinkConnection(b);
    const { packets } = collect(rx);
    await tx.open();
    await rx.open();
    const written: Buffer[] = [];
    tx.onOutbound((f) => written.push(Buffer.from(f)));
    for (let k = 0; k < 300; k++) tx.send(k % 2 ? heartbeat(k) : new common.CommandAck());
    await new Promise((r) => setTimeout(r, 10));
    const ref = await parseWithNodeMavlink(Buffer.concat(written));
    expect(ref).toHaveLength(300);
    expect(ref.map((p) => p.header.seq)).toEqual(Array.from({ length: 300 }, (_, k) => k & 0xff));
    expect(packets).toHaveLength(300);
    expect(packets.every((p) => p.sysid === 250 && p.compid === 191)).toBe(true);
    expect(rx.stats().seqGapLoss).toBe(0);
    expect(tx.stats()).toMatchObject({ packetsOut: 300 });
    await tx.close();
    await rx.close();
  });

  it('sendRaw forwards bytes unchanged and does not consume the sequence', async () => {
    const [a, b] = createMemoryLinkPair();
    const tx = new MavlinkConnection(a);
    const rx = new MavlinkConnection(b);
    const { packets } = collect(rx);
    await tx.open();
    await rx.open();
    const foreign = frame(heartbeat(5), 1, 1, 77);
    tx.send(heartbeat());
    tx.sendRaw(foreign);
    tx.send(heartbeat());
    await new Promise((r) => setTimeout(r, 10));
    expect(packets.map((p) => [p.sysid, p.seq])).toEqual([
      [GCS_SYSID, 0],
      [1, 77],
      [GCS_SYSID, 1],
    ]);
    expect(packets[1]?.raw.equals(foreign)).toBe(true);
  });
});

describe('dialects and dropped writes', () => {
  it('registerDialect adds a private message set (the dock dialect) to every connection', () => {
    class DockStatus extends MavLinkData {
      static override MSG_ID = 42_901;
      static override MSG_NAME = 'AERIE_TEST_DOCK_STATUS';
      static override PAYLOAD_LENGTH = 6;
      static override MAGIC_NUMBER = 77;
      static override FIELDS = [
        new MavLinkPacketField('battery_mv', 'batteryMv', 0, false, 4, 'uint32_t', 'mV'),
        new MavLinkPacketField('target_system', 'targetSystem', 4, false, 1, 'uint8_t', ''),
        new MavLinkPacketField('lid', 'lid', 5, false, 1, 'uint8_t', ''),
      ];
      batteryMv = 0;
      targetSystem = 0;
      lid = 0;
    }
    const msg = new DockStatus();
    msg.batteryMv = 25_100;
    msg.lid = 2;
    const bytes = frame(msg, 20, 200, 0);
    const before = newConnection();
    const seen = collect(before);
    before.receive(bytes);
    expect(seen.messages).toHaveLength(0);
    expect(before.stats().unknownMessages).toBe(1);

    registerDialect({ [DockStatus.MSG_ID]: DockStatus }, { [DockStatus.MSG_ID]: DockStatus.MAGIC_NUMBER });
    const after = newConnection();
    const { messages, packets } = collect(after);
    after.receive(bytes);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toBeInstanceOf(DockStatus);
    expect(messages[0]?.message).toMatchObject({ batteryMv: 25_100, lid: 2, targetSystem: 0 });
    expect(packets[0]?.targetSystem).toBe(0);
  });

  it('writes the link drops (not open) are counted as dropped, not as sent', () => {
    const conn = newConnection();
    const sent: Buffer[] = [];
    conn.onOutbound((f) => sent.push(f));
    conn.send(heartbeat());
    expect(sent).toHaveLength(0);
    expect(conn.stats()).toMatchObject({ packetsOut: 0, bytesOut: 0, droppedWrites: 1 });
  });
});
