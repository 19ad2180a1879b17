/**
 * A sortie's recorded video in the replay, in a real browser: a Motion-JPEG camera whose colour
 * tells the capture time (a new colour every 2 s), a sortie opened and closed through the flight
 * log while it runs, and the replay page: clicking an event seeks the clock there and the video
 * panel shows the frame recorded at that moment (its colour read from the decoded video). A
 * vehicle without a camera shows "no video recorded". Screenshot: `sortie-video-replay.png`.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleVehicleState } from '@aerie/contracts';
import { buildConsole, isConsoleBuildStale, WEB_DIST_DIR } from '@aerie/web/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, login, screenshot } from './browser.ts';
import { until } from './cli.ts';
import { startVideoServer, type VideoServer } from './video-server.ts';

const ADMIN_PASSWORD = 'sortie-video-admin';
const SERIAL = 'REC-CAM-1';
/** The camera's colour for each 2 s phase after the sortie's start. */
const PHASES: [number, number, number][] = [
  [220, 30, 30],
  [30, 200, 30],
  [30, 30, 220],
  [230, 220, 30],
  [220, 30, 220],
  [30, 210, 210],
];
const PHASE_MS = 2000;
const FLIGHT_MS = PHASES.length * PHASE_MS - 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: VideoServer | undefined;
let camera: Server | undefined;
let browser: ConsoleBrowser | undefined;
let base = '';
let t0 = 0;
let sortieId = '';
let bareSortieId = '';

