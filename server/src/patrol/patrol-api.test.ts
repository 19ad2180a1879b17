/**
 * The patrol REST routes through `app.inject()`: routes saved only when they may fly (422
 * with the issues otherwise, nothing saved), imported files with errors that name the item
 * and field, exports that read back, department scoping, zones, schedules with a preview of
 * their runs, and launch/abort answers when nothing can fly.
 */
import { destination, parseRouteFile, writeQgcPlan } from '@aerie/missions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from '../test/harness.ts';

const DOCK = { lat: 30.2741, lon: 120.1551 };
let h: Harness;
let dispatcher = '';

function routeFile(name: string, through: { lat: number; lon: number }[]) {
  return {
    format: 'aerie.route',
    version: 1,
    name,
    home: DOCK,
    defaults: { altM: 40, speedMps: 8 },
    items: [
      { type: 'takeoff', altM: 30 },
      ...through.map((p) => ({ type: 'waypoint', lat: p.lat, lon: p.lon, altM: 40 })),
      { type: 'rtl' },
    ],
  };
}
const near = [destination(DOCK, 0, 300), destination(DOCK, 90, 300)];

beforeAll(async () => {
  h = await startHarness({ patrol: { scheduler: false } });
  dispatcher = await h.userToken('dispatcher');
});
afterAll(async () => {
  await h.close();
});

