/** Happy paths and bad bodies for every CRUD resource. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from './harness.ts';

let h: Harness;
let departmentId = '';
let siteId = '';
let bridgeId = '';

beforeAll(async () => {
  h = await startHarness();
  departmentId = String((await create(h, '/api/departments', { name: 'Urban management', code: 'UM' })).id);
  siteId = String((await create(h, '/api/sites', { name: 'North town', latDeg: 30.1, lonDeg: 120.2 })).id);
  bridgeId = String(
    ((await create(h, '/api/bridges', { name: 'north-bridge', siteId })).bridge as { id: string }).id,
  );
});
afterAll(async () => {
  await h.close();
});

const camera = {
  sensorWidthMm: 6.17,
  sensorHeightMm: 4.55,
  focalLengthMm: 4.5,
  imageWidthPx: 4000,
  imageHeightPx: 3000,
};

interface Resource {
  name: string;
  url: string;
  valid: () => Record<string, unknown>;
  patch: Record<string, unknown>;
  /** [description, body, expected error path] */
  bad: () => [string, unknown, string][];
}

const RESOURCES: Resource[] = [
  {
    name: 'departments',
    url: '/api/departments',
    valid: () => ({ name: `Dept ${Math.random()}` }),
    patch: { code: 'NEW' },
    bad: () => [
      ['missing name', {}, 'body.name'],
      ['empty name', { name: '' }, 'body.name'],
      ['unknown field', { name: 'Z', colour: 'red' }, 'body.colour'],
      ['wrong type', { name: 42 }, 'body.name'],
    ],
  },
  {
    name: 'sites',
    url: '/api/sites',
    valid: () => ({ name: `Site ${Math.random()}`, latDeg: 30, lonDeg: 120, departmentId }),
    patch: { description: 'by the river' },
    bad: () => [
      ['latitude out of range', { name: 'S', latDeg: 91, lonDeg: 120 }, 'body.latDeg'],
      ['longitude as text', { name: 'S', latDeg: 30, lonDeg: '120' }, 'body.lonDeg'],
      ['missing latitude', { name: 'S', lonDeg: 120 }, 'body.latDeg'],
      [
        'unknown department',
        { name: 'S', latDeg: 30, lonDeg: 120, departmentId: 'nope' },
        'body.departmentId',
      ],
    ],
  },
  {
    name: 'docks',
    url: '/api/docks',
    valid: () => ({
      name: 'Dock A',
      serial: `DK-${Math.random()}`,
      model: 'M-Dock 2',
      siteId,
      latDeg: 30.1,
      lonDeg: 120.2,
      altAmslM: 12,
      bridgeId,
      sysid: 100 + Math.floor(Math.random() * 100),
      compid: 200,
    }),
    patch: { name: 'Dock A2' },
    bad: () => [
      [
        'missing site',
        { name: 'D', serial: 'x', model: 'm', latDeg: 1, lonDeg: 1, altAmslM: 0 },
        'body.siteId',
      ],
      [
        'unknown site',
        { name: 'D', serial: 'x', model: 'm', siteId: 'nope', latDeg: 1, lonDeg: 1, altAmslM: 0 },
        'body.siteId',
      ],
      [
        'sysid out of range',
        { name: 'D', serial: 'x', model: 'm', siteId, latDeg: 1, lonDeg: 1, altAmslM: 0, sysid: 300 },
        'body.sysid',
      ],
      [
        'sysid without bridge',
        { name: 'D', serial: 'x', model: 'm', siteId, latDeg: 1, lonDeg: 1, altAmslM: 0, sysid: 3 },
        'body.sysid',
      ],
    ],
  },
  {
    name: 'vehicles',
    url: '/api/vehicles',
    valid: () => ({ name: 'Drone 1', serial: `SN-${Math.random()}`, model: 'M30', camera, departmentId }),
    patch: { name: 'Drone 1b' },
    bad: () => [
      ['missing serial', { name: 'V', model: 'm' }, 'body.serial'],
      [
        'bad camera field',
        { name: 'V', serial: 's', model: 'm', camera: { ...camera, focalLengthMm: -1 } },
        'body.camera.focalLengthMm',
      ],
      [
        'camera missing field',
        { name: 'V', serial: 's', model: 'm', camera: { sensorWidthMm: 1 } },
        'body.camera.sensorHeightMm',
      ],
      ['sysid without bridge', { name: 'V', serial: 's', model: 'm', sysid: 5 }, 'body.sysid'],
      ['unknown bridge', { name: 'V', serial: 's', model: 'm', bridgeId: 'nope', sysid: 5 }, 'body.bridgeId'],
    ],
  },
  {
    name: 'bridges',
    url: '/api/bridges',
    valid: () => ({ name: `bridge-${Math.random()}` }),
    patch: { siteId: null },
    bad: () => [
      ['missing name', { siteId }, 'body.name'],
      ['unknown site', { name: 'b', siteId: 'nope' }, 'body.siteId'],
    ],
  },
  {
    name: 'users',
    url: '/api/users',
    valid: () => ({
      username: `user-${Math.floor(Math.random() * 1e9)}`,
      displayName: 'A User',
      role: 'dispatcher',
      password: 'long-enough-pw',
    }),
    patch: { displayName: 'Renamed' },
    bad: () => {
      const bob = (over: Record<string, string>) => ({
        username: 'bob',
        displayName: 'B',
        role: 'pilot',
        password: 'long-enough-pw',
        ...over,
      });
      return [
        ['short password', bob({ password: 'short' }), 'body.password'],
        ['unknown role', bob({ role: 'king' }), 'body.role'],
        ['bad username', bob({ username: 'Bob Smith' }), 'body.username'],
        ['officer without department', bob({ role: 'department_officer' }), 'body.departmentId'],
      ];
    },
  },
];

