/**
 * The role-by-route matrix, written out by hand: each route and the roles that may use it (a
 * register's five routes as one `crud` line).
 * The test checks the server against this table (403 for everyone else, 401 without a
 * session), that the code's PERMISSION_MATRIX says the same, and that every route the
 * server documents is in the table, so a new route cannot skip this test.
 */

import { DOCK_ACTIONS, type DockCommand } from '@aerie/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, dockActionPermission, PERMISSION_MATRIX, type Permission } from '../auth/permissions.ts';
import { ROLES, type Role } from '../db/schema.ts';
import { create, type Harness, startHarness } from './harness.ts';

const ALL: Role[] = [...ROLES];
const ADMIN: Role[] = ['administrator'];
const BRIDGE_READERS: Role[] = ['administrator', 'dispatcher', 'pilot', 'command_centre'];
const MISSING = '00000000-0000-4000-8000-000000000000';
const PLANNERS: Role[] = ['administrator', 'dispatcher'];
const TICKET_WORKERS: Role[] = ['dispatcher', 'command_centre', 'department_officer', 'reviewer'];

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  permission: Permission | 'public';
  allowed: Role[];
  body?: unknown;
}

/**
 * The five rows of a register: list and read with `<resource>.read` for `readers`; create,
 * change (with `patch`) and delete with `<resource>.write` for `writers`.
 */
function crud(
  base: string,
  resource: string,
  readers: Role[],
  writers: Role[],
  patch: unknown = { name: 'x' },
): Row[] {
  const read = `${resource}.read` as Permission;
  const write = `${resource}.write` as Permission;
  return [
    { method: 'GET', route: base, permission: read, allowed: readers },
    { method: 'GET', route: `${base}/{id}`, permission: read, allowed: readers },
    { method: 'POST', route: base, permission: write, allowed: writers, body: {} },
    { method: 'PATCH', route: `${base}/{id}`, permission: write, allowed: writers, body: patch },
    { method: 'DELETE', route: `${base}/{id}`, permission: write, allowed: writers },
  ];
}

