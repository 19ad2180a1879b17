/**
 * Test harness shared by the cross-package tests: a bridge listening on a free loopback UDP
 * port (as a ground station does on 14550) and a simulated fleet that sends to it, exactly as
 * PX4 SITL instances would.
 */
import { type OpenBridgeOptions, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import { type Fleet, type FleetOptions, startFleet } from '@aerie/hardware';
import { destination } from '@aerie/missions';
import { type BuildOptions, build } from '@aerie/server';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface SimAndBridge {
  fleet: Fleet;
  running: RunningBridge;
  close(): Promise<void>;
}

/** Opens a bridge on udpin://127.0.0.1:<free port>, then starts the fleet pointed at it. */
export async function startSimAndBridge(
  fleetOptions: Omit<FleetOptions, 'gcsPort' | 'gcsHost' | 'basePort'>,
  bridgeOptions: Partial<OpenBridgeOptions> = {},
): Promise<SimAndBridge> {
  const opened = await openBridge({ links: ['udpin://127.0.0.1:0'], ...bridgeOptions });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  const gcsPort = running.connections[0]!.link.localPort();
  if (!gcsPort) throw new Error('the bridge did not report its UDP port');
  const fleet = await startFleet({ ...fleetOptions, basePort: 0, gcsHost: '127.0.0.1', gcsPort });
  return {
    fleet,
    running,
    async close() {
      await running.close();
      await fleet.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or the time runs out (tests only). */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A server in this process on a free loopback port, with an admin signed in. */
export interface TestServer {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The admin's bearer token. */
  token: string;
  /** `/api${route}` as the admin. */
  api(method: 'GET' | 'POST' | 'PATCH', route: string, payload?: object): Promise<LightMyRequestResponse>;
}

/** Builds the server with `options` (config merged over a silent one in `dataDir`), listens, signs the admin in. */
export async function startTestServer(
  dataDir: string,
  adminPassword: string,
  options: Omit<BuildOptions, 'config'> & { config?: Partial<NonNullable<BuildOptions['config']>> } = {},
): Promise<TestServer> {
  const app = await build({
    announce: () => {},
    ...options,
    config: { dataDir, logLevel: 'silent', adminPassword, host: '127.0.0.1', port: 0, ...options.config },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: adminPassword },
  });
  const token = login.json().token as string;
  return {
    app,
    url,
    token,
    api: (method, route, payload) =>
      app.inject({
        method,
        url: `/api${route}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      }),
  };
}

/** A saved-route body: take off, fly `legM` north then `legM` east of `from`, return to launch. */
export function squareRoute(name: string, from: { lat: number; lon: number }, legM: number, altM: number) {
  const p1 = destination(from, 0, legM);
  const p2 = destination(p1, 90, legM);
  return {
    format: 'aerie.route',
    version: 1,
    name,
    defaults: { altM, speedMps: 8 },
    items: [
      { type: 'takeoff', altM },
      { type: 'waypoint', lat: p1.lat, lon: p1.lon, altM },
      { type: 'waypoint', lat: p2.lat, lon: p2.lon, altM },
      { type: 'rtl' },
    ],
  };
}