const idOf = (r: Resource, body: Record<string, unknown>) =>
  String(r.name === 'bridges' ? (body.bridge as { id: string }).id : body.id);

async function total(url: string): Promise<number> {
  return (await h.req('GET', `${url}?limit=1`, { token: h.adminToken })).json().total as number;
}

for (const r of RESOURCES) {
  describe(r.name, () => {
    it('creates, lists, reads, changes and deletes', async () => {
      const before = await total(r.url);
      const created = await h.req('POST', r.url, { token: h.adminToken, body: r.valid() });
      expect(created.statusCode, created.body).toBe(201);
      const id = idOf(r, created.json());
      expect(await total(r.url)).toBe(before + 1);
      const one = await h.req('GET', `${r.url}/${id}`, { token: h.adminToken });
      expect(one.statusCode).toBe(200);
      expect(one.json().id).toBe(id);
      const patched = await h.req('PATCH', `${r.url}/${id}`, { token: h.adminToken, body: r.patch });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject(r.patch);
      expect((await h.req('GET', `${r.url}/${id}`, { token: h.adminToken })).json()).toMatchObject(r.patch);
      const del = await h.req('DELETE', `${r.url}/${id}`, { token: h.adminToken });
      expect(del.statusCode).toBe(204);
      expect((await h.req('GET', `${r.url}/${id}`, { token: h.adminToken })).json().error.code).toBe(
        'NotFound',
      );
      expect(await total(r.url)).toBe(before);
    });

    // Bodies refer to ids made in beforeAll, so they are built again inside each test.
    r.bad().forEach(([what, , path], i) => {
      it(`rejects ${what} naming ${path}, storing nothing`, async () => {
        const body = r.bad()[i]![1];
        const before = await total(r.url);
        const res = await h.req('POST', r.url, { token: h.adminToken, body });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'ValidationFailed', path });
        expect(res.json().error.message).toContain(path);
        expect(await total(r.url)).toBe(before);
      });
    });

    it('rejects a bad PATCH without changing the record', async () => {
      const created = await h.req('POST', r.url, { token: h.adminToken, body: r.valid() });
      const id = idOf(r, created.json());
      const before = (await h.req('GET', `${r.url}/${id}`, { token: h.adminToken })).body;
      const empty = await h.req('PATCH', `${r.url}/${id}`, { token: h.adminToken, body: {} });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.code).toBe('ValidationFailed');
      const unknown = await h.req('PATCH', `${r.url}/${id}`, {
        token: h.adminToken,
        body: { ...r.patch, nope: 1 },
      });
      expect(unknown.json().error).toMatchObject({ code: 'ValidationFailed', path: 'body.nope' });
      expect((await h.req('GET', `${r.url}/${id}`, { token: h.adminToken })).body).toBe(before);
    });

    it('answers 404 for an unknown id on read, change and delete', async () => {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await h.req(method, `${r.url}/no-such-id`, {
          token: h.adminToken,
          ...(method === 'PATCH' ? { body: r.patch } : {}),
        });
        expect(res.statusCode, `${method} ${res.body}`).toBe(404);
        expect(res.json().error.code).toBe('NotFound');
      }
    });

    it('pages the list', async () => {
      await h.req('POST', r.url, { token: h.adminToken, body: r.valid() });
      await h.req('POST', r.url, { token: h.adminToken, body: r.valid() });
      const all = (await h.req('GET', `${r.url}?limit=500`, { token: h.adminToken })).json();
      const page = (await h.req('GET', `${r.url}?limit=1&offset=1`, { token: h.adminToken })).json();
      expect(page).toMatchObject({ limit: 1, offset: 1, total: all.total });
      expect(page.items).toHaveLength(1);
      expect(page.items[0].id).toBe(all.items[1].id);
      const bad = await h.req('GET', `${r.url}?limit=0`, { token: h.adminToken });
      expect(bad.json().error).toMatchObject({ code: 'ValidationFailed', path: 'querystring.limit' });
    });
  });
}

