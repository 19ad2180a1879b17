/** Statistics over HTTP: day/week/month buckets in Asia/Shanghai, groups, scoping, bad input. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorties } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';

let h: Harness;
const dep = { a: '', b: '' };
const dock = { a: '', b: '' };
const veh = { a: '', a2: '', b: '' };
let officerA = '';

/** An instant given as Shanghai wall-clock time (UTC+8). */
const cst = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  h = await startHarness();
  dep.a = String((await create(h, '/api/departments', { name: 'Water affairs' })).id);
  dep.b = String((await create(h, '/api/departments', { name: 'Urban management' })).id);
  const site = String((await create(h, '/api/sites', { name: 'S', latDeg: 30, lonDeg: 120 })).id);
  const mkDock = async (name: string, departmentId: string) =>
    String(
      (
        await create(h, '/api/docks', {
          name,
          serial: name,
          model: 'Dock 2',
          siteId: site,
          departmentId,
          latDeg: 30,
          lonDeg: 120,
          altAmslM: 5,
        })
      ).id,
    );
  dock.a = await mkDock('Dock A', dep.a);
  dock.b = await mkDock('Dock B', dep.b);
  const mkVeh = async (name: string, departmentId: string, dockId: string) =>
    String((await create(h, '/api/vehicles', { name, serial: name, model: 'M30', departmentId, dockId })).id);
  veh.a = await mkVeh('VA', dep.a, dock.a);
  veh.a2 = await mkVeh('VA2', dep.a, dock.a);
  veh.b = await mkVeh('VB', dep.b, dock.b);
  officerA = await h.userToken('department_officer', { departmentId: dep.a });

  const row = (
    vehicleId: string,
    dockId: string,
    departmentId: string,
    local: string,
    durationS: number,
    distanceM: number,
    missionRan: boolean,
    status: 'completed' | 'aborted' | 'running' = 'completed',
  ) => ({
    id: randomUUID(),
    vehicleId,
    dockId,
    departmentId,
    kind: 'patrol' as const,
    status,
    startedAt: cst(local),
    endedAt: status === 'running' ? null : new Date(cst(local).getTime() + durationS * 1000),
    durationS: status === 'running' ? null : durationS,
    distanceM,
    missionRan,
    createdAt: cst(local),
  });
  await h.app.aerie.database.db.insert(sorties).values([
    // Sunday 31 May (week of Mon 25 May, month May).
    row(veh.a, dock.a, dep.a, '2026-05-31T23:00:00', 1800, 6000, true),
    // Monday 1 June, 01:00 local = 31 May 17:00 UTC.
    row(veh.a, dock.a, dep.a, '2026-06-01T01:00:00', 3600, 12_000, true),
    row(veh.a2, dock.a, dep.a, '2026-06-01T23:30:00', 900, 3000, false, 'aborted'),
    // Tuesday 2 June: one still flying (not counted), one of department B.
    row(veh.a, dock.a, dep.a, '2026-06-02T10:00:00', 600, 2000, true, 'running'),
    row(veh.b, dock.b, dep.b, '2026-06-02T10:00:00', 7200, 30_000, true),
    // Sunday 7 June: same week as Monday 1 June.
    row(veh.a, dock.a, dep.a, '2026-06-07T12:00:00', 1800, 9000, true),
    // Monday 8 June 00:30: the next week.
    row(veh.a, dock.a, dep.a, '2026-06-08T00:30:00', 360, 1500, false),
  ]);
});
afterAll(async () => {
  await h.close();
});

const FROM = encodeURIComponent('2026-05-31T00:00:00+08:00');
const TO = encodeURIComponent('2026-06-09T00:00:00+08:00');