describe('patrol routes', () => {
  it('saves a flyable route with its figures, and refuses one through a no-fly zone with the issues', async () => {
    const ok = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'North loop', kind: 'waypoint', route: routeFile('x', near) },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const saved = ok.json();
    expect(saved).toMatchObject({ name: 'North loop', kind: 'waypoint', route: { name: 'North loop' } });
    expect(saved.summary.distanceM).toBeGreaterThan(600);
    expect(saved.summary.durationS).toBeGreaterThan(60);

    await create(h, '/api/zones', {
      name: 'Hospital',
      kind: 'nofly',
      geometry: { type: 'circle', center: destination(DOCK, 45, 600), radiusM: 120 },
    });
    const before = (await h.req('GET', '/api/routes', { token: dispatcher })).json().total;
    const through = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: {
        name: 'Through the hospital',
        kind: 'waypoint',
        route: routeFile('y', [destination(DOCK, 45, 600), destination(DOCK, 45, 900)]),
      },
    });
    expect(through.statusCode, through.body).toBe(422);
    expect(through.json().error.code).toBe('RouteNotFlyable');
    expect(through.json().error.message).toContain('Hospital');
    expect(through.json().issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'EntersNoFlyZone', severity: 'error', item: 1 }),
      ]),
    );
    expect((await h.req('GET', '/api/routes', { token: dispatcher })).json().total).toBe(before);
  });

  it('refuses a malformed route body naming the field', async () => {
    const bad = routeFile('z', near);
    (bad.items[1] as { lat: number }).lat = 123;
    const res = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'Bad', kind: 'waypoint', route: bad },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('items[1].lat');
  });

  it('a photo capture setting counts as the camera items it becomes: summary, checks and .plan export', async () => {
    const plain = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'No photos', kind: 'waypoint', route: routeFile('a', near) },
    });
    const res = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: {
        name: 'Photo loop',
        kind: 'waypoint',
        route: { ...routeFile('b', near), capture: { distanceM: 40 } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().summary.itemCount).toBe(plain.json().summary.itemCount + 2);
    const plan = await h.req('GET', `/api/routes/${res.json().id}/export?format=plan`, { token: dispatcher });
    expect(plan.statusCode).toBe(200);
    const commands = (JSON.parse(plan.body).mission.items as { command: number; params: number[] }[]).map(
      (i) => [i.command, i.params[0]],
    );
    // MAV_CMD_DO_SET_CAM_TRIGG_DIST 40 m after the take-off, 0 m (stop) before the return.
    expect(commands.filter(([c]) => c === 206)).toEqual([
      [206, 40],
      [206, 0],
    ]);
    const both = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: {
        name: 'Both',
        kind: 'waypoint',
        route: {
          ...routeFile('c', near),
          items: [
            ...routeFile('c', near).items.slice(0, 2),
            { type: 'photo', distanceM: 20 },
            { type: 'rtl' },
          ],
          capture: { intervalS: 2 },
        },
      },
    });
    expect(both.statusCode, both.body).toBe(400);
    expect(both.json().error.message).toContain('capture');
  });

  it('imports a .plan, refuses a broken one naming the item and field (nothing saved), and exports in every format', async () => {
    const plan = writeQgcPlan({
      name: 'p',
      home: DOCK,
      defaults: { altM: 40, speedMps: 8 },
      items: [
        { type: 'takeoff', altM: 30 },
        { type: 'waypoint', lat: near[0]!.lat, lon: near[0]!.lon, altM: 40 },
        { type: 'rtl' },
      ],
    });
    const total = (await h.req('GET', '/api/routes', { token: dispatcher })).json().total;
    const broken = JSON.parse(plan);
    broken.mission.items[1].params[4] = 95;
    const refused = await h.req('POST', '/api/routes/import', {
      token: dispatcher,
      body: { content: JSON.stringify(broken), filename: 'broken.plan' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/items\[1\]/);
    expect(refused.json().error.message).toMatch(/broken\.plan/);
    const garbage = await h.req('POST', '/api/routes/import', {
      token: dispatcher,
      body: { content: '<kml><Document>', filename: 'x.kml' },
    });
    expect(garbage.statusCode).toBe(400);
    expect((await h.req('GET', '/api/routes', { token: dispatcher })).json().total).toBe(total);

    const imported = await h.req('POST', '/api/routes/import', {
      token: dispatcher,
      body: { content: plan, filename: 'Riverside.plan' },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ name: 'Riverside', kind: 'imported' });
    const id = imported.json().id as string;
    for (const format of ['plan', 'geojson', 'kml', 'aerie'] as const) {
      const res = await h.req('GET', `/api/routes/${id}/export?format=${format}`, { token: dispatcher });
      expect(res.statusCode, format).toBe(200);
      expect(res.headers['content-disposition']).toContain('Riverside');
      const back = parseRouteFile(res.body, `x.${format === 'aerie' ? 'json' : format}`);
      expect(back.ok, `${format}: ${res.body.slice(0, 200)}`).toBe(true);
      // A .plan keeps its items as raw MAVLink (params 5-7 are lat, lon, alt); the others are typed.
      const lats = back.ok
        ? back.route.items.map((i) => (i.type === 'mavlink' ? i.params[4] : 'lat' in i ? i.lat : undefined))
        : [];
      expect(
        lats.some((lat) => lat !== undefined && Math.abs(lat - near[0]!.lat) < 1e-6),
        format,
      ).toBe(true);
    }
  });

  it('keeps a department officer to their own department', async () => {
    const water = String((await create(h, '/api/departments', { name: 'Water' })).id);
    const roads = String((await create(h, '/api/departments', { name: 'Roads' })).id);
    const mine = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'River', kind: 'corridor', route: routeFile('r', near), departmentId: water },
    });
    const theirs = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'Road', kind: 'waypoint', route: routeFile('r', near), departmentId: roads },
    });
    const officer = await h.userToken('department_officer', { departmentId: water });
    const list = (await h.req('GET', '/api/routes', { token: officer })).json();
    expect(list.items.map((r: { name: string }) => r.name)).toEqual(['River']);
    expect((await h.req('GET', `/api/routes/${theirs.json().id}`, { token: officer })).statusCode).toBe(404);
    expect((await h.req('GET', `/api/routes/${mine.json().id}`, { token: officer })).statusCode).toBe(200);
  });
});

