/**
 * A dock-less aircraft in the console, end to end in a real browser on the whole system (`aerie
 * up`): the administrator unbinds one simulated aircraft from its dock (as a PX4 SITL or field
 * drone would be: no dock); a dispatcher finds "launch a route on this aircraft" in its vehicle
 * panel, lands in the planner with the aircraft as the take-off site, opens a saved route and
 * sees its checks made from where the aircraft stands, and launches it. A pilot does not get the
 * launch.
 *
 * The aircraft still sits in its simulated dock with the lid closed, so the simulator refuses to
 * arm it ("Arming denied: dock lid is not open", as the dock-aware simulator says): the sortie
 * fails, and the dispatch board must word that failure in Chinese, the vehicle's own words
 * translated — the failure path of the console's wording checked on the real chain (bridge
 * STATUSTEXT -> orchestrator params -> board).
 *
 * Screenshots go to `screenshots/dockless-*.png`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, type ConsolePage, login, screenshot, visible } from './browser.ts';
import { until } from './cli.ts';
import { patrolRoute } from './harness.ts';
import { type AerieSystem, startDispatchConsole } from './system.ts';

const ADMIN_PASSWORD = 'e2e-dockless-admin-1';
const DISPATCHER = { username: 'dockless.e2e', password: 'dockless-password-1', displayName: '调度员丙' };
const PILOT = { username: 'pilot.dockless', password: 'pilot-password-1', displayName: '飞手丙' };

interface Dock {
  id: string;
  name: string;
  latDeg: number;
  lonDeg: number;
}
interface Vehicle {
  id: string;
  name: string;
  dockId: string | null;
  online: boolean;
  state: { home: { lat: number; lon: number } | null } | null;
}
interface Sortie {
  id: string;
  vehicleId: string;
  dockId: string | null;
  phase: string | null;
  failureCode: string | null;
  failureParams: Record<string, string | number> | null;
}

let system: AerieSystem | undefined;
let browser: ConsoleBrowser | undefined;
let ui: ConsolePage;
let dock: Dock;
let vehicle: Vehicle;
let routeName: string;

const api = <T>(method: string, url: string, body?: unknown) => system!.api<T>(method, url, body);

beforeAll(async () => {
  const started = await startDispatchConsole<Dock>({
    name: 'e2e-dockless',
    adminPassword: ADMIN_PASSWORD,
    vehicles: 2,
    speedup: 5,
    dispatcher: DISPATCHER,
  });
  ({ system, browser, ui, dock } = started);
  const pilot = await api('POST', '/api/users', { ...PILOT, role: 'pilot' });
  expect(pilot.status, JSON.stringify(pilot.body)).toBe(201);
  const docked = await until(
    async () => {
      const { body } = await api<{ items: Vehicle[] }>('GET', '/api/vehicles?limit=100');
      return body.items.find((v) => v.dockId === dock.id && v.online && v.state?.home);
    },
    `the aircraft of ${dock.name} online with a home position`,
    120_000,
  );
  const unbound = await api<Vehicle>('PATCH', `/api/vehicles/${docked.id}`, { dockId: null });
  expect(unbound.status, JSON.stringify(unbound.body)).toBe(200);
  vehicle = unbound.body;
  expect(vehicle.dockId).toBeNull();
  routeName = '无机场巡查';
  const home = docked.state!.home!;
  const saved = await api('POST', '/api/routes', {
    name: routeName,
    kind: 'waypoint',
    route: patrolRoute(routeName, home, 120, 80, 30),
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('a dock-less aircraft in the console', () => {
  it('its vehicle panel offers "launch a route on this aircraft" to a dispatcher', async () => {
    const { page } = ui;
    await login(page, DISPATCHER.username, DISPATCHER.password);
    await page.goto('/');
    const row = await visible(page, `fleet-row-${vehicle.id}`, `${vehicle.name} is not in the sidebar`);
    await row.click({ force: true });
    await visible(page, 'vehicle-panel', 'clicking a fleet row opens no vehicle panel', 30_000);
    const launch = await visible(page, 'vehicle-launch-route', 'a dock-less aircraft has no launch entry');
    await screenshot(page, 'dockless-vehicle-panel');
    await launch.click({ force: true });
    await page.waitForURL((u) => u.pathname === '/planner' && u.searchParams.get('vehicle') === vehicle.id);
  }, 120_000);

  it('the planner takes the aircraft as the take-off site, checks the route from it and launches it', async () => {
    const { page } = ui;
    const site = await visible(
      page,
      'planner-vehicle',
      'the planner has no dock-less aircraft choice',
      30_000,
    );
    await expect
      .poll(async () => (await site.textContent()) ?? '', { timeout: 30_000 })
      .toContain(vehicle.name);
    // Open the saved route.
    await (await visible(page, 'planner-open', 'no saved-route picker')).click();
    await page.locator('.ant-select-item-option', { hasText: routeName }).first().click();
    const onVehicle = await visible(
      page,
      'schedule-vehicle',
      'the launch section does not name the aircraft',
    );
    expect(await onVehicle.getAttribute('data-vehicle-id')).toBe(vehicle.id);
    // The checks shown are made from the aircraft's position: flyable, with a summary.
    await expect
      .poll(async () => page.getByTestId('planner-summary').getAttribute('data-ok'), { timeout: 30_000 })
      .toBe('true');
    expect(await page.getByTestId('schedule-save').isDisabled()).toBe(true);
    const launch = await visible(page, 'launch-on-vehicle', 'no "launch route on this aircraft" button');
    expect(await launch.textContent()).toContain('在此飞机上执行航线');
    await screenshot(page, 'dockless-planner');
    await launch.click();
    const sortie = await until(
      async () => {
        const { body } = await api<{ items: Sortie[] }>(
          'GET',
          `/api/sorties?vehicleId=${vehicle.id}&limit=5`,
        );
        return body.items.find((s) => s.phase !== null);
      },
      'a sortie on the dock-less aircraft',
      30_000,
    );
    expect(sortie).toMatchObject({ vehicleId: vehicle.id, dockId: null });
  }, 180_000);

  it("the failed sortie is worded in Chinese on the dispatch board, the vehicle's refusal translated", async () => {
    const { page } = ui;
    const failed = await until(
      async () => {
        const { body } = await api<{ items: Sortie[] }>(
          'GET',
          `/api/sorties?vehicleId=${vehicle.id}&limit=5`,
        );
        return body.items.find((s) => s.phase === 'failed' || s.phase === 'aborted');
      },
      'the sortie to fail at arming (the aircraft sits in a closed dock)',
      120_000,
    );
    expect(failed).toMatchObject({
      failureCode: 'ArmRefused',
      failureParams: { said: 'Arming denied: dock lid is not open' },
    });
    await page.goto('/dispatch');
    const reason = await visible(page, 'sortie-failure', 'the failed sortie shows no reason', 30_000);
    const text = (await reason.textContent()) ?? '';
    await screenshot(page, 'dockless-dispatch-failure');
    expect(text).toContain('无人机拒绝解锁');
    expect(text).toContain('无法解锁：机场舱盖未打开');
    expect(text).not.toMatch(/Arming denied|refused|DENIED/);
  }, 180_000);

  it('a pilot sees no launch entry for the aircraft', async () => {
    const pilot = await browser!.newPage(system!.base);
    try {
      await login(pilot.page, PILOT.username, PILOT.password);
      await pilot.page.goto('/');
      const row = await visible(
        pilot.page,
        `fleet-row-${vehicle.id}`,
        `${vehicle.name} is not in the sidebar`,
      );
      await row.click({ force: true });
      await visible(pilot.page, 'vehicle-panel', 'clicking a fleet row opens no vehicle panel', 30_000);
      expect(await pilot.page.getByTestId('vehicle-launch-route').count()).toBe(0);
    } finally {
      await pilot.context.close();
    }
    browser!.assertNoPageErrors();
  }, 120_000);
});
