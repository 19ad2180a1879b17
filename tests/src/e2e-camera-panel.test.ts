/**
 * The vehicle panel's camera view end to end: `aerie up` (simulated docked aircraft, each camera a
 * MAVLink camera component that announces its Motion-JPEG stream), a route saved with a capture
 * setting (a still every 30 m) launched on the first aircraft from its dock; Debian's chromium signed in as
 * the administrator, the aircraft focused: the panel names the camera, shows its announced
 * stream as kind and host only (the URI's path is not shown), and the sortie's stills as images.
 *
 * Screenshot: `screenshots/camera-panel.png`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, login, screenshot, visible } from './browser.ts';
import { until } from './cli.ts';
import { patrolRoute } from './harness.ts';
import { type AerieSystem, startAerieUp, withBrowser } from './system.ts';

const ADMIN_PASSWORD = 'camera-panel-e2e-admin';

interface Vehicle {
  id: string;
  name: string;
  online: boolean;
  dockId: string | null;
  state: { home?: { lat: number; lon: number } } | null;
}

let system: AerieSystem | undefined;
let browser: ConsoleBrowser | undefined;
let vehicle: Vehicle;

beforeAll(async () => {
  ({ system, browser } = await withBrowser(
    startAerieUp({
      name: 'e2e-camera',
      adminPassword: ADMIN_PASSWORD,
      vehicles: 1,
      bannerTimeoutMs: 240_000,
    }),
  ));
  const sys = system;
  vehicle = await until(
    async () => {
      const { body } = await sys.api<{ items: Vehicle[] }>('GET', '/api/vehicles?limit=10');
      const v = body.items[0];
      return v?.online && v.state?.home ? v : undefined;
    },
    'the aircraft online with its home',
    120_000,
  );
  // The camera announced its stream (the stills are fetched from that host).
  await until(
    async () =>
      (await sys.api<{ announced: boolean }>('GET', `/api/video/${vehicle.id}/source`)).body.announced,
    'the camera announcement',
    60_000,
  );
  const saved = await sys.api<{ id: string }>('POST', '/api/routes', {
    name: '河道拍照巡查',
    kind: 'waypoint',
    route: { ...patrolRoute('河道拍照巡查', vehicle.state!.home!, 150, 0, 25), capture: { distanceM: 30 } },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  const launched = await sys.api('POST', '/api/sorties', { routeId: saved.body.id });
  expect(launched.status, JSON.stringify(launched.body)).toBe(201);
  await until(
    async () => {
      const { body } = await sys.api<{ items: { url: string | null }[] }>(
        'GET',
        `/api/video/${vehicle.id}/stills?limit=6`,
      );
      return body.items.filter((s) => s.url).length >= 3;
    },
    'three stills of the sortie stored',
    180_000,
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
}, 30_000);

describe('camera view in the vehicle panel (chromium against aerie up)', () => {
  it("names the camera, shows its stream's kind and host only, and the sortie's stills", async () => {
    const { page } = await browser!.newPage(system!.base);
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/');
    const row = `fleet-row-${vehicle.id}`;
    await visible(page, row, 'the aircraft is not in the sidebar');
    await page.getByTestId(row).click();
    await visible(page, 'vehicle-panel', 'no vehicle panel');
    const cameras = await visible(page, 'vehicle-cameras', 'no camera section in the vehicle panel');
    expect(await cameras.getByTestId('camera-name').textContent()).toContain('Aerie Simulated nadir camera');
    // zh-CN first.
    expect(await cameras.textContent()).toContain('机载相机');
    const stream = (await cameras.getByTestId('camera-stream').first().textContent()) ?? '';
    expect(stream).toMatch(/HTTP MJPEG\s*127\.0\.0\.1:\d+/);
    expect(stream).not.toContain('/camera/');
    expect(stream).not.toContain('http://');
    const stills = cameras.getByTestId('camera-still');
    await until(async () => (await stills.count()) >= 3, 'three stills shown', 15_000);
    // The images really load (the JPEGs from the media store).
    await until(
      async () =>
        (await stills
          .locator('img')
          .evaluateAll((imgs) =>
            imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
          )) === true,
      'the still images loaded',
      15_000,
    );
    await cameras.scrollIntoViewIfNeeded();
    await screenshot(page, 'camera-panel');
  }, 120_000);
});
