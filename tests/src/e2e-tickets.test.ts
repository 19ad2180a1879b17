/**
 * The ticket centre in a real browser, on a real server (`aerie server`, port from the OS, a
 * temporary data folder): a finding posted through the API becomes a ticket that shows in the
 * command centre's list; a department officer lands on their inbox, signs and handles it in the
 * browser (proof photo uploaded from the page), and the timeline shows both; a ticket changed by
 * someone else answers a stale click with a reload message; the triage queue confirms a
 * low-score finding into a ticket; the statistics page shows the ticket figures the API
 * answers; the command view's globe shows open tickets as pins, adds a fire ticket when its
 * event arrives, hides them with the layer switch, and a click on a pin opens the ticket.
 *
 * Evidence frames are the construction samples in ../shared/samples. Screenshots go to
 * `screenshots/tickets-*.png`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, login, screenshot, visible } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, createUsers, ROOT, startAerieServer, withBrowser } from './system.ts';

const SAMPLES = path.resolve(ROOT, '..', 'shared', 'samples', 'construction');
const FRAME = path.join(SAMPLES, 'excavator_dumptruck_site_02.jpg');
const PROOF = path.join(SAMPLES, 'excavator_earthworks_05.jpg');
const ADMIN_PASSWORD = 'e2e-tickets-admin-1';
const CENTRE = { username: 'centre.tickets', password: 'centre-password-1', displayName: '指挥员' };
const OFFICER = { username: 'officer.tickets', password: 'officer-password-1', displayName: '城管办事员' };
const DISPATCHER = { username: 'dispatch.tickets', password: 'dispatch-password-1', displayName: '调度员' };
/** Guicheng, Nanhai. */
const SITE = { lat: 23.03, lon: 113.14 };
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

interface Ticket {
  id: string;
  number: string;
  status: string;
  version: number;
  departmentId: string | null;
}

let system: AerieSystem | undefined;
let base = '';
let dispatcherToken = '';
let departmentId = '';
let browser: ConsoleBrowser | undefined;

const api = <T>(method: string, url: string, body?: unknown, token?: string) =>
  system!.api<T>(method, url, body, token);

/** A construction (or `category`) finding `northM` metres north of the site, with the sample frame. */
async function finding(score: number, northM: number, category = 'construction') {
  return {
    finding: {
      category,
      label: category === 'fire_smoke' ? 'smoke' : 'excavator',
      score,
      box: [10, 20, 300, 200],
      detector: { name: 'e2e-detector', version: '1.0.0', kind: 'image-analysis' },
      vehicleId: 'veh-e2e',
      capturedAtMs: Date.now(),
      location: { lat: SITE.lat + northM / M_PER_DEG, lon: SITE.lon, errorM: 4 },
      frames: 1,
    },
    frame: { mime: 'image/jpeg', dataBase64: (await readFile(FRAME)).toString('base64') },
  };
}

async function statusOf(page: Page): Promise<string | null> {
  return page.getByTestId('ticket-page').getAttribute('data-status');
}

async function waitStatus(page: Page, status: string) {
  await until(async () => (await statusOf(page)) === status, `the ticket page showing ${status}`, 20_000);
}

