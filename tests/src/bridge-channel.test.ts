/**
 * The bridge channel end to end: the server in this process (on a temporary data directory,
 * listening on a free port), a simulated PX4 fleet over real UDP, and `aerie bridge` as a
 * child process between them. Vehicles register themselves and report state; a command goes
 * through the server's hub to the vehicle and back; then the bridge is SIGKILLed mid-stream
 * and the server is closed and built again on the same data directory while events keep
 * coming. Every event is counted in the flight log's `vehicle_events` rows: none twice, and
 * none lost except those a killed bridge still held unacknowledged (the contract: the stream
 * survives reconnects and server restarts, not a bridge restart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type SimVehicle, startVehicle } from '@aerie/hardware';
import { build, sendVehicleCommand } from '@aerie/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { AERIE_BIN, freeUdpPort } from './cli.ts';
import { waitFor } from './harness.ts';

const HOME = { lat: 23.03, lon: 113.14 };
const ADMIN_PASSWORD = 'admin-password-for-channel-test';

let dir = '';
let app: FastifyInstance | undefined;
let sims: SimVehicle[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(sims.map((v) => v.close()));
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startServerIn(dataDir: string, port = 0): Promise<FastifyInstance> {
  const a = await build({
    announce: () => {},
    config: { dataDir, logLevel: 'silent', adminPassword: ADMIN_PASSWORD, host: '127.0.0.1', port },
  });
  await a.listen({ host: '127.0.0.1', port });
  return a;
}

const startServer = (port: number) => startServerIn(dir, port);

function startBridge(
  serverUrl: string,
  tokenFile: string,
  gcsPorts: number[],
): { child: ChildProcess; output: () => string } {
  const links = gcsPorts.flatMap((p) => ['--link', `udpin://127.0.0.1:${p}`]);
  const child = spawn(
    process.execPath,
    [AERIE_BIN, 'bridge', '--server', serverUrl, '--token-file', tokenFile, ...links],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bridge channel: sim fleet -> aerie bridge (child process) -> server', () => {
  it.concurrent('registers the fleet, carries a command, and stores every event once across a bridge kill and a server restart', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-channel-e2e-'));
    app = await startServer(0);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const url = `http://127.0.0.1:${port}`;

    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const admin = login.json().token as string;
    const created = await app.inject({
      method: 'POST',
      url: '/api/bridges',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'nanhai' },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json().token as string;
    const tokenFile = path.join(dir, 'bridge.token');
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });

    // One udpin link per vehicle: a udpin link answers only the last address it heard from.
    const gcsPorts = [await freeUdpPort(), await freeUdpPort()];
    let bridge = startBridge(url, tokenFile, gcsPorts);
    sims = await Promise.all(
      gcsPorts.map((gcsPort, i) =>
        startVehicle({
          sysid: i + 1,
          home: { lat: HOME.lat + i * 0.003, lon: HOME.lon },
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

    // --- the fleet shows up on its own, with live state
    const vehiclesBySysid = async () => {
      const res = await app!.inject({
        method: 'GET',
        url: '/api/vehicles?limit=100',
        headers: { authorization: `Bearer ${admin}` },
      });
      const rows = res.json().items as Array<{ id: string; name: string; sysid: number | null }>;
      return new Map(rows.map((r) => [r.sysid, r]));
    };
    let byId = new Map<number | null, { id: string; name: string }>();
    await waitFor(
      () => {
        void vehiclesBySysid().then((m) => (byId = m));
        const v1 = byId.get(1);
        const v2 = byId.get(2);
        return (
          v1 &&
          v2 &&
          app!.aerie.liveState.get(v1.id).state?.lat != null &&
          app!.aerie.liveState.get(v2.id).state?.lat != null
        );
      },
      20_000,
      `both vehicles registered with a position (bridge output:\n${bridge.output()})`,
    );
    const v1 = byId.get(1)!.id;
    const v2 = byId.get(2)!.id;
    expect(byId.get(1)!.name).toBe('UAV-nanhai-1');
    expect(app.aerie.liveState.get(v1)).toMatchObject({
      online: true,
      state: { autopilot: 'px4', armed: false },
    });
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.json().bridges).toEqual({ total: 1, connected: 1 });

    // --- a command through the hub, answered by the vehicle (PX4 refuses arming while it settles)
    let reply = await sendVehicleCommand(
      app.aerie.bridgeHub,
      app.aerie.database.db,
      v1,
      { action: 'takeoff', altRelM: 20 },
      { requestId: 't-1' },
    );
    for (let i = 0; i < 20 && !reply.ok && reply.error.code === 'TemporarilyRejected'; i++) {
      await sleep(200);
      reply = await sendVehicleCommand(
        app.aerie.bridgeHub,
        app.aerie.database.db,
        v1,
        { action: 'takeoff', altRelM: 20 },
        { requestId: `t-${i + 2}` },
      );
    }
    expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true, value: { command: 22 } });
    await waitFor(
      () => ((app!.aerie.liveState.get(v1).state?.altRelM as number | null) ?? 0) > 5,
      15_000,
      'vehicle 1 climbing',
    );
    expect(
      await sendVehicleCommand(
        app.aerie.bridgeHub,
        app.aerie.database.db,
        v2,
        { action: 'set_mode', mode: 'NOT.A.MODE' },
        { requestId: 'm-1' },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'UnknownMode' },
    });

    // --- events: vehicle 2 loses and regains GPS on demand, each time one STATUSTEXT
    const sim2 = sims[1]!;
    let caused = 0;
    const toggle = async (n: number, gapMs = 60) => {
      for (let i = 0; i < n; i++) {
        sim2.injectFault({ gpsLoss: true });
        caused++;
        await sleep(gapMs / 2);
        sim2.injectFault({ gpsLoss: false });
        await sleep(gapMs / 2);
      }
    };
    const db = () => app!.aerie.database.db;
    const { vehicleEvents } = await import('@aerie/server').then((m) => m.schema);
    const rows = async () => db().select().from(vehicleEvents);
    const lostCount = async () =>
      (await rows()).filter(
        (r) => r.vehicleId === v2 && r.kind === 'status_text' && r.message.startsWith('GPS signal lost'),
      ).length;
    const settle = async (expected: number, what: string) => {
      const until = Date.now() + 20_000;
      let n = await lostCount();
      while (n < expected && Date.now() < until) {
        await sleep(50);
        n = await lostCount();
      }
      expect(n, what).toBe(expected);
    };

    await toggle(5);
    await settle(caused, 'events while everything runs');

    // --- the server goes away and comes back on the same data directory and port
    await app.close();
    app = undefined;
    await toggle(5); // the bridge keeps these
    app = await startServer(port);
    await settle(caused, 'events buffered by the bridge during the server restart');

    // --- the bridge is killed while events flow; a new bridge process takes over
    const beforeKill = caused;
    const burst = toggle(10, 40);
    await sleep(200);
    bridge.child.kill('SIGKILL');
    await burst;
    await new Promise((r) =>
      bridge.child.exitCode !== null || bridge.child.signalCode !== null
        ? r(null)
        : bridge.child.once('exit', r),
    );
    await sleep(300);
    const afterKill = await lostCount();
    // What the killed bridge had acknowledged is stored once; what it still held is gone.
    expect(afterKill).toBeGreaterThanOrEqual(beforeKill);
    expect(afterKill).toBeLessThanOrEqual(caused);

    bridge = startBridge(url, tokenFile, gcsPorts);
    await waitFor(
      () => app!.aerie.bridgeHub.connectedBridgeIds().length === 1,
      20_000,
      'the new bridge connected',
    );
    await waitFor(() => app!.aerie.liveState.get(v2).online, 10_000, 'vehicle 2 online again');
    const before4 = caused;
    await toggle(5);
    await settle(afterKill + (caused - before4), 'events through the new bridge');

    // --- nothing stored twice, anywhere; the one arming stored once
    await sleep(500);
    const all = await rows();
    const keys = all.map((r) => `${r.vehicleId}|${r.kind}|${r.at.getTime()}|${r.dataJson}`);
    expect(keys.length - new Set(keys).size, 'duplicated vehicle_events rows').toBe(0);
    expect(all.filter((r) => r.vehicleId === v1 && r.kind === 'armed')).toHaveLength(1);
    expect(await lostCount()).toBe(afterKill + 5);
    // Vehicles were not registered again by the new bridge (same bridge, same sysids).
    expect((await vehiclesBySysid()).size).toBe(2);
    // The token never shows in the bridge's log.
    expect(bridge.output()).toContain('connected to the server');
    expect(bridge.output()).not.toContain(token);
  }, 90_000);

  it.concurrent('aerie bridge stops with a clear message (exit 3) when the server refuses its token', async () => {
    const a = await startServerIn(await mkdtemp(path.join(os.tmpdir(), 'aerie-channel-token-')));
    try {
      const addr = a.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const bad = 'brg_this-token-was-never-issued';
      const child = spawn(
        process.execPath,
        [AERIE_BIN, 'bridge', '--server', url, '--link', 'udpin://127.0.0.1:0'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, AERIE_BRIDGE_TOKEN: bad },
        },
      );
      children.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(3);
      expect(err).toMatch(/rejected the bridge token/);
      expect(out + err).not.toContain(bad);
    } finally {
      await a.close();
      await rm(a.aerie.config.dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
