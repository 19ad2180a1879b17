/**
 * Fan-out: 200 vehicles at 10 Hz into the server's LiveStateStore (driven directly, standing
 * in for the bridge channel, which calls the same `update`), out through the real `/console`
 * namespace over loopback WebSockets to 50 console clients in a separate process. Each client
 * focuses 4 vehicles (so every vehicle is focused once, at full rate) and gets the whole fleet
 * at 2 Hz. Latency = client receipt - `updatedAtMs` (stamped by the store on receipt).
 */

import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VehicleStatePayload } from '@aerie/contracts';
import { build, schema } from '@aerie/server';
import type { Setup as ConsoleClientsSetup } from './fanout-clients.ts';
import { type BenchEntry, percentile, round } from './lib.ts';

const VEHICLES = 200;
const RATE_HZ = 10;
const CLIENTS = 50;
const FOCUS_PER_CLIENT = 4;
const WARMUP_MS = 2000;
const MEASURE_MS = 10_000;
const PASSWORD = 'bench-admin-password';

/**
 * A state shaped like the bridge's snapshot, so payload sizes are realistic (~1 KB). The vehicle
 * circles at the 8.2 m/s its state reports (a ~1.1 km circle, once in ~14 min), so a flight log
 * fed these stores a track point about once a second, as for a real flight (it stored one per
 * state when the circle took a minute: 110 m/s).
 */
export function snapshot(sysid: number, t: number): VehicleStatePayload {
  const a = t / 135_700 + sysid;
  return {
    sysid,
    compid: 1,
    autopilot: 'px4',
    vehicleType: 2,
    online: true,
    lastHeartbeatAtMs: t,
    mode: 'AUTO.MISSION',
    modeKind: 'mission',
    baseMode: 157,
    customMode: 0x04040000,
    armed: true,
    systemStatus: 4,
    lat: 23.03 + 0.01 * Math.sin(a),
    lon: 113.14 + 0.01 * Math.cos(a),
    altMslM: 70.2,
    altRelM: 60.1,
    headingDeg: (a * 57.3) % 360,
    groundSpeedMps: 8.2,
    airSpeedMps: 8.5,
    climbMps: 0.1,
    vNorthMps: 5.1,
    vEastMps: 6.3,
    vDownMps: -0.1,
    rollDeg: 1.2,
    pitchDeg: -3.4,
    yawDeg: (a * 57.3) % 360,
    batteryPct: 76,
    batteryV: 15.6,
    batteryA: 12.3,
    gpsFixType: 3,
    satellites: 14,
    hdop: 0.8,
    landedState: 'in_air',
    landed: false,
    home: { lat: 23.03, lon: 113.14, altMslM: 10 },
    mission: { currentSeq: 3, total: 12, state: 'active', missionId: 123456, lastReachedSeq: 2 },
    statusTexts: [],
    lastHeardAtMs: t,
    updatedAtMs: t,
    link: { id: 'udpin://0.0.0.0:14550', lossPct: 0 },
  };
}

/** What one process of console clients answers to 'report'. */
interface ClientsReport {
  focused: number[];
  fleet: number[];
  /** With since 'bridge': the part of each focused age before the server's receipt. */
  ingest: number[];
  /** The process's CPU time (ms) and event-loop delay p99 while measuring. */
  cpuMs: number;
  loopDelayP99Ms: number;
  /** Sockets the server dropped during setup (opened again). */
  dropped: number;
  /** Sockets disconnected at the end of the measurement. */
  lost: number;
}

