/**
 * Patrols end to end on the simulated fleet (10x real time): the server (built here and
 * listening on a free port, its scheduler ticking fast), a bridge in this process on one UDP
 * link, two simulated aircraft each in its dock, over the real bridge channel.
 *
 * - A one-off schedule falls due: the dock opens, the mission and fence are uploaded and
 *   confirmed, the aircraft arms, flies the route, returns and lands; the dock closes and
 *   charges; the sortie is closed with its figures and `GET /api/stats` counts it.
 * - A schedule on a dock whose sensors read a gale and rain does not fly: its sortie fails
 *   WeatherGrounded and the schedule says why; that aircraft never arms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BridgeChannelClient, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import { DOCK_COMPID, type Fleet, fleetPosition, startFleet } from '@aerie/hardware';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { squareRoute, startTestServer } from './harness.ts';

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

const ADMIN_PASSWORD = 'admin-password-for-patrol-e2e';
const HOME = { lat: 30.2741, lon: 120.1551, altM: 10 };
const SPACING_M = 400;

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

describe('patrol: schedule -> dock -> flight -> dock -> closed sortie', () => {
  it('flies a due schedule from its dock and closes the sortie with figures; a weather-grounded schedule does not fly', async () => {
    const t0 = Date.now();
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-patrol-e2e-'));
    const server = await startTestServer(dir, ADMIN_PASSWORD, {
      config: { logLevel: process.env.PATROL_E2E_LOG ? 'info' : 'silent' },
      patrol: { schedulerIntervalMs: 250, orchestrator: { tickMs: 250 } },
    });
    app = server.app;
    const { url, api } = server;
    const admin = server.token;

    // --- records: a site, its bridge, two docks at the aircraft homes
    const site = (await api('POST', '/sites', { name: 'Xihu', latDeg: HOME.lat, lonDeg: HOME.lon })).json();
    const bridgeRow = (await api('POST', '/bridges', { name: 'xihu-1', siteId: site.id })).json();
    const homes = [0, 1].map((i) => fleetPosition(HOME, 2, i, SPACING_M));
    const dockIds: string[] = [];
    for (const [i, h] of homes.entries()) {
      const res = await api('POST', '/docks', {
        name: `Xihu dock ${i + 1}`,
        serial: `DOCK-${i + 1}`,
        model: 'sim',
        siteId: site.id,
        latDeg: h.lat,
        lonDeg: h.lon,
        altAmslM: h.altM,
        bridgeId: bridgeRow.bridge.id,
        sysid: 101 + i,
        compid: DOCK_COMPID,
      });
      expect(res.statusCode, res.body).toBe(201);
      dockIds.push(res.json().id);
    }

    // --- the fleet: two aircraft, each parked in its dock, on the bridge's one UDP link
    const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
    if (!opened.ok) throw new Error(opened.error.message);
    running = opened.value;
    fleet = await startFleet({
      vehicles: 2,
      home: HOME,
      spacingM: SPACING_M,
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
      serverUrl: url,
      token: bridgeRow.token,
      bridge: running.bridge,
      links: ['udpin://127.0.0.1'],
      batchIntervalMs: 50,
    });
    client.start();

    // --- the aircraft register on first sight; base each at its dock
    const vehicles = await eventually(
      async () => {
        const items = (await api('GET', '/vehicles')).json().items as { id: string; sysid: number }[];
        return items.length === 2 ? items : null;
      },
      10_000,
      'both aircraft registered',
    );
    for (const v of vehicles) {
      const res = await api('PATCH', `/vehicles/${v.id}`, { dockId: dockIds[v.sysid - 1] });
      expect(res.statusCode, res.body).toBe(200);
    }
    for (const id of dockIds) {
      await eventually(
        async () => (await api('GET', `/docks/${id}/status`)).json().status?.aircraftParked,
        10_000,
        'docks reporting',
      );
    }

    const progress: { sortieId: string; phase: string }[] = [];
    consoleSocket = io(`${url}/console`, { auth: { token: admin }, transports: ['websocket'] });
    consoleSocket.on('sortie.progress', (p: { sortieId: string; phase: string }) => progress.push(p));
    await new Promise<void>((r) => consoleSocket!.on('connect', () => r()));

    // --- routes: one near each dock; saving checks them
    const routeIds: string[] = [];
    for (const [i, h] of homes.entries()) {
      const res = await api('POST', '/routes', {
        name: `Patrol ${i + 1}`,
        kind: 'waypoint',
        route: squareRoute(`Patrol ${i + 1}`, h, 120, 25),
      });
      expect(res.statusCode, res.body).toBe(201);
      routeIds.push(res.json().id);
    }

    // --- dock 2 reads a gale and rain
    fleet.docks[1]!.setWeather({ windSpeedMps: 16, windGustMps: 22, rainMmPerH: 6 });
    await eventually(
      async () => (await api('GET', `/docks/${dockIds[1]}/status`)).json().status?.windSpeedMps > 15,
      5000,
      'the gale at dock 2',
    );

    // --- both schedules fall due in a moment
    const runAt = new Date(Date.now() + 500).toISOString();
    const schedules: string[] = [];
    for (const i of [0, 1]) {
      const res = await api('POST', '/schedules', {
        name: `Morning patrol ${i + 1}`,
        routeId: routeIds[i],
        kind: 'once',
        runAt,
        windowS: 600,
        dockIds: [dockIds[i]],
      });
      expect(res.statusCode, res.body).toBe(201);
      schedules.push(res.json().id);
    }

    // --- the grounded one: fails with the reason, on the schedule and on its sortie
    const grounded = await eventually(
      async () => {
        const s = (await api('GET', `/schedules/${schedules[1]}`)).json();
        return s.lastOutcome === 'WeatherGrounded' ? s : null;
      },
      10_000,
      'schedule 2 grounded',
    );
    expect(grounded.lastOutcomeMessage).toMatch(/wind 16\.0 m\/s is above the 10\.0 m\/s limit/);
    expect(grounded.lastOutcomeMessage).toMatch(/rain 6\.0 mm\/h/);
    const groundedSortie = (await api('GET', `/sorties/${grounded.lastSortieId}`)).json();
    expect(groundedSortie).toMatchObject({
      phase: 'failed',
      failureCode: 'WeatherGrounded',
      status: 'aborted',
      startedAt: null,
    });

    // --- the flown one: follow it to the end
    const flownId = await eventually(
      async () => (await api('GET', `/schedules/${schedules[0]}`)).json().lastSortieId as string | null,
      10_000,
      'schedule 1 started a sortie',
    );
    const closed = await eventually(
      async () => {
        const s = (await api('GET', `/sorties/${flownId}`)).json();
        if (s.phase === 'failed' || s.phase === 'aborted')
          throw new Error(`sortie failed: ${s.failureCode}: ${s.failureMessage}`);
        return s.phase === 'closed' ? s : null;
      },
      45_000,
      'the sortie to close',
    );
    expect(closed).toMatchObject({
      status: 'completed',
      sortieClass: 'scheduled',
      scheduleId: schedules[0],
      routeId: routeIds[0],
      missionRan: true,
      failureCode: null,
    });
    expect(closed.missionId).not.toBeNull();
    expect(closed.distanceM).toBeGreaterThan(250);
    // Real seconds: the simulation runs 10x faster than the clock the flight log keeps.
    expect(closed.durationS).toBeGreaterThan(2);
    expect(closed.maxAltRelM).toBeGreaterThan(20);
    expect(closed.startedAt).not.toBeNull();
    const dock1 = (await api('GET', `/docks/${dockIds[0]}/status`)).json().status;
    expect(dock1).toMatchObject({ lid: 'closed', charger: 'charging', aircraftParked: true });

    const phases = progress.filter((p) => p.sortieId === flownId).map((p) => p.phase);
    expect(phases).toEqual(
      expect.arrayContaining([
        'dock_preparing',
        'uploading',
        'arming',
        'starting',
        'in_progress',
        'lid_closing',
        'charging',
        'closed',
      ]),
    );
    expect(phases.indexOf('dock_preparing')).toBeLessThan(phases.indexOf('in_progress'));
    expect(phases.at(-1)).toBe('closed');
    expect(progress.filter((p) => p.sortieId === grounded.lastSortieId).map((p) => p.phase)).toEqual([
      'failed',
    ]);

    // Exactly one sortie row for the flight (the flight log took over the planned one).
    const all = (await api('GET', '/sorties')).json().items as { id: string; vehicleId: string }[];
    expect(all.filter((s) => s.vehicleId === closed.vehicleId)).toHaveLength(1);
    expect(fleet.vehicles[1]!.armed).toBe(false);

    const stats = (
      await api(
        'GET',
        `/stats?from=${new Date(t0 - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`,
      )
    ).json();
    expect(stats.totals.sorties).toBe(1);
    expect(stats.totals.missions).toBe(1);
    expect(stats.totals.kilometres).toBeGreaterThan(0.25);
  }, 75_000);
});
