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
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sendVehicleCommand } from '@aerie/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { AERIE_BIN } from './cli.ts';
import { rmDir, Teardown, waitFor } from './harness.ts';
import { spawnBridge, startBridgedPx4, startLocalServer, takeoffWhenReady } from './local-server.ts';

const HOME = { lat: 23.03, lon: 113.14 };
const ADMIN_PASSWORD = 'admin-password-for-channel-test';

let dir = '';
/** The server running now (none while it is restarted). */
let app: FastifyInstance | undefined;
const teardown = new Teardown();
afterAll(() => teardown.run());

const startServer = (port: number) =>
  startLocalServer({ dataDir: dir, adminPassword: ADMIN_PASSWORD, port }).then((server) => server.app);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bridge channel: sim fleet -> aerie bridge (child process) -> server', () => {
  it.concurrent('registers the fleet, carries a command, and stores every event once across a bridge kill and a server restart', async () => {
    dir = teardown.add(await mkdtemp(path.join(os.tmpdir(), 'aerie-channel-e2e-')), rmDir);
    teardown.defer(() => app?.close());
    const server = await startLocalServer({ dataDir: dir, adminPassword: ADMIN_PASSWORD });
    app = server.app;
    const { port, url, admin } = server;
    const started = await startBridgedPx4(teardown, server, { dir, bridgeName: 'nanhai', home: HOME });
    const { token, tokenFile, gcsPorts, sims } = started;
    let { bridge } = started;

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
    const reply = await takeoffWhenReady(app, v1, 20, 21);
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

    bridge = teardown.add(spawnBridge(url, tokenFile, gcsPorts), (b) => b.kill());
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
    const { app: a, url } = await startLocalServer({
      dataDir: await mkdtemp(path.join(os.tmpdir(), 'aerie-channel-token-')),
      adminPassword: ADMIN_PASSWORD,
    });
    try {
      const bad = 'brg_this-token-was-never-issued';
      const child = spawn(
        process.execPath,
        [AERIE_BIN, 'bridge', '--server', url, '--link', 'udpin://127.0.0.1:0'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, AERIE_BRIDGE_TOKEN: bad },
        },
      );
      teardown.defer(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
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
