/** Sortie figures, track and event replay, and tlog download over HTTP, fed by the real flight log. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackPoints } from '../db/schema.ts';
import { M_PER_DEG_LAT, snapshot } from '../flightlog/test-fixtures.ts';
import { createDock, createId, createVehicle, type Harness, startHarness } from '../test/harness.ts';

let h: Harness;
const dep = { a: '', b: '' };
const veh = { a: '', b: '' };
let dockA = '';
let sortieId = '';
let bareSortieId = '';
let officerA = '';
let officerB = '';
let pilot = '';
const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const TLOG = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));

beforeAll(async () => {
  h = await startHarness();
  dep.a = await createId(h, '/api/departments', { name: 'Water affairs' });
  dep.b = await createId(h, '/api/departments', { name: 'Urban management' });
  const site = await createId(h, '/api/sites', { name: 'A', latDeg: 30, lonDeg: 120 });
  dockA = await createDock(h, 'A', site, dep.a);
  veh.a = await createVehicle(h, 'A', dep.a, { dockId: dockA });
  veh.b = await createVehicle(h, 'B', dep.b);
  officerA = await h.userToken('department_officer', { departmentId: dep.a });
  officerB = await h.userToken('department_officer', { departmentId: dep.b });
  pilot = await h.userToken('pilot');

  // Vehicle A flies north at 5 m/s for 10 minutes (states at 2 Hz), with a mission.
  const { flightLog, database } = h.app.aerie;
  const db = database.db;
  await flightLog.onEvent(db, veh.a, T0, { type: 'armed', atMs: T0 });
  await flightLog.onEvent(db, veh.a, T0 + 100, {
    type: 'mode_changed',
    atMs: T0 + 100,
    from: 'AUTO.LOITER',
    to: 'AUTO.MISSION',
    kind: 'mission',
  });
  for (let i = 0; i <= 1200; i++) {
    const at = T0 + 500 * i;
    await flightLog.onState(
      db,
      veh.a,
      at,
      snapshot({
        armed: true,
        landed: false,
        lat: 30 + (2.5 * i) / M_PER_DEG_LAT,
        altRelM: Math.min(40, i),
        altMslM: 45,
      }),
    );
    if (i % 120 === 60)
      await flightLog.onEvent(db, veh.a, at, { type: 'mission_item_reached', atMs: at, seq: (i - 60) / 120 });
  }
  await flightLog.onEvent(db, veh.a, T0 + 601_000, { type: 'disarmed', atMs: T0 + 601_000 });
  const attached = await flightLog.attachTlog(db, veh.a, T0 - 10_000, T0 + 610_000, TLOG);
  if (!attached.ok) throw new Error(attached.error.message);
  sortieId = attached.value.sortieId;

  // Vehicle B: a short flight with no tlog.
  await flightLog.onEvent(db, veh.b, T0, { type: 'armed', atMs: T0 });
  await flightLog.onEvent(db, veh.b, T0 + 30_000, { type: 'disarmed', atMs: T0 + 30_000 });
  const list = (await h.req('GET', `/api/sorties?vehicleId=${veh.b}`, { token: h.adminToken })).json();
  bareSortieId = list.items[0].id;
});
afterAll(async () => {
  await h.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /api/sorties/:id', () => {
  it('answers the figures of a flown sortie', async () => {
    const res = await h.req('GET', `/api/sorties/${sortieId}`, { token: h.adminToken });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      id: sortieId,
      vehicleId: veh.a,
      dockId: dockA,
      departmentId: dep.a,
      status: 'completed',
      startedAt: iso(T0),
      endedAt: iso(T0 + 601_000),
      durationS: 601,
      maxAltRelM: 40,
      missionRan: true,
      endReason: null,
      hasTlog: true,
      eventCount: 13,
    });
    expect(s.distanceM).toBeCloseTo(3000, 0);
    expect(s.trackPointCount).toBeGreaterThanOrEqual(600);
  });

  it('the list carries the same figures', async () => {
    const list = (await h.req('GET', `/api/sorties?vehicleId=${veh.a}`, { token: pilot })).json();
    expect(list.items[0]).toMatchObject({ id: sortieId, missionRan: true, durationS: 601, hasTlog: true });
  });

  it('hides other departments’ sorties from officers (404) and shows their own', async () => {
    expect((await h.req('GET', `/api/sorties/${sortieId}`, { token: officerA })).statusCode).toBe(200);
    const other = await h.req('GET', `/api/sorties/${sortieId}`, { token: officerB });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NotFound');
    expect((await h.req('GET', `/api/sorties/${sortieId}/track`, { token: officerB })).statusCode).toBe(404);
    expect((await h.req('GET', `/api/sorties/${sortieId}/events`, { token: officerB })).statusCode).toBe(404);
  });
});

describe('GET /api/sorties/:id/track', () => {
  it('answers the points of a time window in order', async () => {
    const from = T0 + 60_000;
    const to = T0 + 120_000;
    const res = await h.req('GET', `/api/sorties/${sortieId}/track?from=${iso(from)}&to=${iso(to)}`, {
      token: officerA,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.nextFrom).toBeNull();
    const times = body.points.map((p: { at: string }) => Date.parse(p.at));
    expect(times[0]).toBe(from);
    expect(times.at(-1)).toBeLessThan(to);
    expect(times.at(-1)).toBeGreaterThanOrEqual(to - 1000);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(0);
    expect(body.points[0]).toMatchObject({ altRelM: 40, altAmslM: 45, batteryPct: 95 });
    expect(body.points[0].latDeg).toBeCloseTo(30 + 300 / M_PER_DEG_LAT, 7);
  });

  it('pages with nextFrom when a window holds more than the limit', async () => {
    const seen: number[] = [];
    let from = iso(T0);
    for (let page = 0; page < 100; page++) {
      const res = await h.req('GET', `/api/sorties/${sortieId}/track?limit=250&from=${from}`, {
        token: pilot,
      });
      const body = res.json();
      seen.push(...body.points.map((p: { at: string }) => Date.parse(p.at)));
      if (!body.nextFrom) break;
      expect(body.points).toHaveLength(250);
      from = body.nextFrom;
    }
    const all = (await h.req('GET', `/api/sorties/${sortieId}`, { token: pilot })).json().trackPointCount;
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);
  });

  it('writes numbers, nulls and instants as the response serialiser does, on either engine', async () => {
    // PostgreSQL writes this page's JSON itself (track-json.ts); SQLite goes through the serialiser.
    const v = veh.b;
    const at = [Date.UTC(1969, 11, 31, 23, 59, 59, 999), T0 + 1, T0 + 1001, T0 + 2_000, T0 + 3_000];
    const odd = [0.1 + 0.2, 1e-7, 123456.789, 1e21, -40.5];
    await h.app.aerie.database.db.insert(trackPoints).values(
      at.map((ms, i) => ({
        sortieId: bareSortieId,
        vehicleId: v,
        at: new Date(ms),
        latDeg: 30 + i / 3,
        lonDeg: -120.5,
        altAmslM: odd[i]!,
        altRelM: i === 1 ? null : i,
        // NaN and infinities are no JSON numbers: both engines answer null.
        headingDeg: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 90, null][i]!,
        groundSpeedMps: 8,
        batteryPct: 99.5,
      })),
    );
    const res = await h.req('GET', `/api/sorties/${bareSortieId}/track?limit=4`, { token: pilot });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      sortieId: bareSortieId,
      points: at.slice(0, 4).map((ms, i) => ({
        at: iso(ms),
        latDeg: 30 + i / 3,
        lonDeg: -120.5,
        altAmslM: odd[i],
        altRelM: i === 1 ? null : i,
        headingDeg: i === 3 ? 90 : null,
        groundSpeedMps: 8,
        batteryPct: 99.5,
      })),
      nextFrom: iso(at[4]!),
    });
    const last = (
      await h.req('GET', `/api/sorties/${bareSortieId}/track?from=${iso(at[4]!)}`, { token: pilot })
    ).json();
    expect(last).toEqual({
      sortieId: bareSortieId,
      points: [expect.objectContaining({ at: iso(at[4]!), altAmslM: -40.5, headingDeg: null })],
      nextFrom: null,
    });
    const none = await h.req('GET', `/api/sorties/${bareSortieId}/track?from=${iso(T0 + 5_000)}`, {
      token: pilot,
    });
    expect(none.json()).toEqual({ sortieId: bareSortieId, points: [], nextFrom: null });
  });

  it('refuses a window that ends before it starts, naming the field', async () => {
    const res = await h.req('GET', `/api/sorties/${sortieId}/track?from=${iso(T0 + 10)}&to=${iso(T0)}`, {
      token: pilot,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'ValidationFailed', path: 'querystring.to' });
  });

  it('answers 404 for an unknown sortie', async () => {
    const res = await h.req('GET', '/api/sorties/00000000-0000-4000-8000-000000000000/track', {
      token: pilot,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('GET /api/sorties/:id/events', () => {
  it('answers the events of a window in order, with severity, sentence and data', async () => {
    const all = (await h.req('GET', `/api/sorties/${sortieId}/events`, { token: pilot })).json();
    expect(all.events.map((e: { kind: string }) => e.kind)).toEqual([
      'armed',
      'mode_changed',
      ...Array(10).fill('mission_item_reached'),
      'disarmed',
    ]);
    expect(all.events[1]).toMatchObject({
      severity: 'info',
      message: 'Mode AUTO.MISSION',
      data: { to: 'AUTO.MISSION' },
    });
    const window = (
      await h.req('GET', `/api/sorties/${sortieId}/events?from=${iso(T0 + 30_000)}&to=${iso(T0 + 150_000)}`, {
        token: pilot,
      })
    ).json();
    expect(window.events.map((e: { message: string }) => e.message)).toEqual([
      'Reached mission item 0',
      'Reached mission item 1',
    ]);
  });
});

describe('GET /api/sorties/:id/tlog', () => {
  it('streams the recording as a file download', async () => {
    const res = await h.req('GET', `/api/sorties/${sortieId}/tlog`, { token: pilot });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(String(res.headers['content-disposition'])).toMatch(
      /^attachment; filename="sortie-20260601T020000Z-.{8}\.tlog"$/,
    );
    expect(res.rawPayload.equals(TLOG)).toBe(true);
  });

  it('answers 404 NoTlog for a sortie without one', async () => {
    const res = await h.req('GET', `/api/sorties/${bareSortieId}/tlog`, { token: pilot });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'NoTlog', message: `sortie ${bareSortieId} has no tlog` });
  });

  it('is not for department officers', async () => {
    const res = await h.req('GET', `/api/sorties/${sortieId}/tlog`, { token: officerA });
    expect(res.statusCode).toBe(403);
  });
});

describe('a later sortie of the same vehicle', () => {
  it('keeps each sortie’s events apart', async () => {
    const { flightLog, database } = h.app.aerie;
    const db = database.db;
    const t = T0 + 3_600_000;
    await flightLog.onEvent(db, veh.a, t, { type: 'armed', atMs: t });
    await flightLog.onEvent(db, veh.a, t + 1000, {
      type: 'status_text',
      atMs: t + 1000,
      severity: 2,
      severityName: 'critical',
      text: 'Failsafe enabled: no RC',
    });
    await flightLog.onEvent(db, veh.a, t + 5000, { type: 'disarmed', atMs: t + 5000 });
    const list = (await h.req('GET', `/api/sorties?vehicleId=${veh.a}`, { token: pilot })).json();
    expect(list.total).toBe(2);
    const later = list.items[0].id as string;
    expect(later).not.toBe(sortieId);
    const first = (await h.req('GET', `/api/sorties/${sortieId}/events`, { token: pilot })).json();
    expect(first.events).toHaveLength(13);
    const second = (await h.req('GET', `/api/sorties/${later}/events`, { token: pilot })).json();
    expect(second.events.map((e: { severity: string; message: string }) => [e.severity, e.message])).toEqual([
      ['info', 'Armed'],
      ['critical', 'Failsafe enabled: no RC'],
      ['info', 'Disarmed'],
    ]);
    expect((await h.req('GET', `/api/sorties/${sortieId}`, { token: pilot })).json().eventCount).toBe(13);
  });
});
