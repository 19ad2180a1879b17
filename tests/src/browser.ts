/**
 * A real browser for the end-to-end tests and the console benchmark: Debian's chromium
 * (installed by `.ci/run`), driven by playwright-core, never a downloaded one. Headless, with a
 * software WebGL renderer (SwiftShader) so the Cesium globe draws on machines without a GPU,
 * and with everything that would reach the internet turned off.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where `screenshot()` writes: `screenshots/` at the repository root (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../screenshots/', import.meta.url));

export const VIEWPORT = { width: 1440, height: 900 } as const;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // A hidden or unfocused page would otherwise get its frames and timers throttled, which
  // the frame-rate benchmark and the live updates must not see.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** A page with the errors it raised. */
export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions and unhandled rejections in the page, oldest first. */
  errors: Error[];
}

export interface ConsoleBrowser {
  browser: Browser;
  /**
   * A new, isolated context (own cookies and storage) with one 1440x900 page; relative URLs
   * (`page.goto('/sorties')`) resolve against `baseUrl`, the server's address.
   */
  newPage(baseUrl: string, opts?: { locale?: string }): Promise<ConsolePage>;
  /** Throws naming every uncaught page error seen since the last call, then forgets them. */
  assertNoPageErrors(): void;
  close(): Promise<void>;
}

/**
 * Launches headless chromium. Playwright gives each launch a fresh profile (its own
 * `--user-data-dir` in a new folder under the OS temp dir) and deletes it on close, so no
 * state leaks between runs.
 */
export async function launchBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const pending: { where: string; error: Error }[] = [];
  return {
    browser,
    async newPage(baseUrl, opts = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: VIEWPORT,
        locale: opts.locale ?? 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      // Functions handed to page.evaluate are compiled by tsx (esbuild, keepNames), which wraps
      // named inner functions in a `__name(fn, "name")` helper the page does not have.
      await context.addInitScript('globalThis.__name ??= (fn) => fn;');
      const page = await context.newPage();
      const errors: Error[] = [];
      page.on('pageerror', (error) => {
        errors.push(error);
        pending.push({ where: page.url(), error });
      });
      return { page, context, errors };
    },
    assertNoPageErrors() {
      if (pending.length === 0) return;
      const list = pending
        .splice(0)
        .map((p) => `  at ${p.where}: ${p.error.stack ?? p.error.message}`)
        .join('\n');
      throw new Error(`uncaught error(s) in the page:\n${list}`);
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * Signs in through the login page and waits until the page has left /login. For a login meant
 * to fail, use `submitLogin`.
 */
export async function login(page: Page, user: string, password: string): Promise<void> {
  await submitLogin(page, user, password);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
}

/** Fills and submits the login form without waiting for the outcome. */
export async function submitLogin(page: Page, user: string, password: string): Promise<void> {
  if (new URL(page.url(), 'http://x').pathname !== '/login') await page.goto('/login');
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Writes a full-viewport PNG as screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Waits for `data-testid=id` to be visible and returns it; the error names the id and `what`
 * the user would miss.
 */
export async function visible(page: Page, id: string, what: string, timeoutMs = 20_000) {
  const loc = page.getByTestId(id).first();
  try {
    await loc.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`${what}: no visible [data-testid="${id}"] within ${timeoutMs} ms on ${page.url()}`);
  }
  return loc;
}

/** An aircraft as the console's globe draws it. */
export interface DrawnVehicle {
  lon: number;
  lat: number;
  heightM: number;
  headingDeg: number;
}

/** What the globe draws, by vehicle id (the console's `window.__aerie.drawnVehicles()` hook). */
export async function drawnVehicles(page: Page): Promise<Record<string, DrawnVehicle>> {
  return page.evaluate(() => {
    const hooks = (window as unknown as { __aerie?: { drawnVehicles?: () => Record<string, DrawnVehicle> } })
      .__aerie;
    return hooks?.drawnVehicles ? hooks.drawnVehicles() : {};
  });
}
