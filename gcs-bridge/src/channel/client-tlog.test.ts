/**
 * Sortie tlogs through the channel client, against a real Socket.IO server on loopback: the
 * recording from arm to disarm goes up in chunks after the disarm event is stored, and an
 * upload cut by a disconnect is sent again in full on the next connection.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { minimal } from 'node-mavlink';
import { Server, type Socket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeEvents, VehicleSnapshot } from '../bridge.ts';
import type { PacketInfo } from '../codec/connection.ts';
import { encodeFrame } from '../codec/frame.ts';
import { splitTlog } from '../link/tlog.ts';
import { createVehicleState } from '../vehicle/state.ts';
import { BridgeChannelClient } from './client.ts';
import { BRIDGE_NAMESPACE, type ChannelItem, type TlogChunk, type TlogChunkReply } from './events.ts';
import type { RecordableConnection } from './sortie-recorder.ts';

class FakeBridge extends EventEmitter<BridgeEvents> {
  vehicles(): VehicleSnapshot[] {
    return [{ ...createVehicleState(1, 1), link: { id: 'l1', lossPct: 0 } }];
  }
  vehicle() {
    return undefined;
  }
}

class FakeConnection implements RecordableConnection {
  readonly id = 'l1';
  readonly sysid = 245;
  private readonly handlers = new Set<(p: PacketInfo) => void>();
  onPacket(h: (p: PacketInfo) => void) {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }
  onOutbound() {
    return () => {};
  }
  receive(sysid: number, raw: Buffer) {
    for (const h of this.handlers)
      h({ sysid, compid: 1, msgid: 0, seq: 0, raw, signed: false, linkId: this.id, receivedAt: 0 });
  }
}

function beat(seq: number): Buffer {
  const m = new minimal.Heartbeat();
  m.baseMode = 0x81 as minimal.MavModeFlag;
  m.customMode = seq * 1000; // makes every frame different
  return encodeFrame(m, { sysid: 1, compid: 1, seq: seq & 0xff });
}

/** Stores items; holds item acks while `holdItems`; can cut the socket after N tlog chunks. */
class FakeServer {
  readonly items: ChannelItem[] = [];
  readonly chunks: TlogChunk[] = [];
  readonly stored: Buffer[] = [];
  holdItems = false;
  cutAfterChunks = -1;
  refuseWith = '';
  private parts: Buffer[] = [];
  http: HttpServer;
  io: Server;
  url = '';

