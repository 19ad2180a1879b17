/**
 * The console's everyday failure paths and administration, in a real browser on the whole
 * system (`aerie up` with one simulated docked aircraft; ports from the OS, a temporary data
 * folder): a list that fails to load shows what failed and a Retry button, never an empty
 * list, and the retry brings it back.
 *
 * Screenshots go to `screenshots/admin-*.png`.
 */
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, type ConsolePage, login, screenshot } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, startDispatchConsole } from './system.ts';

const ADMIN_PASSWORD = 'e2e-admin-console-1';
const DISPATCHER = {
  username: 'dispatch.admin.e2e',
  password: 'dispatch-password-2',
  displayName: '调度员乙',
};
const VEHICLES = 1;

interface Dock {
  id: string;
  name: string;
}

let system: AerieSystem | undefined;
let base = '';
let dock: Dock;
let browser: ConsoleBrowser | undefined;
let ui: ConsolePage;

const api = <T>(method: string, url: string, body?: unknown) => system!.api<T>(method, url, body);

/** Makes every `GET <pathname>` fail with 503 until the returned function is called. */
async function failLoads(page: Page, pathname: string): Promise<() => Promise<void>> {
  const match = (url: URL) => url.pathname === pathname;
  const handler = (route: Route) =>
    route.request().method() === 'GET'
      ? route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'Unavailable', message: 'database is busy' } }),
        })
      : route.fallback();
  await page.route(match, handler);
  return () => page.unroute(match, handler);
}

