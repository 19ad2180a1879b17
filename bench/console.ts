/**
 * Console: the command view in headless chromium (Debian's, software WebGL) watching 200
 * simulated aircraft in flight, the whole system as `aerie up --vehicles 200` starts it
 * (server, bridge over UDP, simulated PX4s). Every aircraft takes off and flies off towards a
 * point 1.5 km away, so the whole fleet moves while the page is measured for 10 s:
 *  - frame rate: frames the view put on screen with the camera still (the overlay that draws
 *    the aircraft, `window.aerieOverlay.frames`) and with the camera moving (the globe under
 *    it too, `scene.postRender` on `window.aerieGlobe`), with the page's requestAnimationFrame
 *    rate beside each;
 *  - bridge-to-drawn latency: for each vehicle update the globe applied, the time from the
 *    state's `updatedAtMs` at the bridge to the first frame drawn after it being on screen (the
 *    start of the next animation frame, which the browser holds back until it has taken the
 *    drawn one; `window.__aerie.drawLog`: drawnAtMs - stateAtMs; one clock, one machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConsoleFleetRow, decodeFleetRow } from '@aerie/contracts';
import {
  AERIE_BIN,
  freeTcpPort,
  freeUdpPort,
  freeUdpRange,
  launchBrowser,
  login,
  until as untilOr,
} from '@aerie/tests';
import { buildConsole } from '@aerie/web/node';
import type { Page } from 'playwright-core';
import { io as connectSocket } from 'socket.io-client';
import { type BenchEntry, percentile, round } from './lib.ts';

/** 200 as the target says; AERIE_BENCH_CONSOLE_VEHICLES overrides it to look into a failure. */
const VEHICLES = Number(process.env.AERIE_BENCH_CONSOLE_VEHICLES ?? 200);
const PASSWORD = 'bench-admin-password';
const WARMUP_MS = 3000;
const MEASURE_MS = 10_000;
const FLY_M = 1500;
/** A file to write a CPU profile of the page to, taken over the latency measurement. */
const PROFILE_TO = process.env.AERIE_BENCH_CONSOLE_PROFILE;
/** A file to write a Chrome trace to (chrome://tracing, Perfetto), over the same window. */
const TRACE_TO = process.env.AERIE_BENCH_CONSOLE_TRACE;

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

