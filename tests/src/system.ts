/**
 * The whole system in child processes, as a user starts it (`aerie up`, `aerie server`), for
 * the end-to-end tests: ports from the OS, a temporary data folder, the administrator signed in
 * over HTTP, and a stop that leaves nothing running or on disk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConsoleBrowser, type ConsolePage, launchBrowser } from './browser.ts';
import { AERIE_BIN, freeTcpPort, freeUdpPort, freeUdpRange, until } from './cli.ts';

/** The repository root, where `aerie` runs from. */
export const ROOT = path.resolve(path.dirname(AERIE_BIN), '..');

/** A reply of the REST API: its status and its JSON body (null when empty). */
export interface ApiReply<T> {
  status: number;
  body: T;
}

/** A child `aerie` process with everything it printed. */
export interface AerieProcess {
  child: ChildProcess;
  /** The temporary data folder (`AERIE_DATA_DIR` / `--data-dir`). */
  dataDir: string;
  /** Its stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** Ctrl-C, 10 s to exit, then SIGKILL; removes the data folder. */
  stop(): Promise<void>;
}

/** `aerie up` in a child process, before it is up. */
export interface AerieUpProcess extends AerieProcess {
  base: string;
  /** Waits for the "Aerie is up" banner; gives up at once, with the output, if it exits. */
  banner(timeoutMs: number): Promise<void>;
}

/** A running system with the administrator signed in. */
export interface AerieSystem extends AerieProcess {
  base: string;
  /** The administrator's bearer token. */
  token: string;
  /** Calls the REST API as `token` (the administrator by default). */
  api<T = unknown>(method: string, url: string, body?: unknown, token?: string): Promise<ApiReply<T>>;
  /** Signs in over HTTP and returns the bearer token; throws naming the user when refused. */
  tokenOf(username: string, password: string): Promise<string>;
}

/**
 * Starts `aerie ...args` from the repository root with `env` over this process's environment;
 * `dataDir` is the data folder it was given, which `stop()` removes.
 */
export function spawnAerie(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}): AerieProcess {
  const child = spawn(process.execPath, [AERIE_BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    dataDir,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `aerie up ...args` with its server, bridge and simulator on ports from the OS, with
 * `vehicles` simulated aircraft (unless `args` names `--vehicles`) and a new data folder named
 * after `name`.
 */
export async function spawnAerieUp(opts: {
  name: string;
  adminPassword: string;
  vehicles: number;
  args?: string[];
  /** More environment for `aerie up` (e.g. `AERIE_VIDEO_RECORD`). */
  env?: Record<string, string>;
}): Promise<AerieUpProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `aerie-${opts.name}-`));
  const port = await freeTcpPort();
  // The fleet the ports were reserved for: `aerie up` would otherwise start its default 8.
  const args = opts.args ?? [];
  const fleet = args.includes('--vehicles') ? [] : ['--vehicles', String(opts.vehicles)];
  const proc = spawnAerie(['up', ...fleet, ...args], dataDir, {
    PORT: String(port),
    AERIE_DATA_DIR: dataDir,
    AERIE_ADMIN_PASSWORD: opts.adminPassword,
    AERIE_GCS_PORT: String(await freeUdpPort()),
    AERIE_SIM_BASE_PORT: String(await freeUdpRange(opts.vehicles)),
    ...opts.env,
  });
  return { ...proc, base: `http://127.0.0.1:${port}`, banner: (timeoutMs) => waitForBanner(proc, timeoutMs) };
}

/**
 * Waits for `aerie up`'s "Aerie is up" banner; gives up at once if the process exits. The error
 * carries everything it printed.
 */
