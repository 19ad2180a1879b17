/**
 * The whole system against a real PX4 SITL (issue 18): a PX4 instance (SIH quadcopter,
 * headless) in a temp work dir on an unused instance number, the server in this process, the
 * bridge (the `aerie bridge` parts: openBridge + BridgeChannelClient) on one UDP link to it.
 *
 * The PX4 aircraft registers on first sight and stays dock-less; a saved route is flown through
 * the orchestrator (POST /api/sorties with vehicleId); in flight the console's commands go to
 * it (hold, resume, go to, return) and PX4's answers and mode changes are checked; a parameter
 * is read; after landing the sortie closes and its tlog is stored.
 *
 * The same scenario runs first against the simulator (always), so the simulator is held to what
 * PX4 answered. The PX4 run needs a built PX4:
 * AERIE_PX4_SITL=/path/to/build/px4_sitl_default/bin/px4. Without it that test is skipped, and
 * says why.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BridgeChannelClient, GCS_SYSID, openBridge, splitTlog } from '@aerie/gcs-bridge';
import { type SimVehicle, startVehicle } from '@aerie/hardware';
import { destination, distanceM } from '@aerie/missions';
import { afterAll, describe, expect, it } from 'vitest';
import { patrolRoute } from './harness.ts';
import { startLocalServer } from './local-server.ts';

const PX4_BIN = process.env.AERIE_PX4_SITL ?? '';
const SKIP_REASON = PX4_BIN
  ? existsSync(PX4_BIN)
    ? ''
    : `AERIE_PX4_SITL=${PX4_BIN} does not exist`
  : 'AERIE_PX4_SITL is not set (path to a built PX4 SITL binary, e.g. .../build/px4_sitl_default/bin/px4)';
if (SKIP_REASON) console.warn(`px4-sitl.test.ts: the PX4 SITL test is skipped: ${SKIP_REASON}`);

/** PX4 SITL's default home (SIH). */
const PX4_HOME = { lat: 47.39774, lon: 8.54559 };
const ADMIN_PASSWORD = 'admin-password-for-px4-sitl';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Undone in reverse order after the tests: server, bridge, aircraft, work dirs. */
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const undo of cleanups.reverse()) await undo().catch(() => {});
});

async function workDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts PX4 SITL instance `n` (SIH quadcopter, headless) in `dir`; stopped after the tests. */
function startPx4(n: number, dir: string): { tail: () => string } {
  const etc = path.resolve(path.dirname(PX4_BIN), '..', 'etc');
  const px4 = spawn(PX4_BIN, ['-d', '-i', String(n), '-w', dir, etc], {
    cwd: dir,
    env: {
      ...process.env,
      PX4_SYS_AUTOSTART: '10040',
      PX4_SIMULATOR: 'sihsim',
      PX4_SIM_MODEL: 'sihsim_quadx',
      HEADLESS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  px4.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  px4.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  cleanups.push(async () => {
    if (px4.exitCode !== null || px4.signalCode !== null) return;
    const exited = new Promise((r) => px4.once('exit', r));
    px4.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (px4.exitCode === null && px4.signalCode === null) px4.kill('SIGKILL');
  });
  return { tail: () => `\n--- px4 output (tail) ---\n${out.slice(-3000)}` };
}

async function poll<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(250);
  }
}

/** Whether nothing listens on this UDP port on any interface now. */
async function udpFree(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(port, '0.0.0.0', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      s.close();
    } catch {}
  }
}

/** An instance number whose PX4 ports (ground 18570+N, API 14580+N) are free and whose lock is not held. */
async function unusedInstance(): Promise<number> {
  for (let n = 11; n < 60; n++) {
    if (existsSync(`/tmp/px4_lock-${n}`) || existsSync(`/tmp/px4-sock-${n}`)) continue;
    if ((await udpFree(18570 + n)) && (await udpFree(14580 + n))) return n;
  }
  throw new Error('no free PX4 instance number between 11 and 59');
}

/**
 * The scenario, the same against PX4 and the simulator: the server and bridge up, the aircraft
 * dock-less, a saved route flown through the orchestrator with console commands in flight, a
 * parameter read, the sortie closed with its tlog.
 */
