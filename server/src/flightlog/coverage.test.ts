/**
 * A sortie's coverage computed from its stored route and track, and the report route that a
 * department prints: a lawnmower flown in full covers its route's area, half of it about half.
 */
import { localPlane, type Route, writeAerieRoute } from '@aerie/missions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patrolRoutes, sorties, ticketOccurrences, tickets, trackPoints, vehicles } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { computeSortieCoverage, storeSortieCoverage } from './coverage.ts';

let h: Harness;
let depId = '';
let officerToken = '';
const plane = localPlane({ lat: 23.03, lon: 113.14 });
const at = (x: number, y: number) => plane.toLatLon({ x, y });
// The simulated camera (70 degrees) at 100 m sees 2 * 100 * tan(35 deg) = 140 m across.
const LANES = [70, 210];
const route: Route = {
  name: '河道巡查',
  defaults: { altM: 100, speedMps: 8 },
  items: [
    { type: 'takeoff', altM: 100 },
    { type: 'waypoint', ...at(70, 0), altM: 100 },
    { type: 'waypoint', ...at(70, 400), altM: 100 },
    { type: 'waypoint', ...at(210, 400), altM: 100 },
    { type: 'waypoint', ...at(210, 0), altM: 100 },
    { type: 'rtl' },
  ],
};

/** Track points every 10 m along a lane from y0 to y1, 100 m above a take-off point at 12 m MSL. */
function lane(x: number, y0: number, y1: number) {
  const n = Math.round(Math.abs(y1 - y0) / 10);
  return Array.from({ length: n + 1 }, (_, i) => ({
    ...at(x, y0 + ((y1 - y0) * i) / n),
    heading: y1 > y0 ? 0 : 180,
  }));
}

async function seedSortie(id: string, flown: Array<{ lat: number; lon: number; heading: number }>) {
  const db = h.app.aerie.database.db;
  const t0 = Date.parse('2026-06-01T02:00:00Z');
  await db.insert(sorties).values({
    id,
    vehicleId: 'veh-cov',
    departmentId: depId,
    kind: 'patrol',
    status: 'completed',
    startedAt: new Date(t0),
    endedAt: new Date(t0 + 600_000),
    routeId: 'route-cov',
    createdAt: new Date(t0),
  });
  for (const [i, p] of flown.entries())
    await db.insert(trackPoints).values({
      sortieId: id,
      vehicleId: 'veh-cov',
      at: new Date(t0 + i * 1000),
      latDeg: p.lat,
      lonDeg: p.lon,
      altAmslM: 112,
      altRelM: 100,
      headingDeg: p.heading,
    });
}

beforeAll(async () => {
  h = await startHarness();
  depId = String((await create(h, '/api/departments', { name: '水务局', code: 'WATER' })).id);
  const db = h.app.aerie.database.db;
  const now = new Date();
  await db
    .insert(vehicles)
    .values({ id: 'veh-cov', name: '巡查一号', serial: 'SN-COV', model: 'sim', createdAt: now });
  await db.insert(patrolRoutes).values({
    id: 'route-cov',
    name: route.name,
    kind: 'waypoint',
    routeJson: writeAerieRoute(route),
    createdAt: now,
  });
  await seedSortie('full', [...lane(LANES[0]!, -60, 460), ...lane(LANES[1]!, 460, -60)]);
  await seedSortie('half', lane(LANES[0]!, -60, 460));
  await seedSortie('none', []);
  const seedTicket = async (n: number, category: string, departmentId: string | null) => {
    const where = at(70, 100 * n);
    await db.insert(tickets).values({
      id: `tk-${n}`,
      number: `GC-20260601-000${n}`,
      category,
      status: 'dispatched',
      version: 1,
      source: 'detector',
      latDeg: where.lat,
      lonDeg: where.lon,
      errorM: 4,
      departmentId,
      lastOccurrenceAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await db.insert(ticketOccurrences).values({
      id: `oc-${n}`,
      ticketId: `tk-${n}`,
      score: 0.9 + n / 100,
      latDeg: where.lat,
      lonDeg: where.lon,
      errorM: 4,
      capturedAt: new Date(now.getTime() + n),
      sortieId: 'full',
      findingJson: '{}',
      distanceM: 0,
      createdAt: now,
    });
  };
  await seedTicket(1, 'river_pollution', depId);
  // Not routed to a department yet: the water officer does not see it in the report.
  await seedTicket(2, 'fire_smoke', null);
  officerToken = await h.userToken('department_officer', { departmentId: depId });
});
afterAll(async () => {
  await h.close();
});

describe('sortie coverage', () => {
  it('is all of the route area for the whole lawnmower, about half for one lane, none without a track', async () => {
    const db = h.app.aerie.database.db;
    const full = await computeSortieCoverage(db, 'full');
    expect(full!.share).toBeGreaterThan(0.98);
    // Two 140 m lanes of 400 m plus the 70 m cap of the cross-over: 280 x 470 m.
    expect(Math.abs(full!.plannedAreaM2 / (280 * 470) - 1)).toBeLessThan(0.03);
    const half = await computeSortieCoverage(db, 'half');
    expect(half!.share).toBeGreaterThan(0.45);
    expect(half!.share).toBeLessThan(0.55);
    expect((await computeSortieCoverage(db, 'none'))?.share ?? null).toBeNull();
  });

  it('is stored on the sortie and shown with the route, track, findings and tickets in its report', async () => {
    const db = h.app.aerie.database.db;
    for (const id of ['full', 'half', 'none']) await storeSortieCoverage(db, id);
    const res = await h.req('GET', '/api/sorties/full/report', { token: h.adminToken });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.sortie.coverageShare).toBeGreaterThan(0.98);
    expect(r.vehicleName).toBe('巡查一号');
    expect(r.routeName).toBe('河道巡查');
    expect(r.plannedPath).toHaveLength(4);
    expect(r.plannedArea.length).toBeGreaterThan(4);
    expect(r.track.length).toBeGreaterThan(100);
    expect(r.findings).toMatchObject([
      { ticketId: 'tk-1', score: 0.91 },
      { ticketId: 'tk-2', score: 0.92 },
    ]);
    expect(r.tickets).toMatchObject([
      { number: 'GC-20260601-0001', category: 'river_pollution', departmentName: '水务局' },
      { number: 'GC-20260601-0002', category: 'fire_smoke', departmentName: null },
    ]);
    const mine = (await h.req('GET', '/api/sorties/full/report', { token: officerToken })).json();
    expect(mine.tickets.map((t: { id: string }) => t.id)).toEqual(['tk-1']);
    expect(mine.findings.map((f: { ticketId: string }) => f.ticketId)).toEqual(['tk-1']);
    const none = await h.req('GET', '/api/sorties/none', { token: h.adminToken });
    expect(none.json().coverageShare).toBeNull();
    expect((await h.req('GET', '/api/sorties/nope/report', { token: h.adminToken })).statusCode).toBe(404);
  });

  it('is averaged in the statistics over the sorties that have it', async () => {
    const db = h.app.aerie.database.db;
    const full = (await computeSortieCoverage(db, 'full'))!.share;
    const half = (await computeSortieCoverage(db, 'half'))!.share;
    const res = await h.req('GET', '/api/stats?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z', {
      token: h.adminToken,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().totals.sorties).toBe(3);
    expect(res.json().coverage.sorties).toBe(2);
    expect(res.json().coverage.meanShare).toBeCloseTo((full + half) / 2, 3);
  });
});