export async function waitForBanner(proc: AerieProcess, timeoutMs: number): Promise<void> {
  const { child, output } = proc;
  await until(async () => output().includes('Aerie is up'), 'the "Aerie is up" banner', timeoutMs, {
    stopIf: () => (child.exitCode !== null ? `aerie up exited (${child.exitCode}):\n${output()}` : null),
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${output()}`);
  });
}

/** Signs in as `username` at `base` and returns the bearer token. */
export async function tokenAt(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200)
    throw new Error(`signing in as ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function signedIn(proc: AerieProcess, base: string, adminPassword: string): Promise<AerieSystem> {
  const token = await tokenAt(base, 'admin', adminPassword);
  return {
    ...proc,
    base,
    token,
    async api<T>(method: string, url: string, body?: unknown, as = token): Promise<ApiReply<T>> {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${as}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    tokenOf: (username, password) => tokenAt(base, username, password),
  };
}

/** A user the administrator creates. */
export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: string;
  departmentId?: string;
}

/** Creates `users` as the administrator; throws naming the user the server refused. */
export async function createUsers(system: AerieSystem, users: readonly NewUser[]): Promise<void> {
  for (const user of users) {
    const made = await system.api('POST', '/api/users', user);
    if (made.status !== 201)
      throw new Error(`creating user ${user.username} answered ${made.status}: ${JSON.stringify(made.body)}`);
  }
}

/**
 * `aerie up` (see `spawnAerieUp`), waited for until its banner, the administrator signed in and
 * `users` created.
 */
export async function startAerieUp(
  opts: Parameters<typeof spawnAerieUp>[0] & { bannerTimeoutMs: number; users?: readonly NewUser[] },
): Promise<AerieSystem> {
  const up = await spawnAerieUp(opts);
  try {
    await up.banner(opts.bannerTimeoutMs);
    const system = await signedIn(up, up.base, opts.adminPassword);
    await createUsers(system, opts.users ?? []);
    return system;
  } catch (err) {
    await up.stop();
    throw err;
  }
}

/**
 * `aerie server` alone on a port from the OS (`--port 0`, read back from its "listening" line)
 * and a new data folder named after `name`, with the console build left as it is; the
 * administrator signed in.
 */
export async function startAerieServer(opts: {
  name: string;
  adminPassword: string;
  timeoutMs: number;
}): Promise<AerieSystem> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `aerie-${opts.name}-`));
  const proc = spawnAerie(['server', '--port', '0', '--data-dir', dataDir, '--skip-console-build'], dataDir, {
    AERIE_ADMIN_PASSWORD: opts.adminPassword,
  });
  const { child, output } = proc;
  try {
    const base = await until(
      async () => /aerie server listening on (http:\/\/\S+) /.exec(output())?.[1],
      'the server to listen',
      opts.timeoutMs,
      { stopIf: () => (child.exitCode !== null ? `aerie server exited:\n${output()}` : null) },
    );
    return await signedIn(proc, base, opts.adminPassword);
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/**
 * Waits until the API lists at least `count` docks (one per simulated aircraft) and returns
 * them sorted by name.
 */
export async function listDocks<T extends { name: string }>(
  system: AerieSystem,
  count: number,
  timeoutMs = 60_000,
): Promise<T[]> {
  const docks = await until(
    async () => {
      const { body } = await system.api<{ items: T[] }>('GET', '/api/docks?limit=100');
      return body.items.length >= count ? body.items : undefined;
    },
    `the ${count} dock(s) of the simulated fleet`,
    timeoutMs,
  );
  return docks.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Launches the browser while `starting` brings the system up; when either fails, closes the
 * other before throwing.
 */
export async function withBrowser(
  starting: Promise<AerieSystem>,
): Promise<{ system: AerieSystem; browser: ConsoleBrowser }> {
  const [system, browser] = await Promise.allSettled([starting, launchBrowser()]);
  if (system.status === 'fulfilled' && browser.status === 'fulfilled')
    return { system: system.value, browser: browser.value };
  if (browser.status === 'fulfilled') await browser.value.close();
  if (system.status === 'fulfilled') await system.value.stop();
  throw system.status === 'rejected' ? system.reason : (browser as PromiseRejectedResult).reason;
}

/** The dispatch console's end-to-end set-up (see `startDispatchConsole`). */
export interface DispatchConsole<D> {
  system: AerieSystem;
  browser: ConsoleBrowser;
  /** A page on the console, not yet signed in. */
  ui: ConsolePage;
  /** The first dock by name. */
  dock: D;
}

/**
 * `aerie up` with `vehicles` docked aircraft at `speedup` times real time and a dispatcher
 * account, the browser with a page on it, once every aircraft's dock is listed.
 */
export async function startDispatchConsole<D extends { name: string }>(opts: {
  name: string;
  adminPassword: string;
  vehicles: number;
  speedup: number;
  dispatcher: Omit<NewUser, 'role'>;
}): Promise<DispatchConsole<D>> {
  const { system, browser } = await withBrowser(
    startAerieUp({
      name: opts.name,
      adminPassword: opts.adminPassword,
      vehicles: opts.vehicles,
      args: ['--vehicles', String(opts.vehicles), '--speedup', String(opts.speedup)],
      // Includes a console build when sources changed since the global setup (slow on a busy machine).
      bannerTimeoutMs: 240_000,
      users: [{ ...opts.dispatcher, role: 'dispatcher' }],
    }),
  );
  try {
    const dock = (await listDocks<D>(system, opts.vehicles))[0]!;
    return { system, browser, ui: await browser.newPage(system.base), dock };
  } catch (err) {
    await browser.close();
    await system.stop();
    throw err;
  }
}
