/**
 * The planner and dispatch end to end, in a real browser on the whole system (`aerie up`, what
 * `npm start` runs; ports from the OS, a temporary data folder): an administrator puts a no-fly
 * zone on the map through the API; a dispatcher draws a survey polygon across it in the
 * planner and sees the issue, in the list and on the map; drags the polygon's edge clear of the
 * zone, saves the route, schedules it with the recurrence form, launches it now on the best
 * dock, and watches the aircraft fly it on the dispatch board and on the globe. A waypoint route
 * saved with "a photo every 40 m" keeps that setting: after a reload it opens with it, and the API
 * returns it as the route's capture.
 *
 * Screenshots of each step go to `screenshots/planner-*.png`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, type ConsolePage, drawnVehicles, login, screenshot } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, startDispatchConsole } from './system.ts';

const ADMIN_PASSWORD = 'e2e-planner-admin-1';
const DISPATCHER = { username: 'dispatch.e2e', password: 'dispatch-password-1', displayName: '调度员甲' };
const VEHICLES = 2;
const SPEEDUP = 5;

interface Dock {
  id: string;
  name: string;
  latDeg: number;
  lonDeg: number;
}
interface LatLon {
  lat: number;
  lon: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let system: AerieSystem | undefined;
let dock: Dock;
let browser: ConsoleBrowser | undefined;
let ui: ConsolePage;

const api = <T>(method: string, url: string, body?: unknown) => system!.api<T>(method, url, body);

/** A position `north` and `east` metres from `p`. */
function offset(p: LatLon, north: number, east: number): LatLon {
  return {
    lat: p.lat + north / 111_320,
    lon: p.lon + east / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
  };
}

/** The page pixel of a position on the planner map. */
async function pixel(page: Page, p: LatLon): Promise<{ x: number; y: number }> {
  return page.evaluate(({ lat, lon }) => {
    const map = (
      window as unknown as {
        aerieMap: { project(c: [number, number]): { x: number; y: number }; getCanvas(): HTMLCanvasElement };
      }
    ).aerieMap;
    const pt = map.project([lon, lat]);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }, p);
}

async function clickMap(page: Page, p: LatLon): Promise<void> {
  const { x, y } = await pixel(page, p);
  await page.mouse.click(x, y);
}

