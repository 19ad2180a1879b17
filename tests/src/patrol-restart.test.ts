/**
 * A sortie survives a server restart, on the simulated fleet (10x real time): the server is
 * closed while its aircraft flies the route, the dock's lid is closed behind it meanwhile, and a
 * new server on the same data folder and port takes the sortie over: the bridge reconnects, the
 * dock is prepared for the landing, the aircraft lands in an open dock, the dock closes and
 * charges, and the sortie closes completed with its figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BridgeChannelClient, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import { DOCK_COMPID, type Fleet, startFleet } from '@aerie/hardware';
import { destination } from '@aerie/missions';
import { build } from '@aerie/server';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

async function eventually<T>(
  check: () => Promise<T | null | false | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ADMIN_PASSWORD = 'admin-password-for-patrol-restart';
const HOME = { lat: 30.2741, lon: 120.1551, altM: 10 };

let dir = '';
let app: FastifyInstance | undefined;
let fleet: Fleet | undefined;
let running: RunningBridge | undefined;
let client: BridgeChannelClient | undefined;
let consoleSocket: Socket | undefined;

afterAll(async () => {
  consoleSocket?.disconnect();
  client?.stop();
  await running?.close();
  await fleet?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function server(port: number): Promise<{ app: FastifyInstance; url: string }> {
  const a = await build({
    announce: () => {},
    config: {
      dataDir: dir,
      logLevel: process.env.PATROL_E2E_LOG ? 'info' : 'silent',
      adminPassword: ADMIN_PASSWORD,
      host: '127.0.0.1',
      port,
    },
    patrol: { scheduler: false, orchestrator: { tickMs: 250 } },
  });
  await a.listen({ host: '127.0.0.1', port });
  const addr = a.server.address();
  return { app: a, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

function apiOf(a: FastifyInstance, token: string) {
  return async (method: 'GET' | 'POST' | 'PATCH', route: string, payload?: object) =>
    a.inject({
      method,
      url: `/api${route}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
}

async function login(a: FastifyInstance): Promise<string> {
  return (
    await a.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    })
  ).json().token as string;
}

describe('patrol: a server restart mid-sortie', () => {
  it('resumes the sortie: the dock is prepared again and the aircraft lands in an open dock', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-patrol-restart-'));
    const first = await server(0);
    app = first.app;
    const port = Number(new URL(first.url).port);
    let api = apiOf(app, await login(app));

    const site = (await api('POST', '/sites', { name: 'Xihu', latDeg: HOME.lat, lonDeg: HOME.lon })).json();
    const bridgeRow = (await api('POST', '/bridges', { name: 'xihu-1', siteId: site.id })).json();
    const dockRes = await api('POST', '/docks', {
      name: 'Xihu dock 1',
      serial: 'DOCK-1',
      model: 'sim',
      siteId: site.id,
      latDeg: HOME.lat,
      lonDeg: HOME.lon,
      altAmslM: HOME.altM,
      bridgeId: bridgeRow.bridge.id,
      sysid: 101,
      compid: DOCK_COMPID,
    });
    expect(dockRes.statusCode, dockRes.body).toBe(201);
    const dockId = dockRes.json().id as string;

    const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
    if (!opened.ok) throw new Error(opened.error.message);
    running = opened.value;
    fleet = await startFleet({
      vehicles: 1,
      home: HOME,
      basePort: 0,
      bindHost: '127.0.0.1',
      gcsHost: '127.0.0.1',
      gcsPort: running.connections[0]!.link.localPort()!,
      speedup: 10,
      settleS: 0,
      preflightDisarmS: 0,
      docks: { lidTravelS: 10 },
    });
    client = new BridgeChannelClient({
      serverUrl: first.url,
      token: bridgeRow.token,
      bridge: running.bridge,
      links: ['udpin://127.0.0.1'],
      batchIntervalMs: 50,
      reconnectDelayMs: 200,
      reconnectDelayMaxMs: 1000,
    });
    client.start();

    const [vehicle] = await eventually(
      async () => {
        const items = (await api('GET', '/vehicles')).json().items as { id: string }[];
        return items.length === 1 ? items : null;
      },
      10_000,
      'the aircraft registered',
    );
    expect((await api('PATCH', `/vehicles/${vehicle!.id}`, { dockId })).statusCode).toBe(200);
    await eventually(
      async () => (await api('GET', `/docks/${dockId}/status`)).json().status?.aircraftParked,
      10_000,
      'the dock reporting its aircraft',
    );

    // Out ~300 m and back: long enough at 10x to restart the server while it flies.
    const p1 = destination(HOME, 0, 300);
    const p2 = destination(p1, 90, 200);
    const routeRes = await api('POST', '/routes', {
      name: 'Long patrol',
      kind: 'waypoint',
      route: {
        format: 'aerie.route',
        version: 1,
        name: 'Long patrol',
        defaults: { altM: 25, speedMps: 8 },
        items: [
          { type: 'takeoff', altM: 25 },
          { type: 'waypoint', lat: p1.lat, lon: p1.lon, altM: 25 },
          { type: 'waypoint', lat: p2.lat, lon: p2.lon, altM: 25 },
          { type: 'rtl' },
        ],
      },
    });
    expect(routeRes.statusCode, routeRes.body).toBe(201);
    const launched = await api('POST', '/sorties', { routeId: routeRes.json().id });
    expect(launched.statusCode, launched.body).toBe(201);
    const sortieId = launched.json().sortieId as string;
    await eventually(
      async () => {
        const s = (await api('GET', `/sorties/${sortieId}`)).json();
        if (s.phase === 'failed' || s.phase === 'aborted')
          throw new Error(`sortie failed before the restart: ${s.failureCode}: ${s.failureMessage}`);
        return s.phase === 'in_progress';
      },
      30_000,
      'the sortie in flight',
    );

    // --- the server goes away mid-flight; the dock closes its lid behind the aircraft
    await app.close();
    app = undefined;
    // (Refused while the aircraft is still low over the pad.)
    await eventually(async () => fleet!.docks[0]!.closeLid() === 0, 20_000, 'the dock accepting close_lid');
    await eventually(async () => fleet!.docks[0]!.status.lid === 'closed', 10_000, 'the lid closed');
    expect(fleet.vehicles[0]!.armed).toBe(true);

    // --- a new server on the same data and port
    const second = await server(port);
    app = second.app;
    const token = await login(app);
    api = apiOf(app, token);
    const lidAtLanding: string[] = [];
    let lid = 'unknown';
    consoleSocket = io(`${second.url}/console`, { auth: { token }, transports: ['websocket'] });
    consoleSocket.on('dock.status', (items: { dockId: string; status: { lid: string } | null }[]) => {
      for (const d of items) if (d.dockId === dockId && d.status) lid = d.status.lid;
    });
    consoleSocket.on('sortie.progress', (p: { sortieId: string; phase: string }) => {
      if (p.sortieId === sortieId && p.phase === 'lid_closing') lidAtLanding.push(lid);
    });

    const closed = await eventually(
      async () => {
        const s = (await api('GET', `/sorties/${sortieId}`)).json();
        if (s.phase === 'failed' || s.phase === 'aborted')
          throw new Error(`sortie failed after the restart: ${s.failureCode}: ${s.failureMessage}`);
        return s.phase === 'closed' ? s : null;
      },
      60_000,
      'the resumed sortie to close',
    );
    expect(closed).toMatchObject({ status: 'completed', failureCode: null, missionRan: true });
    expect(closed.distanceM).toBeGreaterThan(500);
    // It landed with the lid open (prepared again by the new server), then the dock closed and charges.
    expect(lidAtLanding).toEqual(['open']);
    const dock = (await api('GET', `/docks/${dockId}/status`)).json().status;
    expect(dock).toMatchObject({ lid: 'closed', charger: 'charging', aircraftParked: true });
    expect(fleet.vehicles[0]!.armed).toBe(false);
  }, 120_000);
});
