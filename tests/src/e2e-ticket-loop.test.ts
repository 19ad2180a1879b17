/**
 * Issue 15's closed loop end to end on the FLOWN simulated fleet (`aerie up`: server with
 * detection on, bridge, one simulated aircraft in its dock with its camera over the demo
 * scene), nothing injected:
 *
 * - a dispatcher launches a patrol route that holds over the demo scene's planted fire; the
 *   aircraft flies it from its dock, its camera frames reach the detector, and a fire/smoke
 *   ticket is filed on the planted footprint with the frame as evidence and the sortie named;
 * - the sortie's printable report shows the route, its coverage, the finding and the ticket
 *   (screen and print media; screenshots `screenshots/ticket-loop-*.png`);
 * - while the aircraft holds over the fire, later fused frames refine the ticket's location
 *   ('relocate' steps by the system); once the sortie is over the ticket must lie on the planted
 *   footprint within its stated error;
 * - in chromium the dispatcher dispatches it to a department, the department's officer signs,
 *   starts, uploads a proof photo and handles it with a reply; the fire is taken out of the
 *   simulated scene (the sim cameras' `POST /scene/incidents/<n>/remove`), the reviewer sends a
 *   verification flight from the ticket page, the page shows its verdict "not seen in N frames"
 *   (screenshot `ticket-loop-3-verification`), and the reviewer verifies and closes it; the
 *   timeline shows every step with who (by name) and when.
 *
 * The simulation runs at 4x real time; detection samples 2 frames a second per aircraft.
 */
import path from 'node:path';
import { INCIDENT_OFFSET } from '@aerie/hardware';
import { destination, localPlane } from '@aerie/missions';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, login, screenshot, visible } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, createUsers, listDocks, ROOT, startAerieUp, withBrowser } from './system.ts';

const ADMIN_PASSWORD = 'e2e-ticket-loop-admin-1';
const DISPATCHER = {
  username: 'loop.dispatcher',
  password: 'dispatcher-password-1',
  displayName: '调度员王',
};
const OFFICER = { username: 'loop.officer', password: 'officer-password-1', displayName: '应急办事员李' };
const REVIEWER = { username: 'loop.reviewer', password: 'reviewer-password-1', displayName: '核查员赵' };
const PROOF = path.resolve(ROOT, '..', 'shared', 'samples', 'negative');
const REPLY = '明火已扑灭，现场已清理';
const HOVER_ALT_M = 60;

interface Ticket {
  id: string;
  number: string;
  status: string;
  category: string;
  lat: number;
  lon: number;
  errorM: number;
  departmentId: string | null;
}

let system: AerieSystem | undefined;
let browser: ConsoleBrowser | undefined;
let departmentId = '';
let sortieId = '';
let ticket: Ticket | undefined;
let fire = { lat: 0, lon: 0 };
/** The ticket as first filed (two frames), before later frames refined it. */
let firstFiled: Ticket | undefined;

const api = <T>(method: string, url: string, body?: unknown, token?: string) =>
  system!.api<T>(method, url, body, token);

async function firstJpeg(dir: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const name = (await readdir(dir)).filter((n) => /\.jpe?g$/i.test(n)).sort()[0];
  if (!name) throw new Error(`no JPEG in ${dir} for the proof photo`);
  return path.join(dir, name);
}

async function waitStatus(page: Page, status: string) {
  await until(
    async () => (await page.getByTestId('ticket-page').getAttribute('data-status')) === status || undefined,
    `the ticket page showing ${status}`,
    20_000,
  );
}

