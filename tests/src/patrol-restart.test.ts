/**
 * A sortie survives a server restart, on the simulated fleet (10x real time): the server is
 * closed while its aircraft flies the route, the dock's lid is closed behind it meanwhile, and a
 * new server on the same data folder and port takes the sortie over: the bridge reconnects, the
 * dock is prepared for the landing, the aircraft lands in an open dock, the dock closes and
 * charges, and the sortie closes completed with its figures.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { rmDir, Teardown } from './harness.ts';
import {
  createDockSite,
  eventually,
  launchPatrol,
  openConsole,
  sortieReaching,
  startDockSite,
  startLocalServer,
} from './local-server.ts';

const ADMIN_PASSWORD = 'admin-password-for-patrol-restart';
const HOME = { lat: 30.2741, lon: 120.1551, altM: 10 };

let dir = '';
/** The server running now (none while it is restarted). */
let app: FastifyInstance | undefined;
const teardown = new Teardown();
afterAll(() => teardown.run());

const server = (port: number) =>
  startLocalServer({
    dataDir: dir,
    adminPassword: ADMIN_PASSWORD,
    port,
    logLevel: process.env.PATROL_E2E_LOG ? 'info' : 'silent',
    patrol: { scheduler: false, orchestrator: { tickMs: 250 } },
  });

describe('patrol: a server restart mid-sortie', () => {
  it('resumes the sortie: the dock is prepared again and the aircraft lands in an open dock', async () => {
    dir = teardown.add(await mkdtemp(path.join(os.tmpdir(), 'aerie-patrol-restart-')), rmDir);
    teardown.defer(() => app?.close());
    const first = await server(0);
    app = first.app;
    const port = first.port;
    let api = first.api;

    const records = await createDockSite(api, { site: 'Xihu', bridge: 'xihu-1', home: HOME, docks: [HOME] });
    const dockId = records.dockIds[0]!;

    const { fleet } = teardown.add(
      await startDockSite({
        serverUrl: first.url,
        bridgeToken: records.bridgeToken,
        fleet: { vehicles: 1, home: HOME, docks: { lidTravelS: 10 } },
        reconnect: { reconnectDelayMs: 200, reconnectDelayMaxMs: 1000 },
      }),
      (site) => site.close(),
    );

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

    const sortieId = await launchPatrol(api, 'Long patrol', HOME);
    await sortieReaching(api, sortieId, 'in_progress', 30_000, 'before the restart');

    // --- the server goes away mid-flight; the dock closes its lid behind the aircraft
    await app.close();
    app = undefined;
    // (Refused while the aircraft is still low over the pad.)
    await eventually(async () => fleet.docks[0]!.closeLid() === 0, 20_000, 'the dock accepting close_lid');
    await eventually(async () => fleet.docks[0]!.status.lid === 'closed', 10_000, 'the lid closed');
    expect(fleet.vehicles[0]!.armed).toBe(true);

    // --- a new server on the same data and port
    const second = await server(port);
    app = second.app;
    const token = second.admin;
    api = second.api;
    const lidAtLanding: string[] = [];
    let lid = 'unknown';
    const consoleSocket = teardown.add(openConsole(second.url, token), (s) => s.disconnect());
    consoleSocket.on('dock.status', (items: { dockId: string; status: { lid: string } | null }[]) => {
      for (const d of items) if (d.dockId === dockId && d.status) lid = d.status.lid;
    });
    consoleSocket.on('sortie.progress', (p: { sortieId: string; phase: string }) => {
      if (p.sortieId === sortieId && p.phase === 'lid_closing') lidAtLanding.push(lid);
    });

    const closed = await sortieReaching(api, sortieId, 'closed', 60_000, 'after the restart');
    expect(closed).toMatchObject({ status: 'completed', failureCode: null, missionRan: true });
    expect(closed.distanceM).toBeGreaterThan(500);
    // It landed with the lid open (prepared again by the new server), then the dock closed and charges.
    expect(lidAtLanding).toEqual(['open']);
    const dock = (await api('GET', `/docks/${dockId}/status`)).json().status;
    expect(dock).toMatchObject({ lid: 'closed', charger: 'charging', aircraftParked: true });
    expect(fleet.vehicles[0]!.armed).toBe(false);
  }, 120_000);
});
