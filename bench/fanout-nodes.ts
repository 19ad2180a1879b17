/**
 * Fan-out across server nodes (issue 17), `npm run bench -- --only fanout-nodes`: 1, 2 and 3
 * `aerie server` processes on one data folder and one Redis (the multi-node deployment on one
 * machine). Simulated bridges (at most 250 vehicles each, one system id per vehicle) connect to
 * the nodes in turn over the real `/bridge` channel at 10 Hz per vehicle, as the bridge does
 * with its defaults: a live preview of the states queued in the last 10 ms ('bridge.live',
 * volatile), and a batch of state items every 100 ms with one batch in flight, the newest state
 * per vehicle while waiting. 200 socket.io-client consoles in separate processes are spread
 * evenly over the nodes, each focusing 4 vehicles. Latency = console receipt - the bridge's own stamp in the
 * state, so it covers ingest, the hop between nodes (Redis) and the fan-out.
 *
 * `FANOUT_NODES_VEHICLES` (default 500) scales the fleet down for a small machine; the figure's
 * note says which fleet it was.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadWindow } from '@aerie/server';
import { AERIE_BIN, freeTcpPort, startRedis, until } from '@aerie/tests';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { snapshot, startConsoleClients } from './fanout.ts';
import { type BenchEntry, cpuOfPid, idleShare, machineCpu, percentile, round } from './lib.ts';

const VEHICLES = Number(process.env.FANOUT_NODES_VEHICLES ?? 500);
const RATE_HZ = 10;
const CLIENTS = 200;
const FOCUS_PER_CLIENT = 4;
const PER_BRIDGE = 250;
/** The bridge's defaults: `liveIntervalMs` and `batchIntervalMs` (gcs-bridge `channel/client.ts`). */
const LIVE_MS = 10;
const BATCH_MS = 100;
/** `FANOUT_NODES_PREVIEW=0`: the bridges send no live preview (the bridge's `liveIntervalMs: 0`). */
const PREVIEW = process.env.FANOUT_NODES_PREVIEW !== '0';
const WARMUP_MS = 3000;
const MEASURE_MS = 10_000;
const PASSWORD = 'bench-admin-password';
/** `FANOUT_NODES_COUNTS=1` runs only the one-node case (profiling); default 1, 2 and 3. */
const NODE_COUNTS = (process.env.FANOUT_NODES_COUNTS ?? '1,2,3').split(',').map((n) => {
  const count = Number(n);
  if (!Number.isInteger(count) || count < 1 || count > 8)
    throw new Error(`FANOUT_NODES_COUNTS: '${n}' is not a node count from 1 to 8`);
  return count;
});
/**
 * Each case runs this many times (`FANOUT_NODES_RUNS`, default 3) and records the run with the
 * median p99, naming the others: on a 2-core machine shared by every process of the bench, one
 * 10 s window's p99 moved between 53 and 128 ms from run to run of the same code.
 */
const RUNS = Number(process.env.FANOUT_NODES_RUNS ?? 3);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 9)
  throw new Error(`FANOUT_NODES_RUNS: '${process.env.FANOUT_NODES_RUNS}' is not a run count from 1 to 9`);
/**
 * `FANOUT_NODES_CPU_PROF=DIR` runs every node, and the consoles' process, with `--cpu-prof`
 * writing its profile into DIR.
 */
const CPU_PROF_DIR = process.env.FANOUT_NODES_CPU_PROF || undefined;
/**
 * The consoles run in this many processes (`FANOUT_CONSOLE_PROCESSES`, default 4): in one,
 * parsing 200 consoles' fleet batches (about 40 MB of JSON a second) held the event loop for
 * up to 0.9 s and every focused state waited behind it, which measured the benchmark's client,
 * not the server.
 */