async function flyDockless(o: {
  sysid: number;
  /** The bridge's link to the aircraft. */
  link: string;
  dir: string;
  /** Starts the aircraft once the bridge listens on this UDP port (the simulator). */
  startAircraft?: (gcsPort: number) => Promise<void>;
  /** The aircraft's home position (expected within 50 m). */
  home: { lat: number; lon: number };
  /** The aircraft's own output, for failure messages. */
  tail: () => string;
}): Promise<void> {
  const { sysid, link } = o;
  // --- the server
  const { app, url, api } = await startLocalServer({
    dataDir: o.dir,
    adminPassword: ADMIN_PASSWORD,
    logLevel: process.env.PX4_SITL_LOG ? 'info' : 'silent',
    patrol: { schedulerIntervalMs: 1000, orchestrator: { tickMs: 500 } },
  });
  cleanups.push(() => app.close());
  const a = app;
  const bridgeRow = (await api('POST', '/bridges', { name: 'site' })).json();

  // --- the bridge: one link to the aircraft
  const opened = await openBridge({ links: [link] });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  cleanups.push(() => running.close());
  await o.startAircraft?.(running.connections[0]!.link.localPort()!);
  const client = new BridgeChannelClient({
    serverUrl: url,
    token: bridgeRow.token,
    bridge: running.bridge,
    links: [link],
    batchIntervalMs: 100,
    // As `aerie bridge` does: record each sortie from the link and upload it as a .tlog.
    connections: running.connections,
  });
  client.start();
  cleanups.push(async () => client.stop());

  // --- the aircraft registers dock-less, with a home position
  const vehicleId = await poll(
    async () => {
      const items = (await api('GET', '/vehicles')).json().items as { id: string; sysid: number }[];
      const v = items.find((x) => x.sysid === sysid);
      return v && a.aerie.liveState.get(v.id).state?.home ? v.id : null;
    },
    90_000,
    () => `the aircraft (system id ${sysid}) registered with a home position${o.tail()}`,
  );
  const live = () => a.aerie.liveState.get(vehicleId).state!;
  expect(live()).toMatchObject({ autopilot: 'px4', armed: false });
  const home = live().home!;
  expect(distanceM(home, o.home)).toBeLessThan(50);

  // --- a parameter read through the bridge's vehicle
  const vehicle = running.bridge.vehicle(sysid)!;
  const param = await vehicle.readParam('MIS_TAKEOFF_ALT');
  expect(param, JSON.stringify(param)).toMatchObject({ ok: true, value: { id: 'MIS_TAKEOFF_ALT' } });
  if (param.ok) expect(param.value.value).toBeGreaterThan(0);
  const missing = await vehicle.readParam('NO_SUCH_PARAM');
  // Neither PX4 nor the simulator answers an unknown name: the read times out.
  expect(missing).toMatchObject({ ok: false, error: { code: 'Timeout' } });

  // --- a saved route near home, flown through the orchestrator on the dock-less aircraft
  const saved = await api('POST', '/routes', {
    name: 'PX4 SITL square',
    kind: 'waypoint',
    route: patrolRoute('PX4 SITL square', home, 80, 80, 20),
  });
  expect(saved.statusCode, saved.body).toBe(201);
  const launched = await api('POST', '/sorties', { routeId: saved.json().id, vehicleId });
  expect(launched.statusCode, launched.body).toBe(201);
  expect(launched.json()).toMatchObject({ dockId: null, vehicleId });
  const sortieId = launched.json().sortieId as string;
  const sortie = async () => (await api('GET', `/sorties/${sortieId}`)).json();
  const failedYet = async () => {
    const s = await sortie();
    if (s.phase === 'failed' || s.phase === 'aborted')
      throw new Error(`sortie ${s.phase}: ${s.failureCode}: ${s.failureMessage}${o.tail()}`);
    return s;
  };

  // Arming is refused for a while after boot; the orchestrator asks again.
  await poll(
    async () => (await failedYet()).phase === 'in_progress' && (live().altRelM ?? 0) > 10,
    120_000,
    () => `the sortie in progress above 10 m${o.tail()}`,
  );
  expect(live()).toMatchObject({ armed: true, modeKind: 'mission' });

  // --- console commands, each answered by PX4 and seen as a mode change
  const command = async (body: object) => {
    const res = await api('POST', `/vehicles/${vehicleId}/commands`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json(), res.body).toMatchObject({ ok: true });
    return res.json();
  };
  const mode = (kind: string, what: string) =>
    poll(
      () => live().modeKind === kind,
      20_000,
      () => `${what} (mode now ${live().modeKind})`,
    );

  await command({ action: 'hold' });
  await mode('hold', 'AUTO.LOITER after hold');
  expect(live().mode).toMatch(/LOITER|HOLD/i);
  await command({ action: 'resume' });
  await mode('mission', 'AUTO.MISSION after resume');

  const target = destination(home, 45, 60);
  await command({ action: 'goto', lat: target.lat, lon: target.lon, altRelM: 25 });
  await mode('hold', 'AUTO.LOITER after go to');
  await poll(
    () => distanceM({ lat: live().lat!, lon: live().lon! }, target) < 8,
    60_000,
    () =>
      `the aircraft at the go-to point (now ${Math.round(distanceM({ lat: live().lat!, lon: live().lon! }, target))} m away)`,
  );

  await command({ action: 'return' });
  await mode('return', 'AUTO.RTL after return');
  // PX4 announces the return in one text longer than a STATUSTEXT (50 characters), sent as
  // MAVLink 2 chunks: the bridge hands it on whole.
  const rtlText = await poll(
    () =>
      live().statusTexts.find((t) => /^RTL: start return at \d+ m \(\d+ m above destination\)/.test(t.text)),
    20_000,
    () => `the RTL announcement (texts: ${JSON.stringify(live().statusTexts.map((t) => t.text))})`,
  );
  expect(rtlText.text.length).toBeGreaterThan(50);
  await poll(
    async () => (await failedYet()).phase === 'returning',
    20_000,
    () => 'the sortie following the return',
  );

  // --- landed and disarmed by PX4 itself: the sortie closes; its tlog is stored
  const closed = await poll(
    async () => {
      const s = await failedYet();
      return s.phase === 'closed' && s.hasTlog ? s : null;
    },
    240_000,
    () => `the sortie closed with its tlog${o.tail()}`,
  );
  expect(closed).toMatchObject({
    status: 'completed',
    dockId: null,
    missionRan: true,
    failureCode: null,
  });
  expect(closed.maxAltRelM).toBeGreaterThan(15);
  expect(closed.distanceM).toBeGreaterThan(100);
  expect(live()).toMatchObject({ armed: false, landed: true });

  const tlog = await api('GET', `/sorties/${sortieId}/tlog`);
  expect(tlog.statusCode).toBe(200);
  const { records, rest } = splitTlog(tlog.rawPayload);
  expect(rest).toBe(tlog.rawPayload.length);
  expect(records.length).toBeGreaterThan(500);
  const senders = new Set(records.map((r) => (r.packet[0] === 0xfd ? r.packet[5] : r.packet[3])));
  expect(senders).toEqual(new Set([sysid, GCS_SYSID]));
}

