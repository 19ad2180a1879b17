/**
 * Console: the command view in headless chromium (Debian's, software WebGL) watching 200
 * simulated aircraft in flight, the whole system as `aerie up --vehicles 200` starts it
 * (server, bridge over UDP, simulated PX4s). Every aircraft takes off and flies off towards a
 * point 1.5 km away, so the whole fleet moves while the page is measured for 10 s:
 *  - frame rate: frames Cesium drew (`scene.postRender` on `window.aerieGlobe`), and the
 *    page's requestAnimationFrame rate beside it;
 *  - bridge-to-drawn latency: for each vehicle update the globe applied, the time from the
 *    state's `updatedAtMs` at the bridge to the first frame drawn after it
 *    (`window.__aerie.drawLog`: drawnAtMs - stateAtMs; one clock, one machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, login } from '@aerie/tests';
import { buildConsole } from '@aerie/web/node';
import { type BenchEntry, percentile, round } from './lib.ts';

const AERIE_BIN = fileURLToPath(new URL('../bin/aerie.mjs', import.meta.url));
/** 200 as the target says; AERIE_BENCH_CONSOLE_VEHICLES overrides it to look into a failure. */
const VEHICLES = Number(process.env.AERIE_BENCH_CONSOLE_VEHICLES ?? 200);
const PASSWORD = 'bench-admin-password';
const WARMUP_MS = 3000;
const MEASURE_MS = 10_000;
const FLY_M = 1500;

interface Vehicle {
  id: string;
  dockId: string | null;
  online: boolean;
  state: { lat: number | null; lon: number | null; altRelM: number | null } | null;
}
interface DrawEntry {
  vehicleId: string;
  stateAtMs: number;
  drawnAtMs: number;
}

/** The running `aerie up` and its output so far, for the waits to notice when it died. */
let system: ChildProcess | undefined;
let systemOutput = () => '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `n` consecutive UDP ports that were free a moment ago. */
async function freeUdpRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the OS's ephemeral range (32768+ on Linux): the bridge's own UDP sockets, bound
    // before the simulator starts, take ephemeral ports and could land inside the range.
    const first = 20_000 + Math.floor(Math.random() * (12_000 - n));
    const sockets: dgram.Socket[] = [];
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const s = dgram.createSocket('udp4');
      ok = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.bind(first + i, '127.0.0.1', () => r(true));
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (ok) return first;
  }
  throw new Error(`no ${n} consecutive free UDP ports found`);
}

