/**
 * The channel client against a real Socket.IO server on loopback that plays the server's
 * part of the contract (cursor per epoch, idempotent store), with a fake Bridge.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeEvents, VehicleSnapshot } from '../bridge.ts';
import { ok } from '../result.ts';
import { createVehicleState } from '../vehicle/state.ts';
import { BridgeChannelClient } from './client.ts';
import type { CommandableVehicle } from './command-runner.ts';
import {
  BRIDGE_NAMESPACE,
  type ChannelItem,
  type CommandReply,
  type ItemRejection,
  type ItemsAck,
} from './events.ts';

class FakeBridge extends EventEmitter<BridgeEvents> {
  readonly calls: string[] = [];
  known: VehicleSnapshot[] = [];
  vehicles(): VehicleSnapshot[] {
    return this.known;
  }
  vehicle(sysid: number): CommandableVehicle | undefined {
    if (sysid !== 1) return undefined;
    const done = async (name: string) => {
      this.calls.push(name);
      return ok({ command: 22, sends: 1 });
    };
    return {
      arm: () => done('arm'),
      disarm: () => done('disarm'),
      takeoff: (alt: number) => done(`takeoff ${alt}`),
      hold: () => done('hold'),
      resume: () => done('resume'),
      returnToLaunch: () => done('rtl'),
      land: () => done('land'),
      goto: () => done('goto'),
      setMode: async (m: string) => ({ ok: false, error: { code: 'UnknownMode', message: `no ${m}` } }),
      startMission: () => done('start'),
    } as unknown as CommandableVehicle;
  }
  text(sysid: number, text: string, atMs: number) {
    this.emit('vehicle.event', sysid, { type: 'status_text', atMs, severity: 6, severityName: 'info', text });
  }
}

const snap = (sysid: number, altRelM: number): VehicleSnapshot => ({
  ...createVehicleState(sysid, 1),
  altRelM,
  link: { id: 'l', lossPct: 0 },
});

/** The server's side of the contract, in memory; can "lose" acks to force replays. */
class FakeServer {
  readonly stored: ChannelItem[] = [];
  readonly cursors = new Map<string, number>();
  readonly batches: number[][] = [];
  hellos = 0;
  dropAcks = 0;
  /** 'bridge.live' previews received, each message's items. */
  readonly previews: ChannelItem[][] = [];
  /** While set, batches are stored but their acks wait for it (a slow database). */
  holdAcks: Promise<void> | null = null;
  /** Items to refuse as the real server does a malformed one: consumed, not stored, named in the ack. */
  refuse: (item: ChannelItem) => ItemRejection | null = () => null;
  token = 'good-token';
  http: HttpServer;
  io: Server;
  url = '';