beforeAll(async () => {
  ({ system, browser } = await withBrowser(
    startAerieServer({ name: 'e2e-tickets', adminPassword: ADMIN_PASSWORD, timeoutMs: 120_000 }),
  ));
  base = system.base;
  const dep = await api<{ id: string }>('POST', '/api/departments', { name: '城管局', code: 'UM' });
  expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  departmentId = dep.body.id;
  const rule = await api('POST', '/api/ticket-routes', {
    category: 'construction',
    gridId: null,
    departmentId,
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  await createUsers(system, [
    { ...CENTRE, role: 'command_centre' },
    { ...OFFICER, role: 'department_officer', departmentId },
    { ...DISPATCHER, role: 'dispatcher' },
  ]);
  dispatcherToken = await system.tokenOf(DISPATCHER.username, DISPATCHER.password);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('the ticket centre', () => {
  let ticket: Ticket;

  it('a finding posted through the API shows in the list with its zh-CN status and department', async () => {
    const posted = await api<{ outcome: string; ticket: Ticket }>(
      'POST',
      '/api/findings',
      await finding(0.92, 0),
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    ticket = posted.body.ticket;
    expect(ticket).toMatchObject({ status: 'dispatched', departmentId });

    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    await page.goto('/tickets');
    const row = page.locator(`[data-testid="ticket-row"][data-number="${ticket.number}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getByTestId('ticket-status').textContent()).toBe('派遣');
    expect(await row.textContent()).toContain('城管局');
    expect(await row.textContent()).toContain('违章建筑');
    expect(await row.getByTestId('ticket-countdown').getAttribute('title')).toMatch(/^截止时间 /);
    expect(await row.getByTestId('ticket-countdown').getAttribute('data-level')).toMatch(
      /^(ok|warning|overdue)$/,
    );
    await screenshot(page, 'tickets-1-list');

    // The status filter asks the server: 签收 has none yet.
    await page.getByTestId('ticket-filter-status').click();
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: /^签收$/ })
      .click();
    await until(async () => (await row.count()) === 0 || undefined, 'the row filtered out', 20_000);
    browser!.assertNoPageErrors();
  }, 120_000);

  it('a department officer lands on their inbox, signs and handles the ticket; the timeline shows both', async () => {
    const { page } = await browser!.newPage(base);
    await login(page, OFFICER.username, OFFICER.password);
    await page.waitForURL((u) => u.pathname === '/tickets', { timeout: 20_000 });
    await visible(page, 'ticket-list-page', 'the officer inbox');
    const link = page.locator(`[data-testid="ticket-link"][data-number="${ticket.number}"]`);
    await link.waitFor({ timeout: 20_000 });
    await screenshot(page, 'tickets-2-officer-inbox');
    await link.click();

    await visible(page, 'ticket-page', 'the ticket page');
    expect(await page.getByTestId('ticket-number').textContent()).toBe(ticket.number);
    // The finding's frame, fetched from the evidence route and decoded by the browser.
    const img = page.getByTestId('ticket-evidence').locator('img').first();
    await img.waitFor({ timeout: 20_000 });
    await until(
      async () =>
        (await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)) || undefined,
      'the evidence frame decoded',
      20_000,
    );
    expect(await page.getByTestId('ticket-location').textContent()).toContain(SITE.lat.toFixed(6));
    await page.getByTestId('ticket-map').locator('canvas').waitFor({ timeout: 30_000 });

    await (await visible(page, 'ticket-action-sign', 'the sign button')).click();
    await waitStatus(page, 'signed');
    await (await visible(page, 'ticket-action-start', 'the start button')).click();
    await waitStatus(page, 'in_progress');

    // Handling without proof is refused by the server, said in words.
    await (await visible(page, 'ticket-action-handle', 'the handle button')).click();
    await page.getByTestId('ticket-reason').fill('已拆除违章搭建');
    await page.getByTestId('ticket-reason-ok').click();
    const refused = page.locator('.ant-modal').getByText('处置完成前需要上传处置照片');
    await refused.waitFor({ timeout: 20_000 });
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();

    await page.getByTestId('ticket-proof-input').setInputFiles(PROOF);
    await until(
      async () => (await page.getByTestId('ticket-evidence').locator('img').count()) >= 2 || undefined,
      'the proof photo in the gallery',
      20_000,
    );
    await page.getByTestId('ticket-action-handle').click();
    await page.getByTestId('ticket-reason').fill('已拆除违章搭建');
    await page.getByTestId('ticket-reason-ok').click();
    await waitStatus(page, 'handled');
    expect(await page.getByTestId('ticket-status').first().textContent()).toBe('处置完成');

    const steps = page.getByTestId('ticket-transition');
    const actions = await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(['file', 'dispatch', 'sign', 'start', 'handle']);
    const handled = steps.nth(4);
    expect(await handled.textContent()).toContain('部门办事员');
    expect(await handled.getByTestId('ticket-transition-reason').textContent()).toBe('已拆除违章搭建');
    expect(await steps.nth(2).textContent()).toContain('部门办事员');
    // The officer may not verify their own work.
    expect(await page.getByTestId('ticket-action-verify').count()).toBe(0);
    await screenshot(page, 'tickets-3-officer-handled');

    const stored = await api<{ ticket: Ticket; transitions: { action: string }[] }>(
      'GET',
      `/api/tickets/${ticket.id}`,
    );
    expect(stored.body.ticket.status).toBe('handled');
    expect(stored.body.transitions.map((x) => x.action)).toEqual(actions);
    browser!.assertNoPageErrors();
  }, 180_000);

  it('a click on a ticket someone else changed asks to reload, and the reload shows their change', async () => {
    const posted = await api<{ ticket: Ticket }>('POST', '/api/findings', await finding(0.95, 500));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const other = posted.body.ticket;
    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    await page.goto(`/tickets/${other.id}`);
    await visible(page, 'ticket-action-void', 'the void button');

    // A dispatcher voids it meanwhile, through the API.
    const voided = await api(
      'POST',
      `/api/tickets/${other.id}/transitions`,
      { action: 'void', version: other.version, reason: '重复上报' },
      dispatcherToken,
    );
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);

    await page.getByTestId('ticket-action-void').click();
    await page.getByTestId('ticket-reason').fill('误报');
    await page.getByTestId('ticket-reason-ok').click();
    const error = page.getByTestId('ticket-action-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-code')).toBe('Conflict');
    expect(await error.textContent()).toContain('请重新加载');
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    await screenshot(page, 'tickets-4-stale-version');
    await page.getByTestId('ticket-reload').click();
    await waitStatus(page, 'voided');
    const reasons = await page.getByTestId('ticket-transition-reason').allTextContents();
    expect(reasons).toContain('重复上报');
    expect(reasons).not.toContain('误报');
    browser!.assertNoPageErrors();
  }, 120_000);

  it('the triage queue confirms a low-score finding into a ticket and rejects another with a reason', async () => {
    const before = await api<{ total: number }>('GET', '/api/tickets?limit=1');
    const a = await api<{ outcome: string }>('POST', '/api/findings', await finding(0.5, 1000));
    const b = await api<{ outcome: string }>('POST', '/api/findings', await finding(0.45, 2000));
    expect([a.body.outcome, b.body.outcome]).toEqual(['triage', 'triage']);

    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    // The queue is reached from the ticket centre's header.
    await page.goto('/tickets');
    await visible(page, 'ticket-list-page', 'the ticket centre');
    await page.getByTestId('open-triage').click();
    await visible(page, 'triage-page', 'the triage queue');
    const rows = page.locator('[data-testid="triage-table"] tbody tr.ant-table-row');
    await until(async () => (await rows.count()) === 2 || undefined, 'two findings in triage', 20_000);
    await screenshot(page, 'tickets-5-triage');

    const rowOf = (score: string) => rows.filter({ hasText: score });
    await rowOf('0.50').getByTestId('triage-confirm').click();
    await until(
      async () => (await rows.count()) === 1 || undefined,
      'the confirmed finding leaving the queue',
      20_000,
    );
    await rowOf('0.45').getByTestId('triage-reject').click();
    await page.getByTestId('triage-reason').fill('阴影误识别');
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await until(
      async () => (await rows.count()) === 0 || undefined,
      'the rejected finding leaving the queue',
      20_000,
    );

    const after = await api<{ total: number }>('GET', '/api/tickets?limit=1');
    expect(after.body.total).toBe(before.body.total + 1);
    const rejected = await api<{ items: { reason: string; score: number }[] }>(
      'GET',
      '/api/triage?status=rejected',
    );
    expect(rejected.body.items.map((x) => [x.score, x.reason])).toEqual([[0.45, '阴影误识别']]);
    browser!.assertNoPageErrors();
  }, 120_000);

  it('the statistics page shows the ticket figures: totals, closure rates per department, by category', async () => {
    const stats = await api<{
      byStatus: { key: string; count: number }[];
      perDepartment: { departmentName: string | null; closureRate: number | null }[];
    }>('GET', '/api/tickets/stats');
    const total = stats.body.byStatus.reduce((n, x) => n + x.count, 0);
    expect(total).toBeGreaterThan(0);
    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    await page.goto('/stats');
    const section = await visible(page, 'ticket-stats', 'the ticket statistics');
    await until(
      async () => (await section.getAttribute('data-total')) === String(total) || undefined,
      `the ticket statistics showing ${total} tickets`,
      20_000,
    );
    expect(await section.textContent()).toContain('按期结案率');
    const rows = page.locator('[data-testid="ticket-stats-departments"] tbody tr.ant-table-row');
    expect(await rows.filter({ hasText: '城管局' }).count()).toBe(1);
    expect(
      Number(await page.getByTestId('ticket-stats-by-category').getAttribute('data-points')),
    ).toBeGreaterThan(0);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'tickets-6-statistics');
    browser!.assertNoPageErrors();
  }, 120_000);

  it('the globe shows open tickets as pins, adds a fire when its event arrives, hides them, and a click opens the ticket', async () => {
    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    await page.goto('/');
    await visible(page, 'globe-ticket-layer', 'the ticket layer switch', 60_000);
    type Pins = { shown: boolean; drawn: string[]; open: string[] };
    type Hooks = {
      ticketPins?: () => Pins;
      ticketScreenPosition?: (id: string) => { x: number; y: number } | null;
    };
    const pins = () =>
      page.evaluate(() => (window as unknown as { __aerie?: Hooks }).__aerie?.ticketPins?.());
    const open = await api<{ total: number }>(
      'GET',
      '/api/tickets?limit=1&status=new&status=filed&status=dispatched&status=returned&status=signed&status=in_progress&status=handled&status=verified',
    );
    await until(
      async () => ((await pins())?.open.length === open.body.total ? true : undefined),
      `${open.body.total} open tickets on the globe`,
      30_000,
    );
    // The camera starts ~7 km south of where it looks: a fire there lands mid-screen.
    const fire = await api<{ outcome: string; ticket: Ticket }>(
      'POST',
      '/api/findings',
      await finding(0.95, 6_900, 'fire_smoke'),
    );
    expect(fire.body.outcome).toBe('ticket');
    const fireId = fire.body.ticket.id;
    await until(
      async () => ((await pins())?.drawn.includes(fireId) ? true : undefined),
      'the fire ticket drawn on the globe from its ticket.changed event',
      20_000,
    );
    await screenshot(page, 'tickets-7-globe');

    await page.getByTestId('globe-ticket-toggle').click();
    await until(
      async () => {
        const p = await pins();
        return p && !p.shown && p.drawn.length === 0 ? true : undefined;
      },
      'the pins hidden by the layer switch',
      10_000,
    );
    await page.getByTestId('globe-ticket-toggle').click();
    await until(
      async () => ((await pins())?.drawn.includes(fireId) ? true : undefined),
      'the pins back',
      10_000,
    );

    const at = await page.evaluate(
      (id) => (window as unknown as { __aerie?: Hooks }).__aerie?.ticketScreenPosition?.(id),
      fireId,
    );
    expect(at).toBeTruthy();
    const box = (await page.getByTestId('globe').boundingBox())!;
    await page.mouse.click(box.x + at!.x, box.y + at!.y);
    await page.waitForURL(`**/tickets/${fireId}`, { timeout: 15_000 });
    await visible(page, 'ticket-page', 'the fire ticket opened from the globe');
    browser!.assertNoPageErrors();
  }, 180_000);
});

describe('the command view alert feed', () => {
  it('a fire alert arrives in the feed with its ticket number, and a click on it opens the ticket', async () => {
    const { page } = await browser!.newPage(base);
    await login(page, CENTRE.username, CENTRE.password);
    await page.goto('/');
    await visible(page, 'alerts-feed', 'the alerts feed', 60_000);
    const fire = await api<{ outcome: string; ticket: Ticket }>(
      'POST',
      '/api/findings',
      await finding(0.96, 3_000, 'fire_smoke'),
    );
    expect(fire.status, JSON.stringify(fire.body)).toBe(201);
    expect(fire.body.outcome).toBe('ticket');
    const { id, number } = fire.body.ticket;
    const item = page.locator(`[data-testid="alert-item"][data-ticket-number="${number}"]`);
    await item.waitFor({ timeout: 20_000 });
    expect(await item.getAttribute('data-kind')).toBe('fire_smoke');
    expect(await item.textContent()).toContain(number);
    expect(await item.getAttribute('title')).toBe(`打开工单 ${number}`);
    await item.click();
    await page.waitForURL(`**/tickets/${id}`, { timeout: 15_000 });
    await visible(page, 'ticket-page', 'the fire ticket opened from its alert');
    expect(await page.getByTestId('ticket-number').textContent()).toBe(number);
    browser!.assertNoPageErrors();
  }, 120_000);
});
