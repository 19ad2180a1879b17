/**
 * Issue 17: two `aerie server` nodes on one database and one Redis (the data folder's SQLite in
 * WAL mode; with AERIE_TEST_PG, the `server-pg` project, a PostgreSQL database of its own on the
 * test cluster, as a real multi-node deployment has),
 * behind nginx running the deployment guide's sample configuration. A simulated dock site's
 * bridge (10x real time) connects through nginx to one node; a console signed in on the OTHER
 * node sees the vehicle's live telemetry, the sortie's progress and a ticket filed on the first
 * node. Then the node holding the bridge is killed (SIGKILL) mid-sortie: the bridge reconnects
 * through nginx to the survivor, which takes the sortie over once the dead node's lease expires,
 * lands it in its dock and closes it; the sortie is recorded once (one row, one landing, no
 * event stored twice), the ticket is there once, and a console that was connected through
 * nginx to the dead node reconnects and keeps receiving. Sessions and login limits are shared.
 * First, a node stopped gracefully (SIGTERM) gives its leases up as it goes: none is left in its
 * name and the other node takes the scheduler at its next tick; it is then started again.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConsoleFleetRow, decodeFleetRow } from '@aerie/contracts';
import { openDatabase, schema } from '@aerie/server';
import { removeTestData, testDatabaseUrl } from '@aerie/server/test-database';
import { testFinding } from '@aerie/server/test-fixtures';
import type { LightMyRequestResponse } from 'fastify';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { freeTcpPort, until } from './cli.ts';
import { Teardown } from './harness.ts';
import {
  createDockSite,
  type InjectApi,
  launchPatrol,
  openConsole,
  sortieReaching,
  startDockSite,
} from './local-server.ts';
import { startNginx } from './nginx.ts';
import { startRedis } from './redis.ts';
import { type AerieProcess, spawnAerie, tokenAt } from './system.ts';

const ADMIN_PASSWORD = 'admin-password-for-multi-node';
const HOME = { lat: 23.03, lon: 113.14, altM: 10 };
const LEASE_TTL_S = 3;
const teardown = new Teardown();
afterAll(() => teardown.run());

interface Node {
  name: 'node-a' | 'node-b';
  url: string;
  proc: AerieProcess;
}

/**
 * A data folder for the nodes, and the database they share: the folder's SQLite file, or on
 * PostgreSQL (AERIE_TEST_DATABASE_URL) the folder's own database, dropped with the folder.
 */
async function sharedData(): Promise<{ dataDir: string; databaseUrl: string | undefined }> {
  const dataDir = teardown.add(await mkdtemp(path.join(os.tmpdir(), 'aerie-multi-node-')), removeTestData);
  return { dataDir, databaseUrl: await testDatabaseUrl(dataDir) };
}

async function startNode(
  name: Node['name'],
  data: { dataDir: string; databaseUrl: string | undefined },
  redisUrl: string,
): Promise<Node> {
  const { dataDir, databaseUrl } = data;
  const port = await freeTcpPort();
  const proc = spawnAerie(
    ['server', '--port', String(port), '--data-dir', dataDir, '--no-console', '--skip-console-build'],
    dataDir,
    {
      ...(databaseUrl ? { AERIE_DATABASE_URL: databaseUrl } : {}),
      AERIE_REDIS_URL: redisUrl,
      AERIE_NODE_ID: name,
      AERIE_LEASE_TTL_S: String(LEASE_TTL_S),
      AERIE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AERIE_LOG_LEVEL: process.env.MULTI_NODE_LOG ? 'info' : 'warn',
    },
  );
  const url = await until(
    async () => /aerie server listening on (http:\/\/\S+) /.exec(proc.output())?.[1],
    `${name} to listen`,
    // Two cores shared with other work: a start under tsx can take a minute.
    120_000,
    { stopIf: () => (proc.child.exitCode !== null ? `${name} exited:\n${proc.output()}` : null) },
  ).catch((err: Error) => {
    proc.child.kill('SIGKILL');
    throw err;
  });
  return { name, url, proc };
}

