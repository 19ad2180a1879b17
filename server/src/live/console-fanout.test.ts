import type { AddressInfo } from 'node:net';
import {
  CONSOLE_NAMESPACE,
  type ConsoleAck,
  type ConsoleClientToServer,
  type ConsoleFleetItem,
  type ConsoleServerToClient,
  type ConsoleVehicleState,
  decodeFleetRow,
  sampleVehicleState as st,
} from '@aerie/contracts';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/plugin.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import type { ConsoleFanout, ConsoleFanoutOptions } from './console-fanout.ts';

type Client = ClientSocket<ConsoleServerToClient, ConsoleClientToServer>;

interface Rig {
  h: Harness;
  fanout: ConsoleFanout;
  url: string;
  clients: Client[];
  dep: { a: string; b: string };
  veh: { a1: string; a2: string; b1: string };
}

let rig: Rig;

async function startRig(opts: ConsoleFanoutOptions = {}): Promise<Rig> {
  const h = await startHarness({ consoleOptions: { fleetIntervalMs: 50, ...opts } });
  const fanout = h.app.consoleFanout;
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as AddressInfo).port;
  const depA = await create(h, '/api/departments', { name: 'Water' });
  const depB = await create(h, '/api/departments', { name: 'Fire' });
  const vehicle = async (name: string, departmentId: unknown) =>
    (await create(h, '/api/vehicles', { name, serial: `SN-${name}`, model: 'X4', departmentId }))
      .id as string;
  return {
    h,
    fanout,
    url: `http://127.0.0.1:${port}${CONSOLE_NAMESPACE}`,
    clients: [],
    dep: { a: depA.id as string, b: depB.id as string },
    veh: {
      a1: await vehicle('a1', depA.id),
      a2: await vehicle('a2', depA.id),
      b1: await vehicle('b1', depB.id),
    },
  };
}

function client(opts: { token?: string; cookie?: string } = {}): Client {
  const c: Client = connect(rig.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(opts.token ? { auth: { token: opts.token } } : {}),
    ...(opts.cookie ? { extraHeaders: { cookie: opts.cookie } } : {}),
  });
  rig.clients.push(c);
  return c;
}

function connected(c: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('connect_error', (err) => reject(err));
  });
}

function refused(c: Client): Promise<{ message: string; code?: string }> {
  return new Promise((resolve, reject) => {
    c.once('connect', () => reject(new Error('connected, expected a refusal')));
    c.once('connect_error', (err) =>
      resolve({ message: err.message, code: (err as { data?: { code?: string } }).data?.code }),
    );
  });
}