describe('conflicts and references', () => {
  it('refuses a duplicate unique value with 409 and stores nothing', async () => {
    await create(h, '/api/departments', { name: 'Fire' });
    const before = await total('/api/departments');
    const dup = await h.req('POST', '/api/departments', { token: h.adminToken, body: { name: 'Fire' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('Conflict');
    expect(await total('/api/departments')).toBe(before);
    const user = await h.req('POST', '/api/users', {
      token: h.adminToken,
      body: { username: 'admin', displayName: 'x', role: 'pilot', password: 'long-enough-pw' },
    });
    expect(user.json().error).toMatchObject({ code: 'Conflict', path: 'body.username' });
  });

  it('refuses deleting a department that still has sites', async () => {
    const dep = await create(h, '/api/departments', { name: 'Environment' });
    await create(h, '/api/sites', { name: 'East', latDeg: 1, lonDeg: 2, departmentId: dep.id });
    const del = await h.req('DELETE', `/api/departments/${dep.id}`, { token: h.adminToken });
    expect(del.statusCode).toBe(409);
    expect(del.json().error.code).toBe('Conflict');
    expect((await h.req('GET', `/api/departments/${dep.id}`, { token: h.adminToken })).statusCode).toBe(200);
  });

  it('keeps at least one enabled administrator', async () => {
    const me = (await h.req('GET', '/api/auth/me', { token: h.adminToken })).json();
    const demote = await h.req('PATCH', `/api/users/${me.id}`, {
      token: h.adminToken,
      body: { role: 'pilot' },
    });
    expect(demote.statusCode).toBe(409);
    const del = await h.req('DELETE', `/api/users/${me.id}`, { token: h.adminToken });
    expect(del.statusCode).toBe(409);
    expect((await h.req('GET', '/api/auth/me', { token: h.adminToken })).json().role).toBe('administrator');
  });

  it('rejects malformed JSON and non-JSON bodies with coded errors, storing nothing', async () => {
    const before = await total('/api/departments');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      payload: '{"name": "Broken",',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('MalformedBody');
    const text = await h.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'text/plain' },
      payload: 'name=Broken',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('UnsupportedMediaType');
    expect(await total('/api/departments')).toBe(before);
  });

  it('answers unknown routes with a coded 404', async () => {
    const res = await h.req('GET', '/api/nothing-here', { token: h.adminToken });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NotFound');
  });
});