async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (system?.exitCode != null)
      throw new Error(`bench console: aerie up exited while waiting for ${what}:\n${systemOutput()}`);
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`bench console: timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export async function benchConsole(): Promise<BenchEntry[]> {
  await buildConsole({ log: (line) => process.stderr.write(`  ${line}\n`) });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bench-console-'));
  const port = await freeTcpPort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const up: ChildProcess = spawn(
    process.execPath,
    [
      AERIE_BIN,
      'up',
      '--vehicles',
      String(VEHICLES),
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--gcs-port',
      String(await freeUdpPort()),
      '--base-port',
      String(await freeUdpRange(VEHICLES)),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AERIE_ADMIN_PASSWORD: PASSWORD } },
  );
  system = up;
  systemOutput = () => output.slice(-4000);
  up.stdout!.on('data', (d) => (output += d));
  up.stderr!.on('data', (d) => (output += d));
  const browser = await launchBrowser();
  try {
    await until(
      async () => {
        if (up.exitCode !== null) throw new Error(`aerie up exited:\n${output}`);
        return output.includes('Aerie is up');
      },
      'aerie up',
      180_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const token = ((await res.json()) as { token: string }).token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const vehicles = async () =>
      (
        (await (await fetch(`${base}/api/vehicles?limit=${VEHICLES}`, { headers })).json()) as {
          items: Vehicle[];
        }
      ).items;
    // All 200 when the machine keeps up; the figures name how many were drawn and flying.
    let online: Vehicle[] = [];
    const started = Date.now();
    await until(
      async () => {
        online = (await vehicles()).filter((v) => v.online && v.state?.lat != null);
        return (
          online.length === VEHICLES || (Date.now() - started > 150_000 && online.length >= VEHICLES * 0.9)
        );
      },
      `${VEHICLES} vehicles online`,
      240_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (${online.length} were)\n${output.slice(-3000)}`);
    });
    const fleet = online;
    process.stderr.write(
      `  ${fleet.length} vehicles online after ${round((Date.now() - started) / 1000, 0)} s\n`,
    );
    const send = async (id: string, body: Record<string, unknown>): Promise<boolean> => {
      for (let i = 0; i < 40; i++) {
        const r = await fetch(`${base}/api/vehicles/${id}/commands`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        const a = (await r.json()) as { ok?: boolean; error?: { code?: string } };
        if (a.ok) return true;
        if (!['TemporarilyRejected', 'Timeout'].includes(a.error?.code ?? '')) return false;
        await sleep(1000);
      }
      return false;
    };

    // Docked aircraft refuse to arm under a closed lid: open every dock first (those not ready
    // after 90 s stay grounded; the figures say how many flew).
    const opening = Date.now();
    let docksReady = 0;
    await pool(
      fleet.filter((v) => v.dockId),
      16,
      async (v) => {
        await fetch(`${base}/api/docks/${v.dockId}/commands`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ action: 'prepare_takeoff' }),
        });
      },
    );
    await until(
      async () => {
        let ready = 0;
        await pool(
          fleet.filter((v) => v.dockId),
          16,
          async (v) => {
            const r = await fetch(`${base}/api/docks/${v.dockId}/status`, { headers });
            if (((await r.json()) as { status?: { state?: string } }).status?.state === 'ready') ready++;
          },
        );
        docksReady = ready;
        return ready === fleet.filter((v) => v.dockId).length || Date.now() - opening > 90_000;
      },
      'docks ready for take-off',
      120_000,
    );
    process.stderr.write(`  ${docksReady} docks ready\n`);

    // Up and away: every aircraft climbs, then heads for its own point on a 1.5 km circle.
    let tookOff = 0;
    await pool(fleet, 16, async (v, i) => {
      if (await send(v.id, { action: 'takeoff', altRelM: 20 + (i % 5) * 5 })) tookOff++;
    });
    await until(
      async () => (await vehicles()).filter((v) => (v.state?.altRelM ?? 0) > 5).length >= tookOff * 0.9,
      'the fleet climbing',
      90_000,
    );
    let flying = 0;
    await pool(fleet, 16, async (v, i) => {
      const a = (2 * Math.PI * i) / VEHICLES;
      const s = v.state!;
      const lat = s.lat! + (FLY_M * Math.cos(a)) / 111_320;
      const lon = s.lon! + (FLY_M * Math.sin(a)) / (111_320 * Math.cos((s.lat! * Math.PI) / 180));
      if (await send(v.id, { action: 'goto', lat, lon, altRelM: 30 })) flying++;
    });
    process.stderr.write(`  ${tookOff} took off, ${flying} flying to their points\n`);

    const { page } = await browser.newPage(base);
    await login(page, 'admin', PASSWORD);
    await page.getByTestId('globe').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction(
      (n) => {
        const hooks = (window as unknown as { __aerie?: { drawnVehicles?: () => object } }).__aerie;
        return hooks?.drawnVehicles && Object.keys(hooks.drawnVehicles()).length >= n;
      },
      fleet.length,
      { timeout: 60_000, polling: 500 },
    );
    await sleep(WARMUP_MS);

    const counting = page.evaluate((ms) => {
      const viewer = (
        window as unknown as {
          aerieGlobe?: {
            scene: {
              requestRenderMode: boolean;
              postRender: { addEventListener(f: () => void): () => void };
            };
          };
        }
      ).aerieGlobe;
      // The command view draws on demand (a frame per change). For the frame rate the globe is
      // made to draw continuously, so the figure is what it can draw with the whole fleet moving,
      // not how often the fleet changed.
      if (viewer) viewer.scene.requestRenderMode = false;
      return new Promise<{ cesiumFrames: number; rafFrames: number; elapsedMs: number }>((resolve) => {
        let cesiumFrames = 0;
        let rafFrames = 0;
        const remove = viewer?.scene.postRender.addEventListener(() => cesiumFrames++);
        const t0 = performance.now();
        const tick = () => {
          rafFrames++;
          if (performance.now() - t0 < ms) requestAnimationFrame(tick);
          else {
            remove?.();
            resolve({ cesiumFrames, rafFrames, elapsedMs: performance.now() - t0 });
          }
        };
        requestAnimationFrame(tick);
      });
    }, MEASURE_MS);
    // The draw log is a ring of 5000; read it every second so nothing is overwritten unread.
    const latencies: number[] = [];
    let cursor = await page.evaluate(() => Date.now());
    const t0 = cursor;
    let done = false;
    void counting.finally(() => (done = true));
    while (!done) {
      await sleep(1000);
      const fresh = await page.evaluate(
        ({ from, to }) => {
          const log = (window as unknown as { __aerie?: { drawLog?: DrawEntry[] } }).__aerie?.drawLog ?? [];
          return log.filter((e) => e.drawnAtMs > from && e.drawnAtMs <= to);
        },
        { from: cursor, to: t0 + MEASURE_MS },
      );
      for (const e of fresh) {
        latencies.push(e.drawnAtMs - e.stateAtMs);
        cursor = Math.max(cursor, e.drawnAtMs);
      }
    }
    const frames = await counting;
    latencies.sort((a, b) => a - b);
    const fps = (frames.cesiumFrames * 1000) / frames.elapsedMs;
    const rafFps = (frames.rafFrames * 1000) / frames.elapsedMs;
    const p95 = percentile(latencies, 95);
    const how =
      `aerie up --vehicles ${VEHICLES} (server, bridge over UDP, simulated PX4s), ${fleet.length} online, ` +
      `${flying} flying; ` +
      `command view at 1440x900 in headless Debian chromium with SwiftShader WebGL; ` +
      `${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; ${os.cpus().length} cores shared by all of it`;
    return [
      {
        name: `console: command view frame rate, ${VEHICLES} moving vehicles`,
        value: round(fps, 1),
        unit: 'fps',
        target: '>= 30',
        met: fps >= 30,
        note: `frames Cesium drew (scene.postRender) with continuous rendering switched on for the measurement; requestAnimationFrame ran at ${round(rafFps, 1)} Hz; ${how}`,
      },
      {
        name: 'console: bridge state to drawn p95',
        value: round(p95, 0),
        unit: 'ms',
        target: '< 250',
        met: latencies.length > 0 && p95 < 250,
        note:
          `drawnAtMs - stateAtMs over ${latencies.length} drawn updates (p50 ${round(percentile(latencies, 50), 0)} ms, ` +
          `p99 ${round(percentile(latencies, 99), 0)} ms); the fleet view is thinned to 2 Hz by the server; ${how}`,
      },
    ];
  } finally {
    await browser.close();
    if (up.exitCode === null) {
      const exited = new Promise((r) => up.once('exit', r));
      up.kill('SIGINT');
      await Promise.race([exited, sleep(15_000)]);
      if (up.exitCode === null) up.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  for (const e of await benchConsole()) console.log(`${e.name}: ${e.value} ${e.unit} (target ${e.target})`);
}