  constructor() {
    this.http = createServer();
    this.io = new Server(this.http);
    this.io.of(BRIDGE_NAMESPACE).on('connection', (socket: Socket) => {
      let cursor = 0;
      socket.on('bridge.hello', (_h: unknown, ack: (r: unknown) => void) =>
        ack({ lastSeq: this.items.at(-1)?.seq ?? 0, bridgeId: 'b', bridgeName: 's' }),
      );
      socket.on('bridge.items', (items: ChannelItem[], ack: (r: { lastSeq: number }) => void) => {
        if (this.holdItems) return;
        for (const i of items) if (i.seq > cursor) this.items.push(i);
        cursor = items.at(-1)?.seq ?? cursor;
        ack({ lastSeq: cursor });
      });
      socket.on('bridge.tlog', (c: TlogChunk, ack: (r: TlogChunkReply) => void) => {
        this.chunks.push(c);
        if (this.cutAfterChunks === 0) {
          this.cutAfterChunks = -1;
          socket.disconnect(true);
          return;
        }
        if (this.cutAfterChunks > 0) this.cutAfterChunks--;
        if (this.refuseWith) return ack({ ok: false, error: { code: this.refuseWith, message: 'no' } });
        if (c.index === 0) this.parts = [];
        this.parts.push(Buffer.from(c.chunk));
        if (c.index < c.count - 1) return ack({ ok: true, received: c.index + 1 });
        this.stored.push(Buffer.concat(this.parts));
        ack({ ok: true, received: c.count, done: { sortieId: 's1', sha256: 'x', bytes: c.totalBytes } });
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await new Promise<void>((r) => this.io.close(() => r()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const server = new FakeServer();
  await server.listen();
  const bridge = new FakeBridge();
  const link = new FakeConnection();
  const client = new BridgeChannelClient({
    serverUrl: server.url,
    token: 't',
    bridge,
    links: ['l1'],
    connections: [link],
    tlogChunkBytes: 1000,
    batchIntervalMs: 20,
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 100,
    ackTimeoutMs: 500,
  });
  cleanups.push(
    () => client.stop(),
    () => server.close(),
  );
  client.start();
  await until(() => client.connected, 'connected');
  return { server, bridge, link, client };
}

/** Arms vehicle 1, feeds `n` heartbeats, disarms; answers what the recording must hold. */
function fly(bridge: FakeBridge, link: FakeConnection, n: number): Buffer[] {
  link.receive(1, beat(9999)); // before the arm: not recorded
  bridge.emit('vehicle.event', 1, { type: 'armed', atMs: 1000 });
  const frames: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const f = beat(i);
    frames.push(f);
    link.receive(1, f);
    link.receive(2, beat(i)); // another vehicle
  }
  bridge.emit('vehicle.event', 1, { type: 'disarmed', atMs: 2000 });
  link.receive(1, beat(9998)); // after the disarm: not recorded
  return frames;
}

describe('BridgeChannelClient sortie tlogs', () => {
  it('uploads arm..disarm of that vehicle in chunks, after the disarm event is stored', async () => {
    const { server, bridge, link, client } = await setup();
    const uploaded: unknown[] = [];
    client.on('tlog.uploaded', (u) => uploaded.push(u));
    server.holdItems = true;
    const frames = fly(bridge, link, 100); // 100 x (8 + 21) bytes: 3 chunks of 1000
    await sleep(300);
    expect(server.chunks, 'nothing before the disarm event is acknowledged').toHaveLength(0);
    server.holdItems = false;
    await until(() => uploaded.length === 1, 'the upload acknowledged');
    expect(server.items.some((i) => i.kind === 'event' && i.event.type === 'disarmed')).toBe(true);
    expect(server.chunks.map((c) => [c.index, c.count])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(server.chunks[0]).toMatchObject({ sysid: 1, fromMs: 1000, toMs: 2000, truncated: false });
    const { records } = splitTlog(server.stored[0]!);
    expect(records.map((r) => Buffer.from(r.packet))).toEqual(frames);
    expect(uploaded[0]).toMatchObject({ sysid: 1, sortieId: 's1' });
    expect(client.stats().tlogUploads).toBe(0);
  });

  it('sends an upload cut by a disconnect again from chunk 0 on the next connection', async () => {
    const { server, bridge, link, client } = await setup();
    let done = 0;
    client.on('tlog.uploaded', () => done++);
    server.cutAfterChunks = 1; // chunk 0 acked, chunk 1 never answered: the socket closes
    const frames = fly(bridge, link, 100);
    await until(() => done === 1, 'the upload acknowledged after the reconnect', 8000);
    expect(server.chunks.map((c) => c.index)).toEqual([0, 1, 0, 1, 2]);
    expect(new Set(server.chunks.map((c) => c.uploadId)).size).toBe(1);
    expect(splitTlog(server.stored[0]!).records).toHaveLength(frames.length);
  });

  it('drops an upload the server refuses for good, and keeps one it could not store yet', async () => {
    const { server, bridge, link, client } = await setup();
    server.refuseWith = 'ServerError';
    fly(bridge, link, 5);
    await until(() => server.chunks.length >= 2, 'a resend after ServerError');
    expect(client.stats().tlogUploads).toBe(1);
    server.refuseWith = 'NoSortie';
    await until(() => client.stats().tlogUploads === 0, 'the refused upload dropped', 8000);
    const sent = server.chunks.length;
    await sleep(300);
    expect(server.chunks.length).toBe(sent);
  });
});
