/**
 * Test harness: an app on a temporary data directory (and, under AERIE_TEST_DATABASE_URL, a
 * PostgreSQL database of its own: test/database.ts), a movable clock, signed-in users.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type BuildOptions, build } from '../app.ts';
import type { ServerConfigInput } from '../config.ts';
import type { Role } from '../db/schema.ts';
import { dropTestDatabase, testDatabaseUrl } from './database.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export async function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'aerie-server-test-'));
}

export interface Harness {
  app: FastifyInstance;
  dir: string;
  clock: { t: number };
  adminToken: string;
  /** Sends a request, with `token` as bearer when given. */
  req(
    method: InjectOptions['method'],
    url: string,
    opts?: { token?: string; body?: unknown; ip?: string },
  ): Promise<LightMyRequestResponse>;
  login(username: string, password: string, ip?: string): Promise<LightMyRequestResponse>;
  /** Creates a user of `role` (officers in `departmentId`) and returns a bearer token. */
  userToken(role: Role, opts?: { departmentId?: string; username?: string }): Promise<string>;
  /** Closes the app; keeps the data directory when `keepDir`. */
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

let userSeq = 0;

export async function startHarness(
  opts: { dir?: string; config?: ServerConfigInput } & Omit<BuildOptions, 'config' | 'now'> = {},
): Promise<Harness> {
  const dir = opts.dir ?? (await tempDataDir());
  const clock = { t: Date.UTC(2026, 5, 1, 8, 0, 0) };
  const { dir: _d, config, ...rest } = opts;
  const app = await build({
    announce: () => {},
    ...rest,
    config: {
      dataDir: dir,
      logLevel: 'silent',
      adminPassword: ADMIN_PASSWORD,
      // PostgreSQL when AERIE_TEST_DATABASE_URL is set: the folder's own database (test/database.ts).
      databaseUrl: (await testDatabaseUrl(dir)) ?? null,
      ...config,
    },
    now: () => clock.t,
  });
  const req: Harness['req'] = (method, url, o = {}) =>
    app.inject({
      method,
      url,
      ...(o.token ? { headers: { authorization: `Bearer ${o.token}` } } : {}),
      ...(o.body !== undefined ? { payload: o.body as InjectOptions['payload'] } : {}),
      ...(o.ip ? { remoteAddress: o.ip } : {}),
    });
  const login: Harness['login'] = (username, password, ip) =>
    req('POST', '/api/auth/login', { body: { username, password }, ...(ip ? { ip } : {}) });
  const adminLogin = await login('admin', ADMIN_PASSWORD);
  const adminToken = adminLogin.json().token as string | undefined;
  const h: Harness = {
    app,
    dir,
    clock,
    adminToken: adminToken ?? '',
    req,
    login,
    async userToken(role, o = {}) {
      const username = o.username ?? `${role.replace(/_/g, '-')}-${++userSeq}`;
      const created = await req('POST', '/api/users', {
        token: h.adminToken,
        body: {
          username,
          displayName: username,
          role,
          password: 'password-of-user',
          ...(o.departmentId ? { departmentId: o.departmentId } : {}),
        },
      });
      if (created.statusCode !== 201) throw new Error(`user create failed: ${created.body}`);
      const res = await login(username, 'password-of-user');
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return res.json().token as string;
    },
    async close(o = {}) {
      await app.close();
      if (!o.keepDir) {
        await rm(dir, { recursive: true, force: true });
        await dropTestDatabase(dir);
      }
    },
  };
  return h;
}

/** Creates a record through the API as administrator and returns its JSON. */
export async function create(h: Harness, url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await h.req('POST', url, { token: h.adminToken, body });
  if (res.statusCode !== 201) throw new Error(`POST ${url} -> ${res.statusCode} ${res.body}`);
  return res.json();
}

/**
 * A construction finding as `POST /api/findings` takes it (score 0.9: filed at once), at `at`,
 * captured at the harness clock's time.
 */
export function constructionFinding(h: Harness, at: { lat: number; lon: number }) {
  return {
    category: 'construction',
    label: 'excavator',
    score: 0.9,
    box: [10, 20, 30, 40],
    detector: { name: 'test-detector', version: '1.0.0', kind: 'image-analysis' },
    vehicleId: 'veh-1',
    capturedAtMs: h.clock.t,
    location: { ...at, errorM: 4 },
    frames: 1,
  };
}

/** Creates a record (see `create`) and returns its id. */
export async function createId(h: Harness, url: string, body: unknown): Promise<string> {
  return String((await create(h, url, body)).id);
}

/** Creates vehicle `V<key>` (serial `V-<key>`, model M30) in `departmentId`, with `extra`; its id. */
export function createVehicle(
  h: Harness,
  key: string,
  departmentId: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  return createId(h, '/api/vehicles', {
    name: `V${key}`,
    serial: `V-${key}`,
    model: 'M30',
    departmentId,
    ...extra,
  });
}

/** Creates dock `D<key>` (serial `D-<key>`, model Dock 2) at 30° N 120° E, 5 m, on `siteId`; its id. */
export function createDock(h: Harness, key: string, siteId: string, departmentId: string): Promise<string> {
  return createId(h, '/api/docks', {
    name: `D${key}`,
    serial: `D-${key}`,
    model: 'Dock 2',
    siteId,
    departmentId,
    latDeg: 30,
    lonDeg: 120,
    altAmslM: 5,
  });
}

/** A ticket as the tests read it back (the fields of its time limits). */
export interface TicketDeadlines {
  status: string;
  version: number;
  handleDeadlineAt: string | null;
  dueAt: string | null;
}

let departmentSeq = 0;

/**
 * A construction ticket routed to a department of its own and signed by its officer at `signAt`
 * (the clock is moved there); `read()` reads it back at whatever time the clock says (signing in
 * again: sessions expire over the weeks a test may move the clock).
 */
export async function signedConstructionTicket(
  h: Harness,
  signAt: number,
): Promise<{ id: string; read(): Promise<TicketDeadlines> }> {
  const signInAdmin = async () => {
    h.adminToken = (await h.login('admin', ADMIN_PASSWORD)).json().token;
  };
  h.clock.t = signAt - 3_600_000;
  await signInAdmin();
  const code = `D${++departmentSeq}`;
  const dep = String((await create(h, '/api/departments', { name: `Department ${code}`, code })).id);
  await create(h, '/api/ticket-routes', { category: 'construction', gridId: null, departmentId: dep });
  const officer = await h.userToken('department_officer', { departmentId: dep });
  const centre = await h.userToken('command_centre');
  const filed = await h.req('POST', '/api/findings', {
    token: centre,
    body: { finding: constructionFinding(h, { lat: 30.27, lon: 120.15 + departmentSeq / 100 }) },
  });
  if (filed.statusCode !== 201) throw new Error(`finding not filed: ${filed.body}`);
  const id = filed.json().ticket.id as string;
  const read = async (token?: string): Promise<TicketDeadlines> => {
    if (!token) await signInAdmin();
    const res = await h.req('GET', `/api/tickets/${id}`, {
      token: token ?? (await h.userToken('command_centre')),
    });
    if (res.statusCode !== 200) throw new Error(`ticket ${id} not read: ${res.body}`);
    return res.json().ticket;
  };
  h.clock.t = signAt;
  const signed = await h.req('POST', `/api/tickets/${id}/transitions`, {
    token: officer,
    body: { action: 'sign', version: (await read(centre)).version },
  });
  if (signed.statusCode !== 200) throw new Error(`ticket not signed: ${signed.body}`);
  return { id, read: () => read() };
}
