/**
 * The server built in this process for the cross-package tests, listening on loopback, and
 * what those tests put beside it: the administrator's REST calls through `inject`, a dock
 * site (a bridge in this process on one UDP link, the simulated fleet, the bridge channel),
 * `aerie bridge` as a child process in front of simulated PX4 vehicles, and a vehicle command
 * repeated while PX4 is still settling.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BridgeChannelClient, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import {
  DOCK_COMPID,
  type Fleet,
  type FleetOptions,
  type SimVehicle,
  startFleet,
  startVehicle,
} from '@aerie/hardware';
import { type BuildOptions, build, sendVehicleCommand } from '@aerie/server';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { aerieBackground, freeUdpPort } from './cli.ts';
import { patrolRoute, type Teardown } from './harness.ts';

/** The console's Socket.IO namespace on the server at `url`, signed in with `token`. */
export function openConsole(url: string, token: string): Socket {
  return io(`${url}/console`, { auth: { token }, transports: ['websocket'] });
}

/** Polls an async `check` every `intervalMs` until it gives a truthy value (tests only). */
export async function eventually<T>(
  check: () => Promise<T | null | false | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A REST call under `/api` as one user, through `inject`. */
export type InjectApi = (
  method: 'GET' | 'POST' | 'PATCH',
  route: string,
  payload?: object,
) => Promise<LightMyRequestResponse>;

/** `route` is the path after `/api`; the payload is left out when there is none. */
export function injectApi(app: FastifyInstance, token: string): InjectApi {
  return (method, route, payload) =>
    app.inject({
      method,
      url: `/api${route}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
}

/** Signs the administrator in through `inject` and returns the bearer token. */
export async function adminToken(app: FastifyInstance, adminPassword: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: adminPassword },
  });
  return res.json().token as string;
}

/** A server built in this process and listening, with the administrator signed in. */
export interface LocalServer {
  app: FastifyInstance;
  url: string;
  port: number;
  /** The administrator's bearer token. */
  admin: string;
  /** REST calls as the administrator. */
  api: InjectApi;
}

/**
 * Builds the server on `dataDir` with `config` (logs silent unless `logLevel`) and listens on
 * 127.0.0.1:`port` (0, the default: a free port).
 */
export async function startLocalServer(opts: {
  dataDir: string;
  adminPassword: string;
  port?: number;
  logLevel?: 'silent' | 'info';
  patrol?: BuildOptions['patrol'];
  /** More configuration (video sources, the console folder, ...). */
  config?: Omit<
    NonNullable<BuildOptions['config']>,
    'dataDir' | 'logLevel' | 'adminPassword' | 'host' | 'port'
  >;
}): Promise<LocalServer> {
  const port = opts.port ?? 0;
  const app = await build({
    announce: () => {},
    config: {
      ...opts.config,
      dataDir: opts.dataDir,
      logLevel: opts.logLevel ?? 'silent',
      adminPassword: opts.adminPassword,
      host: '127.0.0.1',
      port,
    },
    ...(opts.patrol ? { patrol: opts.patrol } : {}),
  });
  await app.listen({ host: '127.0.0.1', port });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : 0;
  const admin = await adminToken(app, opts.adminPassword);
  return { app, url: `http://127.0.0.1:${bound}`, port: bound, admin, api: injectApi(app, admin) };
}

/**
 * Registers a bridge named `name` as the administrator and writes its token to
 * `<dir>/bridge.token` (owner-only), as `aerie bridge --token-file` reads it.
 */
export async function bridgeTokenFile(
  server: LocalServer,
  dir: string,
  name: string,
): Promise<{ token: string; tokenFile: string }> {
  const created = await server.api('POST', '/bridges', { name });
  if (created.statusCode !== 201)
    throw new Error(`POST /api/bridges -> ${created.statusCode} ${created.body}`);
  const token = created.json().token as string;
  const tokenFile = path.join(dir, 'bridge.token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { token, tokenFile };
}

/** `aerie bridge` as a child process, one udpin link per port in `gcsPorts`; `kill()` SIGKILLs it. */
export function spawnBridge(serverUrl: string, tokenFile: string, gcsPorts: number[]) {
  const links = gcsPorts.flatMap((p) => ['--link', `udpin://127.0.0.1:${p}`]);
  const bridge = aerieBackground(['bridge', '--server', serverUrl, '--token-file', tokenFile, ...links]);
  const { child } = bridge;
  return {
    ...bridge,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * One simulated PX4 vehicle per port in `gcsPorts` (sysid 1, 2, ...; each 0.003° north of the
 * one before, from `home`) at 10x real time, sending to that port.
 */
export function startPx4Vehicles(
  home: { lat: number; lon: number },
  gcsPorts: number[],
): Promise<SimVehicle[]> {
  return Promise.all(
    gcsPorts.map((gcsPort, i) =>
      startVehicle({
        sysid: i + 1,
        home: { lat: home.lat + i * 0.003, lon: home.lon },
        speedup: 10,
        settleS: 2,
        preflightDisarmS: 0,
        port: 0,
        bindHost: '127.0.0.1',
        gcsHost: '127.0.0.1',
        gcsPort,
      }),
    ),
  );
}

/**
 * Sends a take-off to `vehicleId` through the server's hub, again every 200 ms (up to `tries`
 * times in all) while PX4 refuses it as TemporarilyRejected, as it does for a while after boot.
 */
export async function takeoffWhenReady(
  app: FastifyInstance,
  vehicleId: string,
  altRelM: number,
  tries: number,
): ReturnType<typeof sendVehicleCommand> {
  const send = (n: number) =>
    sendVehicleCommand(
      app.aerie.bridgeHub,
      app.aerie.database.db,
      vehicleId,
      { action: 'takeoff', altRelM },
      { requestId: `t-${n}` },
    );
  let reply = await send(1);
  for (let i = 0; i < tries - 1 && !reply.ok && reply.error.code === 'TemporarilyRejected'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    reply = await send(i + 2);
  }
  return reply;
}

/** A dock site: the bridge in this process on one UDP link, the fleet on it, the channel up. */
export interface DockSite {
  running: RunningBridge;
  fleet: Fleet;
  client: BridgeChannelClient;
  /** Stops the channel, closes the bridge, then the fleet. */
  close(): Promise<void>;
}

/**
 * Opens a bridge on udpin://127.0.0.1:<free port>, starts the simulated fleet (aircraft and
 * docks) sending to it at 10x real time, and connects the bridge to the server at `serverUrl`
 * with `bridgeToken` (items batched every 50 ms).
 */
export async function startDockSite(opts: {
  serverUrl: string;
  bridgeToken: string;
  fleet: Omit<
    FleetOptions,
    'basePort' | 'bindHost' | 'gcsHost' | 'gcsPort' | 'speedup' | 'settleS' | 'preflightDisarmS'
  >;
  /** Reconnect delays of the channel client (defaults: its own). */
  reconnect?: { reconnectDelayMs: number; reconnectDelayMaxMs: number };
}): Promise<DockSite> {
  const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  let fleet: Fleet;
  try {
    fleet = await startFleet({
      ...opts.fleet,
      basePort: 0,
      bindHost: '127.0.0.1',
      gcsHost: '127.0.0.1',
      gcsPort: running.connections[0]!.link.localPort()!,
      speedup: 10,
      settleS: 0,
      preflightDisarmS: 0,
    });
  } catch (err) {
    await running.close();
    throw err;
  }
  const client = new BridgeChannelClient({
    serverUrl: opts.serverUrl,
    token: opts.bridgeToken,
    bridge: running.bridge,
    links: ['udpin://127.0.0.1'],
    batchIntervalMs: 50,
    ...opts.reconnect,
  });
  client.start();
  return {
    running,
    fleet,
    client,
    async close() {
      client.stop();
      await running.close();
      await fleet.close();
    },
  };
}

/** The records of a dock site: the site, its bridge and its docks. */
export interface DockSiteRecords {
  siteId: string;
  bridgeToken: string;
  dockIds: string[];
}

/**
 * Creates, as the administrator, a site at `home`, its bridge, and a dock at each of `docks`
 * (`<site> dock N`, serial `DOCK-N`, sysid 100 + N, the dock component id) bound to that bridge.
 */
export async function createDockSite(
  api: InjectApi,
  opts: {
    site: string;
    bridge: string;
    home: { lat: number; lon: number };
    docks: { lat: number; lon: number; altM?: number }[];
  },
): Promise<DockSiteRecords> {
  const created = async (route: string, payload: object) => {
    const res = await api('POST', route, payload);
    if (res.statusCode !== 201) throw new Error(`POST /api${route} -> ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const site = await created('/sites', { name: opts.site, latDeg: opts.home.lat, lonDeg: opts.home.lon });
  const bridge = await created('/bridges', { name: opts.bridge, siteId: site.id });
  const dockIds: string[] = [];
  for (const [i, at] of opts.docks.entries()) {
    const dock = await created('/docks', {
      name: `${opts.site} dock ${i + 1}`,
      serial: `DOCK-${i + 1}`,
      model: 'sim',
      siteId: site.id,
      latDeg: at.lat,
      lonDeg: at.lon,
      altAmslM: at.altM,
      bridgeId: bridge.bridge.id,
      sysid: 101 + i,
      compid: DOCK_COMPID,
    });
    dockIds.push(dock.id);
  }
  return { siteId: site.id, bridgeToken: bridge.token, dockIds };
}

/**
 * Two simulated PX4 vehicles (see `startPx4Vehicles`) behind `aerie bridge` as a child process,
 * one udpin link each (a udpin link answers only the last address it heard from), the bridge
 * registered on `server` as `bridgeName` with its token in `<dir>/bridge.token`. All of it is
 * closed by `teardown`.
 */
export async function startBridgedPx4(
  teardown: Teardown,
  server: LocalServer,
  opts: { dir: string; bridgeName: string; home: { lat: number; lon: number } },
) {
  const { token, tokenFile } = await bridgeTokenFile(server, opts.dir, opts.bridgeName);
  const gcsPorts = [await freeUdpPort(), await freeUdpPort()];
  const bridge = teardown.add(spawnBridge(server.url, tokenFile, gcsPorts), (b) => b.kill());
  const sims = teardown.add(await startPx4Vehicles(opts.home, gcsPorts), (vs) =>
    Promise.all(vs.map((v) => v.close())),
  );
  return { token, tokenFile, gcsPorts, bridge, sims };
}

/**
 * Saves `name`, a patrol from `home` ~300 m out and back (long enough at 10x to do something to
 * the server while it flies), and launches a sortie on it; answers the sortie id.
 */
export async function launchPatrol(
  api: InjectApi,
  name: string,
  home: { lat: number; lon: number },
): Promise<string> {
  const route = await api('POST', '/routes', {
    name,
    kind: 'waypoint',
    route: patrolRoute(name, home, 300, 200),
  });
  if (route.statusCode !== 201) throw new Error(`POST /api/routes -> ${route.statusCode} ${route.body}`);
  const launched = await api('POST', '/sorties', { routeId: route.json().id });
  if (launched.statusCode !== 201)
    throw new Error(`POST /api/sorties -> ${launched.statusCode} ${launched.body}`);
  return launched.json().sortieId as string;
}

/**
 * Waits until sortie `sortieId` reaches `phase` and answers it; fails at once, naming the
 * failure, when it ends failed or aborted first (`when` says at which point of the test).
 */
export function sortieReaching(
  api: InjectApi,
  sortieId: string,
  phase: string,
  timeoutMs: number,
  when: string,
): Promise<Record<string, unknown> & { distanceM: number }> {
  return eventually(
    async () => {
      const s = (await api('GET', `/sorties/${sortieId}`)).json();
      if (s.phase === 'failed' || s.phase === 'aborted')
        throw new Error(`sortie failed ${when}: ${s.failureCode}: ${s.failureMessage}`);
      return s.phase === phase ? s : null;
    },
    timeoutMs,
    `the sortie ${phase} (${when})`,
    250,
  );
}