/** `until` that gives up at once, with the system's last output, when `aerie up` died. */
const until = <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs: number) =>
  untilOr(check, what, timeoutMs, {
    stopIf: () =>
      system?.exitCode != null ? `aerie up exited (${system.exitCode}):\n${systemOutput()}` : null,
  });

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
  // However this process ends, the fleet it started goes with it (SIGINT: aerie up stops its
  // server, bridge and simulator; a plain kill would leave them running).
  const stopSystem = () => {
    if (up.exitCode === null) up.kill('SIGINT');
  };
  process.once('exit', stopSystem);
  up.stdout!.on('data', (d) => (output += d));
  up.stderr!.on('data', (d) => (output += d));
  const browser = await launchBrowser();
  try {
    await until(async () => output.includes('Aerie is up'), 'aerie up', 180_000);
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

    // Docked aircraft refuse to arm under a closed lid: open every dock first. In a fleet this
    // large each dock is component 25 of its aircraft's system (see dockSysidFor), so every
    // aircraft has one. Docks not ready after 90 s stay shut; their aircraft's take-off is
    // retried below.
    const opening = Date.now();
    const answers = new Map<string, number>();
    const opened: string[] = [];
    await pool(
      fleet.filter((v) => v.dockId),
      16,
      async (v) => {
        const r = await fetch(`${base}/api/docks/${v.dockId}/commands`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ action: 'prepare_takeoff' }),
        });
        const a = (await r.json()) as { ok?: boolean; error?: { code?: string }; code?: string };
        const answer = a.ok ? 'accepted' : (a.error?.code ?? a.code ?? `HTTP ${r.status}`);
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        if (a.ok) opened.push(v.dockId!);
      },
    );
    let docksReady = 0;
    await until(
      async () => {
        let ready = 0;
        await pool(opened, 16, async (dockId) => {
          const r = await fetch(`${base}/api/docks/${dockId}/status`, { headers });
          if (((await r.json()) as { status?: { state?: string } }).status?.state === 'ready') ready++;
        });
        docksReady = ready;
        return ready === opened.length || Date.now() - opening > 90_000;
      },
      'docks ready for take-off',
      120_000,
    );
    process.stderr.write(
      `  prepare_takeoff answers: ${[...answers].map(([k, n]) => `${n} ${k}`).join(', ')}; ` +
        `${docksReady} of ${opened.length} docks ready after ${round((Date.now() - opening) / 1000, 0)} s\n`,
    );

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

    // 1. Latency in the view's own mode (drawing on demand, a frame per change).
    //    Beside it, a Socket.IO client in this process takes the same fleet batches, which tells
    //    the server's share of the delay from the page's.
    const profiling = PROFILE_TO ? await startProfile(page) : null;
    if (TRACE_TO)
      await browser.browser.startTracing(page, {
        path: TRACE_TO,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'toplevel',
          'gpu',
          'blink',
          'cc',
          'viz',
        ],
      });
    const atClient = await fleetAges(`${base}/console`, token);
    const latencies = await drawLatencies(page, MEASURE_MS);
    const serverAges = atClient.stop().sort((a, b) => a - b);
    if (profiling && PROFILE_TO) await profiling.stopTo(PROFILE_TO);
    if (TRACE_TO) {
      await browser.browser.stopTracing();
      process.stderr.write(`  Chrome trace written to ${TRACE_TO}\n`);
    }
    // 2. Frame rate with the camera still and the whole fleet moving (see frameRate).
    const frames = await frameRate(page, MEASURE_MS, 'still');
    // 3. The same with the camera turning, which redraws the globe every frame.
    const panning = await frameRate(page, MEASURE_MS / 2, 'panning');
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
    });

    latencies.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    const how =
      `aerie up --vehicles ${VEHICLES} (server, bridge over UDP, simulated PX4s), ${fleet.length} online, ` +
      `${flying} flying; command view at 1440x900 in headless Debian chromium (WebGL: ${renderer}); ` +
      `${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; ${os.cpus().length} cores shared by all of it`;
    return [
      {
        name: `console: command view frame rate, ${VEHICLES} moving vehicles`,
        value: round(frames.fps, 1),
        unit: 'fps',
        target: '>= 30',
        met: frames.fps >= 30,
        note:
          `frames drawn with the camera still over the fleet: the overlay (aircraft, trails, docks, names) redrawn on ` +
          `every animation frame for the measurement, the globe under it ${round(frames.globeFps, 1)} times a second ` +
          `(when its tiles or the focused aircraft's route changed); requestAnimationFrame ran at ${round(frames.rafHz, 1)} Hz; ${how}`,
      },
      {
        name: `console: command view frame rate while the camera moves, ${VEHICLES} vehicles`,
        value: round(panning.fps, 1),
        unit: 'fps',
        target: '-',
        met: true,
        note:
          `the camera turning a little every frame, so the globe is redrawn on every frame as well ` +
          `(requestAnimationFrame ran at ${round(panning.rafHz, 1)} Hz): what panning, zooming or following an ` +
          `aircraft looks like on this renderer; ${how}`,
      },
      {
        name: 'console: bridge state to drawn p95',
        value: round(p95, 0),
        unit: 'ms',
        target: '< 250',
        met: latencies.length > 0 && p95 < 250,
        note:
          `drawnAtMs - stateAtMs over ${latencies.length} drawn state changes (p50 ${round(percentile(latencies, 50), 0)} ms, ` +
          `p99 ${round(percentile(latencies, 99), 0)} ms), the view drawing on demand as it does in use; ` +
          `the same fleet batches reached a Node Socket.IO client beside the page with p95 ${round(percentile(serverAges, 95), 0)} ms ` +
          `(p50 ${round(percentile(serverAges, 50), 0)} ms, ${serverAges.length} items); ` +
          `the fleet view is thinned to 2 Hz by the server; ${how}`,
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
    process.off('exit', stopSystem);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Ages (receipt time - the server's `updatedAtMs`) of every fleet item a `/console` client gets. */
async function fleetAges(url: string, token: string): Promise<{ stop(): number[] }> {
  const ages: number[] = [];
  const socket = connectSocket(url, { transports: ['websocket'], auth: { token }, reconnection: false });
  let first = true;
  socket.on('fleet.state', (rows: ConsoleFleetRow[]) => {
    const items = rows.map(decodeFleetRow);
    // The first batch after connecting is the whole fleet as it was, not fresh changes.
    if (first) {
      first = false;
      return;
    }
    const now = Date.now();
    for (const i of items) if (i.updatedAtMs !== null) ages.push(now - i.updatedAtMs);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  return {
    stop() {
      socket.disconnect();
      return ages;
    },
  };
}

/** Starts the page's JS profiler (open the file in Chrome's DevTools, Performance panel). */
async function startProfile(page: Page): Promise<{ stopTo(file: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return {
    async stopTo(file) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      process.stderr.write(`  page profile written to ${file}\n`);
    },
  };
}

/**
 * For `ms`, every drawn state change's delay: drawnAtMs - stateAtMs from the page's draw log
 * (a ring of 5000, read every second so nothing is overwritten unread).
 */
async function drawLatencies(page: Page, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const from = await page.evaluate(() => Date.now());
  let cursor = from;
  while (cursor < from + ms) {
    await sleep(1000);
    const fresh = await page.evaluate(
      ({ after, to }) => {
        const log = (window as unknown as { __aerie?: { drawLog?: DrawEntry[] } }).__aerie?.drawLog ?? [];
        return { entries: log.filter((e) => e.drawnAtMs > after && e.drawnAtMs <= to), now: Date.now() };
      },
      { after: cursor, to: from + ms },
    );
    for (const e of fresh.entries) latencies.push(e.drawnAtMs - e.stateAtMs);
    cursor = Math.min(fresh.now, from + ms);
  }
  return latencies;
}

/**
 * Frames the command view put on screen in `ms`, with the page's requestAnimationFrame rate
 * beside it. What moves is drawn on the overlay (`web/src/lib/globe/overlay.ts`) and the globe
 * under it only when the camera moves or its content changes.
 *  - `still`: the camera stands still over the fleet, as a command centre watches it; the
 *    overlay draws on every animation frame (not only when a fleet batch arrives), so the
 *    figure is what the view can draw with the whole fleet moving, and the globe draws when it
 *    would in use (tiles arriving, the focused aircraft's route changing).
 *  - `panning`: the camera turns a little every frame, so the globe is redrawn every frame
 *    too; the frame rate is the globe's.
 * The view goes back to its own mode afterwards.
 */
async function frameRate(
  page: Page,
  ms: number,
  mode: 'still' | 'panning',
): Promise<{ fps: number; globeFps: number; rafHz: number }> {
  const r = await page.evaluate(
    ({ ms, panning }) => {
      const w = window as unknown as {
        aerieGlobe?: {
          scene: {
            preUpdate: { addEventListener(f: () => void): () => void };
            postRender: { addEventListener(f: () => void): () => void };
            camera: { rotateRight(angle: number): void };
          };
        };
        aerieOverlay?: { frames: number; continuous: boolean };
      };
      const viewer = w.aerieGlobe;
      const overlay = w.aerieOverlay;
      if (!viewer || !overlay)
        throw new Error('the command view has no globe (window.aerieGlobe, aerieOverlay)');
      const scene = viewer.scene;
      overlay.continuous = !panning;
      const turn = panning
        ? scene.preUpdate.addEventListener(() => scene.camera.rotateRight(2e-6))
        : () => {};
      return new Promise<{
        overlayFrames: number;
        globeFrames: number;
        rafFrames: number;
        elapsedMs: number;
      }>((resolve) => {
        let globeFrames = 0;
        let rafFrames = 0;
        const overlayFrom = overlay.frames;
        const remove = scene.postRender.addEventListener(() => globeFrames++);
        const t0 = performance.now();
        const tick = () => {
          rafFrames++;
          if (performance.now() - t0 < ms) {
            requestAnimationFrame(tick);
            return;
          }
          remove();
          turn();
          overlay.continuous = false;
          resolve({
            overlayFrames: overlay.frames - overlayFrom,
            globeFrames,
            rafFrames,
            elapsedMs: performance.now() - t0,
          });
        };
        requestAnimationFrame(tick);
      });
    },
    { ms, panning: mode === 'panning' },
  );
  const perSecond = (n: number) => (n * 1000) / r.elapsedMs;
  const globeFps = perSecond(r.globeFrames);
  return {
    // A frame with the camera moving is on screen when the globe under the overlay is too.
    fps: mode === 'panning' ? globeFps : perSecond(r.overlayFrames),
    globeFps,
    rafHz: perSecond(r.rafFrames),
  };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  for (const e of await benchConsole())
    console.log(`${e.name}: ${e.value} ${e.unit} (target ${e.target})\n  ${e.note ?? ''}`);
}