describe('dock-less sortie with console commands against the simulator (the same scenario as PX4 below)', () => {
  it('flies the saved route, follows hold/resume/go-to/return, reads a parameter, stores the tlog', async () => {
    const dir = await workDir('aerie-sim-dockless-');
    const sims: SimVehicle[] = [];
    cleanups.push(() => Promise.all(sims.map((v) => v.close())));
    await flyDockless({
      sysid: 1,
      link: 'udpin://127.0.0.1:0',
      dir,
      home: PX4_HOME,
      startAircraft: async (gcsPort) => {
        sims.push(
          await startVehicle({
            sysid: 1,
            home: { ...PX4_HOME, altM: 488 },
            speedup: 5,
            settleS: 3,
            port: 0,
            bindHost: '127.0.0.1',
            gcsHost: '127.0.0.1',
            gcsPort,
          }),
        );
      },
      tail: () => '',
    });
  }, 300_000);
});

describe.skipIf(Boolean(SKIP_REASON))(
  `PX4 SITL end to end${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`,
  () => {
    it('flies a saved route on a dock-less PX4 through the orchestrator, takes console commands, reads a parameter, stores the tlog', async () => {
      const n = await unusedInstance();
      const dir = await workDir('aerie-px4-sitl-');
      const px4 = startPx4(n, dir);
      // The bridge speaks first to PX4's ground-station port; PX4 answers whoever sent last.
      await flyDockless({
        sysid: n + 1,
        link: `udpout://127.0.0.1:${18570 + n}`,
        dir,
        home: PX4_HOME,
        tail: px4.tail,
      });
    }, 600_000);
  },
);
