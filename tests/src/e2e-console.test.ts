/**
 * The web console end to end, as a user meets it: the system started the way the README's first
 * command starts it (`node bin/aerie.mjs up`, what `npm start` runs; ports from the OS, a
 * temporary data folder), Debian's chromium driven by playwright-core against it. One system and
 * one browser for every scenario, run in order; each scenario writes a screenshot of its page
 * to `screenshots/` (see tests/src/browser.ts).
 *
 * The page is found through the data-testid contract in the console's notes; a scenario that
 * fails names the id it waited for, so a missing piece of the UI shows as what a user would miss.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleBrowser, ConsolePage } from './browser.ts';
import { drawnVehicles, login, screenshot, submitLogin, visible } from './browser.ts';
import { until } from './cli.ts';
import { type AerieSystem, startAerieUp, withBrowser } from './system.ts';

const ADMIN_PASSWORD = 'e2e-admin-password-1';
const WATCHER = { username: 'watch.e2e', password: 'watch-password-1', displayName: '值班员' };
const VEHICLES = 8;
/**
 * Simulated time runs this much faster, so take-offs and landings fit the test's time. Not
 * more: PX4 disarms an armed aircraft that has not taken off after COM_DISARM_PRFLT (10 s of
 * simulated time), and at 5x a loaded machine lets that lapse between the bridge's arm and its
 * take-off command (seen: "Armed by external command", 2 s later "Disarmed by auto preflight
 * disarming", the take-off reported accepted).
 */
const SPEEDUP = 2;
/** Guicheng, Nanhai: where `aerie up` docks its simulated fleet. */
const SITE = { lat: 23.03, lon: 113.14 };
const CJK = /[\u4e00-\u9fff]/;

interface Vehicle {
  id: string;
  name: string;
  sysid: number;
  dockId: string | null;
  online: boolean;
  state: { lat: number | null; lon: number | null; altRelM: number | null; armed: boolean | null } | null;
}
interface Sortie {
  id: string;
  vehicleId: string;
  status: string;
  maxAltRelM: number | null;
  distanceM: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Clicks `data-testid=id` once it is visible. On a loaded 2-core machine the software-rendered
 * globe can starve Playwright's animation-frame stability check; a click still blocked after
 * 20 s is sent at the element's centre without that check.
 */
async function press(page: Page, id: string, what: string): Promise<void> {
  const loc = await visible(page, id, what, 60_000);
  try {
    await loc.click({ timeout: 20_000 });
  } catch {
    await loc.click({ force: true, timeout: 20_000 });
  }
}

/** The number in an element's text ("12.3 m" -> 12.3), or NaN. */
async function numberIn(page: Page, id: string): Promise<number> {
  const text = (await page.getByTestId(id).first().textContent()) ?? '';
  const m = /-?\d+(?:[.,]\d+)?/.exec(text.replace(/\s/g, ''));
  return m ? Number(m[0].replace(',', '.')) : Number.NaN;
}

async function shownLabels(page: Page): Promise<{ vehicles: string[]; places: string[] }> {
  return page.evaluate(() => {
    const hooks = (
      window as unknown as { __aerie?: { shownLabels?: () => { vehicles: string[]; places: string[] } } }
    ).__aerie;
    return hooks?.shownLabels ? hooks.shownLabels() : { vehicles: [], places: [] };
  });
}

let system: AerieSystem | undefined;
let base = '';
let fleet: Vehicle[] = [];
let browser: ConsoleBrowser | undefined;
let pilot: ConsolePage;
/** The page the running scenario drives (for the screenshot when it fails). */
let current: Page | undefined;
/** The sortie flown through the API for the replay scenario, flown while the others run. */
let replaySortie: Promise<Sortie>;

const api = <T>(method: string, url: string, body?: unknown) => system!.api<T>(method, url, body);

/** A command through the API, retried while the aircraft is still settling after boot. */
async function command(vehicleId: string, cmd: Record<string, unknown>): Promise<void> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const res = await api<{ ok?: boolean; error?: { code: string } }>(
      'POST',
      `/api/vehicles/${vehicleId}/commands`,
      cmd,
    );
    if (res.status === 200 && res.body.ok) return;
    last = JSON.stringify(res.body);
    // Refused while settling after boot, or no answer in time on a loaded machine: try again.
    if (!['TemporarilyRejected', 'Timeout'].includes(res.body.error?.code ?? '')) break;
    await sleep(500);
  }
  throw new Error(`${JSON.stringify(cmd)} on ${vehicleId} was refused: ${last}`);
}

