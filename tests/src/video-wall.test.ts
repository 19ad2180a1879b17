/**
 * The video wall end to end: `aerie up` (8 simulated docked aircraft, each with a simulated
 * camera), Debian's chromium signed in as a command-centre watcher on `/video`: a tile per
 * aircraft, each with its `data-vehicle-id`, name, mode and altitude over it, and frames
 * advancing (the count of presented video frames rises in every tile).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, login, screenshot } from './browser.ts';
import { AERIE_BIN, freeTcpPort, freeUdpPort, freeUdpRange, until } from './cli.ts';

const ROOT = path.resolve(path.dirname(AERIE_BIN), '..');
const ADMIN_PASSWORD = 'video-e2e-admin-password';
const WATCHER = {
  username: 'wall.e2e',
  password: 'wall-password-1',
  displayName: '视频值班',
  role: 'command_centre',
};
const VEHICLES = 8;

let up: ChildProcess | undefined;
let upOutput = '';
let dataDir = '';
let base = '';
let browser: ConsoleBrowser | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aerie-e2e-video-'));
  const port = await freeTcpPort();
  up = spawn(process.execPath, [AERIE_BIN, 'up'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      AERIE_DATA_DIR: dataDir,
      AERIE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AERIE_GCS_PORT: String(await freeUdpPort()),
      AERIE_SIM_BASE_PORT: String(await freeUdpRange(VEHICLES)),
    },
  });
  up.stdout!.on('data', (d) => (upOutput += d));
  up.stderr!.on('data', (d) => (upOutput += d));
  base = `http://127.0.0.1:${port}`;
  const launching = launchBrowser();
  await until(async () => upOutput.includes('Aerie is up'), 'the "Aerie is up" banner', 240_000, {
    stopIf: () => (up!.exitCode !== null ? `aerie up exited (${up!.exitCode}):\n${upOutput}` : null),
  });
  const token = (
    (await (
      await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      })
    ).json()) as { token: string }
  ).token;
  const created = await fetch(`${base}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(WATCHER),
  });
  expect(created.status).toBe(201);
  await until(
    async () => {
      const res = await fetch(`${base}/api/vehicles?limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { items } = (await res.json()) as { items: { online: boolean }[] };
      return items.filter((v) => v.online).length === VEHICLES;
    },
    `${VEHICLES} vehicles online`,
    120_000,
  );
  browser = await launching;
}, 400_000);

afterAll(async () => {
  await browser?.close();
  if (up && up.exitCode === null) {
    const exited = new Promise((r) => up!.once('exit', r));
    up.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (up.exitCode === null) up.kill('SIGKILL');
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

describe('video wall (chromium against aerie up)', () => {
  it('shows every simulated aircraft with its name and mode, frames advancing in every tile', async () => {
    const { page } = await browser!.newPage(base, { locale: 'en-US' });
    await login(page, WATCHER.username, WATCHER.password);
    await page.goto('/video');
    const tiles = page.getByTestId('video-tile');
    await until(async () => (await tiles.count()) === VEHICLES, `${VEHICLES} video tiles`, 60_000);
    const ids = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-vehicle-id')));
    expect(new Set(ids).size).toBe(VEHICLES);
    const decoded = () =>
      tiles.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.decoded ?? 0)));
    const first = await until(
      async () => {
        const d = await decoded();
        return d.every((n) => n > 0) ? d : undefined;
      },
      'a first frame in every tile',
      120_000,
    ).catch(async (err: Error) => {
      await screenshot(page, 'video-wall-failed');
      const states = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-signal')));
      throw new Error(
        `${err.message}: decoded ${JSON.stringify(await decoded())}, signals ${JSON.stringify(states)}`,
      );
    });
    await until(
      async () => {
        const d = await decoded();
        return d.every((n, i) => n >= first[i]! + 5);
      },
      'frames advancing in every tile',
      60_000,
    );
    // name, mode and altitude over the picture
    const info = await tiles.first().locator('.video-tile-info').textContent();
    expect(info).toMatch(/UAV-0\d/);
    // the mode in words (zh-CN), the PX4 name only as the tooltip
    expect(info).toMatch(/悬停等待|定点|自动就绪|自动起飞|执行航线任务/);
    expect(info).not.toMatch(/AUTO\./);
    expect(info).toMatch(/\d+\.\d/);
    expect(await tiles.first().getAttribute('data-signal')).toBe('live');
    await screenshot(page, 'video-wall');
  }, 300_000);
});