/** Collects every fleet.state item and vehicle.state of a client. */
function record(c: Client) {
  const fleet: ConsoleFleetItem[] = [];
  const focused: ConsoleVehicleState[] = [];
  const links: string[] = [];
  c.on('fleet.state', (rows) => fleet.push(...rows.map(decodeFleetRow)));
  c.on('vehicle.state', (item) => focused.push(item));
  c.on('vehicle.online', (l) => links.push(`online ${l.vehicleId}`));
  c.on('vehicle.offline', (l) => links.push(`offline ${l.vehicleId}`));
  return { fleet, focused, links };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const focus = (c: Client, vehicleId: string): Promise<ConsoleAck> =>
  c.timeout(5000).emitWithAck('vehicle.focus', { vehicleId });

beforeEach(async () => {
  rig = await startRig();
});

afterEach(async () => {
  for (const c of rig.clients) c.disconnect();
  await rig.h.close();
});

describe('/console namespace', () => {
  it('refuses a connection without a session, with an unknown token, or for a signed-out session', async () => {
    expect(await refused(client())).toMatchObject({ code: 'Unauthorized' });
    expect(await refused(client({ token: 'ses_nope' }))).toMatchObject({ code: 'Unauthorized' });
    const token = await rig.h.userToken('pilot');
    await rig.h.req('POST', '/api/auth/logout', { token });
    expect(await refused(client({ token }))).toMatchObject({ code: 'Unauthorized' });
  });

  it('accepts the bearer token or the session cookie and sends the fleet first, then changes in batches', async () => {
    const store = rig.h.app.aerie.liveState;
    store.update(rig.veh.a1, st({ batteryPct: 90 }));
    const token = await rig.h.userToken('command_centre');
    const byToken = client({ token });
    const byCookie = client({ cookie: `other=1; ${SESSION_COOKIE}=${encodeURIComponent(token)}` });
    const seen = [record(byToken), record(byCookie)];
    await Promise.all([connected(byToken), connected(byCookie)]);
    for (const s of seen) {
      await until(() => s.fleet.length === 1, 'the first fleet snapshot');
      expect(s.fleet[0]).toMatchObject({ vehicleId: rig.veh.a1, online: true, state: { batteryPct: 90 } });
    }
    for (let i = 0; i < 20; i++) store.update(rig.veh.b1, st({ batteryPct: 80 - i }));
    store.update(rig.veh.a2, st({ batteryPct: 70 }));
    for (const s of seen) {
      await until(
        () => s.fleet.some((x) => x.vehicleId === rig.veh.a2) && s.fleet.at(-1)?.state?.batteryPct !== 80,
        'the batch with a2',
      );
      const b1 = s.fleet.filter((x) => x.vehicleId === rig.veh.b1);
      // Twenty updates within one batch period arrive as the newest one, not as twenty.
      expect(b1.length).toBeLessThan(5);
      expect(b1.at(-1)?.state).toMatchObject({ batteryPct: 61, lat: 30 });
      expect(s.links).toEqual([`online ${rig.veh.b1}`, `online ${rig.veh.a2}`]);
    }
  });

  it("spreads the consoles' fleet batches over the period, each console still getting one a period", async () => {
    await rig.h.close();
    rig = await startRig({ fleetIntervalMs: 500, fleetPhases: 5 });
    const store = rig.h.app.aerie.liveState;
    store.update(rig.veh.a1, st({ batteryPct: 0 }));
    const token = await rig.h.userToken('command_centre');
    const consoles = Array.from({ length: 10 }, () => client({ token }));
    const arrivals = consoles.map(() => [] as number[]);
    consoles.forEach((c, i) => {
      c.on('fleet.state', () => arrivals[i]!.push(Date.now()));
    });
    await Promise.all(consoles.map(connected));
    await until(() => arrivals.every((a) => a.length >= 1), 'the first fleet snapshot at every console');
    // A vehicle changing at 50 Hz for 2 s: every console's batches come at its own turn.
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 2000) {
      store.update(rig.veh.a1, st({ batteryPct: ++n % 100 }));
      await new Promise((r) => setTimeout(r, 20));
    }
    const batches = arrivals.map((a) => a.filter((t) => t >= t0));
    // About 2 Hz each: 4 periods in 2 s (one more or less at the edges).
    for (const b of batches) {
      expect(b.length).toBeGreaterThanOrEqual(3);
      expect(b.length).toBeLessThanOrEqual(5);
    }
    // The first batch after the change came at five different moments a tenth of a second apart,
    // two consoles at each, not to all ten at once.
    const firsts = batches.map((b) => b[0]!).sort((a, b) => a - b);
    expect(firsts.at(-1)! - firsts[0]!).toBeGreaterThanOrEqual(300);
    const sameMoment = (t: number) => firsts.filter((u) => Math.abs(u - t) < 30).length;
    expect(Math.max(...firsts.map(sameMoment))).toBeLessThanOrEqual(4);
  });

  it('sends a focused vehicle at full rate after the ack, and stops after unfocus', async () => {
    const store = rig.h.app.aerie.liveState;
    store.update(rig.veh.a1, st({ altRelM: 0 }));
    const c = client({ token: await rig.h.userToken('pilot') });
    const seen = record(c);
    await connected(c);
    expect(await focus(c, 'no-such-vehicle')).toMatchObject({ ok: false, error: { code: 'NotFound' } });
    expect(await c.timeout(5000).emitWithAck('vehicle.focus', { vehicleId: 42 } as never)).toMatchObject({
      ok: false,
      error: { code: 'ValidationFailed' },
    });
    expect(await focus(c, rig.veh.a1)).toEqual({ ok: true });
    await until(() => seen.focused.length === 1, 'the current state after focus');
    expect(seen.focused[0]).toMatchObject({ vehicleId: rig.veh.a1, state: { altRelM: 0 } });
    for (let i = 1; i <= 5; i++) {
      store.update(rig.veh.a1, st({ altRelM: i }));
      await new Promise((r) => setTimeout(r, 120));
    }
    await until(() => seen.focused.at(-1)?.state?.altRelM === 5, 'the last focused state');
    // Spaced wider than the 100 ms minimum gap, so every state goes out.
    expect(seen.focused.map((s) => s.state?.altRelM)).toEqual([0, 1, 2, 3, 4, 5]);
    // Other vehicles are not sent at full rate.
    store.update(rig.veh.a2, st({ altRelM: 9 }));
    expect(await c.timeout(5000).emitWithAck('vehicle.unfocus', { vehicleId: rig.veh.a1 })).toEqual({
      ok: true,
    });
    store.update(rig.veh.a1, st({ altRelM: 6 }));
    await until(() => seen.fleet.some((s) => s.state?.altRelM === 6), 'the fleet batch with altRelM 6');
    expect(seen.focused.every((s) => s.vehicleId === rig.veh.a1)).toBe(true);
    expect(seen.focused.at(-1)?.state?.altRelM).toBe(5);
  });

  it('encodes a focused state once for all the consoles focusing the vehicle', async () => {
    const store = rig.h.app.aerie.liveState;
    store.update(rig.veh.a1, st({ altRelM: 0 }));
    const token = await rig.h.userToken('pilot');
    const consoles = [client({ token }), client({ token }), client({ token })];
    const seen = consoles.map(record);
    await Promise.all(consoles.map(connected));
    for (const c of consoles) expect(await focus(c, rig.veh.a1)).toEqual({ ok: true });
    await until(() => seen.every((x) => x.focused.length === 1), 'the state after focus at every console');
    const encoder = rig.fanout.namespace.server.encoder;
    const encode = encoder.encode.bind(encoder);
    let encoded = 0;
    encoder.encode = (packet) => {
      if ((packet.data as unknown[] | undefined)?.[0] === 'vehicle.state') encoded++;
      return encode(packet);
    };
    try {
      for (let i = 1; i <= 5; i++) {
        store.update(rig.veh.a1, st({ altRelM: i }));
        await new Promise((r) => setTimeout(r, 120));
      }
      await until(
        () => seen.every((x) => x.focused.at(-1)?.state?.altRelM === 5),
        'the last state everywhere',
      );
    } finally {
      encoder.encode = encode;
    }
    for (const x of seen) expect(x.focused.map((f) => f.state?.altRelM)).toEqual([0, 1, 2, 3, 4, 5]);
    // One encoding per update (a console held back by its connection would add one of its own).
    expect(encoded).toBeGreaterThanOrEqual(5);
    expect(encoded).toBeLessThan(5 * consoles.length);
  });

  it('limits the rate of a focused vehicle to 10 Hz and still delivers the newest state', async () => {
    const store = rig.h.app.aerie.liveState;
    const c = client({ token: await rig.h.userToken('pilot') });
    const seen = record(c);
    await connected(c);
    store.update(rig.veh.a1, st({ updatedAtMs: 0 }));
    expect(await focus(c, rig.veh.a1)).toEqual({ ok: true });
    for (let i = 1; i <= 300; i++) {
      store.update(rig.veh.a1, st({ updatedAtMs: i }));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => seen.focused.at(-1)?.state?.updatedAtMs === 300, 'the newest state');
    expect(seen.focused.length).toBeLessThan(60);
  });

  it('shows a department officer only the department’s vehicles', async () => {
    const store = rig.h.app.aerie.liveState;
    store.update(rig.veh.a1, st({ batteryPct: 1 }));
    store.update(rig.veh.b1, st({ batteryPct: 1 }));
    const officerToken = await rig.h.userToken('department_officer', { departmentId: rig.dep.a });
    const watcherToken = await rig.h.userToken('command_centre');
    const officer = client({ token: officerToken });
    const watcher = client({ token: watcherToken });
    const seen = record(officer);
    const all = record(watcher);
    await Promise.all([connected(officer), connected(watcher)]);
    await until(() => seen.fleet.length === 1, 'the first snapshot');
    expect(seen.fleet[0]?.vehicleId).toBe(rig.veh.a1);
    expect(await focus(officer, rig.veh.b1)).toMatchObject({ ok: false, error: { code: 'NotFound' } });
    expect(await focus(officer, rig.veh.a1)).toEqual({ ok: true });
    store.setOffline(rig.veh.b1);
    store.update(rig.veh.b1, st({ batteryPct: 2 }));
    store.update(rig.veh.a2, st({ batteryPct: 2 }));
    store.setOffline(rig.veh.a1);
    await until(() => seen.links.length === 2, 'two link events');
    expect(seen.links).toEqual([`online ${rig.veh.a2}`, `offline ${rig.veh.a1}`]);
    await until(() => seen.fleet.some((s) => s.vehicleId === rig.veh.a2), 'the batch with a2');
    expect(seen.fleet.some((s) => s.vehicleId === rig.veh.b1)).toBe(false);
    // The same tick's broadcast to the whole-fleet watcher carries both departments.
    await until(
      () => all.fleet.some((s) => s.vehicleId === rig.veh.b1 && s.state?.batteryPct === 2),
      'b1 for the watcher',
    );
    expect(all.links).toContain(`online ${rig.veh.b1}`);
  });

  it('disconnects a socket whose session ended when it next asks for something', async () => {
    const token = await rig.h.userToken('pilot');
    const c = client({ token });
    await connected(c);
    const gone = new Promise<string>((r) => c.once('disconnect', (reason) => r(reason)));
    await rig.h.req('POST', '/api/auth/logout', { token });
    expect(await focus(c, rig.veh.a1)).toMatchObject({ ok: false, error: { code: 'Unauthorized' } });
    expect(await gone).toBe('io server disconnect');
  });

  it('checks every session again within the check period and disconnects the consoles of one that ended', async () => {
    await rig.h.close();
    rig = await startRig({ sessionCheckMs: 500 });
    const ended = await rig.h.userToken('pilot');
    const kept = await rig.h.userToken('command_centre');
    // Twelve consoles: more than the ten turns the check is spread over, two of each session in
    // turns of their own.
    const consoles = Array.from({ length: 12 }, (_, i) => client({ token: i % 6 === 0 ? ended : kept }));
    await Promise.all(consoles.map(connected));
    const gone = consoles.map(
      (c) => new Promise<string>((resolve) => c.once('disconnect', (reason) => resolve(reason))),
    );
    const signedOutAt = Date.now();
    await rig.h.req('POST', '/api/auth/logout', { token: ended });
    expect(await Promise.all([gone[0], gone[6]])).toEqual(['io server disconnect', 'io server disconnect']);
    expect(Date.now() - signedOutAt).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 600));
    expect(consoles.filter((c) => c.connected)).toHaveLength(10);
  });

  it('keeps only the newest snapshot for a client that stops reading, and catches it up when it reads again', async () => {
    const store = rig.h.app.aerie.liveState;
    const token = await rig.h.userToken('command_centre');
    const slow = client({ token });
    const fast = client({ token });
    const seen = record(slow);
    const fastSeen = record(fast);
    await connected(slow);
    await connected(fast);
    for (const id of [rig.veh.a1, rig.veh.a2, rig.veh.b1])
      expect(await focus(slow, id)).toEqual({ ok: true });
    // Stop reading the TCP socket: the server's writes back up once the kernel buffers fill.
    const tcp = (
      slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }
    ).ws._socket;
    tcp.pause();
    // Two megabytes per focused state fill the loopback buffers (tens of MB at most) within
    // seconds; the fleet stream carries only the fleet fields (batteryPct counts the rounds).
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const ids = [rig.veh.a1, rig.veh.a2, rig.veh.b1];
    let updates = 0;
    let round = 0;
    const push = () => {
      round++;
      for (const id of ids) {
        store.update(
          id,
          st({
            batteryPct: round,
            updatedAtMs: round,
            statusTexts: [{ atMs: 0, severity: 6, severityName: 'info', text: padding }],
          }),
        );
        updates++;
      }
    };
    const serverSocket = rig.fanout.namespace.sockets.get(slow.id!)!;
    const conn = serverSocket.conn as unknown as { writeBuffer: unknown[]; transport: { writable: boolean } };
    // Phase 1: offer states until the connection has stayed blocked for 300 ms.
    let blockedSince: number | null = null;
    const giveUp = Date.now() + 15_000;
    while (blockedSince === null || Date.now() - blockedSince < 300) {
      if (Date.now() > giveUp) throw new Error('the paused client never blocked the connection');
      push();
      await new Promise((r) => setTimeout(r, 10));
      if (conn.transport.writable) blockedSince = null;
      else blockedSince ??= Date.now();
    }
    // Phase 2: keep offering; nothing may pile up for this client.
    let maxBuffered = 0;
    for (let i = 0; i < 40; i++) {
      push();
      await new Promise((r) => setTimeout(r, 10));
      maxBuffered = Math.max(maxBuffered, conn.writeBuffer.length);
      const stats = rig.fanout.stats();
      expect(stats.pendingFleet).toBeLessThanOrEqual(ids.length);
      expect(stats.pendingFocus).toBeLessThanOrEqual(ids.length);
    }
    expect(conn.transport.writable).toBe(false);
    expect(maxBuffered).toBe(0);
    // A console that reads is not held up by one that does not.
    await until(
      () => fastSeen.fleet.at(-1)?.state?.batteryPct === round,
      'the newest state at the reading console',
      15_000,
    );
    const receivedWhilePaused = seen.fleet.length + seen.focused.length;
    tcp.resume();
    for (const id of ids) {
      await until(
        () => seen.fleet.filter((s) => s.vehicleId === id).at(-1)?.state?.batteryPct === round,
        `the newest fleet state of ${id}`,
        15_000,
      );
    }
    await until(
      () =>
        ids.every(
          (id) => seen.focused.filter((s) => s.vehicleId === id).at(-1)?.state?.updatedAtMs === round,
        ),
      'the newest focused state',
    );
    const messages = seen.fleet.length + seen.focused.length;
    expect(messages).toBeLessThan(updates / 4);
    expect(receivedWhilePaused).toBeLessThan(messages);
  });
});
