import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { createLink } from '../link/create-link.ts';
import { readTlog, splitTlog, type TlogReplayLink } from '../link/tlog.ts';
import { waitFor } from '../testing/wait.ts';
import { MavlinkConnection } from './connection.ts';
import { encodeFrame } from './frame.ts';
import { TlogRecorder } from './tlog-recorder.ts';
import type { Inbound } from './types.ts';
import { GCS_SYSID } from './types.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aerie-tlog-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function heartbeat(mode: number): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.customMode = mode;
  hb.mavlinkVersion = 3;
  return hb;
}

async function collect(path: string) {
  const out = [];
  for await (const r of readTlog(path))
    out.push({ timestampUs: r.timestampUs, packet: Buffer.from(r.packet) });
  return out;
}

describe('tlog recording', () => {
  it('writes 8-byte big-endian microsecond timestamps followed by the raw frame', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.tlog');
    const rec = new TlogRecorder(path);
    const f = encodeFrame(heartbeat(1), { sysid: 1, compid: 1, seq: 0 });
    rec.write(f, 1_700_000_000_123_456);
    await rec.close();
    const bytes = await readFile(path);
    expect(bytes.length).toBe(8 + f.length);
    expect(bytes.readBigUInt64BE(0)).toBe(1_700_000_000_123_456n);
    expect(bytes.subarray(8).equals(f)).toBe(true);
    await rec.close(); // idempotent
  });

  it('records a live UDP exchange in both directions; replay gives the same packets in order', async () => {
    const dir = await tempDir();
    const path = join(dir, 'flight.tlog');
    const vehicleLink = createLink({ kind: 'udpin', host: '127.0.0.1', port: 0 });
    const vehicle = new MavlinkConnection(vehicleLink, { sysid: 1, compid: 1 });
    await vehicle.open();
    cleanups.push(() => vehicle.close());
    const gcs = new MavlinkConnection(
      createLink({ kind: 'udpout', host: '127.0.0.1', port: vehicleLink.localPort() as number }),
    );
    await gcs.open();
    cleanups.push(() => gcs.close());
    const recorder = new TlogRecorder(path);
    recorder.attach(gcs);

    // GCS speaks first (udpin needs a peer), then the vehicle answers; strictly alternating
    // so the recorded order is deterministic.
    const atGcs: Inbound[] = [];
    gcs.onMessage((m) => atGcs.push(m));
    const atVehicle: Inbound[] = [];
    vehicle.onMessage((m) => atVehicle.push(m));
    for (let k = 0; k < 10; k++) {
      const cmd = new common.CommandLong();
      cmd.targetSystem = 1;
      cmd.command = common.MavCmd.REQUEST_MESSAGE;
      cmd._param1 = k;
      gcs.send(cmd);
      await waitFor(() => atVehicle.length === k + 1, 2000, 'command at vehicle');
      vehicle.send(heartbeat(k));
      await waitFor(() => atGcs.length === k + 1, 2000, 'heartbeat at gcs');
    }
    await recorder.close();
    expect(recorder.records()).toBe(20);

    const records = await collect(path);
    expect(records).toHaveLength(20);
    for (let k = 1; k < records.length; k++) {
      expect(records[k]?.timestampUs).toBeGreaterThanOrEqual(records[k - 1]?.timestampUs as number);
    }
    expect(Math.abs((records[0]?.timestampUs as number) / 1000 - Date.now())).toBeLessThan(60_000);
    const kinds = records.map((r) => [r.packet[5], r.packet[7]]); // sysid, msgid
    expect(kinds).toEqual(Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? [GCS_SYSID, 76] : [1, 0])));

    // Replay the file as a link, flat out, through a connection: the same packets in order.
    const spec = { kind: 'tlog' as const, path, speed: 0 };
    const replayLink = createLink(spec) as TlogReplayLink;
    const replay = new MavlinkConnection(replayLink);
    const replayed: Buffer[] = [];
    replay.onPacket((p) => replayed.push(Buffer.from(p.raw)));
    await replay.open();
    cleanups.push(() => replay.close());
    await replayLink.whenFinished();
    expect(replayed.map((b) => b.toString('hex'))).toEqual(records.map((r) => r.packet.toString('hex')));
    expect(replayLink.status()).toMatchObject({
      state: 'disconnected',
      reason: 'replay finished (20 packets)',
    });
    replay.send(heartbeat(0));
    expect(replayLink.droppedWrites()).toBe(1);
  });

  it('replays with the recorded timing scaled by speed', async () => {
    const dir = await tempDir();
    const path = join(dir, 'timed.tlog');
    const rec = new TlogRecorder(path);
    const t0 = 1_700_000_000_000_000;
    for (let k = 0; k < 5; k++)
      rec.write(encodeFrame(heartbeat(k), { sysid: 1, compid: 1, seq: k }), t0 + k * 100_000);
    await rec.close();
    // 400 ms of log at speed 2 takes about 200 ms.
    const link = createLink({ kind: 'tlog', path, speed: 2 }) as TlogReplayLink;
    const at: number[] = [];
    link.onData(() => at.push(performance.now()));
    const start = performance.now();
    await link.open();
    cleanups.push(() => link.close());
    await link.whenFinished();
    expect(at).toHaveLength(5);
    const elapsed = (at[4] as number) - start;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
  });

  it('skips corrupt bytes between records and stops cleanly at a truncated tail', () => {
    const f = encodeFrame(heartbeat(1), { sysid: 1, compid: 1, seq: 0 });
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(1n);
    const good = Buffer.concat([ts, f]);
    const data = Buffer.concat([good, Buffer.from([1, 2, 3]), good, good.subarray(0, 12)]);
    const { records, rest } = splitTlog(data);
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.packet.equals(f))).toBe(true);
    expect(rest).toBe(data.length - 12);
  });

  it('a missing file fails open with a message naming the path', async () => {
    const dir = await tempDir();
    const link = createLink({ kind: 'tlog', path: join(dir, 'nope.tlog'), speed: 1 });
    await expect(link.open()).rejects.toThrow(/nope\.tlog/);
    await writeFile(join(dir, 'empty.tlog'), '');
    const empty = createLink({ kind: 'tlog', path: join(dir, 'empty.tlog'), speed: 0 }) as TlogReplayLink;
    await empty.open();
    await empty.whenFinished();
    expect(empty.status().reason).toBe('replay finished (0 packets)');
  });
});
