/**
 * RTSP ingest end to end: an ffmpeg-generated H.264 test stream pushed over RTSP to the
 * server's supervised ffmpeg (listening: `rtsp://...?listen`, as a dock that pushes its
 * camera), copied into fragmented MP4 and played by the console in Debian's chromium over
 * WebRTC (WHEP, the default for H.264; the presented frame count rises). Killing the source
 * shows "no signal" in the tile (not a frozen frame); a new source is picked up by itself and
 * the tile plays again.
 */
import type { ChildProcess } from 'node:child_process';
import { buildConsole, isConsoleBuildStale, WEB_DIST_DIR } from '@aerie/web/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, login, screenshot } from './browser.ts';
import { freeTcpPort, until } from './cli.ts';
import { pushTestPattern } from './rtsp-source.ts';
import { startVideoServer, type VideoServer } from './video-server.ts';

const ADMIN_PASSWORD = 'rtsp-admin-password';
const SERIAL = 'RTSP-CAM-1';

let server: VideoServer | undefined;
let browser: ConsoleBrowser | undefined;
let source: ChildProcess | undefined;
let rtspUrl = '';
let base = '';

beforeAll(async () => {
  rtspUrl = `rtsp://127.0.0.1:${await freeTcpPort()}/live`;
  if (isConsoleBuildStale()) await buildConsole({ log: () => {} });
  server = await startVideoServer({
    adminPassword: ADMIN_PASSWORD,
    sources: { [SERIAL]: `${rtspUrl}?listen` },
    consoleDir: WEB_DIST_DIR,
  });
  base = `http://${server.host}`;
  const { app, token } = server;
  const created = await app.inject({
    method: 'POST',
    url: '/api/vehicles',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: 'Dock camera 1', serial: SERIAL, model: 'fixed camera' },
  });
  expect(created.statusCode, created.body).toBe(201);
  browser = await launchBrowser();
}, 400_000);

afterAll(async () => {
  source?.kill();
  await browser?.close();
  await server?.close();
}, 30_000);

describe('RTSP ingest', () => {
  it('plays a pushed RTSP stream, shows no signal when the source dies, and plays again when it is back', async () => {
    const { page } = await browser!.newPage(base, { locale: 'en-US' });
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/video');
    const tile = page.locator('[data-testid="video-tile"]').first();
    await tile.waitFor({ timeout: 60_000 });
    source = pushTestPattern(rtspUrl);
    const decoded = async () => Number((await tile.getAttribute('data-decoded')) ?? 0);
    const signal = () => tile.getAttribute('data-signal');
    await until(async () => (await decoded()) > 10, 'RTSP frames presented', 90_000).catch(
      async (err: Error) => {
        await screenshot(page, 'video-rtsp-failed');
        throw new Error(`${err.message} (signal ${await signal()}, decoded ${await decoded()})`);
      },
    );
    expect(await signal()).toBe('live');
    // H.264 plays over WebRTC (WHEP) by default, not MSE.
    expect(await tile.getAttribute('data-mode')).toBe('webrtc');
    // The wall's default 9 tiles take the 640x360 sub-stream the ingest encodes; one tile takes
    // the camera's 1280x720.
    const width = () => tile.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth);
    expect(await tile.getAttribute('data-rendition')).toBe('sub');
    await until(async () => (await width()) === 640, 'the sub-stream at 640 wide', 30_000);
    await page.getByTestId('video-layout').getByText('1', { exact: true }).click();
    await until(
      async () => (await tile.getAttribute('data-rendition')) === 'main' && (await width()) === 1280,
      'full resolution in one tile',
      60_000,
    );
    await page.getByTestId('video-layout').getByText('9', { exact: true }).click();
    await until(async () => (await width()) === 640, 'back to the sub-stream', 60_000);
    await screenshot(page, 'video-rtsp-live');

    source.kill();
    await until(async () => (await signal()) === 'no-signal', 'no signal after the source died', 30_000);
    expect(await tile.getByTestId('video-state').textContent()).toMatch(/无信号|No signal/);
    await screenshot(page, 'video-rtsp-no-signal');

    const before = await decoded();
    source = pushTestPattern(rtspUrl);
    await until(
      async () => (await signal()) === 'live' && (await decoded()) > before + 10,
      'playing again',
      90_000,
    );
  }, 300_000);
});