describe('zones', () => {
  it('checks the altitude band and lists zones as GeoJSON', async () => {
    const bad = await h.req('POST', '/api/zones', {
      token: h.adminToken,
      body: {
        name: 'Band',
        kind: 'controlled',
        geometry: { type: 'circle', center: DOCK, radiusM: 50 },
        floorM: 80,
        ceilingM: 60,
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('body.ceilingM');
    const poly = await h.req('POST', '/api/zones', {
      token: h.adminToken,
      body: {
        name: 'Airport',
        kind: 'controlled',
        floorM: 0,
        ceilingM: 300,
        geometry: {
          type: 'polygon',
          points: [destination(DOCK, 0, 3000), destination(DOCK, 10, 3500), destination(DOCK, 20, 3000)],
        },
      },
    });
    expect(poly.statusCode, poly.body).toBe(201);
    const geo = (await h.req('GET', '/api/zones.geojson', { token: dispatcher })).json();
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features.length).toBeGreaterThanOrEqual(2);
  });
});

describe('schedules', () => {
  let routeId = '';
  beforeAll(async () => {
    const res = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name: 'Sched route', kind: 'waypoint', route: routeFile('s', near) },
    });
    routeId = res.json().id;
  });

  it('previews weekdays at 09:00 and 15:00 Shanghai time', async () => {
    // The harness clock: Monday 2026-06-01 08:00 UTC (16:00 in Shanghai).
    const res = await h.req('POST', '/api/schedules', {
      token: dispatcher,
      body: {
        name: 'Weekdays',
        routeId,
        kind: 'recurring',
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0',
        windowS: 900,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({
      tz: 'Asia/Shanghai',
      dtstart: '2026-06-01T00:00',
      enabled: true,
      nextRunAt: '2026-06-02T01:00:00.000Z',
    });
    const preview = (
      await h.req('GET', `/api/schedules/${s.id}/preview?count=4`, { token: dispatcher })
    ).json();
    expect(preview.runs).toEqual([
      { dueAt: '2026-06-02T01:00:00.000Z', windowEndAt: '2026-06-02T01:15:00.000Z' },
      { dueAt: '2026-06-02T07:00:00.000Z', windowEndAt: '2026-06-02T07:15:00.000Z' },
      { dueAt: '2026-06-03T01:00:00.000Z', windowEndAt: '2026-06-03T01:15:00.000Z' },
      { dueAt: '2026-06-03T07:00:00.000Z', windowEndAt: '2026-06-03T07:15:00.000Z' },
    ]);
    const patched = await h.req('PATCH', `/api/schedules/${s.id}`, {
      token: dispatcher,
      body: { enabled: false },
    });
    expect(patched.json()).toMatchObject({ enabled: false, nextRunAt: null });
  });

  it.each([
    [{ rrule: 'FREQ=NEVER' }, 'body.rrule'],
    [{ rrule: 'FREQ=DAILY', tz: 'Mars/Base' }, 'body.tz'],
    [{ rrule: 'FREQ=DAILY', dtstart: '2026-02-30T00:00' }, 'body.dtstart'],
    [{ kind: 'once' }, 'body.atMs'],
  ])('refuses %o naming %s', async (patch, path) => {
    const res = await h.req('POST', '/api/schedules', {
      token: dispatcher,
      body: { name: 'Bad', routeId, kind: 'recurring', ...patch },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.path).toBe(path);
  });

  it('refuses an unknown route or dock', async () => {
    const res = await h.req('POST', '/api/schedules', {
      token: dispatcher,
      body: { name: 'x', routeId: 'nope', kind: 'on_demand' },
    });
    expect(res.json().error.path).toBe('body.routeId');
    const dock = await h.req('POST', '/api/schedules', {
      token: dispatcher,
      body: { name: 'x', routeId, kind: 'on_demand', dockIds: ['nope'] },
    });
    expect(dock.json().error.path).toBe('body.dockIds[0]');
  });
});

describe('launch and abort', () => {
  /** Saves a route near the docks as the dispatcher and launches it with `body`. */
  async function launchSaved(name: string, body: object) {
    const route = await h.req('POST', '/api/routes', {
      token: dispatcher,
      body: { name, kind: 'waypoint', route: routeFile(name, near) },
    });
    return h.req('POST', '/api/sorties', { token: dispatcher, body: { routeId: route.json().id, ...body } });
  }

  it('answers 409 NoDock when no dock can fly, and 404/409 for aborts it cannot do', async () => {
    const res = await launchSaved('Launch', { sortieClass: 'emergency' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({
      error: { code: 'NoDock', message: 'no docks to choose from' },
      sortieId: null,
      rejected: [],
    });
    expect(
      (
        await h.req('POST', '/api/sorties/00000000-0000-4000-8000-000000000000/abort', {
          token: dispatcher,
          body: {},
        })
      ).statusCode,
    ).toBe(404);
  });

  it('a dock-less launch names a known, dock-less, online aircraft, and not docks as well', async () => {
    const unknown = await launchSaved('Dock-less', { vehicleId: 'no-such-vehicle' });
    expect(unknown.statusCode, unknown.body).toBe(409);
    expect(unknown.json()).toMatchObject({
      error: {
        code: 'VehicleUnavailable',
        message: 'no vehicle with id no-such-vehicle',
        params: { vehicleId: 'no-such-vehicle', variant: 'unknown' },
      },
      sortieId: null,
    });
    const both = await launchSaved('Dock-less 2', { vehicleId: 'v', dockIds: ['d'] });
    expect(both.statusCode, both.body).toBe(400);
    expect(both.json().error.path).toBe('body.vehicleId');
  });
});
