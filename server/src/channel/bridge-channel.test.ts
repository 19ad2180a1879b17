/**
 * The `/bridge` namespace in the real application (build + listen on a free port), with a
 * Socket.IO client playing the bridge.
 */
import {
  type ChannelItem,
  type CommandReply,
  type CommandRequest,
  type HelloAck,
  type ItemsAck,
  type MissionUploadReply,
  type MissionUploadRequest,
  sampleVehicleState,
  type VehicleStatePayload,
} from '@aerie/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness.ts';
import { sendVehicleCommand, uploadMission } from './bridge-requests.ts';
import type { IngestSink } from './contracts.ts';

let h: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await h?.close();
  h = undefined;
});

const logLines: string[] = [];

async function serverWithBridge(
  ingestSink?: IngestSink,
): Promise<{ url: string; token: string; bridgeId: string }> {
  logLines.length = 0;
  h = await startHarness({
    config: { logLevel: 'warn' },
    logStream: { write: (l) => logLines.push(l) },
    ...(ingestSink ? { ingestSink } : {}),
  });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = h.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const res = await h.req('POST', '/api/bridges', { token: h.adminToken, body: { name: 'guicheng' } });
  expect(res.statusCode).toBe(201);
  return { url, token: res.json().token, bridgeId: res.json().bridge.id };
}

