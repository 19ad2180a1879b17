import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import {
  common,
  MavLinkPacketSignature,
  MavLinkPacketSplitter,
  MavLinkProtocolV2,
  minimal,
} from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { createMemoryLinkPair } from '../link/memory.ts';
import { MavlinkConnection } from './connection.ts';
import { mavlinkCrc } from './crc.ts';
import { encodeFrame } from './frame.ts';
import {
  normalizeSigning,
  SIGNING_EPOCH_MS,
  Signer,
  signingKeyFromHex,
  signingKeyFromPassphrase,
  signingNow,
} from './signing.ts';
import type { Inbound } from './types.ts';

const KEY = signingKeyFromPassphrase('aerie-test-passphrase');
const OTHER = signingKeyFromPassphrase('someone else');

function heartbeat(mode: number): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.customMode = mode;
  hb.mavlinkVersion = 3;
  return hb;
}

/** A receiving connection plus frames produced by a sending connection with its own config. */
function pair(rxSigning: ConstructorParameters<typeof MavlinkConnection>[1], clock?: () => number) {
  const [a] = createMemoryLinkPair();
  const rx = new MavlinkConnection(a, { ...rxSigning, ...(clock ? { clock } : {}) });
  const messages: Inbound[] = [];
  rx.onMessage((m) => messages.push(m));
  return { rx, messages };
}

/** Frames a sender with the given signing config puts on the wire (over an open memory link). */
async function framesFrom(
  signing: ConstructorParameters<typeof MavlinkConnection>[1],
  msgs: minimal.Heartbeat[],
  clock?: () => number,
): Promise<Buffer[]> {
  const [a, b] = createMemoryLinkPair();
  await a.open();
  await b.open();
  const tx = new MavlinkConnection(a, { sysid: 1, compid: 1, ...signing, ...(clock ? { clock } : {}) });
  const out: Buffer[] = [];
  tx.onOutbound((f) => out.push(Buffer.from(f)));
  for (const m of msgs) tx.send(m);
  await a.close();
  await b.close();
  return out;
}

describe('signing keys', () => {
  it('derives the key as SHA-256 of the passphrase and parses 64 hex characters', async () => {
    const expected = createHash('sha256').update('aerie-test-passphrase').digest();
    expect(KEY.reveal().equals(expected)).toBe(true);
    expect(signingKeyFromHex(expected.toString('hex')).reveal().equals(expected)).toBe(true);
    expect(() => signingKeyFromHex('abc')).toThrow(/64 hex characters/);
    expect(() => normalizeSigning({ key: Buffer.alloc(16), linkId: 0, requireSigned: true })).toThrow(
      /32 bytes/,
    );
    expect(() => normalizeSigning({ key: KEY, linkId: 300, requireSigned: true })).toThrow(/linkId/);
  });

  it('never prints the key: JSON, inspect and string conversion are redacted', async () => {
    const raw = KEY.reveal();
    const [a] = createMemoryLinkPair();
    const conn = new MavlinkConnection(a, {
      signing: { key: Buffer.from(raw), linkId: 3, requireSigned: true },
    });
    const hex = raw.toString('hex');
    const outputs = [
      JSON.stringify(conn.signing),
      inspect(conn.signing, { depth: 5, showHidden: true }),
      `${conn.signing?.key}`,
      JSON.stringify({ key: KEY }),
      inspect(KEY, { showHidden: true }),
    ];
    for (const o of outputs) {
      expect(o).not.toContain(hex);
      expect(o).not.toContain(raw.toString('base64'));
      expect(o).not.toMatch(/\b(0x)?[0-9a-f]{2}(, (0x)?[0-9a-f]{2}){8}/); // no byte lists
    }
    expect(JSON.stringify(conn.signing)).toContain('[redacted]');
    expect(JSON.stringify(conn.signing)).toContain('"linkId":3');
  });
});

