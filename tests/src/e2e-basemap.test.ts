/**
 * The default offline basemap in a real browser: a fresh `aerie server` (nothing configured, no
 * network) cuts its default basemap, and both the planner (MapLibre, vector tiles) and the
 * command view's globe (Cesium, PNG tiles the server draws) show land, coast and rivers around
 * Foshan instead of an empty background.
 *
 * Then the basemap picker: a map imported with `aerie map import` is listed, picked in the
 * planner it draws there, and the same browser's globe draws it too (the choice persists); picked
 * back to the default from the globe, land and rivers return.
 *
 * Screenshots: `screenshots/basemap-planner.png`, `screenshots/basemap-globe.png`,
 * `screenshots/basemap-picker-*.png`.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, login, screenshot } from './browser.ts';
import { aerie, aerieBackground, freeTcpPort, until } from './cli.ts';
import { solidMbtiles } from './map-archives.ts';

const ADMIN_PASSWORD = 'e2e-basemap-admin-1';
const FOSHAN = { lon: 113.05, lat: 22.95 };
// The default basemap's land and river colours (server/src/maps/raster.ts, web/src/lib/map/style.ts).
const LAND = [0x17, 0x32, 0x4d];
const WATER = [0x2f, 0x6f, 0xa8];
const MAGENTA = [0xcc, 0x00, 0xcc];
// The boundary overlay's colour (web/src/lib/map/style.ts COLORS.boundary, the globe's outline).
const BOUNDARY = [0xff, 0xd2, 0x4a];

let server: ReturnType<typeof aerieBackground> | undefined;
let dataDir = '';
let base = '';
let browser: ConsoleBrowser | undefined;

/** Share of the screenshot's pixels within a few levels of `rgb`. */
async function share(file: string, rgb: number[]): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels)
    if (rgb.every((c, k) => Math.abs((data[i + k] ?? 0) - c) <= 6)) n++;
  return n / (info.width * info.height);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aerie-e2e-basemap-'));
  const port = await freeTcpPort();
  process.env.AERIE_ADMIN_PASSWORD = ADMIN_PASSWORD;
  server = aerieBackground(['server', '--port', String(port), '--data-dir', dataDir, '--skip-console-build']);
  base = `http://127.0.0.1:${port}`;
  await until(async () => server?.output().includes('listening on'), 'aerie server to listen', 180_000, {
    stopIf: () => (server?.child.exitCode !== null ? `aerie server exited:\n${server?.output()}` : null),
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

async function signedIn(): Promise<Page> {
  const { page } = await browser!.newPage(base);
  await page.goto('/login');
  await login(page, 'admin', ADMIN_PASSWORD);
  return page;
}

/** The planner over Foshan at zoom 9 once its tiles are drawn: a screenshot's path. */
async function plannerShot(page: Page, name: string): Promise<string> {
  await page.goto('/planner');
  await page.waitForFunction(() => Boolean((window as unknown as { aerieMap?: unknown }).aerieMap), null, {
    timeout: 60_000,
  });
  await page.evaluate(({ lon, lat }) => {
    const map = (window as unknown as { aerieMap: { jumpTo(o: object): void } }).aerieMap;
    map.jumpTo({ center: [lon, lat], zoom: 9 });
  }, FOSHAN);
  await page.waitForFunction(
    () => (window as unknown as { aerieMap: { areTilesLoaded(): boolean } }).aerieMap.areTilesLoaded(),
    null,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(1500);
  return screenshot(page, name);
}

/** The globe straight down over Foshan from 60 km once its tiles are drawn: a screenshot's path. */
async function globeShot(page: Page, name: string): Promise<string> {
  await page.goto('/');
  await page.waitForFunction(
    () => Boolean((window as unknown as { aerieGlobe?: unknown }).aerieGlobe),
    null,
    {
      timeout: 60_000,
    },
  );
  await page.evaluate(({ lon, lat }) => {
    const viewer = (
      window as unknown as {
        aerieGlobe: { camera: { setView(o: object): void }; scene: { requestRender(): void } };
      }
    ).aerieGlobe;
    // Straight down from 60 km (Cartesian3 from degrees, without importing Cesium here).
    const a = 6378137;
    const e2 = 6.69437999014e-3;
    const h = 60_000;
    const rl = (lon * Math.PI) / 180;
    const rp = (lat * Math.PI) / 180;
    const n = a / Math.sqrt(1 - e2 * Math.sin(rp) ** 2);
    const destination = {
      x: (n + h) * Math.cos(rp) * Math.cos(rl),
      y: (n + h) * Math.cos(rp) * Math.sin(rl),
      z: (n * (1 - e2) + h) * Math.sin(rp),
    };
    viewer.camera.setView({ destination, orientation: { heading: 0, pitch: -Math.PI / 2, roll: 0 } });
    viewer.scene.requestRender();
  }, FOSHAN);
  await until(
    () =>
      page.evaluate(() => {
        const v = (window as unknown as { aerieGlobe: { scene: { globe: { tilesLoaded: boolean } } } })
          .aerieGlobe;
        return v.scene.globe.tilesLoaded;
      }),
    'globe tiles to load',
    90_000,
  );
  await page.waitForTimeout(2000);
  return screenshot(page, name);
}

/** Picks `value` in the basemap picker; the page reloads with it. */
async function pickBasemap(page: Page, optionTestId: string): Promise<void> {
  await page.getByTestId('basemap-picker').first().click();
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.getByTestId(optionTestId).first().click();
  await reloaded;
}

describe.sequential('default offline basemap', () => {
  it('lists the generated default basemap', async () => {
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${base}/api/maps`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { maps: { name: string; format: string; layers: string[] }[] };
    expect(body.maps).toEqual([
      expect.objectContaining({
        name: 'aerie-default',
        format: 'vector',
        layers: ['land', 'country', 'province', 'city', 'water'],
      }),
    ]);
  });

  it('shows land and rivers around Foshan in the planner', async () => {
    const file = await plannerShot(await signedIn(), 'basemap-planner');
    expect(await share(file, LAND)).toBeGreaterThan(0.15);
    expect(await share(file, WATER)).toBeGreaterThan(0.002);
  }, 120_000);

  it('shows land and rivers around Foshan on the globe', async () => {
    const file = await globeShot(await signedIn(), 'basemap-globe');
    expect(await share(file, LAND)).toBeGreaterThan(0.1);
    expect(await share(file, WATER)).toBeGreaterThan(0.002);
  }, 150_000);
});

describe.sequential('basemap picker', () => {
  it('lists an imported map; picked in the planner it draws there and on the globe, and stays picked', async () => {
    // A district's own imagery, imported as a user does: one magenta tile over the whole world.
    const src = path.join(dataDir, 'district-ortho.mbtiles');
    await solidMbtiles(src, '#c0c', [{ z: 0, x: 0, y: 0 }], {
      name: 'District ortho',
      bounds: '-180,-85,180,85',
      minzoom: '0',
      maxzoom: '0',
    });
    const imported = await aerie(['map', 'import', src, '--data-dir', dataDir], 120_000);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);

    const page = await signedIn();
    await plannerShot(page, 'basemap-picker-before');
    expect(await page.getByTestId('basemap-picker').getAttribute('data-choice')).toBe('');
    await pickBasemap(page, 'basemap-option-district-ortho');
    const planner = await plannerShot(page, 'basemap-picker-planner');
    expect(await page.getByTestId('basemap-picker').getAttribute('data-choice')).toBe('district-ortho');
    expect(await share(planner, MAGENTA)).toBeGreaterThan(0.5);
    expect(await share(planner, LAND)).toBeLessThan(0.01);

    // The same browser on the globe: the choice persisted, the globe draws the picked map.
    const globe = await globeShot(page, 'basemap-picker-globe');
    expect(await page.getByTestId('basemap-picker').getAttribute('data-choice')).toBe('district-ortho');
    expect(await share(globe, MAGENTA)).toBeGreaterThan(0.3);

    // Back to the default from the globe's picker: land and rivers again.
    await pickBasemap(page, 'basemap-option-default');
    const back = await plannerShot(page, 'basemap-picker-default');
    expect(await share(back, LAND)).toBeGreaterThan(0.15);
    expect(await share(back, MAGENTA)).toBeLessThan(0.01);
  }, 400_000);

  it("imported with 'aerie map import', a district boundary can be shown over the basemap in the planner and on the globe", async () => {
    // A ring around Foshan's centre, about 0.3 degrees across: in view at the zooms the shots use.
    const ring = [
      [112.9, 22.8],
      [113.2, 22.8],
      [113.2, 23.1],
      [112.9, 23.1],
      [112.9, 22.8],
    ];
    const src = path.join(dataDir, 'nanhai-boundary.geojson');
    writeFileSync(
      src,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: '南海区' },
            geometry: { type: 'Polygon', coordinates: [ring] },
          },
        ],
      }),
    );
    const imported = await aerie(['map', 'import', src, '--data-dir', dataDir], 120_000);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain("boundary overlay 'nanhai-boundary'");

    const page = await signedIn();
    const before = await plannerShot(page, 'basemap-boundary-before');
    expect(await share(before, BOUNDARY)).toBeLessThan(0.0001);
    await page.getByTestId('overlay-picker').first().click();
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await page.getByTestId('overlay-option-nanhai-boundary').first().click();
    await reloaded;
    const planner = await plannerShot(page, 'basemap-boundary-planner');
    // A 2.5 px dashed line around a ~220 px square: a few hundred pixels of the boundary's colour.
    expect(await share(planner, BOUNDARY)).toBeGreaterThan(0.0003);
    expect(await share(planner, LAND)).toBeGreaterThan(0.1);
    const globe = await globeShot(page, 'basemap-boundary-globe');
    expect(await share(globe, BOUNDARY)).toBeGreaterThan(0.0002);
  }, 400_000);
});
