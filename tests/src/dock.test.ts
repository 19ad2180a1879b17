/**
 * Docks end to end: a simulated aircraft and its dock on one UDP link (as one dock site), a
 * bridge in this process on that link, streaming to the server (built here, listening on a
 * free port) over its real Socket.IO channel. The dock is found as a dock (never registered as
 * a vehicle), its live status reaches the REST API and the console, the aircraft may not arm
 * under the closed lid, a dispatcher's prepare_takeoff through the server opens the lid, and
 * then the aircraft arms.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConsoleDockStatus } from '@aerie/contracts';
import { DOCK_COMPID } from '@aerie/hardware';
import { schema } from '@aerie/server';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rmDir, Teardown, waitFor } from './harness.ts';
import { createDockSite, eventually, openConsole, startDockSite, startLocalServer } from './local-server.ts';

const ADMIN_PASSWORD = 'admin-password-for-dock-test';
const HOME = { lat: 23.03, lon: 113.14, altM: 10 };

const teardown = new Teardown();
afterAll(() => teardown.run());

describe('dock site: sim aircraft + dock on one link -> bridge -> server', () => {
  it('finds the dock, reports its status, and a server command prepares it so the aircraft may arm', async () => {
    const dir = teardown.add(await mkdtemp(path.join(os.tmpdir(), 'aerie-dock-e2e-')), rmDir);
    const server = await startLocalServer({ dataDir: dir, adminPassword: ADMIN_PASSWORD });
    const { app: a, url, admin, api } = teardown.add(server, (s) => s.app.close());

    // --- records: a site, its bridge, and the dock bound to (bridge, sysid 101, compid 25)
    const records = await createDockSite(api, {
      site: 'Guicheng',
      bridge: 'guicheng-1',
      home: HOME,
      docks: [HOME],
    });
    const dockId = records.dockIds[0]!;

    // --- one link per dock site: the aircraft and its dock on the same UDP endpoint
    const { fleet } = teardown.add(
      await startDockSite({
        serverUrl: url,
        bridgeToken: records.bridgeToken,
        fleet: { vehicles: 1, home: HOME, docks: { lidTravelS: 15 } },
      }),
      (site) => site.close(),
    );
    expect(fleet.docks[0]!.aircraft).toBe(fleet.vehicles[0]);

    // --- the console gets the dock list on connect and changes after
    const seen: ConsoleDockStatus[] = [];
    const consoleSocket = teardown.add(openConsole(url, admin), (s) => s.disconnect());
    consoleSocket.on('dock.status', (items: ConsoleDockStatus[]) => seen.push(...items));

    // --- the dock's status arrives at the server
    const status = async () => (await api('GET', `/docks/${dockId}/status`)).json();
    const first = await eventually(
      async () => {
        const s = await status();
        return s.online && s.status ? s : null;
      },
      10_000,
      'dock status on the server',
    );
    expect(first.status).toMatchObject({
      sysid: 101,
      compid: DOCK_COMPID,
      state: 'idle',
      lid: 'closed',
      aircraftParked: true,
      mainsPower: true,
      faults: [],
    });
    expect(first.status.lat).toBeCloseTo(HOME.lat, 6);

    // --- the dock is no vehicle: the aircraft registers itself, the dock does not
    const vehicles = await eventually(
      async () => {
        const items = (await api('GET', '/vehicles?limit=100')).json().items as Array<{
          id: string;
          sysid: number;
        }>;
        return items.length > 0 ? items : null;
      },
      10_000,
      'the aircraft registered',
    );
    expect(vehicles.map((v) => v.sysid)).toEqual([1]);
    const vehicleId = vehicles[0]!.id;
    await waitFor(() => a.aerie.liveState.get(vehicleId).online, 10_000, 'aircraft online');

    // --- closed lid over the parked aircraft: arming is refused by the aircraft itself
    const refused = (await api('POST', `/vehicles/${vehicleId}/commands`, { action: 'arm' })).json();
    expect(refused).toMatchObject({ ok: false, error: { code: 'Denied' } });

    // The console shows the idle dock before anything changes it (its updates are batched
    // snapshots, so a state that lasts less than a batch may never be sent on its own).
    await waitFor(
      () => seen.some((d) => d.dockId === dockId && d.status?.state === 'idle'),
      5000,
      'the idle dock on the console',
    );

    // --- prepare for take-off through the server: accepted, then the lid opens
    const prepared = await api('POST', `/docks/${dockId}/commands`, { action: 'prepare_takeoff' });
    expect(prepared.statusCode, prepared.body).toBe(200);
    expect(prepared.json()).toMatchObject({ ok: true, result: { command: 31502 } });
    const ready = await eventually(
      async () => {
        const s = await status();
        return s.status?.state === 'ready' ? s : null;
      },
      10_000,
      'dock ready',
    );
    expect(ready.status.lid).toBe('open');
    expect(a.aerie.docks.getDock(dockId).status?.state).toBe('ready');

    const armed = (await api('POST', `/vehicles/${vehicleId}/commands`, { action: 'arm' })).json();
    expect(armed).toMatchObject({ ok: true });

    // --- a refusal comes back coded: the armed aircraft is in the lid's path
    const denied = await api('POST', `/docks/${dockId}/commands`, { action: 'close_lid' });
    expect(denied.statusCode).toBe(200);
    expect(denied.json()).toMatchObject({ ok: false, error: { code: 'Denied' } });
    const bad = await api('POST', `/docks/${dockId}/commands`, { action: 'fly_away' });
    expect(bad.statusCode).toBe(400);

    // --- the orchestrator's way in: the same commander, straight from the app
    const viaCommander = await a.aerie.dockCommands(dockId, { action: 'stop_charging' });
    expect(viaCommander.reply.ok).toBe(true);

    // --- the cycle is on record: state changes from the bridge, commands with their results
    const rows = await eventually(
      async () => {
        const r = await a.aerie.database.db
          .select()
          .from(schema.dockEvents)
          .where(eq(schema.dockEvents.dockId, dockId));
        return r.some((e) => e.kind === 'state_changed' && e.message === 'preparing -> ready') ? r : null;
      },
      10_000,
      'dock events stored',
    );
    expect(rows.filter((e) => e.kind === 'command').map((e) => `${e.code}`)).toEqual([
      'Accepted',
      'Denied',
      'Accepted',
    ]);
    expect(rows.some((e) => e.kind === 'discovered')).toBe(true);

    // --- and the console followed it: idle with the lid closed, then preparing, then the lid open
    // (snapshots, batched: a state that lasted less than a batch may be skipped, as `ready` can be
    // once the aircraft arms, which takes it out of the dock's custody).
    await waitFor(
      () => seen.some((d) => d.dockId === dockId && d.status?.lid === 'open'),
      5000,
      'dock.status with the lid open on the console',
    );
    const states = seen.filter((d) => d.dockId === dockId).map((d) => d.status?.state);
    expect(states[0]).toBe('idle');
    expect(states).toContain('preparing');
  });
});