beforeAll(async () => {
  ({ system, browser, ui, dock } = await startDispatchConsole<Dock>({
    name: 'e2e-admin',
    adminPassword: ADMIN_PASSWORD,
    vehicles: VEHICLES,
    speedup: 2,
    dispatcher: DISPATCHER,
  }));
  base = system.base;
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('failed loads in the console', () => {
  it('the dispatch board says the dock list failed, with Retry; the retry shows the docks', async () => {
    const { page } = ui;
    await login(page, DISPATCHER.username, DISPATCHER.password);
    const restore = await failLoads(page, '/api/docks');
    await page.goto('/dispatch');
    const error = page.locator('[data-testid="load-error"][data-what="docks"]');
    await error.waitFor({ timeout: 20_000 });
    // The failure is named, and the board does not claim there are no docks.
    expect(await error.textContent()).toMatch(/机场列表加载失败/);
    expect(await page.getByTestId('no-docks').count()).toBe(0);
    expect(await page.getByTestId(`dock-card-${dock.id}`).count()).toBe(0);
    await screenshot(page, 'admin-1-dispatch-load-failed');
    await restore();
    await error.getByTestId('load-retry').click();
    await page.getByTestId(`dock-card-${dock.id}`).waitFor({ timeout: 20_000 });
    expect(await error.count()).toBe(0);
    await screenshot(page, 'admin-2-dispatch-retried');
  }, 90_000);

  it('the planner says its dock list failed, with Retry; the retry fills the take-off dock', async () => {
    const { page } = ui;
    const restore = await failLoads(page, '/api/docks');
    await page.goto('/planner');
    const error = page.locator('[data-testid="load-error"][data-what="docks"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('planner-dock').count()).toBe(0);
    await screenshot(page, 'admin-3-planner-load-failed');
    await restore();
    await error.getByTestId('load-retry').click();
    await page.getByTestId('planner-dock').getByText(dock.name).waitFor({ timeout: 20_000 });
    browser!.assertNoPageErrors();
  }, 90_000);
});

describe('dock controls in the vehicle panel', () => {
  it("take off from a closed dock shows the vehicle's own reason; the panel's dock controls prepare the dock", async () => {
    const admin = await browser!.newPage(base);
    const { page } = admin;
    try {
      await login(page, 'admin', ADMIN_PASSWORD);
      const vehicles = await api<{ items: { id: string; name: string; dockId: string | null }[] }>(
        'GET',
        '/api/vehicles?limit=10',
      );
      const v = vehicles.body.items.find((x) => x.dockId === dock.id);
      expect(v, JSON.stringify(vehicles.body)).toBeDefined();
      await page.goto('/');
      const row = page.getByTestId(`fleet-row-${v!.id}`);
      await row.waitFor({ timeout: 30_000 });
      await row.click({ force: true });
      const panelDock = page.getByTestId('vehicle-dock');
      await panelDock.waitFor({ timeout: 20_000 });
      expect(await panelDock.getAttribute('data-dock-id')).toBe(dock.id);
      await until(
        async () => (await panelDock.getAttribute('data-lid')) === 'closed',
        'the closed lid in the vehicle panel',
        30_000,
      );

      // Take off is refused: the answer is the vehicle's own status text, not the MAVLink result.
      await until(
        async () => (await page.getByTestId('cmd-takeoff').isEnabled()) || undefined,
        'the take-off button enabled (vehicle online)',
        30_000,
      );
      await page.getByTestId('cmd-takeoff').click({ force: true });
      // Click the confirmation once it is really there (a forced click during its opening
      // animation can be lost on a loaded machine), and allow the refusal time to come back.
      const confirm = page.getByTestId('cmd-confirm');
      await confirm.waitFor({ state: 'visible', timeout: 10_000 });
      await confirm.click();
      const result = page.getByTestId('cmd-result');
      await result.waitFor({ timeout: 45_000 });
      expect(await result.getAttribute('data-ok')).toBe('false');
      expect(await result.textContent()).toBe('起飞 被拒绝：无法解锁：机场舱盖未打开');
      // The tooltip: the result code in words, and the vehicle's own text labelled as its words.
      expect(await result.getAttribute('title')).toBe(
        '结果代码 Denied：飞控拒绝执行；机载原文：Arming denied: dock lid is not open',
      );
      await screenshot(page, 'admin-4-takeoff-refused-with-reason');

      await page.getByTestId('dock-cmd-prepare_takeoff').click({ force: true });
      const dockConfirm = page.getByTestId('dock-cmd-confirm');
      await dockConfirm.waitFor({ state: 'visible', timeout: 10_000 });
      await dockConfirm.click();
      const dockResult = page.getByTestId('dock-cmd-result');
      await dockResult.waitFor({ timeout: 30_000 });
      expect(await dockResult.getAttribute('data-ok'), (await dockResult.textContent()) ?? '').toBe('true');
      await until(
        async () => (await panelDock.getAttribute('data-lid')) === 'open',
        'the lid shown open in the vehicle panel',
        30_000,
      );
      await screenshot(page, 'admin-5-dock-prepared');
    } finally {
      await admin.context.close();
    }
    browser!.assertNoPageErrors();
  }, 150_000);
});

describe('administration pages', () => {
  it('an administrator creates a department and renames a dock; a dispatcher sees the registers read-only', async () => {
    const admin = await browser!.newPage(base);
    const { page } = admin;
    try {
      await login(page, 'admin', ADMIN_PASSWORD);
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('admin-page').waitFor({ timeout: 20_000 });

      await page.getByTestId('admin-tab-departments').click();
      const departments = page.getByTestId('admin-register-departments');
      await departments.getByTestId('admin-new').click();
      // Saving without a name is refused in the form, naming the field.
      await page.getByTestId('admin-form-save').click();
      await page.getByText('请填写名称').waitFor({ timeout: 5000 });
      await page.getByTestId('admin-field-name').fill('城管执法局');
      await page.getByTestId('admin-field-code').fill('CG-01');
      await page.getByTestId('admin-form-save').click();
      await departments.getByText('城管执法局').waitFor({ timeout: 20_000 });
      const listed = await api<{ items: { name: string; code: string | null }[] }>('GET', '/api/departments');
      expect(listed.body.items.find((d) => d.name === '城管执法局')?.code).toBe('CG-01');
      await screenshot(page, 'admin-6-departments');

      await page.getByTestId('admin-tab-docks').click();
      const docks = page.getByTestId('admin-register-docks');
      await docks.getByTestId(`admin-edit-${dock.id}`).click();
      const nameField = page.getByTestId('admin-field-name');
      expect(await nameField.inputValue()).toBe(dock.name);
      await nameField.fill('桂城一号机场');
      await page.getByTestId('admin-form-save').click();
      await docks.getByText('桂城一号机场').waitFor({ timeout: 20_000 });
      const renamed = await api<{ name: string; serial: string }>('GET', `/api/docks/${dock.id}`);
      expect(renamed.body.name).toBe('桂城一号机场');
      await screenshot(page, 'admin-7-dock-renamed');
    } finally {
      await admin.context.close();
    }

    // The dispatcher (signed in on the shared page) reads the registers but may not change them.
    const dispatcher = ui.page;
    await dispatcher.goto('/admin?tab=docks');
    await dispatcher
      .getByTestId('admin-register-docks')
      .getByText('桂城一号机场')
      .waitFor({ timeout: 20_000 });
    expect(await dispatcher.getByTestId('admin-read-only').count()).toBe(1);
    expect(await dispatcher.getByTestId('admin-new').count()).toBe(0);
    expect(await dispatcher.getByTestId(`admin-edit-${dock.id}`).count()).toBe(0);
    expect(await dispatcher.getByTestId('admin-tab-users').count()).toBe(0);
    await screenshot(dispatcher, 'admin-8-dispatcher-read-only');
    browser!.assertNoPageErrors();
  }, 120_000);
});