function connect(url: string, token: string): Socket {
  const s = io(`${url}/bridge`, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}

async function connected(s: Socket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

/**
 * A bridge socket on a server whose store can be held up, as by a slow database: `holdStore()`
 * keeps every store waiting until the function it answers is called.
 */
async function bridgeWithSlowStore(): Promise<{ s: Socket; holdStore: () => () => void }> {
  let held: Promise<void> | null = null;
  const { url, token } = await serverWithBridge({
    async onState() {
      if (held) await held;
    },
    async onEvent() {},
  });
  const s = connect(url, token);
  await connected(s);
  const holdStore = () => {
    let release!: () => void;
    held = new Promise<void>((r) => {
      release = r;
    });
    return () => {
      held = null;
      release();
    };
  };
  return { s, holdStore };
}

const state = (seq: number, sysid: number, extra: Partial<VehicleStatePayload> = {}): ChannelItem => ({
  seq,
  kind: 'state',
  sysid,
  atMs: 1000 + seq,
  state: sampleVehicleState({
    sysid,
    autopilot: 'px4',
    vehicleType: 2,
    online: true,
    mode: 'AUTO.LOITER',
    ...extra,
  }),
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('/bridge namespace', () => {
  it('refuses a wrong or missing token with BadToken', async () => {
    const { url } = await serverWithBridge();
    for (const token of ['brg_not-a-real-token', '']) {
      const s = connect(url, token);
      const err = await new Promise<Error & { data?: { code?: string } }>((r) => s.once('connect_error', r));
      expect(err.data?.code).toBe('BadToken');
      expect(err.message).toMatch(/token/);
    }
    expect(logLines.some((l) => l.includes('unknown token'))).toBe(true);
    expect(logLines.join('\n')).not.toContain('brg_not-a-real-token');
  });

  it('answers the hello, stores items, registers vehicles, fills live state and health', async () => {
    const { url, token, bridgeId } = await serverWithBridge();
    const s = connect(url, token);
    await connected(s);
    const hello: HelloAck = await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    expect(hello).toEqual({ lastSeq: 0, bridgeId, bridgeName: 'guicheng' });
    const events: string[] = [];
    h!.app.aerie.bridgeChannel.on('vehicle.event', (_id, _at, e) => events.push(e.type));
    const items: ChannelItem[] = [
      state(1, 1),
      { seq: 2, kind: 'event', sysid: 1, atMs: 1002, event: { type: 'armed', atMs: 1002 } },
      state(3, 2),
    ];
    expect(await s.emitWithAck('bridge.items', items)).toEqual({ lastSeq: 3 });
    expect(await s.emitWithAck('bridge.items', items)).toEqual({ lastSeq: 3 });
    expect(events).toEqual(['armed']);

    const list = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    const names = (list.json().items as Array<{ name: string }>).map((v) => v.name).sort();
    expect(names).toEqual(['UAV-guicheng-1', 'UAV-guicheng-2']);
    const v1 = (list.json().items as Array<{ id: string; name: string }>).find(
      (v) => v.name === 'UAV-guicheng-1',
    )!;
    expect(h!.app.aerie.liveState.get(v1.id)).toMatchObject({ online: true, state: { mode: 'AUTO.LOITER' } });

    const health = await h!.req('GET', '/api/health');
    expect(health.json()).toMatchObject({
      bridges: { total: 1, connected: 1 },
      vehicles: { total: 2, online: 2 },
    });
    const bridge = await h!.req('GET', `/api/bridges/${bridgeId}`, { token: h!.adminToken });
    expect(bridge.json().lastSeenAt).not.toBeNull();

    // A reconnect with the same epoch resumes after what was stored.
    s.disconnect();
    await until(() => h!.app.aerie.liveState.onlineCount() === 0, 'vehicles offline when the bridge goes');
    const again = connect(url, token);
    await connected(again);
    expect((await again.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] })).lastSeq).toBe(
      3,
    );
    const health2 = await h!.req('GET', '/api/health');
    expect(health2.json().bridges.connected).toBe(1);
    // The flight log (the default sink) keeps inside the transaction's single turn.
    expect(logLines.filter((l) => /awaited I\/O|batch failed/.test(l))).toEqual([]);
  });

  it("shows a known vehicle's state live before its batch is stored, and acks only once it is stored", async () => {
    const { s, holdStore } = await bridgeWithSlowStore();
    await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    expect(await s.emitWithAck('bridge.items', [state(1, 1, { batteryPct: 90 })])).toEqual({ lastSeq: 1 });
    const live = h!.app.aerie.liveState;
    const [v1] = [...live.all()].map(([id]) => id);
    const updates: string[] = [];
    live.subscribe((id, e) =>
      updates.push(`${id === v1 ? 'v1' : 'other'}:${e.online}:${e.state?.batteryPct}`),
    );
    const release = holdStore();
    let acked = false;
    const ack = s
      .emitWithAck('bridge.items', [
        state(2, 1, { batteryPct: 80 }),
        { seq: 3, kind: 'event', sysid: 1, atMs: 1003, event: { type: 'lost', atMs: 1003 } },
        state(4, 2, { batteryPct: 70 }),
      ])
      .then((a: ItemsAck) => {
        acked = true;
        return a;
      });
    await until(() => updates.length === 2, 'the known vehicle shown while its batch is stored');
    expect(updates).toEqual(['v1:true:80', 'v1:false:80']);
    await new Promise((r) => setTimeout(r, 50));
    // Stored (and so acknowledged) only once the sink is done; the vehicle heard for the first time waits for it.
    expect(acked).toBe(false);
    expect(live.onlineCount()).toBe(0);
    release();
    expect(await ack).toEqual({ lastSeq: 4 });
    // After the store: the new vehicle; the known one is not shown a second time.
    expect(updates).toEqual(['v1:true:80', 'v1:false:80', 'other:true:70']);
    // A batch sent again is not shown again.
    expect(await s.emitWithAck('bridge.items', [state(2, 1, { batteryPct: 80 })])).toEqual({ lastSeq: 4 });
    // A vehicle whose live entry is gone (deleted here) is shown only from the stored batch, once.
    live.remove(v1!);
    expect(await s.emitWithAck('bridge.items', [state(5, 1, { batteryPct: 60 })])).toEqual({ lastSeq: 5 });
    expect(updates).toEqual(['v1:true:80', 'v1:false:80', 'other:true:70', 'v1:true:60']);
  });

  it('shows a live preview of a known vehicle at once, while a batch waits, and each state only once', async () => {
    const { s, holdStore } = await bridgeWithSlowStore();
    // Before the hello a preview is nobody's: nothing is shown.
    s.emit('bridge.live', [state(1, 1, { batteryPct: 99 })]);
    await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    expect(await s.emitWithAck('bridge.items', [state(1, 1, { batteryPct: 90 })])).toEqual({ lastSeq: 1 });
    const live = h!.app.aerie.liveState;
    const [v1] = [...live.all()].map(([id]) => id);
    expect(live.get(v1!).state?.batteryPct).toBe(90);
    const updates: string[] = [];
    live.subscribe((id, e) => updates.push(`${id === v1 ? 'v1' : 'other'}:${e.state?.batteryPct}`));
    const release = holdStore();
    // A batch the database holds up.
    const ack = s.emitWithAck('bridge.items', [state(2, 1, { batteryPct: 80 })]);
    await until(() => updates.length === 1, 'the batch shown before it is stored');
    // Previews of what comes after it are shown at once; an unknown vehicle waits for its batch,
    // a malformed preview is dropped (its batch is where it is refused).
    const { batteryPct: _gone, ...malformed } = sampleVehicleState({ sysid: 1 });
    s.emit('bridge.live', [
      state(3, 1, { batteryPct: 70 }),
      state(4, 2, { batteryPct: 50 }),
      { seq: 5, kind: 'state', sysid: 1, atMs: 1005, state: malformed },
    ]);
    s.emit('bridge.live', [state(6, 1, { batteryPct: 60 })]);
    await until(() => updates.length === 3, 'the previews');
    expect(updates).toEqual(['v1:80', 'v1:70', 'v1:60']);
    release();
    expect(await ack).toEqual({ lastSeq: 2 });
    // Their batch stores them and shows nothing again; the new vehicle appears once stored.
    expect(
      await s.emitWithAck('bridge.items', [
        state(3, 1, { batteryPct: 70 }),
        state(4, 2, { batteryPct: 50 }),
        state(6, 1, { batteryPct: 60 }),
      ]),
    ).toEqual({ lastSeq: 6 });
    await until(() => updates.length === 4, 'the new vehicle');
    expect(updates).toEqual(['v1:80', 'v1:70', 'v1:60', 'other:50']);
    // A preview older than what was shown (a late message), or of a stored seq, shows nothing.
    s.emit('bridge.live', [
      state(6, 1, { batteryPct: 10 }),
      { ...state(7, 1, { batteryPct: 20 }), atMs: 1003 },
    ]);
    s.emit('bridge.live', [state(8, 1, { batteryPct: 40 })]);
    await until(() => updates.length === 5, 'the newer preview');
    expect(updates.at(-1)).toBe('v1:40');
    const list = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    expect(list.json().items).toHaveLength(2);
  });

  it('sends commands to the vehicle bridge and maps silence, absence and unbound vehicles to codes', async () => {
    const { url, token } = await serverWithBridge();
    const hub = h!.app.aerie.bridgeChannel;
    const s = connect(url, token);
    await connected(s);
    await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    await s.emitWithAck('bridge.items', [state(1, 4)]);
    const list = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    const vehicleId = (list.json().items as Array<{ id: string }>)[0]!.id;

    const seen: CommandRequest[] = [];
    s.on('vehicle.command', (req: CommandRequest, ack: (r: CommandReply) => void) => {
      seen.push(req);
      if (req.command.action === 'land') return; // never answers
      ack({ ok: true, value: { command: 22, sends: 1 } });
    });
    expect(
      await sendVehicleCommand(
        hub,
        h!.app.aerie.database.db,
        vehicleId,
        { action: 'takeoff', altRelM: 30 },
        { requestId: 'c1' },
      ),
    ).toEqual({
      ok: true,
      value: { command: 22, sends: 1 },
    });
    expect(seen[0]).toEqual({ requestId: 'c1', sysid: 4, command: { action: 'takeoff', altRelM: 30 } });
    expect(
      await sendVehicleCommand(
        hub,
        h!.app.aerie.database.db,
        vehicleId,
        { action: 'land' },
        { requestId: 'c2', timeoutMs: 200 },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'Timeout' },
    });

    const made = await h!.req('POST', '/api/vehicles', {
      token: h!.adminToken,
      body: { name: 'spare', serial: 'SN-9', model: 'M30' },
    });
    expect(made.statusCode).toBe(201);
    expect(
      await sendVehicleCommand(
        hub,
        h!.app.aerie.database.db,
        made.json().id,
        { action: 'arm' },
        { requestId: 'c3' },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'NotBound' },
    });

    s.disconnect();
    await until(() => hub.connectedBridgeIds().length === 0, 'bridge gone');
    expect(
      await sendVehicleCommand(
        hub,
        h!.app.aerie.database.db,
        vehicleId,
        { action: 'arm' },
        { requestId: 'c4' },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'BridgeOffline' },
    });
  });
  it('refuses a state with a renamed or mistyped field at ingest, tells the bridge, and never shows it to a console', async () => {
    const { url, token } = await serverWithBridge();
    const s = connect(url, token);
    await connected(s);
    await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    expect(await s.emitWithAck('bridge.items', [state(1, 1, { altRelM: 1 })])).toEqual({ lastSeq: 1 });
    const list = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    const vehicleId = (list.json().items as Array<{ id: string }>)[0]!.id;

    const consoleSocket = io(`${url}/console`, {
      auth: { token: await h!.userToken('pilot') },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(consoleSocket);
    const focused: Array<Record<string, unknown> | null> = [];
    consoleSocket.on('vehicle.state', (item: { state: Record<string, unknown> | null }) =>
      focused.push(item.state),
    );
    await connected(consoleSocket);
    expect(await consoleSocket.timeout(5000).emitWithAck('vehicle.focus', { vehicleId })).toEqual({
      ok: true,
    });
    await until(() => focused.length >= 1, 'the focused state');

    const { batteryPct, ...withoutBattery } = sampleVehicleState({ sysid: 1, altRelM: 2 });
    const renamed = { ...withoutBattery, batteryPercent: batteryPct };
    const mistyped = { ...sampleVehicleState({ sysid: 1, altRelM: 3 }), lat: '23.1' };
    const ack: ItemsAck = await s.emitWithAck('bridge.items', [
      { seq: 2, kind: 'state', sysid: 1, atMs: 1002, state: renamed },
      { seq: 3, kind: 'state', sysid: 1, atMs: 1003, state: mistyped },
      { seq: 4, kind: 'state', sysid: 9, atMs: 1004, state: { ...renamed, sysid: 9 } },
      state(5, 1, { altRelM: 4 }),
    ]);
    expect(ack.lastSeq).toBe(5);
    expect(ack.rejected).toEqual([
      { seq: 2, code: 'MalformedState', message: expect.stringMatching(/batteryPct/) },
      { seq: 3, code: 'MalformedState', message: expect.stringMatching(/lat/) },
      { seq: 4, code: 'MalformedState', message: expect.stringMatching(/batteryPct/) },
    ]);
    await until(() => focused.at(-1)?.altRelM === 4, 'the good state after the refused ones');
    expect(focused.map((f) => f?.altRelM)).not.toContain(2);
    expect(focused.map((f) => f?.altRelM)).not.toContain(3);
    expect(focused.some((f) => f !== null && ('batteryPercent' in f || typeof f.lat === 'string'))).toBe(
      false,
    );
    expect(h!.app.aerie.liveState.get(vehicleId).state).toMatchObject({ altRelM: 4, batteryPct: 95 });
    // A vehicle heard only through malformed states is not registered.
    const after = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    expect(after.json().items).toHaveLength(1);
    expect(logLines.some((l) => l.includes('MalformedState'))).toBe(true);
  });
  it('carries a mission upload through the same request path, with its progress to the caller only', async () => {
    const { url, token } = await serverWithBridge();
    const hub = h!.app.aerie.bridgeChannel;
    const db = h!.app.aerie.database.db;
    const s = connect(url, token);
    await connected(s);
    await s.emitWithAck('bridge.hello', { epoch: 'e1', version: 't', links: [] });
    await s.emitWithAck('bridge.items', [state(1, 3)]);
    const list = await h!.req('GET', '/api/vehicles', { token: h!.adminToken });
    const vehicleId = (list.json().items as Array<{ id: string }>)[0]!.id;

    const asked: MissionUploadRequest[] = [];
    s.on('mission.upload', (req: MissionUploadRequest, ack: (r: MissionUploadReply) => void) => {
      asked.push(req);
      const at = { sysid: req.sysid, missionType: 'mission' as const, total: 2, atMs: 1 };
      s.emit('mission.upload_progress', { ...at, requestId: 'someone-else', sent: 9 });
      s.emit('mission.upload_progress', { ...at, requestId: req.requestId, sent: 1 });
      s.emit('mission.upload_progress', { ...at, requestId: req.requestId, sent: 2 });
      setTimeout(
        () => ack({ ok: true, value: { missionId: 7, counts: { mission: 2, fence: 0, rally: 0 } } }),
        50,
      );
    });
    const progress: number[] = [];
    const reply = await uploadMission(
      hub,
      db,
      vehicleId,
      { mission: [] },
      {
        requestId: 'u1',
        onProgress: (p) => progress.push(p.sent),
      },
    );
    expect(reply).toEqual({ ok: true, value: { missionId: 7, counts: { mission: 2, fence: 0, rally: 0 } } });
    expect(asked).toEqual([{ requestId: 'u1', sysid: 3, mission: [] }]);
    expect(progress).toEqual([1, 2]);
    expect(
      await uploadMission(hub, db, 'no-such-vehicle', { mission: [] }, { requestId: 'u2' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UnknownVehicle' },
    });
  });
});