beforeAll(async () => {
  ({ system, browser } = await withBrowser(
    startAerieUp({
      name: 'e2e-ticket-loop',
      adminPassword: ADMIN_PASSWORD,
      vehicles: 1,
      args: ['--vehicles', '1', '--speedup', '4'],
      // Recording is not what this test is about; it spares the small machine.
      env: { AERIE_DETECTION_FPS: '2', AERIE_VIDEO_RECORD: 'false' },
      // Includes a console build when sources changed since the global setup.
      bannerTimeoutMs: 240_000,
    }),
  ));
  const dep = await api<{ id: string }>('POST', '/api/departments', { name: '应急管理局', code: 'EM' });
  expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  departmentId = dep.body.id;
  await createUsers(system, [
    { ...DISPATCHER, role: 'dispatcher' },
    { ...OFFICER, role: 'department_officer', departmentId },
    { ...REVIEWER, role: 'reviewer' },
  ]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('the ticket loop on the flown simulated fleet', () => {
  it('a patrol flown over the planted fire files a fire ticket with the frame as evidence', async () => {
    const [dock] = await listDocks<{ name: string; id: string; latDeg: number; lonDeg: number }>(system!, 1);
    // The aircraft online in its dock, and the dock reporting (the orchestrator needs both).
    await until(
      async () => {
        const { body } = await api<{ items: { online: boolean; dockId: string | null }[] }>(
          'GET',
          '/api/vehicles?limit=10',
        );
        const status = (
          await api<{ status: { aircraftParked: boolean } | null }>('GET', `/api/docks/${dock!.id}/status`)
        ).body.status;
        return body.items.some((v) => v.online && v.dockId === dock!.id) && status?.aircraftParked
          ? true
          : undefined;
      },
      'the aircraft online and parked in its reporting dock',
      120_000,
    );
    // The demo scene plants the first aircraft's incident (fire and smoke) north-east of its home.
    fire = destination(
      destination({ lat: dock!.latDeg, lon: dock!.lonDeg }, 0, INCIDENT_OFFSET.northM),
      90,
      INCIDENT_OFFSET.eastM,
    );
    const over = destination(fire, 225, 12);
    const beyond = destination(fire, 90, 150);
    const dispatcher = await system!.tokenOf(DISPATCHER.username, DISPATCHER.password);
    const route = await api<{ id: string }>(
      'POST',
      '/api/routes',
      {
        name: '烟火巡查',
        kind: 'waypoint',
        route: {
          format: 'aerie.route',
          version: 1,
          name: '烟火巡查',
          defaults: { altM: HOVER_ALT_M, speedMps: 8 },
          items: [
            { type: 'takeoff', altM: HOVER_ALT_M },
            { type: 'waypoint', lat: over.lat, lon: over.lon, altM: HOVER_ALT_M, holdS: 60 },
            { type: 'waypoint', lat: beyond.lat, lon: beyond.lon, altM: HOVER_ALT_M },
            { type: 'rtl' },
          ],
        },
      },
      dispatcher,
    );
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    const launched = await api<{ sortieId: string }>(
      'POST',
      '/api/sorties',
      { routeId: route.body.id },
      dispatcher,
    );
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    sortieId = launched.body.sortieId;

    ticket = await until(
      async () => {
        const s = await api<{ phase: string; failureCode: string | null; failureMessage: string | null }>(
          'GET',
          `/api/sorties/${sortieId}`,
        );
        if (s.body.phase === 'failed' || s.body.phase === 'aborted')
          throw new Error(`the sortie ${s.body.phase}: ${s.body.failureCode}: ${s.body.failureMessage}`);
        const listed = await api<{ items: Ticket[] }>('GET', '/api/tickets?category=fire_smoke');
        return listed.body.items[0];
      },
      'a fire/smoke ticket filed from the flight',
      240_000,
    );
    // No routing rule for fire here: the ticket waits, filed, for the dispatcher.
    expect(ticket).toMatchObject({ category: 'fire_smoke', status: 'filed', departmentId: null });
    firstFiled = ticket;

    const page = await api<{
      evidence: { kind: string; mime: string; bytes: number }[];
      occurrences: { sortieId: string | null; vehicleId: string | null; finding: { frames: number } }[];
    }>('GET', `/api/tickets/${ticket.id}`);
    const frames = page.body.evidence.filter((e) => e.kind === 'frame');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toMatchObject({ mime: 'image/jpeg' });
    expect(frames[0]!.bytes).toBeGreaterThan(10_000);
    expect(page.body.occurrences[0]!.sortieId).toBe(sortieId);
    expect(page.body.occurrences[0]!.finding.frames).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('once the sortie is over, the ticket lies on the planted fire within its stated error', async () => {
    expect(ticket, 'the ticket of the first step').toBeDefined();
    await until(
      async () => {
        const s = await api<{ phase: string }>('GET', `/api/sorties/${sortieId}`);
        return s.body.phase === 'closed' ? true : undefined;
      },
      'the sortie closed',
      240_000,
    );
    const page = await api<{ ticket: Ticket; transitions: { action: string; data: unknown }[] }>(
      'GET',
      `/api/tickets/${ticket!.id}`,
    );
    ticket = page.body.ticket;
    const refined = page.body.transitions.filter((x) => x.action === 'relocate');
    // On the planted footprint (40 m x 30 m) within the ticket's stated error (one-sigma radial
    // RMS, counting the pose's timing on a moving aircraft and the object anywhere in its box).
    const off = (t: Ticket) => {
      const p = localPlane(fire).toXY(t);
      const outside = Math.hypot(
        Math.max(0, Math.abs(p.x) - INCIDENT_OFFSET.widthM / 2),
        Math.max(0, Math.abs(p.y) - INCIDENT_OFFSET.heightM / 2),
      );
      return {
        outside,
        text: `x ${p.x.toFixed(1)} m, y ${p.y.toFixed(1)} m of the fire's centre (${outside.toFixed(1)} m off the footprint), stated error ${t.errorM.toFixed(1)} m`,
      };
    };
    const first = off(firstFiled!);
    const now = off(ticket);
    console.info(`ticket filed at ${first.text}; after ${refined.length} relocation(s) at ${now.text}`);
    expect(ticket.errorM).toBeGreaterThan(0);
    expect(ticket.errorM).toBeLessThanOrEqual(firstFiled!.errorM);
    expect(now.outside, `ticket at ${now.text}`).toBeLessThanOrEqual(ticket.errorM);
  }, 300_000);

  it('the sortie report shows the route, its coverage, the finding and the ticket, on screen and in print', async () => {
    expect(ticket, 'the ticket of the first step').toBeDefined();
    await until(
      async () => {
        const s = await api<{ phase: string; coverageShare: number | null }>(
          'GET',
          `/api/sorties/${sortieId}`,
        );
        return s.body.phase === 'closed' && s.body.coverageShare !== null ? true : undefined;
      },
      'the sortie closed with its coverage',
      240_000,
    );
    const { page } = await browser!.newPage(system!.base);
    await login(page, DISPATCHER.username, DISPATCHER.password);
    await page.goto(`/sorties/${sortieId}/report`);
    const report = await visible(page, 'sortie-report', 'the sortie report', 30_000);
    const share = Number(await report.getAttribute('data-coverage'));
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThanOrEqual(1);
    expect(await page.getByTestId('report-coverage').textContent()).toMatch(/\d+(\.\d+)?\s*%/);
    const map = page.getByTestId('report-map');
    for (const cls of ['report-map-area', 'report-map-path', 'report-map-track'])
      expect(await map.locator(`path.${cls}`).count(), cls).toBe(1);
    expect(await map.locator('circle.report-map-finding').count()).toBeGreaterThan(0);
    // The track drawn has real extent (not a dot): its bounding box spans the drawing.
    const trackBox = await map.locator('path.report-map-track').boundingBox();
    expect(trackBox!.width + trackBox!.height).toBeGreaterThan(100);
    const tickets = page.locator('[data-testid="report-tickets"] tbody tr.ant-table-row');
    expect(await tickets.count()).toBe(1);
    expect(await tickets.first().textContent()).toContain(ticket!.number);
    expect(await tickets.first().textContent()).toContain('烟火');
    expect(await page.locator('.report-section').filter({ hasText: '本架次发现' }).textContent()).toContain(
      ticket!.number,
    );
    await screenshot(page, 'ticket-loop-1-report');

    // Printed: the console's header and the buttons go, the page turns white on A4.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.shell-header').isVisible()).toBe(false);
    expect(await page.locator('.report-actions').isVisible()).toBe(false);
    expect(await page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(255, 255, 255)',
    );
    expect(await map.isVisible()).toBe(true);
    await screenshot(page, 'ticket-loop-2-report-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Route, coverage, findings and tickets fit on at most two A4 pages.
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    await page.emulateMedia({ media: 'screen' });
    browser!.assertNoPageErrors();
  }, 300_000);

  it('dispatched, signed, handled with proof and a reply, found gone by a verification flight, verified and closed in the browser; the timeline says who and when', async () => {
    expect(ticket, 'the ticket of the first step').toBeDefined();
    const id = ticket!.id;

    // The dispatcher sends it to the department.
    const d = await browser!.newPage(system!.base);
    await login(d.page, DISPATCHER.username, DISPATCHER.password);
    await d.page.goto(`/tickets/${id}`);
    await waitStatus(d.page, 'filed');
    await (await visible(d.page, 'ticket-action-dispatch', 'the dispatch button')).click();
    await d.page.getByTestId('ticket-dispatch-department').click();
    await d.page.locator('.ant-select-item-option').filter({ hasText: '应急管理局' }).click();
    await d.page.getByTestId('ticket-dispatch-ok').click();
    await waitStatus(d.page, 'dispatched');
    expect(await d.page.getByTestId('ticket-department').textContent()).toBe('应急管理局');

    // The department's officer signs, starts, uploads the proof and handles it with a reply.
    const o = await browser!.newPage(system!.base);
    await login(o.page, OFFICER.username, OFFICER.password);
    await o.page.goto(`/tickets/${id}`);
    await (await visible(o.page, 'ticket-action-sign', 'the sign button')).click();
    await waitStatus(o.page, 'signed');
    await (await visible(o.page, 'ticket-action-start', 'the start button')).click();
    await waitStatus(o.page, 'in_progress');
    const evidence = o.page.getByTestId('ticket-evidence').locator('img');
    const before = await evidence.count();
    await o.page.getByTestId('ticket-proof-input').setInputFiles(await firstJpeg(PROOF));
    await until(async () => (await evidence.count()) > before || undefined, 'the proof photo shown', 20_000);
    await o.page.getByTestId('ticket-action-handle').click();
    await o.page.getByTestId('ticket-reason').fill(REPLY);
    await o.page.getByTestId('ticket-reason-ok').click();
    await waitStatus(o.page, 'handled');

    // The fire is put out in the simulated scene: the sim cameras no longer show it.
    const cameras = /Sim cameras\s+(http:\/\/[^/\s]+)\//.exec(system!.output())?.[1];
    expect(cameras, 'the sim cameras address in the banner').toBeDefined();
    const listed = (await (await fetch(`${cameras}/scene/incidents`)).json()) as {
      items: { index: number; category: string; lat: number; lon: number; present: boolean }[];
    };
    const fromFire = (p: { lat: number; lon: number }) => {
      const q = localPlane(fire).toXY(p);
      return Math.hypot(q.x, q.y);
    };
    const planted = listed.items
      .filter((x) => x.category === 'fire_smoke')
      .sort((a, b) => fromFire(a) - fromFire(b))[0];
    expect(planted, JSON.stringify(listed)).toBeDefined();
    expect(fromFire(planted!)).toBeLessThan(1);
    const removed = await fetch(`${cameras}/scene/incidents/${planted!.index}/remove`, { method: 'POST' });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as { present: boolean }).present).toBe(false);

    // The reviewer sends a verification flight from the ticket page; the page shows its verdict.
    const r = await browser!.newPage(system!.base);
    await login(r.page, REVIEWER.username, REVIEWER.password);
    await r.page.goto(`/tickets/${id}`);
    await waitStatus(r.page, 'handled');
    await (await visible(r.page, 'ticket-verification-flight', 'the verification flight button')).click();
    const flight = r.page.getByTestId('ticket-verification').first();
    await flight.waitFor({ timeout: 20_000 });
    // It flies from the dock, orbits the ticket's location and lands; the page refreshes meanwhile.
    // 'present' shows once two frames in a row see the fire; 'not seen' only once it has landed.
    const shown = await until(
      async () => {
        const text = (await flight.textContent()) ?? '';
        const verdict = await flight.getAttribute('data-verdict');
        return verdict === 'present' || text.includes('已结束') ? { verdict, text } : undefined;
      },
      "the verification flight's verdict",
      300_000,
    );
    expect(shown.verdict, `the verification flight: ${shown.text}`).toBe('not_seen');
    const verdictText = shown.text;
    const seenFrames = Number(/(\d+) 帧中未发现/.exec(verdictText)?.[1] ?? 0);
    expect(seenFrames, verdictText).toBeGreaterThanOrEqual(10);
    console.info(`verification flight: ${verdictText}`);
    await screenshot(r.page, 'ticket-loop-3-verification');
    const verified = await api<{ evidence: { kind: string; meta: { verdict?: string } | null }[] }>(
      'GET',
      `/api/tickets/${id}`,
    );
    expect(
      verified.body.evidence.filter((e) => e.kind === 'verification').map((e) => e.meta?.verdict),
    ).toEqual(['not_seen']);

    // The reviewer verifies and closes it.
    await (await visible(r.page, 'ticket-action-verify', 'the verify button')).click();
    await waitStatus(r.page, 'verified');
    await (await visible(r.page, 'ticket-action-close', 'the close button')).click();
    await waitStatus(r.page, 'closed');

    // Relocations by the system (later frames of the patrol) are left out of the people's steps.
    const steps = r.page.locator('[data-testid="ticket-transition"]:not([data-action="relocate"])');
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual([
      'file',
      'dispatch',
      'sign',
      'start',
      'handle',
      'verify',
      'close',
    ]);
    const who = await steps.getByTestId('ticket-transition-actor').allTextContents();
    expect(who[0]).toBe('系统');
    expect(who.slice(1)).toEqual([
      `${DISPATCHER.displayName}（调度员）`,
      `${OFFICER.displayName}（部门办事员）`,
      `${OFFICER.displayName}（部门办事员）`,
      `${OFFICER.displayName}（部门办事员）`,
      `${REVIEWER.displayName}（核查员）`,
      `${REVIEWER.displayName}（核查员）`,
    ]);
    const when = await r.page
      .getByTestId('ticket-transition-at')
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
    expect(when.every((t) => Number.isFinite(t))).toBe(true);
    expect([...when].sort((a, b) => a - b)).toEqual(when);
    expect(await steps.nth(4).getByTestId('ticket-transition-reason').textContent()).toBe(REPLY);
    await screenshot(r.page, 'ticket-loop-4-closed');

    const stored = await api<{ ticket: Ticket; transitions: { action: string; actorName: string | null }[] }>(
      'GET',
      `/api/tickets/${id}`,
    );
    expect(stored.body.ticket).toMatchObject({ status: 'closed', departmentId });
    expect(stored.body.transitions.filter((x) => x.action !== 'relocate').map((x) => x.actorName)).toEqual([
      null,
      DISPATCHER.displayName,
      OFFICER.displayName,
      OFFICER.displayName,
      OFFICER.displayName,
      REVIEWER.displayName,
      REVIEWER.displayName,
    ]);
    browser!.assertNoPageErrors();
  }, 480_000);
});

describe('the working calendar in the console', () => {
  it('the ticket centre warns of a year in use with no calendar until an administrator loads one', async () => {
    // Which years are missing depends on today's date (this year; next year in its last month).
    const before = await api<{ missingYears: number[] }>('GET', '/api/tickets/calendar');
    expect(before.status).toBe(200);
    const { page } = await browser!.newPage(system!.base);
    await login(page, DISPATCHER.username, DISPATCHER.password);
    await page.goto('/tickets');
    await visible(page, 'ticket-list-page', 'the ticket centre');
    const banner = page.getByTestId('calendar-missing');
    if (before.body.missingYears.length > 0) {
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.getAttribute('data-years')).toBe(before.body.missingYears.join(','));
      expect(await banner.textContent()).toContain('工作日历未导入');
      await screenshot(page, 'ticket-loop-5-calendar-missing');
    }
    const health = await api<{ warnings: { code: string }[] }>('GET', '/api/health');
    expect(health.body.warnings.map((w) => w.code)).toEqual(
      before.body.missingYears.map(() => 'CalendarYearMissing'),
    );
    // The administrator loads each missing year (made-up dates: the official notice cannot be
    // fetched here); the warning goes.
    for (const year of before.body.missingYears) {
      const loaded = await api('PUT', `/api/tickets/calendar/${year}`, {
        year,
        holidays: [`${year}-01-01`],
        makeUpWorkdays: [],
        source: 'e2e test data, not the official notice',
      });
      expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    }
    expect((await api<{ missingYears: number[] }>('GET', '/api/tickets/calendar')).body.missingYears).toEqual(
      [],
    );
    expect((await api<{ warnings: unknown[] }>('GET', '/api/health')).body.warnings).toEqual([]);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/tickets/calendar'));
    await page.reload();
    expect((await answered).status()).toBe(200);
    await visible(page, 'ticket-list-page', 'the ticket centre');
    // Rendered from that answer within a frame or two.
    await page.waitForTimeout(500);
    expect(await banner.count()).toBe(0);
    browser!.assertNoPageErrors();
  }, 120_000);
});