  constructor() {
    this.http = createServer();
    this.io = new Server(this.http);
    const ns = this.io.of(BRIDGE_NAMESPACE);
    ns.use((socket, next) => {
      if (socket.handshake.auth.token === this.token) return next();
      next(Object.assign(new Error('unknown bridge token'), { data: { code: 'BadToken' } }));
    });
    ns.on('connection', (socket) => {
      let epoch = '';
      socket.on('bridge.hello', (hello: { epoch: string }, ack: (r: unknown) => void) => {
        this.hellos++;
        epoch = hello.epoch;
        ack({ lastSeq: this.cursors.get(epoch) ?? 0, bridgeId: 'b1', bridgeName: 'site' });
      });
      socket.on('bridge.live', (items: ChannelItem[]) => this.previews.push(items));
      socket.on('bridge.items', async (items: ChannelItem[], ack: (r: ItemsAck) => void) => {
        this.batches.push(items.map((i) => i.seq));
        let cursor = this.cursors.get(epoch) ?? 0;
        const rejected: ItemRejection[] = [];
        for (const item of items) {
          if (item.seq <= cursor) continue;
          const refusal = this.refuse(item);
          if (refusal) rejected.push(refusal);
          else this.stored.push(item);
          cursor = item.seq;
        }
        this.cursors.set(epoch, cursor);
        if (this.dropAcks > 0) {
          this.dropAcks--;
          return;
        }
        if (this.holdAcks) await this.holdAcks;
        ack(rejected.length ? { lastSeq: cursor, rejected } : { lastSeq: cursor });
      });
    });
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((r) => this.http.listen(port, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await new Promise<void>((r) => this.io.close(() => r()));
  }

  texts(): string[] {
    return this.stored.flatMap((i) =>
      i.kind === 'event' && i.event.type === 'status_text' ? [i.event.text] : [],
    );
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let server: FakeServer | undefined;
let client: BridgeChannelClient | undefined;
afterEach(async () => {
  client?.stop();
  await server?.close();
  client = undefined;
  server = undefined;
});

function startClient(
  bridge: FakeBridge,
  extra: Partial<ConstructorParameters<typeof BridgeChannelClient>[0]> = {},
) {
  client = new BridgeChannelClient({
    serverUrl: server!.url,
    token: 'good-token',
    bridge,
    links: ['udpin://127.0.0.1:14550'],
    batchIntervalMs: 20,
    ackTimeoutMs: 300,
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 200,
    ...extra,
  });
  client.start();
  return client;
}

describe('BridgeChannelClient', () => {
  it('says hello, then delivers events and throttled telemetry in seq order', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge, { stateIntervalMs: 10_000 });
    await new Promise<void>((r) => c.once('connected', () => r()));
    bridge.emit('vehicle.discovered', snap(1, 0));
    for (let i = 0; i < 50; i++) bridge.emit('vehicle.state', snap(1, i));
    bridge.text(1, 'one', 1);
    bridge.text(1, 'two', 2);
    await until(() => server!.texts().length === 2, 'two events stored');
    const seqs = server.stored.map((i) => i.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // discovered -> its snapshot and the event; the 50 snapshots within one interval -> none yet.
    expect(server.stored.map((i) => (i.kind === 'event' ? i.event.type : 'state'))).toEqual([
      'state',
      'discovered',
      'status_text',
      'status_text',
    ]);
    await until(() => c.stats().size === 0, 'the ack');
    expect(c.stats()).toMatchObject({ lastSeq: 4, ackedSeq: 4, connected: true });
  });

  it('previews each queued state at once while a batch waits for its ack, and still stores it in a batch', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge, { stateIntervalMs: 0, liveIntervalMs: 10 });
    await new Promise<void>((r) => c.once('connected', () => r()));
    let release!: () => void;
    server.holdAcks = new Promise<void>((r) => {
      release = r;
    });
    bridge.emit('vehicle.state', snap(1, 1));
    await until(() => server!.batches.length === 1, 'the first batch, held');
    // Queued behind the batch in flight: previewed within the live interval, newest per vehicle.
    for (const alt of [2, 3]) bridge.emit('vehicle.state', snap(1, alt));
    bridge.emit('vehicle.state', snap(2, 7));
    await until(() => server!.previews.flat().some((i) => i.sysid === 2), 'the preview of the queued states');
    const previewed = server.previews
      .flat()
      .map((i) => (i.kind === 'state' ? `${i.sysid}:${i.state.altRelM}` : '?'));
    expect(previewed).toContain('1:3');
    expect(previewed).toContain('2:7');
    expect(previewed).not.toContain('1:2');
    expect(server.batches).toHaveLength(1);
    release();
    server.holdAcks = null;
    // The batch stores every state, the previewed ones included, each once.
    await until(() => server!.stored.length === 4, 'every state stored');
    expect(server.stored.map((i) => (i.kind === 'state' ? `${i.sysid}:${i.state.altRelM}` : '?'))).toEqual([
      '1:1',
      '1:2',
      '1:3',
      '2:7',
    ]);
  });

  it('sends no preview when the live interval is 0', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge, { stateIntervalMs: 0, liveIntervalMs: 0 });
    await new Promise<void>((r) => c.once('connected', () => r()));
    for (const alt of [1, 2, 3]) bridge.emit('vehicle.state', snap(1, alt));
    await until(() => server!.stored.length === 3, 'every state stored');
    expect(server.previews).toEqual([]);
  });

  it('logs and reports the items the server refuses, and does not send them again', async () => {
    server = new FakeServer();
    server.refuse = (item) =>
      item.kind === 'event' && item.event.type === 'status_text' && item.event.text === 'bad'
        ? { seq: item.seq, code: 'MalformedEvent', message: 'event/text: not allowed' }
        : null;
    await server.listen();
    const bridge = new FakeBridge();
    const errors: string[] = [];
    const c = startClient(bridge, {
      logger: { debug() {}, info() {}, warn() {}, error: (_o: object, m: string) => errors.push(m) },
    });
    const refused: ItemRejection[][] = [];
    c.on('items.refused', (r) => refused.push(r));
    await new Promise<void>((r) => c.once('connected', () => r()));
    bridge.text(1, 'bad', 1);
    bridge.text(1, 'good', 2);
    await until(() => server!.texts().includes('good'), 'the good event stored');
    await until(() => refused.length === 1, 'the refusal reported');
    expect(refused[0]).toEqual([{ seq: 1, code: 'MalformedEvent', message: 'event/text: not allowed' }]);
    expect(errors).toEqual([expect.stringMatching(/refused 1 item\(s\): MalformedEvent event\/text/)]);
    await until(() => c.stats().size === 0, 'the ack');
    expect(server.batches.flat().filter((seq) => seq === 1)).toHaveLength(1);
  });