/** One child process (`fanout-clients.ts`) running `setup.clients` consoles. */
function forkClients(setup: ConsoleClientsSetup, cpuProfDir?: string) {
  const child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const message = (want: string) =>
    new Promise<unknown>((resolve, reject) => {
      child.once('message', (m) => (want === '*' || m === want ? resolve(m) : reject(new Error(String(m)))));
      child.once('exit', (code) => reject(new Error(`console clients exited (${code})`)));
    });
  const ready = message('ready');
  child.send(setup);
  return {
    ready,
    measure: () => child.send('measure'),
    report: async () => {
      const report = message('*');
      child.send('report');
      return (await report) as ClientsReport;
    },
    close: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/**
 * The console clients in `processes` child processes (`fanout-clients.ts`), connected and
 * focusing once this resolves; `measure()` starts counting, `report()` stops and answers the
 * ages (ms) received by all of them. Each console is one browser on its own machine in real
 * life: spreading them over a few processes keeps one process's burst of fleet batches from
 * holding every other console's focused states back (they still parse every message).
 * `cpuMs` is the processes' CPU time together; `loopDelayP99Ms` the worst process's.
 * `cpuProfDir` runs them with `--cpu-prof` writing their profiles there.
 */
export async function startConsoleClients(setup: ConsoleClientsSetup, cpuProfDir?: string, processes = 1) {
  const count = Math.max(1, Math.min(processes, setup.clients));
  const children = Array.from({ length: count }, (_, i) => {
    const first = Math.floor((setup.clients * i) / count);
    const next = Math.floor((setup.clients * (i + 1)) / count);
    return forkClients({ ...setup, first: (setup.first ?? 0) + first, clients: next - first }, cpuProfDir);
  });
  const clients = {
    measure: () => {
      for (const c of children) c.measure();
    },
    report: async (): Promise<ClientsReport> => {
      const reports = await Promise.all(children.map((c) => c.report()));
      return {
        focused: reports.flatMap((r) => r.focused),
        fleet: reports.flatMap((r) => r.fleet),
        ingest: reports.flatMap((r) => r.ingest),
        cpuMs: reports.reduce((n, r) => n + r.cpuMs, 0),
        loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
        dropped: reports.reduce((n, r) => n + r.dropped, 0),
        lost: reports.reduce((n, r) => n + r.lost, 0),
      };
    },
    close: () => {
      for (const c of children) c.close();
    },
  };
  try {
    await Promise.all(children.map((c) => c.ready));
    return clients;
  } catch (err) {
    clients.close();
    throw err;
  }
}

export async function benchFanout(): Promise<BenchEntry[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bench-fanout-'));
  const app = await build({
    announce: () => {},
    config: { dataDir: dir, logLevel: 'silent', adminPassword: PASSWORD },
  });
  let clients: Awaited<ReturnType<typeof startConsoleClients>> | undefined;
  let driver: NodeJS.Timeout | undefined;
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const ids = Array.from({ length: VEHICLES }, () => randomUUID());
    const now = new Date();
    await app.aerie.database.db.insert(schema.vehicles).values(
      ids.map((id, i) => ({
        id,
        name: `B-${i + 1}`,
        serial: `BENCH-${i + 1}`,
        model: 'X4',
        createdAt: now,
      })),
    );
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    const token = login.json().token as string;

    const store = app.aerie.liveState;
    for (let i = 0; i < VEHICLES; i++) store.update(ids[i]!, snapshot(i + 1, Date.now()));

    clients = await startConsoleClients({
      url: `http://127.0.0.1:${port}/console`,
      token,
      clients: CLIENTS,
      focusPerClient: FOCUS_PER_CLIENT,
      vehicleIds: ids,
    });

    // Every 10 ms a tenth of the fleet reports, so each vehicle does at 10 Hz, spread evenly.
    const slices = 1000 / RATE_HZ / 10;
    let tick = 0;
    let sent = 0;
    driver = setInterval(() => {
      const slice = tick++ % slices;
      const t = Date.now();
      for (let i = slice; i < VEHICLES; i += slices) {
        store.update(ids[i]!, snapshot(i + 1, t));
        sent++;
      }
    }, 10);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const sentBefore = sent;
    clients.measure();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const { focused, fleet } = await clients.report();
    const elapsedS = (Date.now() - t0) / 1000;
    const updatesPerS = (sent - sentBefore) / elapsedS;
    focused.sort((a, b) => a - b);
    fleet.sort((a, b) => a - b);
    const how =
      `LiveStateStore driven directly (as the bridge channel calls it), ${VEHICLES} vehicles at ${RATE_HZ} Hz ` +
      `(${round(updatesPerS, 0)} updates/s measured), ${CLIENTS} socket.io-client consoles in a separate process ` +
      `over loopback WebSocket, each focusing ${FOCUS_PER_CLIENT} vehicles and receiving the whole fleet at 2 Hz; ` +
      `${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; ${os.cpus().length} cores`;
    const p99 = percentile(focused, 99);
    return [
      {
        name: 'fanout: focused vehicle.state latency p50',
        value: round(percentile(focused, 50), 1),
        unit: 'ms',
        target: '< 50',
        met: percentile(focused, 50) < 50,
        note: `${how}; ${focused.length} samples`,
      },
      {
        name: 'fanout: focused vehicle.state latency p99',
        value: round(p99, 1),
        unit: 'ms',
        target: '< 50',
        met: p99 < 50,
        note: `${how}; ${focused.length} samples`,
      },
      {
        name: 'fanout: fleet.state age at receipt p99',
        value: round(percentile(fleet, 99), 1),
        unit: 'ms',
        target: '< 600',
        met: percentile(fleet, 99) < 600,
        note: `batched at 2 Hz by design, so up to ~500 ms of age is the batching; ${fleet.length} samples`,
      },
    ];
  } finally {
    if (driver) clearInterval(driver);
    clients?.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  for (const e of await benchFanout()) console.log(`${e.name}: ${e.value} ${e.unit} (target ${e.target})`);
}