async function stats(query: string, token = h.adminToken) {
  const res = await h.req('GET', `/api/stats?from=${FROM}&to=${TO}&${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('GET /api/stats', () => {
  it('counts per local day in Asia/Shanghai by default, with empty days as zeros', async () => {
    const s = await stats('bucket=day');
    expect(s.timeZone).toBe('Asia/Shanghai');
    expect(s.buckets.map((b: { label: string }) => b.label)).toEqual([
      '2026-05-31',
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
      '2026-06-04',
      '2026-06-05',
      '2026-06-06',
      '2026-06-07',
      '2026-06-08',
    ]);
    expect(s.buckets[0]).toMatchObject({
      start: '2026-05-30T16:00:00.000Z',
      missions: 1,
      sorties: 1,
      flightHours: 0.5,
      kilometres: 6,
    });
    expect(s.buckets[1]).toMatchObject({
      missions: 1,
      sorties: 2,
      flightHours: 1.25,
      kilometres: 15,
      groupId: null,
    });
    expect(s.buckets[2]).toMatchObject({ missions: 1, sorties: 1, flightHours: 2, kilometres: 30 });
    expect(s.buckets[3]).toMatchObject({ missions: 0, sorties: 0, flightHours: 0, kilometres: 0 });
    expect(s.totals).toEqual({ missions: 4, sorties: 6, flightHours: 4.35, kilometres: 61.5 });
  });

  it('buckets by the calendar of the time zone asked for', async () => {
    const s = await stats('bucket=day&tz=UTC');
    const may31 = s.buckets.find((b: { label: string }) => b.label === '2026-05-31');
    // In UTC the 01:00 (UTC+8) take-off on 1 June falls on 31 May.
    expect(may31).toMatchObject({ sorties: 2, start: '2026-05-31T00:00:00.000Z' });
  });

  it('weeks start on Monday', async () => {
    const s = await stats('bucket=week');
    expect(s.buckets.map((b: { label: string; sorties: number }) => [b.label, b.sorties])).toEqual([
      ['2026-05-25', 1],
      ['2026-06-01', 4],
      ['2026-06-08', 1],
    ]);
    expect(s.buckets[1]).toMatchObject({ start: '2026-05-31T16:00:00.000Z', missions: 3, kilometres: 54 });
  });

  it('months', async () => {
    const s = await stats('bucket=month');
    expect(
      s.buckets.map((b: { label: string; sorties: number; flightHours: number }) => [
        b.label,
        b.sorties,
        b.flightHours,
      ]),
    ).toEqual([
      ['2026-05', 1, 0.5],
      ['2026-06', 5, 3.85],
    ]);
  });

  it('groups by dock and by vehicle with names', async () => {
    const byDock = await stats('bucket=month&groupBy=dock');
    const june = byDock.buckets.filter((b: { label: string }) => b.label === '2026-06');
    expect(june.map((b: { groupName: string; sorties: number }) => [b.groupName, b.sorties]).sort()).toEqual([
      ['Dock A', 4],
      ['Dock B', 1],
    ]);
    const byVehicle = await stats('bucket=week&groupBy=vehicle');
    const week = byVehicle.buckets.filter((b: { label: string }) => b.label === '2026-06-01');
    expect(
      week
        .map((b: { groupId: string; groupName: string; sorties: number; missions: number }) => [
          b.groupName,
          b.sorties,
          b.missions,
        ])
        .sort(),
    ).toEqual([
      ['VA', 2, 2],
      ['VA2', 1, 0],
      ['VB', 1, 1],
    ]);
    expect(week.find((b: { groupName: string }) => b.groupName === 'VA').groupId).toBe(veh.a);
  });

  it('department officers count only their own department', async () => {
    const s = await stats('bucket=month', officerA);
    expect(s.totals).toEqual({ missions: 3, sorties: 5, flightHours: 2.35, kilometres: 31.5 });
  });

  it('refuses bad input with a message naming the field', async () => {
    const bad = async (query: string) =>
      (await h.req('GET', `/api/stats?${query}`, { token: h.adminToken })).json().error;
    expect(await bad(`from=${TO}&to=${FROM}`)).toMatchObject({
      code: 'ValidationFailed',
      path: 'querystring.to',
    });
    expect(await bad(`from=${FROM}&to=${TO}&tz=Mars/Olympus`)).toMatchObject({
      code: 'ValidationFailed',
      path: 'querystring.tz',
      message: 'querystring.tz: unknown time zone Mars/Olympus',
    });
    expect(await bad(`from=${FROM}&to=${TO}&bucket=year`)).toMatchObject({ path: 'querystring.bucket' });
    expect(await bad(`to=${TO}`)).toMatchObject({ path: 'querystring.from' });
    expect(await bad('from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&bucket=day')).toMatchObject({
      path: 'querystring.from',
    });
  });
});