async function dragMap(page: Page, from: LatLon, to: LatLon): Promise<void> {
  const a = await pixel(page, from);
  const b = await pixel(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

/** A screenshot, tried again once: the globe on a software renderer can hold a frame for long. */
async function shot(page: Page, name: string): Promise<void> {
  try {
    await screenshot(page, name);
  } catch {
    await sleep(2000);
    await screenshot(page, name);
  }
}

/** Waits for the planner's map to have loaded its style. */
async function mapLoaded(page: Page): Promise<void> {
  await page.getByTestId('planner-map').waitFor({ state: 'visible' });
  await until(
    () =>
      page.evaluate(() =>
        Boolean((window as unknown as { aerieMap?: { loaded(): boolean } }).aerieMap?.loaded()),
      ),
    'the planner map to load',
    30_000,
  );
}

/** Picks the option whose text has `text` in the antd select `testId`. */
async function choose(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-item-option', { hasText: text }).first().click();
}

async function issueCodes(page: Page): Promise<string[]> {
  return page
    .getByTestId('planner-issue')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-severity')}:${e.getAttribute('data-code')}`),
    );
}

beforeAll(async () => {
  ({ system, browser, ui, dock } = await startDispatchConsole<Dock>({
    name: 'e2e-planner',
    adminPassword: ADMIN_PASSWORD,
    vehicles: VEHICLES,
    speedup: SPEEDUP,
    dispatcher: DISPATCHER,
  }));
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('planner and dispatch in the browser', () => {
  // The survey area, south-west of the dock: 350 m x 350 m, its east edge 250 m west of the dock.
  const home = () => ({ lat: dock.latDeg, lon: dock.lonDeg });
  const corners = () => [
    offset(home(), -250, -600),
    offset(home(), -250, -250),
    offset(home(), -600, -250),
    offset(home(), -600, -600),
  ];
  // The no-fly zone sits just inside the east edge; moving that edge 200 m west clears it.
  const zoneCenter = () => offset(home(), -425, -300);
  let routeId = '';
  let sortieId = '';

  it('a survey polygon drawn across a no-fly zone shows the issue in the list and on the map', async () => {
    const zone = await api<{ id: string }>('POST', '/api/zones', {
      name: '医院禁飞区',
      kind: 'nofly',
      geometry: { type: 'circle', center: zoneCenter(), radiusM: 40 },
      floorM: 0,
      ceilingM: null,
    });
    expect(zone.status, `POST /api/zones: ${JSON.stringify(zone.body)}`).toBe(201);

    const { page } = ui;
    await login(page, DISPATCHER.username, DISPATCHER.password);
    await page.getByTestId('nav-planner').click();
    await mapLoaded(page);
    // The dock list and the zone arrive from the API; the zone's label is drawn on the map.
    await page.locator('.map-label', { hasText: '医院禁飞区' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('planner-dock').getByText(dock.name).waitFor({ timeout: 20_000 });

    await page.getByTestId('planner-tool-survey').click();
    await page.getByTestId('route-name').fill('e2e 测区巡查');
    for (const c of corners()) await clickMap(page, c);

    await until(
      async () => (await issueCodes(page)).includes('error:EntersNoFlyZone'),
      'the EntersNoFlyZone issue',
      10_000,
    );
    const marker = page.locator('[data-testid="planner-issue-marker"][data-code="EntersNoFlyZone"]');
    expect(await marker.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('planner-summary').getAttribute('data-ok')).toBe('false');
    // The summary has figures with units.
    await expect.poll(() => page.getByTestId('planner-summary-distance').textContent()).toMatch(/\d.*(m|km)/);
    await expect.poll(() => page.getByTestId('planner-summary-battery').textContent()).toMatch(/\d+%/);
    // Saving is refused while the route may not fly.
    await page.getByTestId('planner-save').click();
    await page
      .locator('.ant-message')
      .getByText(/错误|errors/)
      .waitFor({ timeout: 5000 });
    await screenshot(page, 'planner-1-crosses-no-fly-zone');
  }, 120_000);

  it('dragging the edge clear of the zone fixes it; the route saves', async () => {
    const { page } = ui;
    const [a, b] = corners();
    // Vertices 1 and 2 make the east edge: drag each 200 m west.
    await dragMap(page, b!, offset(b!, 0, -200));
    await dragMap(page, corners()[2]!, offset(corners()[2]!, 0, -200));
    await until(
      async () => !(await issueCodes(page)).some((c) => c.startsWith('error:')),
      'no error issues after moving the edge',
      10_000,
    ).catch(async (err: Error) => {
      await screenshot(page, 'planner-2-fix-failed');
      throw new Error(`${err.message}; issues: ${(await issueCodes(page)).join(', ')}`);
    });
    expect(
      await page.locator('[data-testid="planner-issue-marker"][data-code="EntersNoFlyZone"]').count(),
    ).toBe(0);
    expect(a).toBeDefined();
    await page.getByTestId('planner-save').click();
    await page.getByTestId('schedule-form').waitFor({ timeout: 15_000 });
    const routes = await api<{ items: { id: string; name: string; kind: string }[] }>(
      'GET',
      '/api/routes?limit=50',
    );
    const saved = routes.body.items.find((r) => r.name === 'e2e 测区巡查');
    expect(saved, JSON.stringify(routes.body)).toBeDefined();
    expect(saved!.kind).toBe('survey');
    routeId = saved!.id;
    await screenshot(page, 'planner-2-fixed-and-saved');
  }, 60_000);

  it('schedules it with the recurrence form and previews the next runs', async () => {
    const { page } = ui;
    await page.getByTestId('schedule-repeat-weekly').click();
    const preview = page.getByTestId('schedule-preview');
    await expect.poll(async () => Number(await preview.getAttribute('data-count'))).toBe(5);
    await page.getByTestId('schedule-save').click();
    await expect
      .poll(async () => (await page.getByTestId('schedule-form').getAttribute('data-saved-id')) ?? '')
      .not.toBe('');
    const list = await api<{ items: { id: string; routeId: string; rrule: string | null }[] }>(
      'GET',
      '/api/schedules?limit=50',
    );
    const s = list.body.items.find((x) => x.routeId === routeId);
    expect(s?.rrule).toMatch(/^FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0/);
    // The server's preview of the saved schedule agrees with the form's.
    const server = await api<{ runs: { dueAt: string }[] }>('GET', `/api/schedules/${s!.id}/preview?count=5`);
    const shown = await preview
      .locator('li')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-due-ms'))));
    expect(server.body.runs.map((r) => Date.parse(r.dueAt))).toEqual(shown);
    await screenshot(page, 'planner-3-scheduled');
  }, 60_000);

  it('launch now: the dispatch board shows the sortie fly and the globe draws the aircraft flying the route', async () => {
    const { page } = ui;
    await page.getByTestId('launch-now').click();
    const sortie = await until(
      async () => {
        const r = await api<{
          items: { id: string; routeId: string | null; phase: string | null; vehicleId: string }[];
        }>('GET', '/api/sorties?limit=20');
        return r.body.items.find((s) => s.routeId === routeId);
      },
      'the launched sortie in /api/sorties',
      20_000,
    );
    sortieId = sortie.id;
    await page.getByTestId('nav-dispatch').click();
    await page.getByTestId('dispatch-board').waitFor();
    await page.getByTestId(`dock-card-${dock.id}`).waitFor({ timeout: 20_000 });
    const card = page.getByTestId(`sortie-card-${sortieId}`);
    await card.waitFor({ timeout: 20_000 });
    // It goes through the dock's preparation and upload into the air.
    await expect
      .poll(async () => (await card.getAttribute('data-column')) ?? '', {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('flying');
    await screenshot(page, 'planner-4-dispatch-flying');

    await page.getByTestId('nav-command').click();
    await page.getByTestId('globe').waitFor();
    const first = await until(
      async () => {
        const drawn = (await drawnVehicles(page))[sortie.vehicleId];
        return drawn && drawn.heightM > 20 ? drawn : undefined;
      },
      'the aircraft drawn in the air on the globe',
      60_000,
    );
    // It flies the survey: the globe draws it over the (fixed) survey area, south-west of the dock.
    const sw = offset(home(), -600 - 30, -600 - 30);
    const ne = offset(home(), -250 + 30, -450 + 30);
    const later = await until(
      async () => {
        const d = (await drawnVehicles(page))[sortie.vehicleId];
        return d && d.lat > sw.lat && d.lat < ne.lat && d.lon > sw.lon && d.lon < ne.lon ? d : undefined;
      },
      `the aircraft drawn over the survey area (first drawn in the air at ${first.lat.toFixed(5)},${first.lon.toFixed(5)})`,
      120_000,
    ).catch(async (err: Error) => {
      await shot(page, 'planner-5-globe-failed');
      throw err;
    });
    expect(later.heightM).toBeGreaterThan(20);
    await shot(page, 'planner-5-globe-flying');
    browser!.assertNoPageErrors();
  }, 300_000);

  it('a waypoint route saved with a photo every 40 m opens with it again, and the API has it as its capture', async () => {
    const { page } = ui;
    const name = 'e2e 拍照巡查';
    await page.goto('/');
    // Run on its own (vitest -t), the page has not logged in yet.
    const form = page.getByTestId('login-username');
    await form.or(page.getByTestId('nav-planner')).first().waitFor({ timeout: 20_000 });
    if (await form.isVisible()) await login(page, DISPATCHER.username, DISPATCHER.password);
    await page.getByTestId('nav-planner').click();
    await mapLoaded(page);
    await page.getByTestId('planner-dock').getByText(dock.name).waitFor({ timeout: 20_000 });
    await page.getByTestId('planner-tool-waypoint').click();
    await page.getByTestId('route-name').fill(name);
    for (const p of [offset(home(), 150, 150), offset(home(), 300, 60)]) await clickMap(page, p);
    const capture = page.getByTestId('planner-capture');
    const figure = page.getByTestId('planner-summary-capture');
    // No capture setting yet: the summary has no capture figure.
    await page.getByTestId('planner-summary-items').waitFor();
    expect(await figure.count()).toBe(0);
    const items = Number(await page.getByTestId('planner-summary-items').textContent());

    await choose(page, 'planner-capture-mode', '每隔 N 米');
    expect(await capture.getAttribute('data-mode')).toBe('distance');
    const distance = page.getByTestId('planner-capture-distanceM');
    await distance.fill('55');
    await expect.poll(() => figure.textContent()).toContain('每 55 m');
    await distance.fill('40');
    await expect.poll(() => figure.textContent()).toContain('每 40 m');
    // The checks count the camera items the setting adds (start after take-off, stop before return).
    expect(Number(await page.getByTestId('planner-summary-items').textContent())).toBe(items + 2);
    expect(await page.getByTestId('planner-summary').getAttribute('data-ok')).toBe('true');
    await page.getByTestId('planner-save').click();
    await page.getByTestId('schedule-form').waitFor({ timeout: 15_000 });
    await screenshot(page, 'planner-6-capture-saved');

    const routes = await api<{ items: { id: string; name: string }[] }>('GET', '/api/routes?limit=50');
    const saved = routes.body.items.find((r) => r.name === name);
    expect(saved, JSON.stringify(routes.body)).toBeDefined();
    const got = await api<{ kind: string; route: { capture?: unknown; items: { type: string }[] } }>(
      'GET',
      `/api/routes/${saved!.id}`,
    );
    expect(got.status).toBe(200);
    expect(got.body.kind).toBe('waypoint');
    expect(got.body.route.capture).toEqual({ distanceM: 40 });
    // The setting stands for the photos: the route has none of its own (the server would refuse both).
    expect(got.body.route.items.filter((i) => i.type === 'photo')).toEqual([]);

    await page.reload();
    await mapLoaded(page);
    // The saved-route list says how often the route takes stills; opening it shows the setting.
    await page.getByTestId('planner-open').click();
    const option = page.locator('.ant-select-item-option', { hasText: name }).first();
    expect(await option.textContent()).toContain('拍照：每 40 m');
    await option.click();
    await expect.poll(() => capture.getAttribute('data-mode')).toBe('distance');
    expect(await page.getByTestId('planner-capture-distanceM').inputValue()).toBe('40');
    await expect.poll(() => figure.textContent()).toContain('每 40 m');
    await screenshot(page, 'planner-7-capture-reopened');
    browser!.assertNoPageErrors();
  }, 120_000);
});
