/**
 * The video wall end to end: `aerie up` (8 simulated docked aircraft, each with a simulated
 * camera), Debian's chromium signed in as a command-centre watcher on `/video`: a tile per
 * aircraft, each with its `data-vehicle-id`, name, mode and altitude over it, and frames
 * advancing (the count of presented video frames rises in every tile).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, login, screenshot } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, startAerieUp, withBrowser } from './system.ts';

const ADMIN_PASSWORD = 'video-e2e-admin-password';
const WATCHER = {
  username: 'wall.e2e',
  password: 'wall-password-1',
  displayName: '视频值班',
  role: 'command_centre',
};
const VEHICLES = 8;

let system: AerieSystem | undefined;
let base = '';
let browser: ConsoleBrowser | undefined;

beforeAll(async () => {
  ({ system, browser } = await withBrowser(
    startAerieUp({
      name: 'e2e-video',
      adminPassword: ADMIN_PASSWORD,
      vehicles: VEHICLES,
      bannerTimeoutMs: 240_000,
      users: [WATCHER],
    }),
  ));
  base = system.base;
  await until(
    async () => {
      const { body } = await system!.api<{ items: { online: boolean }[] }>('GET', '/api/vehicles?limit=100');
      return body.items.filter((v) => v.online).length === VEHICLES;
    },
    `${VEHICLES} vehicles online`,
    120_000,
  );
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
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