/** The REST API at `base` as `token`, in the shape the dock-site helpers take. */
function httpApi(base: string, token: string): InjectApi {
  return async (method, route, payload) => {
    const res = await fetch(`${base}/api${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    const body = await res.text();
    return {
      statusCode: res.status,
      body,
      json: () => JSON.parse(body),
    } as unknown as LightMyRequestResponse;
  };
}

/** What a console socket heard. */
function listen(socket: Socket, vehicleId: () => string) {
  const heard = {
    connects: 0,
    /** Fleet states of the vehicle, with when they arrived. */
    fleet: [] as { atMs: number; online: boolean; lat: number | null }[],
    phases: [] as string[],
    tickets: [] as string[],
  };
  socket.on('connect', () => heard.connects++);
  socket.on('fleet.state', (rows: ConsoleFleetRow[]) => {
    for (const i of rows.map(decodeFleetRow))
      if (i.vehicleId === vehicleId())
        heard.fleet.push({ atMs: Date.now(), online: i.online, lat: i.state?.lat ?? null });
  });
  socket.on('sortie.progress', (p: { phase: string }) => heard.phases.push(p.phase));
  socket.on('ticket.changed', (t: { ticketId: string }) => heard.tickets.push(t.ticketId));
  return heard;
}

describe('two server nodes behind nginx with Redis', () => {
  it('fans telemetry out across nodes and survives the death of the node holding the bridge mid-sortie', async () => {
    const redis = teardown.add(await startRedis(), (r) => r.close());
    const data = await sharedData();
    // One after the other: the first creates the database and the administrator.
    const nodes = [await startNode('node-a', data, redis.url)];
    nodes.push(await startNode('node-b', data, redis.url));
    for (const n of nodes) teardown.add(n, (x) => x.proc.stop());

    // --- a node stopped gracefully (SIGTERM) gives every lease up as it goes
    const database = teardown.add(await openDatabase({ dataDir: data.dataDir, url: data.databaseUrl }), (d) =>
      d.close(),
    );
    const leases = () => database.db.select().from(schema.leases);
    const heldBy = async (lease: string) => (await leases()).find((l) => l.name === lease)?.holder;
    // The scheduler asks for its lease every 5 s.
    const stopping = await until(
      async () => {
        const holder = await heldBy('scheduler');
        return nodes.find((n) => n.name === holder);
      },
      'a node to hold the scheduler lease',
      20_000,
    );
    const stoppingAt = nodes.indexOf(stopping);
    stopping.proc.child.kill('SIGTERM');
    expect(await stopping.proc.exited, stopping.proc.output()).toBe(0);
    // Nothing is left in its name (an expired lease keeps its row until another node takes it).
    expect((await leases()).filter((l) => l.holder === stopping.name)).toEqual([]);
    const staying = nodes.find((n) => n !== stopping)!;
    await until(
      async () => (await heldBy('scheduler')) === staying.name,
      `${staying.name} to take the scheduler`,
      20_000,
    );
    // Back again under its name, for what follows.
    nodes[stoppingAt] = await startNode(stopping.name, data, redis.url);
    teardown.add(nodes[stoppingAt]!, (x) => x.proc.stop());
    const nginx = teardown.add(await startNginx(nodes.map((n) => new URL(n.url).host)), (x) => x.close());

    // --- sessions and login limits are shared: a token from one node works on the other
    const token = await tokenAt(nginx.url, 'admin', ADMIN_PASSWORD);
    for (const n of nodes) {
      const me = await fetch(`${n.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status, n.name).toBe(200);
      const ready = await (await fetch(`${n.url}/api/ready`)).json();
      expect(ready).toEqual({ ready: true, node: n.name, database: true, redis: true });
    }
    const wrong = (n: Node) =>
      fetch(`${n.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'guesser', password: 'wrong-password' }),
      }).then((r) => r.status);
    // Five failures (the default limit) spread over both nodes block the sixth on either.
    for (let i = 0; i < 5; i++) expect(await wrong(nodes[i % 2]!)).toBe(401);
    expect(await wrong(nodes[0]!)).toBe(429);
    expect(await wrong(nodes[1]!)).toBe(429);

    // --- a dock site whose bridge connects through nginx
    const api = httpApi(nginx.url, token);
    const records = await createDockSite(api, {
      site: 'Guicheng',
      bridge: 'gc-1',
      home: HOME,
      docks: [HOME],
    });
    const dockId = records.dockIds[0]!;
    const site = teardown.add(
      await startDockSite({
        serverUrl: nginx.url,
        bridgeToken: records.bridgeToken,
        fleet: { vehicles: 1, home: HOME, docks: { lidTravelS: 5 } },
        reconnect: { reconnectDelayMs: 200, reconnectDelayMaxMs: 1000 },
      }),
      (s) => s.close(),
    );
    const vehicleId = await until(
      async () => {
        const items = (await (await api('GET', '/vehicles')).json()).items as { id: string }[];
        return items.length === 1 ? items[0]!.id : undefined;
      },
      'the aircraft registered',
      20_000,
    );
    expect((await api('PATCH', `/vehicles/${vehicleId}`, { dockId })).statusCode).toBe(200);

    // Which node holds the bridge (nginx picked it): the console goes to the other one.
    const connectedOn = async (n: Node) =>
      ((await (await fetch(`${n.url}/api/health`)).json()) as { node: { bridges: number } }).node.bridges;
    const holder = await until(
      async () => {
        for (const n of nodes) if ((await connectedOn(n)) === 1) return n;
        return undefined;
      },
      'the bridge connected to a node',
      10_000,
    );
    const other = nodes.find((n) => n !== holder)!;
    expect(await connectedOn(other)).toBe(0);

    const remoteConsole = teardown.add(openConsole(other.url, token), (s) => s.disconnect());
    const remote = listen(remoteConsole, () => vehicleId);
    // Through nginx: the same client address hashes to the bridge's node.
    const lbConsole = teardown.add(openConsole(nginx.url, token), (s) => s.disconnect());
    const viaLb = listen(lbConsole, () => vehicleId);
    await until(
      async () => remote.fleet.some((f) => f.online && f.lat !== null),
      `live telemetry of the bridge's vehicle on ${other.name}'s console`,
      20_000,
    );
    // Dock status replicated too: the other node answers for the dock.
    await until(
      async () =>
        (await (await httpApi(other.url, token)('GET', `/docks/${dockId}/status`)).json()).status
          ?.aircraftParked === true,
      `the dock's status on ${other.name}`,
      20_000,
    );

    // A ticket filed on the bridge's node reaches the console on the other node.
    const filed = await httpApi(holder.url, token)('POST', '/findings', {
      finding: { ...testFinding(Date.now(), { lat: HOME.lat + 0.001, lon: HOME.lon }), vehicleId },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const ticketId = filed.json().ticket.id as string;
    await until(async () => remote.tickets.includes(ticketId), `ticket.changed on ${other.name}`, 10_000);

    // --- a sortie, launched through nginx; the holder drives it
    const sortieId = await launchPatrol(api, 'River patrol', HOME);
    await sortieReaching(api, sortieId, 'in_progress', 60_000, 'before the kill');
    // A dock command sent to the node without the bridge is carried to the bridge's node.
    const cmd = await httpApi(other.url, token)('POST', `/docks/${dockId}/commands`, {
      action: 'start_charging',
    });
    // 200 carries the dock's own answer; 409 BridgeOffline would mean it never left this node.
    expect(cmd.statusCode, cmd.body).toBe(200);
    // Sortie progress from the holder's orchestrator reached the other node's console.
    expect(remote.phases).toContain('in_progress');
    expect(site.fleet.vehicles[0]!.armed).toBe(true);

    // --- the node holding the bridge dies mid-flight
    holder.proc.child.kill('SIGKILL');
    await holder.proc.exited;
    const killedAt = Date.now();
    const lbConnectsBefore = viaLb.connects;

    // The bridge reconnects through nginx to the survivor.
    await until(async () => (await connectedOn(other)) === 1, 'the bridge on the surviving node', 20_000);
    const closed = await sortieReaching(api, sortieId, 'closed', 90_000, 'after the kill');
    expect(closed).toMatchObject({ status: 'completed', failureCode: null, missionRan: true });
    expect(closed.distanceM).toBeGreaterThan(500);
    const dock = (await api('GET', `/docks/${dockId}/status`)).json().status;
    expect(dock).toMatchObject({ lid: 'closed', aircraftParked: true });
    expect(site.fleet.vehicles[0]!.armed).toBe(false);

    // Recorded once: one sortie row, one landing, no event stored twice across the resume.
    const list = (await api('GET', `/sorties?vehicleId=${vehicleId}`)).json();
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([sortieId]);
    const events = (await api('GET', `/sorties/${sortieId}/events?limit=1000`)).json().events as {
      at: string;
      kind: string;
      message: string;
    }[];
    const keys = events.map((e) => `${e.at}|${e.kind}|${e.message}`);
    expect(new Set(keys).size, keys.join('\n')).toBe(keys.length);
    expect(events.filter((e) => e.kind === 'takeoff')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'landing')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'disarmed')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'armed')).toHaveLength(1);
    // The ticket is there once.
    const tickets = (await api('GET', '/tickets')).json();
    expect(tickets.items.filter((t: { id: string }) => t.id === ticketId)).toHaveLength(1);
    expect(tickets.items).toHaveLength(1);

    // The console that was on the dead node reconnected through nginx and keeps receiving.
    expect(viaLb.connects).toBeGreaterThan(lbConnectsBefore);
    await until(
      async () => viaLb.fleet.some((f) => f.atMs > killedAt && f.online),
      'telemetry on the reconnected console',
      10_000,
    );
    // The console on the survivor saw the whole sortie through to the end.
    expect(remote.phases).toContain('closed');
  }, 360_000);
});