async function startCamera(): Promise<{ server: Server; url: string }> {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const frames = PHASES.map(([r, g, b]) =>
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `color=c=0x${hex(r)}${hex(g)}${hex(b)}:s=320x180`],
      ...['-frames:v', '1', '-q:v', '2', '-f', 'mjpeg', 'pipe:1'],
    ]),
  );
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=f' });
    const timer = setInterval(() => {
      const now = Date.now();
      const phase = t0 ? Math.max(0, Math.floor((now - t0) / PHASE_MS)) : 0;
      const jpeg = frames[Math.min(phase, frames.length - 1)]!;
      res.write(
        `--f\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\nX-Captured-At-Ms: ${now}\r\n\r\n`,
      );
      res.write(Buffer.concat([jpeg, Buffer.from('\r\n')]));
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/cam.mjpeg` };
}

/** Flies a sortie in real time: armed, a state every 500 ms northwards, a marker event every 2 s. */
async function fly(vehicleId: string, start: number, ms: number): Promise<string> {
  const { flightLog, database } = server!.app.aerie;
  const db = database.db;
  await flightLog.onEvent(db, vehicleId, start, { type: 'armed', atMs: start });
  const id = flightLog.openSortieId(vehicleId);
  if (!id) throw new Error('arming opened no sortie');
  for (let i = 0; start + i * 500 <= start + ms; i++) {
    const at = start + i * 500;
    await sleep(Math.max(0, at - Date.now()));
    await flightLog.onState(
      db,
      vehicleId,
      at,
      sampleVehicleState({ armed: true, landed: false, lat: 23.03 + i * 0.00002, lon: 113.14, altRelM: 20 }),
    );
    if (i > 0 && i % 4 === 1) {
      await flightLog.onEvent(db, vehicleId, at, {
        type: 'mission_item_reached',
        atMs: at,
        seq: (i - 1) / 4,
      });
    }
  }
  await flightLog.onEvent(db, vehicleId, start + ms, { type: 'disarmed', atMs: start + ms });
  return id;
}

/** The colour at the centre of the replay's decoded video frame, once it is not seeking. */
async function shownColour(page: Page): Promise<[number, number, number] | null> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="replay-video-player"]');
    if (!v || v.readyState < 2 || v.seeking || !v.videoWidth) return null;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d')!;
    g.drawImage(v, 0, 0);
    const d = g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
    return [d[0]!, d[1]!, d[2]!] as [number, number, number];
  });
}

const near = (a: [number, number, number], b: [number, number, number]) =>
  Math.max(...a.map((x, i) => Math.abs(x - b[i]!))) < 40;

beforeAll(async () => {
  if (isConsoleBuildStale()) await buildConsole({ log: () => {} });
  const cam = await startCamera();
  camera = cam.server;
  server = await startVideoServer({
    adminPassword: ADMIN_PASSWORD,
    sources: { [SERIAL]: cam.url },
    consoleDir: WEB_DIST_DIR,
    recording: { segmentS: 2 },
  });
  base = `http://${server.host}`;
  const make = async (payload: object) => {
    const res = await server!.app.inject({
      method: 'POST',
      url: '/api/vehicles',
      headers: { authorization: `Bearer ${server!.token}` },
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return String(res.json().id);
  };
  const withCamera = await make({ name: 'Recorder 1', serial: SERIAL, model: 'M30' });
  const without = await make({ name: 'No camera', serial: 'NO-CAM', model: 'M30' });
  const launching = launchBrowser();
  t0 = Date.now() + 300;
  sortieId = await fly(withCamera, t0, FLIGHT_MS);
  bareSortieId = await fly(without, Date.now(), 1500);
  await until(
    async () => {
      const res = await server!.app.inject({
        url: `/api/sorties/${sortieId}/video`,
        headers: { authorization: `Bearer ${server!.token}` },
      });
      const body = res.json();
      return !body.recording && body.segments.length >= PHASES.length - 1;
    },
    'the sortie video to be recorded and indexed',
    60_000,
  );
  browser = await launching;
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => (camera ? camera.close(r) : r(null)));
}, 30_000);

describe('sortie video in the replay', () => {
  it('shows the frame recorded at the replay time, following seeks and playback', async () => {
    const { page } = await browser!.newPage(base, { locale: 'en-US' });
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/sorties/${sortieId}`);
    const panel = page.getByTestId('replay-video');
    await panel.waitFor({ timeout: 60_000 });
    const events = page.locator('[data-testid="replay-event"][data-kind="mission"]');
    await until(async () => (await events.count()) >= 2, 'the replay events', 30_000);

    for (const n of [1, 2]) {
      const event = events.nth(n);
      const atMs = Number(await event.getAttribute('data-at-ms'));
      const expected = PHASES[Math.floor((atMs - t0) / PHASE_MS)]!;
      await event.click();
      const colour = await until(
        async () => {
          const c = await shownColour(page);
          return c && near(c, expected) ? c : undefined;
        },
        `the video showing phase colour ${expected} at ${atMs - t0} ms (panel ${await panel.getAttribute('data-state')}, shown ${JSON.stringify(await shownColour(page))})`,
        15_000,
      );
      expect(near(colour, expected)).toBe(true);
      expect(await panel.getAttribute('data-state')).toBe('video');
    }
    await screenshot(page, 'sortie-video-replay');

    // Playing moves the video with the clock.
    const before = await page.evaluate(
      () => document.querySelector<HTMLVideoElement>('[data-testid="replay-video-player"]')!.currentTime,
    );
    await page.getByTestId('replay-speed').getByText('1x', { exact: true }).click();
    await page.getByTestId('replay-play').click();
    await until(
      async () =>
        await page.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>('[data-testid="replay-video-player"]');
          return v ? !v.paused : false;
        }),
      'the video to play with the replay',
      10_000,
    );
    await page.getByTestId('replay-play').click();
    await until(
      async () =>
        page.evaluate((b) => {
          const v = document.querySelector<HTMLVideoElement>('[data-testid="replay-video-player"]');
          return v ? v.paused && v.currentTime !== b : false;
        }, before),
      'the video to pause where the replay paused',
      10_000,
    );
    // Paused: the frame shown is the one recorded at the clock's time.
    const pausedAt = Number(await page.getByTestId('replay-vehicle').getAttribute('data-at-ms'));
    const intoPhase = (pausedAt - t0) % PHASE_MS;
    if (intoPhase > 150 && intoPhase < PHASE_MS - 150) {
      const expected = PHASES[Math.floor((pausedAt - t0) / PHASE_MS)]!;
      await until(
        async () => {
          const c = await shownColour(page);
          return c && near(c, expected) ? c : undefined;
        },
        `the paused video showing phase colour ${expected} at ${pausedAt - t0} ms`,
        15_000,
      );
    }
    await screenshot(page, 'sortie-video-paused');
    browser!.assertNoPageErrors();
  }, 120_000);

  it('says no video was recorded for a sortie without a camera', async () => {
    const { page } = await browser!.newPage(base, { locale: 'en-US' });
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/sorties/${bareSortieId}`);
    const panel = page.getByTestId('replay-video');
    await until(
      async () => (await panel.getAttribute('data-state')) === 'none',
      'the no-video state',
      30_000,
    );
    expect(await panel.textContent()).toMatch(/No video was recorded for this sortie|此架次没有录制视频/);
  }, 60_000);
});