describe('outgoing signatures', () => {
  it('sets the signed flag before the CRC and signs as the spec says (checked with node-mavlink)', async () => {
    const [frame] = await framesFrom({ signing: { key: KEY, linkId: 7, requireSigned: true } }, [
      heartbeat(1),
    ]);
    if (!frame) throw new Error('no frame');
    expect(frame[2]! & 0x01).toBe(1);
    // node-mavlink's splitter validates the CRC (with the flag in the header) and the signature length.
    const splitter = new MavLinkPacketSplitter();
    const got: Buffer[] = [];
    splitter.on('data', (p: { buffer: Buffer }) => got.push(p.buffer));
    splitter.write(frame);
    expect(got).toHaveLength(1);
    const sig = new MavLinkPacketSignature(frame);
    expect(sig.linkId).toBe(7);
    expect(sig.matches(KEY.reveal())).toBe(true);
    expect(sig.matches(OTHER.reveal())).toBe(false);
    const nowUnits = signingNow();
    expect(Math.abs(sig.timestamp - nowUnits)).toBeLessThan(100 * 1000 * 5); // within 5 s, 10 µs units
  });

  it('timestamps strictly increase even when many packets go out in the same millisecond', async () => {
    const fixed = () => SIGNING_EPOCH_MS + 1_000_000;
    const frames = await framesFrom(
      { signing: { key: KEY, linkId: 1, requireSigned: true } },
      Array.from({ length: 50 }, (_, k) => heartbeat(k)),
      fixed,
    );
    const ts = frames.map((f) => new MavLinkPacketSignature(f).timestamp);
    for (let k = 1; k < ts.length; k++) expect(ts[k]).toBeGreaterThan(ts[k - 1] as number);
    expect(ts[0]).toBe(1_000_000 * 100);
  });

  it('node-mavlink sign() alone leaves the flag clear; Signer advances the timestamp within one millisecond', async () => {
    // Why Signer exists: these frames are not valid signed MAVLink 2.
    const p = new MavLinkProtocolV2(1, 1);
    const signed = p.sign(p.serialize(heartbeat(1), 0), 1, KEY.reveal(), 1_700_000_000_000);
    expect(signed[2]! & 0x01).toBe(0);
    const a = new Signer(
      normalizeSigning({ key: KEY, linkId: 1, requireSigned: true }),
      () => 1_700_000_000_000,
    );
    const f1 = a.sign(encodeFrame(heartbeat(1), { sysid: 1, compid: 1, seq: 0 }, true));
    const f2 = a.sign(encodeFrame(heartbeat(1), { sysid: 1, compid: 1, seq: 1 }, true));
    expect(new MavLinkPacketSignature(f2).timestamp).toBe(new MavLinkPacketSignature(f1).timestamp + 1);
  });
});

