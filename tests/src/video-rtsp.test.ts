/**
 * RTSP ingest end to end: an ffmpeg-generated H.264 test stream pushed over RTSP to the
 * server's supervised ffmpeg (listening: `rtsp://...?listen`, as a dock that pushes its
 * camera), copied into fragmented MP4 and played by the console in Debian's chromium (the
 * presented frame count rises). Killing the source shows "no signal" in the tile (not a frozen
 * frame); a new source is picked up by itself and the tile plays again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConsole, isConsoleBuildStale, WEB_DIST_DIR } from '@aerie/web/node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, login, screenshot } from './browser.ts';
import { freeTcpPort, until } from './cli.ts';
import { startLocalServer } from './local-server.ts';

const ADMIN_PASSWORD = 'rtsp-admin-password';
const SERIAL = 'RTSP-CAM-1';

let dir = '';
let app: FastifyInstance | undefined;
let browser: ConsoleBrowser | undefined;
let source: ChildProcess | undefined;
let rtspUrl = '';
let base = '';

/** Pushes a 1280x720 15 fps test pattern to the server, retrying until its listener is up. */
function startSource(): ChildProcess {
  let stopped = false;
  let child: ChildProcess;
  const run = () => {
    child = spawn(
      'ffmpeg',
      [
        ...[
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=1280x720:rate=15',
        ],
        ...[
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-g',
          '15',
          '-pix_fmt',
          'yuv420p',
        ],
        ...['-f', 'rtsp', '-rtsp_transport', 'tcp', rtspUrl],
      ],
      { stdio: 'ignore' },
    );
    child.on('exit', () => {
      if (!stopped) setTimeout(run, 300);
    });
  };
  run();
  return {
    kill: () => {
      stopped = true;
      return child.kill('SIGKILL');
    },
  } as ChildProcess;
}

beforeAll(async () => {
  rtspUrl = `rtsp://127.0.0.1:${await freeTcpPort()}/live`;
  if (isConsoleBuildStale()) await buildConsole({ log: () => {} });
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-rtsp-'));
  const server = await startLocalServer({
    dataDir: dir,
    adminPassword: ADMIN_PASSWORD,
    config: { consoleDir: WEB_DIST_DIR, video: { sources: { [SERIAL]: `${rtspUrl}?listen` } } },
  });
  app = server.app;
  base = server.url;
  const created = await server.api('POST', '/vehicles', {
    name: 'Dock camera 1',
    serial: SERIAL,
    model: 'fixed camera',
  });
  expect(created.statusCode, created.body).toBe(201);
  browser = await launchBrowser();
}, 400_000);

afterAll(async () => {
  source?.kill();
  await browser?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('RTSP ingest', () => {
  it('plays a pushed RTSP stream, shows no signal when the source dies, and plays again when it is back', async () => {
    const { page } = await browser!.newPage(base, { locale: 'en-US' });
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/video');
    const tile = page.locator('[data-testid="video-tile"]').first();
    await tile.waitFor({ timeout: 60_000 });
    source = startSource();
    const decoded = async () => Number((await tile.getAttribute('data-decoded')) ?? 0);
    const signal = () => tile.getAttribute('data-signal');
    await until(async () => (await decoded()) > 10, 'RTSP frames presented', 90_000).catch(
      async (err: Error) => {
        await screenshot(page, 'video-rtsp-failed');
        throw new Error(`${err.message} (signal ${await signal()}, decoded ${await decoded()})`);
      },
    );
    expect(await signal()).toBe('live');
    await screenshot(page, 'video-rtsp-live');

    source.kill();
    await until(async () => (await signal()) === 'no-signal', 'no signal after the source died', 30_000);
    expect(await tile.getByTestId('video-state').textContent()).toMatch(/无信号|No signal/);
    await screenshot(page, 'video-rtsp-no-signal');

    const before = await decoded();
    source = startSource();
    await until(
      async () => (await signal()) === 'live' && (await decoded()) > before + 10,
      'playing again',
      90_000,
    );
  }, 300_000);
});
