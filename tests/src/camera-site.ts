/**
 * One simulated PX4 aircraft with its MAVLink camera (component 100), a bridge in this process
 * on its UDP link, and the server built here: the set-up of the camera tests over real sockets.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFleetCameras } from '@aerie/hardware';
import { rmDir, type Teardown } from './harness.ts';
import { createDockSite, startDockSite, startLocalServer } from './local-server.ts';

export async function startCameraSite(
  teardown: Teardown,
  opts: {
    name: string;
    adminPassword: string;
    home: { lat: number; lon: number; altM: number };
    fps: number;
    server?: Omit<Parameters<typeof startLocalServer>[0], 'dataDir' | 'adminPassword'>;
  },
) {
  const dir = teardown.add(await mkdtemp(path.join(os.tmpdir(), `aerie-${opts.name}-`)), rmDir);
  const server = teardown.add(
    await startLocalServer({ ...opts.server, dataDir: dir, adminPassword: opts.adminPassword }),
    (s) => s.app.close(),
  );
  const records = await createDockSite(server.api, {
    site: 'Guicheng',
    bridge: 'guicheng-1',
    home: opts.home,
    docks: [],
  });
  const site = teardown.add(
    await startDockSite({
      serverUrl: server.url,
      bridgeToken: records.bridgeToken,
      fleet: { vehicles: 1, home: opts.home },
    }),
    (s) => s.close(),
  );
  const aircraft = site.fleet.vehicles[0]!;
  const cameras = teardown.add(await startFleetCameras([aircraft], { port: 0, fps: opts.fps }), (c) =>
    c.close(),
  );
  return { ...server, site, aircraft, cameras };
}