describe('incoming verification', () => {
  const required = { signing: { key: KEY, linkId: 2, requireSigned: true } };

  it('accepts packets signed with the same key over a real exchange', async () => {
    const [a, b] = createMemoryLinkPair();
    const gcs = new MavlinkConnection(a, required);
    const vehicle = new MavlinkConnection(b, {
      sysid: 1,
      compid: 1,
      signing: { key: KEY, linkId: 0, requireSigned: true },
    });
    const atGcs: Inbound[] = [];
    const atVehicle: Inbound[] = [];
    gcs.onMessage((m) => atGcs.push(m));
    vehicle.onMessage((m) => atVehicle.push(m));
    await gcs.open();
    await vehicle.open();
    for (let k = 0; k < 10; k++) {
      vehicle.send(heartbeat(k));
      gcs.send(new common.CommandLong());
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(atGcs.map((m) => (m.message as minimal.Heartbeat).customMode)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(atVehicle).toHaveLength(10);
    expect(gcs.stats()).toMatchObject({ unsignedDropped: 0, badSignature: 0, replayed: 0, packetsIn: 10 });
    await gcs.close();
    await vehicle.close();
  });

  it('drops unsigned packets when signing is required (RADIO_STATUS excepted)', async () => {
    const { rx, messages } = pair(required);
    for (const f of await framesFrom({}, [heartbeat(1), heartbeat(2)])) rx.receive(f);
    const radio = encodeFrame(new common.RadioStatus(), { sysid: 51, compid: 68, seq: 0 });
    rx.receive(radio);
    expect(messages.map((m) => m.msgid)).toEqual([109]);
    expect(rx.stats().unsignedDropped).toBe(2);
  });

  it('accepts unsigned packets when signing is configured but not required', async () => {
    const { rx, messages } = pair({ signing: { key: KEY, linkId: 2, requireSigned: false } });
    for (const f of await framesFrom({}, [heartbeat(1)])) rx.receive(f);
    expect(messages).toHaveLength(1);
  });

  it('drops packets signed with another key, required or not', async () => {
    for (const requireSigned of [true, false]) {
      const { rx, messages } = pair({ signing: { key: KEY, linkId: 2, requireSigned } });
      for (const f of await framesFrom({ signing: { key: OTHER, linkId: 0, requireSigned: true } }, [
        heartbeat(1),
        heartbeat(2),
      ]))
        rx.receive(f);
      expect(messages).toHaveLength(0);
      expect(rx.stats().badSignature).toBe(2);
    }
  });

  it('drops a tampered signed packet even with its CRC recomputed', async () => {
    const { rx, messages } = pair(required);
    const [f] = await framesFrom({ signing: { key: KEY, linkId: 0, requireSigned: true } }, [heartbeat(1)]);
    if (!f) throw new Error('no frame');
    const t = Buffer.from(f);
    t[10] = (t[10] as number) ^ 0x01; // flip a payload bit; the attacker can fix the CRC but not the signature
    const plen = t[1] as number;
    t.writeUInt16LE(mavlinkCrc(t, 1, 10 + plen, minimal.Heartbeat.MAGIC_NUMBER), 10 + plen);
    rx.receive(t);
    expect(messages).toHaveLength(0);
    expect(rx.stats()).toMatchObject({ badSignature: 1, crcErrors: 0 });
  });

  it('rejects replayed packets per (sysid, compid, linkId) stream', async () => {
    const { rx, messages } = pair(required);
    const frames = await framesFrom({ signing: { key: KEY, linkId: 0, requireSigned: true } }, [
      heartbeat(1),
      heartbeat(2),
    ]);
    const [f1, f2] = frames as [Buffer, Buffer];
    rx.receive(f1);
    rx.receive(f2);
    rx.receive(f1); // replay of an older packet
    rx.receive(f2); // replay of the newest
    expect(messages.map((m) => (m.message as minimal.Heartbeat).customMode)).toEqual([1, 2]);
    expect(rx.stats().replayed).toBe(2);
    // The same timestamps on another link id are a different stream and are accepted.
    const other = await framesFrom({ signing: { key: KEY, linkId: 9, requireSigned: true } }, [heartbeat(3)]);
    rx.receive(other[0] as Buffer);
    expect(messages).toHaveLength(3);
  });

  it('rejects a new stream whose timestamp is more than a minute old', async () => {
    const now = Date.now();
    const { rx, messages } = pair(required, () => now);
    const old = await framesFrom(
      { signing: { key: KEY, linkId: 0, requireSigned: true } },
      [heartbeat(1)],
      () => now - 61_000,
    );
    const recent = await framesFrom(
      { signing: { key: KEY, linkId: 1, requireSigned: true } },
      [heartbeat(2)],
      () => now - 59_000,
    );
    rx.receive(old[0] as Buffer);
    rx.receive(recent[0] as Buffer);
    expect(messages.map((m) => (m.message as minimal.Heartbeat).customMode)).toEqual([2]);
    expect(rx.stats().replayed).toBe(1);
  });
});