async function liveState(vehicleId: string): Promise<NonNullable<Vehicle['state']>> {
  const res = await api<Vehicle>('GET', `/api/vehicles/${vehicleId}`);
  if (!res.body.state) throw new Error(`vehicle ${vehicleId} has no state`);
  return res.body.state;
}

/**
 * Opens the aircraft's dock for take-off, as a dispatcher does (a closed lid makes the aircraft
 * refuse to arm), and waits until the dock reports ready.
 */
async function openDock(v: Vehicle): Promise<void> {
  if (!v.dockId) return;
  const res = await api<{ ok?: boolean }>('POST', `/api/docks/${v.dockId}/commands`, {
    action: 'prepare_takeoff',
  });
  if (res.status !== 200 || !res.body.ok)
    throw new Error(`prepare_takeoff on ${v.name}'s dock: ${res.status} ${JSON.stringify(res.body)}`);
  await until(
    async () =>
      (await api<{ status: { state: string } | null }>('GET', `/api/docks/${v.dockId}/status`)).body.status
        ?.state === 'ready',
    `${v.name}'s dock ready for take-off`,
    30_000,
  );
}

/** Takes off, flies ~110 m north, lands and waits for the completed sortie. */
async function flySortie(v: Vehicle): Promise<Sortie> {
  await openDock(v);
  await command(v.id, { action: 'takeoff', altRelM: 15 });
  let last: unknown;
  await until(
    async () => {
      const s = await liveState(v.id);
      last = s;
      return (s.altRelM ?? 0) > 10;
    },
    `${v.name} climbing`,
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its state: ${JSON.stringify(last)}`);
  });
  const home = await liveState(v.id);
  const target = { lat: home.lat! + 0.001, lon: home.lon! };
  await command(v.id, { action: 'goto', ...target, altRelM: 15 });
  await until(
    async () => {
      const s = await liveState(v.id);
      return Math.abs(s.lat! - target.lat) < 0.0002 && Math.abs(s.lon! - target.lon) < 0.0002;
    },
    `${v.name} reaching its go-to point`,
    40_000,
  );
  await command(v.id, { action: 'land' });
  return until(
    async () => {
      const res = await api<{ items: Sortie[] }>('GET', `/api/sorties?vehicleId=${v.id}&limit=10`);
      return res.body.items.find((s) => s.status === 'completed');
    },
    `${v.name}'s sortie completed`,
    60_000,
  );
}