  it('reports vehicles the bridge heard before the client started as discovered', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    bridge.known = [snap(3, 12)];
    const c = startClient(bridge);
    await until(() => server!.stored.length === 2, 'state and discovered of sysid 3');
    expect(server.stored.map((i) => [i.sysid, i.kind === 'event' ? i.event.type : 'state'])).toEqual([
      [3, 'state'],
      [3, 'discovered'],
    ]);
    expect(c.stats().lastSeq).toBe(2);
  });

  it('always forwards the newest snapshot once its interval has passed', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge, { stateIntervalMs: 100 });
    await new Promise<void>((r) => c.once('connected', () => r()));
    for (let i = 0; i <= 20; i++) {
      bridge.emit('vehicle.state', snap(1, i));
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(
      () => server!.stored.some((i) => i.kind === 'state' && (i.state.altRelM ?? 0) === 20),
      'newest state',
    );
    const states = server.stored.filter((i) => i.kind === 'state');
    // About 2 s of 100 Hz input at 10 Hz allowed: well under the 21 snapshots offered.
    expect(states.length).toBeLessThan(10);
    expect(states.at(-1)).toMatchObject({ state: { altRelM: 20 } });
  });

  it('buffers while the server is away and replays after reconnecting, each event once', async () => {
    server = new FakeServer();
    await server.listen();
    const port = Number(new URL(server.url).port);
    const bridge = new FakeBridge();
    const c = startClient(bridge);
    await new Promise<void>((r) => c.once('connected', () => r()));
    bridge.text(1, 'a', 1);
    await until(() => server!.texts().length === 1, 'first event');
    const first = server;
    await first.close();
    await until(() => !c.connected, 'client notices');
    for (const t of ['b', 'c', 'd']) bridge.text(1, t, 2);
    expect(c.stats().size).toBe(3);
    // The same server state (cursor) comes back on the same port, as after a restart.
    server = new FakeServer();
    for (const [k, v] of first.cursors) server.cursors.set(k, v);
    await server.listen(port);
    await until(() => server!.texts().length === 3, 'replayed events', 8000);
    expect(server.texts()).toEqual(['b', 'c', 'd']);
    expect(server.stored.map((i) => i.seq)).toEqual([2, 3, 4]);
  });

  it('drains a large backlog in order, in bounded batches, once the server appears', async () => {
    server = new FakeServer();
    await server.listen();
    const port = Number(new URL(server.url).port);
    await server.close();
    const bridge = new FakeBridge();
    const c = startClient(bridge, { batchMaxItems: 50, batchMaxBytes: 4000 });
    for (let i = 0; i < 1000; i++) bridge.text(1, `t${i}`, i);
    server = new FakeServer();
    await server.listen(port);
    await until(() => c.stats().size === 0, 'backlog drained', 10_000);
    expect(server.texts()).toEqual(Array.from({ length: 1000 }, (_, i) => `t${i}`));
    expect(Math.max(...server.batches.map((b) => b.length))).toBeLessThanOrEqual(50);
    expect(server.batches.length).toBeGreaterThanOrEqual(20);
  });

  it('resends a batch whose ack was lost; the server keeps each item once', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge);
    await new Promise<void>((r) => c.once('connected', () => r()));
    server.dropAcks = 1;
    bridge.text(1, 'x', 1);
    bridge.text(1, 'y', 2);
    await until(() => c.stats().size === 0, 'acknowledged after the resend', 5000);
    expect(server.batches.filter((b) => b.includes(1)).length).toBeGreaterThanOrEqual(2);
    expect(server.texts()).toEqual(['x', 'y']);
  });

  it('runs commands and answers with the vehicle result or a coded refusal', async () => {
    server = new FakeServer();
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge);
    await new Promise<void>((r) => c.once('connected', () => r()));
    const [socket] = await server.io.of(BRIDGE_NAMESPACE).fetchSockets();
    const ask = (request: unknown) =>
      socket!.timeout(2000).emitWithAck('vehicle.command', request) as Promise<CommandReply>;
    expect(await ask({ requestId: 'r1', sysid: 1, command: { action: 'takeoff', altRelM: 25 } })).toEqual({
      ok: true,
      value: { command: 22, sends: 1 },
    });
    expect(bridge.calls).toEqual(['takeoff 25']);
    expect(await ask({ requestId: 'r2', sysid: 9, command: { action: 'arm' } })).toMatchObject({
      ok: false,
      error: { code: 'UnknownVehicle' },
    });
    expect(
      await ask({ requestId: 'r3', sysid: 1, command: { action: 'set_mode', mode: 'NOPE' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UnknownMode', message: 'no NOPE' },
    });
    expect(
      await ask({ requestId: 'r4', sysid: 1, command: { action: 'takeoff', altRelM: -3 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BadCommand', message: expect.stringContaining('altRelM') },
    });
  });

  it('stops and says so when the server rejects the token', async () => {
    server = new FakeServer();
    server.token = 'other';
    await server.listen();
    const bridge = new FakeBridge();
    const c = startClient(bridge);
    const message = await new Promise<string>((r) => c.once('rejected', r));
    expect(message).toMatch(/token/);
    expect(c.connected).toBe(false);
    expect(bridge.listenerCount('vehicle.event')).toBe(0);
  });
});