const CONSOLE_PROCESSES = Number(process.env.FANOUT_CONSOLE_PROCESSES ?? 4);
if (!Number.isInteger(CONSOLE_PROCESSES) || CONSOLE_PROCESSES < 1 || CONSOLE_PROCESSES > CLIENTS)
  throw new Error(
    `FANOUT_CONSOLE_PROCESSES: '${process.env.FANOUT_CONSOLE_PROCESSES}' is not a process count from 1 to ${CLIENTS}`,
  );

interface NodeProc {
  url: string;
  child: ChildProcess;
}

async function startNode(
  dataDir: string,
  redisUrl: string,
  databaseUrl: string | undefined,
  i: number,
): Promise<NodeProc> {
  const port = await freeTcpPort();
  const child = spawn(
    process.execPath,
    [
      ...(CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : []),
      AERIE_BIN,
      'server',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--no-console',
      '--skip-console-build',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AERIE_REDIS_URL: redisUrl,
        AERIE_NODE_ID: `bench-${i + 1}`,
        AERIE_ADMIN_PASSWORD: PASSWORD,
        AERIE_LOG_LEVEL: 'warn',
        AERIE_BASEMAP: '',
        ...(databaseUrl ? { AERIE_DATABASE_URL: databaseUrl } : {}),
      },
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    const url = await until(
      async () => /aerie server listening on (http:\/\/\S+) /.exec(out)?.[1],
      `bench node ${i + 1} to listen`,
      180_000,
      { stopIf: () => (child.exitCode !== null ? `node exited:\n${out}` : null) },
    );
    return { url, child };
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${out}`);
  }
}

/**
 * A bridge on the channel: every 10 ms a preview of the states of the last 10 ms (their stamps
 * spread over it, as states come from the vehicles); every 100 ms a batch, one in flight, the
 * newest state per vehicle while it waits.
 */
function driveBridge(nodeUrl: string, token: string, sysids: number[]) {
  const socket: Socket = connect(`${nodeUrl}/bridge`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  let seq = 0;
  let inFlight = false;
  let acked = 0;
  const pending = new Map<number, number>();
  let tick = 0;
  const slices = 1000 / RATE_HZ / LIVE_MS;
  const ticksPerBatch = BATCH_MS / LIVE_MS;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (inFlight || pending.size === 0) return;
    const items = [...pending].map(([sysid, t]) => ({
      seq: ++seq,
      sysid,
      atMs: t,
      kind: 'state' as const,
      state: snapshot(sysid, t),
    }));
    pending.clear();
    inFlight = true;
    socket
      .timeout(30_000)
      .emitWithAck('bridge.items', items)
      .then(
        () => {
          acked += items.length;
        },
        () => {},
      )
      .finally(() => {
        inFlight = false;
      });
  };
  return {
    async start() {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      // A node that just started on a loaded 2-core machine can take well over 10 s to answer.
      await socket
        .timeout(60_000)
        .emitWithAck('bridge.hello', { epoch: randomUUID(), version: 'bench', links: [] });
      timer = setInterval(() => {
        const n = tick++;
        const slice = n % slices;
        const now = Date.now();
        const live = [];
        const inSlice = Math.ceil((sysids.length - slice) / slices);
        for (let i = slice, k = 1; i < sysids.length; i += slices, k++) {
          const sysid = sysids[i]!;
          const t = Math.round(now - LIVE_MS * (1 - k / inSlice));
          pending.set(sysid, t);
          live.push({
            seq: seq + live.length + 1,
            sysid,
            atMs: t,
            kind: 'state' as const,
            state: snapshot(sysid, t),
          });
        }
        // The preview's seqs are a guess at the batch's (the server uses them only to skip what a
        // batch showed already); its stamps are what keeps each state shown once.
        if (PREVIEW) socket.volatile.emit('bridge.live', live);
        if (n % ticksPerBatch === ticksPerBatch - 1) flush();
      }, LIVE_MS);
    },
    acked: () => acked,
    stop() {
      if (timer) clearInterval(timer);
      socket.disconnect();
    },
  };
}

/**
 * The PostgreSQL server the `--pg` runs use: AERIE_BENCH_DATABASE_URL, or the private test
 * cluster (tests/scripts/pg-up.sh starts it when it is not running and prints its URL).
 */
function postgresServer(): string {
  if (process.env.AERIE_BENCH_DATABASE_URL) return process.env.AERIE_BENCH_DATABASE_URL;
  const script = fileURLToPath(new URL('../tests/scripts/pg-up.sh', import.meta.url));
  return execFileSync(script, [], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
}

/** Runs `sql` statements on the PostgreSQL server's maintenance database. */
async function onPostgres(server: string, ...sql: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    for (const q of sql) await client.query(q);
  } finally {
    await client.end();
  }
}

const PG_DB = 'aerie_bench_fanout_nodes';

async function runWith(
  nodeCount: number,
  pgServer: string | undefined,
): Promise<{
  p50: number;
  p99: number;
  delivered: number;
  ingested: number;
  samples: number;
  dropped: number;
  lost: number;
  /** p99 of the part of the age before the receiving node's live store had the state. */
  ingestP99: number;
  /** p99 of the part after it (the hop between nodes, if any, and the fan-out). */
  fanoutP99: number;
  /** Share of one core (%) while measuring: each node, Redis, the bridges (this process), the consoles. */
  cpu: { nodes: number[]; redis: number; bridges: number; consoles: number };
  /** The share (%) of the measuring window the machine's cores were idle. */
  idle: number;
  consolesLoopDelayP99: number;
  /** Each node's event loop over the measuring window (`node.load` of its `/api/health`). */
  loops: LoadWindow[];
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bench-nodes-'));
  const redis = await startRedis();
  let databaseUrl: string | undefined;
  if (pgServer) {
    await onPostgres(pgServer, `drop database if exists ${PG_DB} with (force)`, `create database ${PG_DB}`);
    const u = new URL(pgServer);
    u.pathname = `/${PG_DB}`;
    databaseUrl = u.toString();
  }
  const nodes: NodeProc[] = [];
  const bridges: ReturnType<typeof driveBridge>[] = [];
  let clients: Awaited<ReturnType<typeof startConsoleClients>> | undefined;
  try {
    // The first node creates the database and the administrator; the others join it.
    for (let i = 0; i < nodeCount; i++) nodes.push(await startNode(dir, redis.url, databaseUrl, i));
    const base = nodes[0]!.url;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const api = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${base}/api${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const bridgeCount = Math.max(nodeCount, Math.ceil(VEHICLES / PER_BRIDGE));
    for (let b = 0; b < bridgeCount; b++) {
      const created = (await api('POST', '/bridges', { name: `bench-${b + 1}` })) as { token: string };
      const sysids: number[] = [];
      for (let v = b; v < VEHICLES; v += bridgeCount) sysids.push(sysids.length + 1);
      const bridge = driveBridge(nodes[b % nodeCount]!.url, created.token, sysids);
      bridges.push(bridge);
      await bridge.start();
    }
    // Vehicles are registered on first sight.
    const vehicleIds = await until(
      async () => {
        const list = (await api('GET', `/vehicles?limit=${VEHICLES}`)) as { items: { id: string }[] };
        return list.items.length >= VEHICLES ? list.items.map((v) => v.id) : undefined;
      },
      'every vehicle registered',
      60_000,
    );
    clients = await startConsoleClients(
      {
        urls: nodes.map((n) => `${n.url}/console`),
        token,
        clients: CLIENTS,
        focusPerClient: FOCUS_PER_CLIENT,
        vehicleIds,
        since: 'bridge',
      },
      CPU_PROF_DIR,
      CONSOLE_PROCESSES,
    );
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const ackedBefore = bridges.reduce((n, b) => n + b.acked(), 0);
    const cpuOf = () => ({
      nodes: nodes.map((n) => cpuOfPid(n.child.pid)),
      redis: cpuOfPid(redis.child.pid),
      bridges: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
    const cpu0 = cpuOf();
    const machine0 = machineCpu();
    clients.measure();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const cpu1 = cpuOf();
    const idle = idleShare(machine0, machineCpu());
    // Each node's own event loop over the same 10 s, as its health report gives it to an operator.
    const loops = await Promise.all(
      nodes.map(async (n) => {
        const health = (await (await fetch(`${n.url}/api/health`)).json()) as {
          node: { load: LoadWindow[] };
        };
        const window = health.node.load[0];
        if (!window) throw new Error(`fanout-nodes: node ${n.url} reported no event-loop window`);
        return window;
      }),
    );
    const { focused, ingest, dropped, lost, cpuMs, loopDelayP99Ms } = await clients.report();
    const elapsedS = (Date.now() - t0) / 1000;
    const share = (ms: number) => round(ms / elapsedS / 10, 0);
    if (focused.length === 0)
      throw new Error(
        `fanout-nodes: ${nodeCount} node(s): no console received a focused state in ${MEASURE_MS / 1000} s ` +
          `(${lost} of ${CLIENTS} consoles disconnected); nothing to record`,
      );
    const served = focused.map((age, i) => age - (ingest[i] ?? 0));
    for (const list of [focused, ingest, served]) list.sort((a, b) => a - b);
    return {
      p50: percentile(focused, 50),
      p99: percentile(focused, 99),
      ingestP99: percentile(ingest, 99),
      fanoutP99: percentile(served, 99),
      cpu: {
        nodes: cpu1.nodes.map((ms, i) => share(ms - cpu0.nodes[i]!)),
        redis: share(cpu1.redis - cpu0.redis),
        bridges: share(cpu1.bridges - cpu0.bridges),
        consoles: share(cpuMs),
      },
      idle,
      consolesLoopDelayP99: loopDelayP99Ms,
      loops,
      delivered: focused.length / elapsedS,
      ingested: (bridges.reduce((n, b) => n + b.acked(), 0) - ackedBefore) / elapsedS,
      samples: focused.length,
      dropped,
      lost,
    };
  } finally {
    for (const b of bridges) b.stop();
    clients?.close();
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await Promise.race([
        new Promise((r) => n.child.once('exit', r)),
        new Promise((r) => setTimeout(r, 10_000)),
      ]);
      if (n.child.exitCode === null) n.child.kill('SIGKILL');
    }
    await redis.close();
    await rm(dir, { recursive: true, force: true });
    if (pgServer) await onPostgres(pgServer, `drop database if exists ${PG_DB} with (force)`);
  }
}

/**
 * `--pg` (after `npm run bench -- --only fanout-nodes`) runs every node count a second time with
 * the nodes on one PostgreSQL database (what a real multi-node deployment uses) instead of the
 * shared SQLite file.
 */
export async function benchFanoutNodes(): Promise<BenchEntry[]> {
  const entries: BenchEntry[] = [];
  const wanted = VEHICLES * RATE_HZ;
  const databases: Array<{ label: string; server: string | undefined }> = [
    { label: '', server: undefined },
    ...(process.argv.includes('--pg') ? [{ label: ' on PostgreSQL', server: postgresServer() }] : []),
  ];
  for (const { label, server } of databases) {
    let single: number | undefined;
    for (const n of NODE_COUNTS) {
      const started = Date.now();
      const runs: Awaited<ReturnType<typeof runWith>>[] = [];
      for (let k = 0; k < RUNS; k++) runs.push(await runWith(n, server));
      const byP99 = [...runs].sort((a, b) => a.p99 - b.p99);
      const r = byP99[Math.floor((byP99.length - 1) / 2)]!;
      const others =
        runs.length > 1
          ? `the median of ${runs.length} runs, whose p99 were ${runs.map((x) => round(x.p99, 0)).join(' / ')} ms and delivered ${runs.map((x) => round(x.delivered, 0)).join(' / ')} states/s; `
          : '';
      // Each case takes minutes on a loaded machine: say what it measured at once.
      const load = os.loadavg().map((l) => round(l, 1));
      const where =
        `p99 of its parts: to the receiving node's live store ${round(r.ingestP99, 1)} ms, from there to the console ${round(r.fanoutP99, 1)} ms; ` +
        `CPU while measuring, in % of one core: node(s) ${r.cpu.nodes.join(' / ')}, Redis ${r.cpu.redis}, ` +
        `simulated bridges ${r.cpu.bridges}, the ${CLIENTS} consoles' ${CONSOLE_PROCESSES} process(es) ${r.cpu.consoles} together (event-loop delay p99 ${round(r.consolesLoopDelayP99, 0)} ms in the worst); ` +
        `the node(s)' own event loop in those ${MEASURE_MS / 1000} s (node.load of /api/health): timer delay p99 ${r.loops.map((l) => round(l.delayP99Ms, 0)).join(' / ')} ms ` +
        `(worst ${r.loops.map((l) => round(l.delayMaxMs, 0)).join(' / ')} ms), busy ${r.loops.map((l) => round(l.utilization * 100, 0)).join(' / ')} %, ` +
        `garbage collection ${r.loops.map((l) => round(l.gcPauseMs / l.seconds, 0)).join(' / ')} ms a second in pauses of up to ${r.loops.map((l) => round(l.gcPauseMaxMs, 0)).join(' / ')} ms; ` +
        `the machine's ${os.cpus().length} cores idle ${round(r.idle, 0)} % of the time; ` +
        `load average ${load.join(' ')} at the end`;
      process.stderr.write(
        `  fanout-nodes: ${n} node(s)${label}: p50 ${round(r.p50, 1)} ms, p99 ${round(r.p99, 1)} ms, ` +
          `${round(r.delivered, 0)} states/s delivered, ${round(r.ingested, 0)} acknowledged ` +
          `(${round((Date.now() - started) / 1000, 0)} s); ${others}${where}\n`,
      );
      if (n === 1) single = r.delivered;
      const store = server ? 'one PostgreSQL database' : 'one SQLite folder';
      const how =
        `${n} node(s) on ${store} and one Redis, ${VEHICLES} vehicles at ${RATE_HZ} Hz through ` +
        `${Math.max(n, Math.ceil(VEHICLES / PER_BRIDGE))} bridge channel(s) (${round(r.ingested, 0)} of ${wanted} states/s acknowledged), ` +
        `${CLIENTS} consoles in ${CONSOLE_PROCESSES} process(es) spread over the nodes focusing ${FOCUS_PER_CLIENT} vehicles each (${CLIENTS * FOCUS_PER_CLIENT * RATE_HZ} states/s to deliver); ` +
        `age from the bridge's stamp; ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; ` +
        `${os.cpus().length} cores shared by the nodes, Redis, the simulated bridges and consoles, and everything else on the machine`;
      entries.push(
        {
          name: `fanout-nodes: ${n} node(s)${label} focused vehicle.state latency p99`,
          value: round(r.p99, 1),
          unit: 'ms',
          target: '< 50',
          met: r.p99 < 50,
          note:
            `${how}; ${others}p50 ${round(r.p50, 1)} ms; ${r.samples} samples; ${where}; ` +
            `${r.dropped} console socket(s) dropped by the server during setup and opened again, ${r.lost} disconnected at the end`,
        },
        {
          name: `fanout-nodes: ${n} node(s)${label} focused states delivered`,
          value: round(r.delivered, 0),
          unit: 'states/s',
          target: n === 1 || single === undefined ? 'record' : `> ${round(single, 0)} (1 node)`,
          met: n === 1 || single === undefined ? true : r.delivered > single,
          note: `${how}${others ? `; ${others.slice(0, -2)}` : ''}`,
        },
      );
    }
  }
  return entries;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  for (const e of await benchFanoutNodes())
    console.log(`${e.name}: ${e.value} ${e.unit} (target ${e.target}) ${e.note ?? ''}`);
}