beforeAll(async () => {
  ({ system, browser } = await withBrowser(
    startAerieUp({
      name: 'e2e-console',
      adminPassword: ADMIN_PASSWORD,
      vehicles: VEHICLES,
      args: ['--speedup', String(SPEEDUP)],
      bannerTimeoutMs: 120_000,
      users: [{ ...WATCHER, role: 'command_centre' }],
      // Recording would keep every flying aircraft's simulated camera rendering and encoding:
      // too much for eight at once on a small test machine (e2e-sortie-video covers recording).
      env: { AERIE_VIDEO_RECORD: 'false' },
    }),
  ));
  base = system.base;
  let seen = 0;
  fleet = await until(
    async () => {
      const { body } = await api<{ items: Vehicle[] }>('GET', '/api/vehicles?limit=100');
      seen = body.items.filter((v) => v.online && v.state?.lat != null).length;
      return seen === VEHICLES ? body.items.sort((a, b) => a.sysid - b.sysid) : undefined;
    },
    `${VEHICLES} vehicles online`,
    120_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (${seen} were)\n${system!.output()}`);
  });

  // The replay scenario needs a finished flight; the last aircraft flies it meanwhile.
  replaySortie = flySortie(fleet[VEHICLES - 1]!);
  replaySortie.catch(() => {});

  pilot = await browser.newPage(base);
}, 300_000);

beforeEach(({ task, onTestFailed }) => {
  // What the page showed when a scenario failed, beside the scenarios' own screenshots.
  onTestFailed(async () => {
    const page = current ?? pilot?.page;
    if (page) await screenshot(page, `failed-${task.name.slice(0, 40)}`).catch(() => {});
  });
});

afterEach(() => {
  browser?.assertNoPageErrors();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
}, 30_000);

describe.sequential('web console (chromium against aerie up)', () => {
  it('refuses a wrong password with a message and opens the command view for the right one', async () => {
    const { page } = pilot;
    await page.goto('/');
    await page.waitForURL((u) => u.pathname === '/login');
    await submitLogin(page, 'admin', 'not-the-password');
    const error = await visible(page, 'login-error', 'a wrong password shows no error');
    expect(await error.textContent()).toMatch(CJK);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, '01-login-error');

    await login(page, 'admin', ADMIN_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/');
    await visible(page, 'globe', 'the command view shows no globe');
    await visible(page, 'fleet-sidebar', 'the command view shows no fleet sidebar');
    const status = page.getByTestId('connection-status');
    await until(
      async () => (await status.getAttribute('data-status')) === 'online',
      'connection online',
      15_000,
    );
    await screenshot(page, '02-command-view');
  }, 120_000);

  it('lists the 8 simulated vehicles online in the sidebar and draws them on the globe at Guicheng', async () => {
    const { page } = pilot;
    const count = await visible(page, 'fleet-count', 'the sidebar shows no vehicle count');
    await until(
      async () => (await count.textContent())?.trim() === String(VEHICLES),
      'fleet-count = 8',
      20_000,
    );
    for (const v of fleet) {
      const row = await visible(page, `fleet-row-${v.id}`, `vehicle ${v.name} is not in the sidebar`);
      await until(async () => (await row.getAttribute('data-online')) === 'true', `${v.name} online`, 15_000);
      expect(Number(await row.getAttribute('data-battery'))).toBeGreaterThan(0);
    }

    const drawn = await until(
      async () => {
        const d = await drawnVehicles(page);
        return Object.keys(d).length === VEHICLES ? d : undefined;
      },
      `window.__aerie.drawnVehicles() to hold ${VEHICLES} vehicles (what the globe draws)`,
      60_000,
    );
    expect(Object.keys(drawn).sort()).toEqual(fleet.map((v) => v.id).sort());
    for (const v of fleet) {
      const d = drawn[v.id]!;
      expect(Math.abs(d.lat - SITE.lat), `${v.name} latitude ${d.lat}`).toBeLessThan(0.05);
      expect(Math.abs(d.lon - SITE.lon), `${v.name} longitude ${d.lon}`).toBeLessThan(0.05);
      expect(Number.isFinite(d.heightM)).toBe(true);
    }
    // Names on the globe: those that fit without covering another name or aircraft.
    const labels = await until(
      async () => {
        const l = await shownLabels(page);
        return l.vehicles.length > 0 ? l : undefined;
      },
      'vehicle names on the globe (window.__aerie.shownLabels())',
      10_000,
    );
    for (const id of labels.vehicles) expect(fleet.map((f) => f.id)).toContain(id);
    // This browser has no GPU (SwiftShader): the view says it draws the globe at reduced resolution.
    const software = await visible(page, 'globe-software-render', 'no software-rendering notice');
    expect(await software.textContent()).toContain('软件渲染');
    await screenshot(page, '03-fleet');
  }, 120_000);

  it('focuses the aircraft clicked on the globe, and picks a go-to point on the ground', async () => {
    const { page } = pilot;
    const globe = page.getByTestId('globe');
    const box = (await globe.boundingBox())!;
    // The aircraft drawn nearest the middle of the globe, clear of the panels at its sides.
    const target = await until(
      async () => {
        const at = await page.evaluate(
          (ids) => {
            const hooks = (
              window as unknown as {
                __aerie?: { screenPositionOf?: (id: string) => { x: number; y: number } | null };
              }
            ).__aerie;
            return ids.map((id) => ({ id, at: hooks?.screenPositionOf?.(id) ?? null }));
          },
          fleet.map((v) => v.id),
        );
        const drawn = at.filter((a) => a.at) as Array<{ id: string; at: { x: number; y: number } }>;
        drawn.sort(
          (a, b) =>
            Math.hypot(a.at.x - box.width / 2, a.at.y - box.height / 2) -
            Math.hypot(b.at.x - box.width / 2, b.at.y - box.height / 2),
        );
        return drawn[0];
      },
      'an aircraft drawn on the globe (window.__aerie.screenPositionOf)',
      20_000,
    );
    await page.mouse.click(box.x + target.at.x, box.y + target.at.y);
    const panel = await visible(
      page,
      'vehicle-panel',
      'clicking an aircraft on the globe opens no vehicle panel',
    );
    await until(
      async () => (await panel.getAttribute('data-vehicle-id')) === target.id,
      `the panel of the aircraft clicked (${target.id})`,
      10_000,
    );
    await screenshot(page, '03b-globe-pick');

    // Go to a point picked on the globe: the confirmation names the ground point clicked.
    await press(page, 'cmd-goto', 'an administrator sees no go-to button');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.8);
    const picked = await visible(page, 'cmd-goto-target', 'a click on the ground picks no go-to point');
    const [lat, lon] = ((await picked.textContent()) ?? '').match(/-?\d+\.\d+/g)!.map(Number);
    expect(Math.abs(lat! - SITE.lat), `picked latitude ${lat}`).toBeLessThan(0.05);
    expect(Math.abs(lon! - SITE.lon), `picked longitude ${lon}`).toBeLessThan(0.05);
    await page.keyboard.press('Escape');
    await page.getByTestId('cmd-goto-target').waitFor({ state: 'hidden', timeout: 10_000 });
  }, 60_000);

  it('switches to English and remembers the choice across a reload', async () => {
    const { page } = pilot;
    const nav = await visible(page, 'nav-command', 'no command-view navigation entry');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await nav.textContent()).toMatch(CJK);

    await press(page, 'language-toggle', 'no language toggle');
    await until(async () => !CJK.test((await nav.textContent()) ?? ''), 'English navigation', 5000);
    expect(await nav.textContent()).toMatch(/[A-Za-z]{3}/);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The sidebar too: its header no longer in Chinese.
    const sidebar = await visible(page, 'fleet-sidebar', 'no fleet sidebar');
    await screenshot(page, '04-command-view-en');

    await page.reload();
    const navAfter = await visible(page, 'nav-command', 'no navigation after reload');
    expect(await navAfter.textContent()).not.toMatch(CJK);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await visible(page, 'fleet-count', 'no fleet after reload');
    expect(await sidebar.textContent()).toMatch(/[A-Za-z]{3}/);

    // Back to Chinese for the rest (the screenshots show the default language).
    await press(page, 'language-toggle', 'no language toggle');
    await until(async () => CJK.test((await navAfter.textContent()) ?? ''), 'Chinese navigation', 5000);
  }, 120_000);

  it('focuses a vehicle, takes it off and returns it: the altitude rises, then the mode changes and it comes down', async () => {
    const { page } = pilot;
    const v = fleet[0]!;
    const row = await visible(page, `fleet-row-${v.id}`, `${v.name} is not in the sidebar`);
    await press(page, `fleet-row-${v.id}`, `${v.name} is not in the sidebar`);
    const panel = await visible(page, 'vehicle-panel', 'clicking a fleet row opens no vehicle panel');
    expect(await panel.getAttribute('data-vehicle-id')).toBe(v.id);
    const groundAlt = await numberIn(page, 'vehicle-alt');
    expect(groundAlt, 'vehicle-alt shows a number').not.toBeNaN();
    expect(Math.abs(groundAlt)).toBeLessThan(2);
    // Names that do not fit are left off the globe, but the focused vehicle's always shows.
    await until(
      async () => (await shownLabels(page)).vehicles.includes(v.id),
      `the globe labels the focused ${v.name}`,
      10_000,
    );
    const drawnBefore = (await drawnVehicles(page))[v.id];
    const modeBefore = (await page.getByTestId('vehicle-mode').first().textContent())?.trim();

    // The command view has no dock controls: the dock is opened through the API, as the
    // dispatch board will (a closed lid makes the aircraft refuse to arm).
    await openDock(v);
    // Take off, confirmed; the aircraft may refuse while it settles after boot, so retry.
    let answered = false;
    for (let attempt = 0; attempt < 10 && !answered; attempt++) {
      await press(page, 'cmd-takeoff', 'an administrator sees no take-off button');
      await press(page, 'cmd-confirm', 'take off asks for no confirmation');
      const result = await visible(page, 'cmd-result', "the vehicle's answer is not shown", 20_000);
      await until(async () => (await result.getAttribute('data-ok')) !== null, 'cmd-result data-ok', 20_000);
      answered = (await result.getAttribute('data-ok')) === 'true';
      if (!answered) await sleep(1000);
    }
    expect(answered, 'take off was accepted by the vehicle').toBe(true);
    const peak = await until(
      async () => {
        const alt = await numberIn(page, 'vehicle-alt');
        return alt > 5 ? alt : undefined;
      },
      'vehicle-alt above 5 m after take-off',
      40_000,
    );
    expect(peak).toBeGreaterThan(5);
    const drawnUp = (await drawnVehicles(page))[v.id];
    expect(drawnBefore, 'the globe draws the vehicle').toBeDefined();
    expect(drawnUp!.heightM - drawnBefore!.heightM, 'the globe draws it higher').toBeGreaterThan(3);
    await screenshot(page, '05-takeoff');

    const modeTakeoff = (await page.getByTestId('vehicle-mode').first().textContent())?.trim();
    await press(page, 'cmd-return', 'an administrator sees no return button');
    await press(page, 'cmd-confirm', 'return asks for no confirmation');
    await until(
      async () => (await page.getByTestId('cmd-result').first().getAttribute('data-ok')) === 'true',
      'return accepted (cmd-result data-ok=true)',
      20_000,
    );
    await until(
      async () => {
        const mode = (await page.getByTestId('vehicle-mode').first().textContent())?.trim();
        return mode !== modeTakeoff && mode !== modeBefore;
      },
      'vehicle-mode to change on return',
      20_000,
    );
    expect(await row.getAttribute('data-mode')).toMatch(/RTL|RETURN/i);
    // PX4 first climbs to its return altitude, then comes down over home.
    let highest = Math.max(peak, await numberIn(page, 'vehicle-alt'));
    await until(
      async () => {
        const alt = await numberIn(page, 'vehicle-alt');
        highest = Math.max(highest, alt);
        return alt < highest - 3;
      },
      'vehicle-alt coming down on return',
      60_000,
    );
    await screenshot(page, '06-return');
  }, 150_000);

  it('replays a finished sortie: the slider moves the replayed aircraft', async () => {
    const { page } = pilot;
    const sortie = await replaySortie;
    expect(sortie.maxAltRelM ?? 0).toBeGreaterThan(8);
    await press(page, 'nav-sorties', 'no flight-log navigation entry');
    await visible(page, 'sortie-table', 'the flight-log page shows no sortie table');
    await visible(page, `sortie-row-${sortie.id}`, 'the finished sortie is not listed');
    await screenshot(page, '07-sorties');

    await press(page, `sortie-row-${sortie.id}`, 'the finished sortie is not listed');
    await visible(page, 'sortie-replay', 'clicking a sortie opens no replay');
    const aircraft = page.getByTestId('replay-vehicle').first();
    await until(
      async () => (await aircraft.getAttribute('data-lat')) !== null,
      'replay-vehicle position',
      20_000,
    );
    const slider = await visible(page, 'replay-slider', 'the replay has no time slider');
    await visible(page, 'replay-timeline', 'the replay shows no event timeline');

    const where = async () => ({
      lat: Number(await aircraft.getAttribute('data-lat')),
      lon: Number(await aircraft.getAttribute('data-lon')),
      alt: Number(await aircraft.getAttribute('data-alt')),
    });
    // The antd slider's own track inside the contract's wrapper.
    const track = slider.locator('.ant-slider').first();
    const box = (await ((await track.count()) ? track : slider).boundingBox())!;
    await page.mouse.click(box.x + 1, box.y + box.height / 2);
    await sleep(300);
    const start = await where();
    expect(Math.abs(start.lat - SITE.lat)).toBeLessThan(0.05);
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height / 2);
    const later = await until(
      async () => {
        const p = await where();
        const movedM = Math.hypot((p.lat - start.lat) * 111_000, (p.lon - start.lon) * 102_000);
        return movedM > 20 || Math.abs(p.alt - start.alt) > 5 ? p : undefined;
      },
      'the replayed aircraft to move when the slider moves (replay-vehicle data-lat/lon/alt)',
      10_000,
    );
    expect(later.lat).toBeGreaterThan(start.lat - 0.0001);
    await screenshot(page, '08-replay');
  }, 120_000);

  it('draws the statistics charts', async () => {
    const { page } = pilot;
    await press(page, 'nav-stats', 'no statistics navigation entry');
    await visible(page, 'stats-page', 'no statistics page');
    for (const metric of ['missions', 'sorties', 'hours', 'km']) {
      const chart = await visible(page, `stats-chart-${metric}`, `no ${metric} chart`);
      await until(
        async () => {
          const size = await chart.evaluate((el) => {
            const c = el.querySelector('canvas, svg');
            const r = c?.getBoundingClientRect();
            return r ? r.width * r.height : 0;
          });
          return size > 10_000;
        },
        `the ${metric} chart drawn (a canvas or svg inside stats-chart-${metric})`,
        15_000,
      );
    }
    await until(
      async () => (await numberIn(page, 'stats-total-sorties')) >= 1,
      'stats-total-sorties to count the finished sortie',
      15_000,
    );
    await screenshot(page, '09-stats');
  }, 120_000);

  it('shows a watch-role user the fleet but no command buttons', async () => {
    const watcher = await browser!.newPage(base);
    try {
      const { page } = watcher;
      current = page;
      await page.goto('/');
      await login(page, WATCHER.username, WATCHER.password);
      const count = await visible(page, 'fleet-count', 'a watch-role user sees no fleet', 60_000);
      await until(
        async () => (await count.textContent())?.trim() === String(VEHICLES),
        'fleet-count = 8',
        20_000,
      );
      await press(page, `fleet-row-${fleet[1]!.id}`, 'a watch-role user sees no fleet row');
      await visible(page, 'vehicle-panel', 'a watch-role user cannot open a vehicle panel');
      await visible(page, 'vehicle-alt', 'a watch-role user sees no altitude');
      const buttons = page.locator(
        ['takeoff', 'hold', 'resume', 'return', 'land', 'goto']
          .map((c) => `[data-testid="cmd-${c}"]`)
          .join(','),
      );
      expect(await buttons.count(), 'command buttons shown to a watch-role user').toBe(0);
      await screenshot(page, '10-watch-role');
    } finally {
      current = undefined;
      await watcher.context.close();
    }
  }, 120_000);
});