const TABLE: Row[] = [
  { method: 'GET', route: '/api/auth/me', permission: 'session.self', allowed: ALL },
  { method: 'POST', route: '/api/auth/logout', permission: 'session.self', allowed: ALL },
  { method: 'POST', route: '/api/auth/password', permission: 'session.self', allowed: ALL, body: {} },
  { method: 'GET', route: '/api/maps', permission: 'session.self', allowed: ALL },
  { method: 'GET', route: '/api/maps/{name}/{z}/{x}/{tile}', permission: 'session.self', allowed: ALL },
  { method: 'GET', route: '/api/maps/overlays/{name}', permission: 'session.self', allowed: ALL },
  ...crud('/api/users', 'users', ADMIN, ADMIN, { displayName: 'x' }),
  ...crud('/api/departments', 'departments', ALL, ADMIN),
  ...crud('/api/sites', 'sites', ALL, ADMIN),
  ...crud('/api/docks', 'docks', ALL, ADMIN),
  { method: 'GET', route: '/api/docks/{id}/status', permission: 'docks.read', allowed: ALL },
  {
    method: 'POST',
    route: '/api/docks/{id}/commands',
    permission: 'docks.prepare',
    allowed: ['administrator', 'dispatcher', 'pilot'],
    body: { action: 'open_lid' },
  },
  ...crud('/api/vehicles', 'vehicles', ALL, ADMIN),
  {
    method: 'POST',
    route: '/api/vehicles/{id}/commands',
    permission: 'vehicles.command',
    allowed: ['administrator', 'pilot'],
    body: { action: 'hold' },
  },
  { method: 'GET', route: '/api/vehicles/{id}/commands', permission: 'vehicles.read', allowed: ALL },
  ...crud('/api/bridges', 'bridges', BRIDGE_READERS, ADMIN),
  { method: 'POST', route: '/api/bridges/{id}/token', permission: 'bridges.write', allowed: ADMIN },
  { method: 'GET', route: '/api/sorties', permission: 'sorties.read', allowed: ALL },
  { method: 'GET', route: '/api/sorties/{id}', permission: 'sorties.read', allowed: ALL },
  { method: 'GET', route: '/api/sorties/{id}/track', permission: 'sorties.read', allowed: ALL },
  { method: 'GET', route: '/api/sorties/{id}/events', permission: 'sorties.read', allowed: ALL },
  { method: 'GET', route: '/api/sorties/{id}/tlog', permission: 'sorties.tlog', allowed: BRIDGE_READERS },
  { method: 'GET', route: '/api/sorties/{id}/report', permission: 'sorties.read', allowed: ALL },
  {
    method: 'GET',
    route: '/api/stats?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z',
    permission: 'stats.read',
    allowed: ALL,
  },
  { method: 'GET', route: '/api/audit', permission: 'audit.read', allowed: ADMIN },
  { method: 'GET', route: '/api/console/settings', permission: 'session.self', allowed: ALL },
  ...crud('/api/routes', 'routes', ALL, PLANNERS),
  { method: 'GET', route: '/api/routes/{id}/export', permission: 'routes.read', allowed: ALL },
  { method: 'POST', route: '/api/routes/validate', permission: 'routes.read', allowed: ALL, body: {} },
  { method: 'POST', route: '/api/routes/import', permission: 'routes.write', allowed: PLANNERS, body: {} },
  ...crud('/api/zones', 'zones', ALL, ADMIN),
  { method: 'GET', route: '/api/zones.geojson', permission: 'zones.read', allowed: ALL },
  ...crud('/api/schedules', 'schedules', ALL, PLANNERS),
  { method: 'GET', route: '/api/schedules/{id}/preview', permission: 'schedules.read', allowed: ALL },
  { method: 'POST', route: '/api/sorties', permission: 'sorties.launch', allowed: PLANNERS, body: {} },
  {
    method: 'POST',
    route: '/api/sorties/{id}/abort',
    permission: 'sorties.abort',
    allowed: ['administrator', 'dispatcher', 'pilot'],
  },
  // Tickets (tickets/routes.ts); which action a role may take is tickets/core's own matrix.
  {
    method: 'POST',
    route: '/api/findings',
    permission: 'findings.intake',
    allowed: ['administrator', 'dispatcher', 'command_centre'],
    body: {},
  },
  { method: 'GET', route: '/api/tickets', permission: 'tickets.read', allowed: ALL },
  { method: 'GET', route: '/api/tickets/stats', permission: 'tickets.read', allowed: ALL },
  { method: 'GET', route: '/api/tickets/calendar', permission: 'tickets.read', allowed: ALL },
  {
    method: 'PUT',
    route: '/api/tickets/calendar/{year}',
    permission: 'calendar.write',
    allowed: ADMIN,
    body: { year: 2027, holidays: ['2027-01-01'], makeUpWorkdays: [] },
  },
  { method: 'GET', route: '/api/tickets/{id}', permission: 'tickets.read', allowed: ALL },
  {
    method: 'POST',
    route: '/api/tickets/{id}/transitions',
    permission: 'tickets.act',
    allowed: TICKET_WORKERS,
    body: {},
  },
  {
    method: 'POST',
    route: '/api/tickets/{id}/evidence',
    permission: 'tickets.evidence',
    allowed: TICKET_WORKERS,
    body: {},
  },
  { method: 'GET', route: '/api/tickets/{id}/evidence/{seq}', permission: 'tickets.read', allowed: ALL },
  {
    method: 'POST',
    route: '/api/tickets/{id}/verification-flight',
    permission: 'tickets.verification_flight',
    allowed: ['dispatcher', 'reviewer'],
  },
  {
    method: 'GET',
    route: '/api/tickets/{id}/evidence/{seq}/original',
    permission: 'evidence.original',
    allowed: ['administrator', 'command_centre'],
  },
  {
    method: 'GET',
    route: '/api/triage',
    permission: 'triage.read',
    allowed: ['administrator', 'dispatcher', 'command_centre'],
  },
  {
    method: 'POST',
    route: '/api/triage/{id}/confirm',
    permission: 'triage.decide',
    allowed: ['dispatcher', 'command_centre'],
    body: {},
  },
  {
    method: 'POST',
    route: '/api/triage/{id}/reject',
    permission: 'triage.decide',
    allowed: ['dispatcher', 'command_centre'],
    body: {},
  },
  ...crud('/api/grids', 'grids', ALL, ADMIN),
  { method: 'POST', route: '/api/grids/import', permission: 'grids.write', allowed: ADMIN, body: {} },
  { method: 'GET', route: '/api/ticket-routes', permission: 'grids.read', allowed: ALL },
  { method: 'POST', route: '/api/ticket-routes', permission: 'grids.write', allowed: ADMIN, body: {} },
  { method: 'DELETE', route: '/api/ticket-routes/{id}', permission: 'grids.write', allowed: ADMIN },
  { method: 'GET', route: '/api/open311-keys', permission: 'open311.keys', allowed: ADMIN },
  { method: 'POST', route: '/api/open311-keys', permission: 'open311.keys', allowed: ADMIN, body: {} },
  { method: 'DELETE', route: '/api/open311-keys/{id}', permission: 'open311.keys', allowed: ADMIN },
  { method: 'GET', route: '/api/video/streams', permission: 'video.read', allowed: BRIDGE_READERS },
  { method: 'GET', route: '/api/sorties/{id}/video', permission: 'video.read', allowed: BRIDGE_READERS },
  {
    method: 'GET',
    route: '/api/sorties/{id}/video/{segmentId}',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  {
    method: 'GET',
    route: '/api/video/{vehicleId}/source',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  {
    method: 'GET',
    route: '/api/video/{vehicleId}/stills',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  {
    method: 'GET',
    route: '/api/video/{vehicleId}/stills/{imageId}',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  {
    method: 'POST',
    route: '/api/video/{vehicleId}/snapshots',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  {
    method: 'POST',
    route: '/api/video/{vehicleId}/whep',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
    body: {},
  },
  {
    method: 'DELETE',
    route: '/api/video/whep/{sessionId}',
    permission: 'video.read',
    allowed: BRIDGE_READERS,
  },
  { method: 'GET', route: '/api/webhooks', permission: 'webhooks.manage', allowed: ADMIN },
  { method: 'POST', route: '/api/webhooks', permission: 'webhooks.manage', allowed: ADMIN, body: {} },
  { method: 'DELETE', route: '/api/webhooks/{id}', permission: 'webhooks.manage', allowed: ADMIN },
  { method: 'GET', route: '/api/webhooks/{id}/deliveries', permission: 'webhooks.manage', allowed: ADMIN },
  { method: 'GET', route: '/api/health', permission: 'public', allowed: ALL },
  { method: 'GET', route: '/api/ready', permission: 'public', allowed: ALL },
  { method: 'POST', route: '/api/auth/login', permission: 'public', allowed: ALL, body: {} },
];

/**
 * Each dock command and who may send it. A pilot runs the dock for the flight they fly (lid,
 * take-off and landing preparation, charging after landing); stopping a charge leaves a parked
 * aircraft short for the next dispatch, so it stays with dispatchers.
 */
const DOCK_RUNNERS: Role[] = ['administrator', 'dispatcher'];
const DOCK_FLIGHT: Role[] = ['administrator', 'dispatcher', 'pilot'];
const DOCK_ACTION_TABLE: { action: DockCommand['action']; permission: Permission; allowed: Role[] }[] = [
  { action: 'open_lid', permission: 'docks.prepare', allowed: DOCK_FLIGHT },
  { action: 'close_lid', permission: 'docks.prepare', allowed: DOCK_FLIGHT },
  { action: 'prepare_takeoff', permission: 'docks.prepare', allowed: DOCK_FLIGHT },
  { action: 'prepare_landing', permission: 'docks.prepare', allowed: DOCK_FLIGHT },
  { action: 'start_charging', permission: 'docks.prepare', allowed: DOCK_FLIGHT },
  { action: 'stop_charging', permission: 'docks.command', allowed: DOCK_RUNNERS },
];

let h: Harness;
const tokens = new Map<Role, string>();
let departmentId = '';

beforeAll(async () => {
  h = await startHarness();
  departmentId = String((await create(h, '/api/departments', { name: 'Water' })).id);
  for (const role of ROLES) {
    tokens.set(role, await h.userToken(role, role === 'department_officer' ? { departmentId } : {}));
  }
});
afterAll(async () => {
  await h.close();
});

const url = (row: Row) => row.route.replace('{id}', MISSING).replace('{year}', '2027');

describe('permission matrix', () => {
  it('lists every documented route', async () => {
    const doc = (await h.req('GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const inTable = TABLE.map((r) => `${r.method} ${r.route.split('?')[0]}`);
    expect(documented.sort()).toEqual(inTable.sort());
  });

  it('agrees with PERMISSION_MATRIX in the code', () => {
    for (const row of TABLE) {
      if (row.permission === 'public') continue;
      const granted = ROLES.filter((r) => decide(r, row.permission as Permission) !== null);
      expect(granted, `${row.method} ${row.route}`).toEqual(row.allowed);
    }
    const used = new Set([...TABLE, ...DOCK_ACTION_TABLE].map((r) => r.permission));
    for (const p of Object.keys(PERMISSION_MATRIX)) expect(used.has(p as Permission), p).toBe(true);
  });

  it('names every dock command once in the dock table, with the permission the code asks', () => {
    expect(DOCK_ACTION_TABLE.map((r) => r.action).sort()).toEqual([...DOCK_ACTIONS].sort());
    for (const row of DOCK_ACTION_TABLE) {
      expect(dockActionPermission(row.action), row.action).toBe(row.permission);
      expect(
        ROLES.filter((r) => decide(r, row.permission) !== null),
        row.action,
      ).toEqual(row.allowed);
    }
  });

  for (const row of DOCK_ACTION_TABLE) {
    for (const role of ROLES) {
      const allowed = row.allowed.includes(role);
      it(`POST /api/docks/{id}/commands ${row.action} — ${role}: ${allowed ? 'allowed' : '403'}`, async () => {
        const res = await h.req('POST', `/api/docks/${MISSING}/commands`, {
          token: tokens.get(role)!,
          body: { action: row.action },
        });
        if (allowed) {
          // Past the role checks: the dock does not exist.
          expect(res.statusCode, res.body).toBe(404);
        } else {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().error.params).toMatchObject({ detail: 'RoleMayNot', role });
        }
      });
    }
  }

  for (const row of TABLE) {
    describe(`${row.method} ${row.route}`, () => {
      if (row.permission !== 'public') {
        it('answers 401 without a session', async () => {
          const res = await h.req(row.method, url(row), { body: row.body });
          expect(res.statusCode).toBe(401);
          expect(res.json().error.code).toBe('Unauthorized');
        });
      }
      for (const role of ROLES) {
        const allowed = row.allowed.includes(role);
        it(`${role}: ${allowed ? 'allowed' : '403'}`, async () => {
          // Logging out would end the shared session: give that row a session of its own.
          const token =
            row.route === '/api/auth/logout'
              ? ((await h.login(await usernameOf(role), 'password-of-user')).json().token as string)
              : tokens.get(role)!;
          const res = await h.req(row.method, url(row), { token, body: row.body });
          if (allowed) {
            expect([401, 403], res.body).not.toContain(res.statusCode);
            expect(res.statusCode, res.body).toBeLessThan(500);
          } else {
            expect(res.statusCode, res.body).toBe(403);
            expect(res.json().error.code).toBe('Forbidden');
            expect(res.json().error.params).toMatchObject({ detail: 'RoleMayNot', role });
          }
        });
      }
    });
  }
});

async function usernameOf(role: Role): Promise<string> {
  const me = await h.req('GET', '/api/auth/me', { token: tokens.get(role)! });
  return me.json().username as string;
}
