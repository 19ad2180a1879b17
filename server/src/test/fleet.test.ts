/** Vehicles with live state, department scoping, sorties and the audit log. */

import { randomUUID } from 'node:crypto';
import { sampleVehicleState as st } from '@aerie/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sorties } from '../db/schema.ts';
import { create, createDock, createId, createVehicle, type Harness, startHarness } from './harness.ts';

let h: Harness;
const dep = { a: '', b: '' };
const site = { a: '', b: '' };
const dock = { a: '', b: '' };
const veh = { a: '', b: '', a2: '' };
let bridgeId = '';
let officerA = '';

const ids = (res: { json(): { items: { id: string }[] } }) =>
  res
    .json()
    .items.map((i) => i.id)
    .sort();

beforeAll(async () => {
  h = await startHarness();
  dep.a = await createId(h, '/api/departments', { name: 'Water affairs' });
  dep.b = await createId(h, '/api/departments', { name: 'Urban management' });
  site.a = await createId(h, '/api/sites', { name: 'A', latDeg: 30, lonDeg: 120, departmentId: dep.a });
  site.b = await createId(h, '/api/sites', { name: 'B', latDeg: 31, lonDeg: 121, departmentId: dep.b });
  const bridge = await create(h, '/api/bridges', { name: 'site-a-bridge', siteId: site.a });
  bridgeId = (bridge.bridge as { id: string }).id;
  dock.a = await createDock(h, 'A', site.a, dep.a);
  dock.b = await createDock(h, 'B', site.b, dep.b);
  veh.a = await createVehicle(h, 'A', dep.a, { dockId: dock.a, bridgeId, sysid: 1 });
  veh.a2 = await createVehicle(h, 'A2', dep.a);
  veh.b = await createVehicle(h, 'B', dep.b, { dockId: dock.b });
  officerA = await h.userToken('department_officer', { departmentId: dep.a });

  const db = h.app.aerie.database.db;
  const at = (iso: string) => new Date(iso);
  const mk = (vehicleId: string, dockId: string, departmentId: string, started: string) => ({
    id: randomUUID(),
    vehicleId,
    dockId,
    departmentId,
    kind: 'patrol' as const,
    status: 'completed' as const,
    startedAt: at(started),
    endedAt: at(started),
    distanceM: 1200,
    createdAt: at(started),
  });
  await db
    .insert(sorties)
    .values([
      mk(veh.a, dock.a, dep.a, '2026-05-01T08:00:00Z'),
      mk(veh.a, dock.a, dep.a, '2026-05-02T08:00:00Z'),
      mk(veh.a, dock.a, dep.a, '2026-05-03T08:00:00Z'),
      mk(veh.b, dock.b, dep.b, '2026-05-02T09:00:00Z'),
    ]);
});
afterAll(async () => {
  await h.close();
});

describe('vehicles and live state', () => {
  it('lists id, name, sysid, online=false and state=null before any bridge reports', async () => {
    const res = await h.req('GET', `/api/vehicles/${veh.a}`, { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: veh.a,
      name: 'VA',
      sysid: 1,
      online: false,
      state: null,
      bridgeId,
    });
  });

  it('shows what the live-state store holds, and health counts it', async () => {
    h.app.aerie.liveState.update(veh.a, st({ lat: 30.1, lon: 120.1, batteryPct: 87, mode: 'AUTO.MISSION' }));
    const one = (await h.req('GET', `/api/vehicles/${veh.a}`, { token: h.adminToken })).json();
    expect(one.online).toBe(true);
    expect(one.state).toEqual(st({ lat: 30.1, lon: 120.1, batteryPct: 87, mode: 'AUTO.MISSION' }));
    const list = (await h.req('GET', '/api/vehicles', { token: h.adminToken })).json();
    const other = list.items.find((v: { id: string }) => v.id === veh.b);
    expect(other).toMatchObject({ online: false, state: null });
    const health = (await h.req('GET', '/api/health')).json();
    expect(health).toMatchObject({ status: 'ok', bridges: { total: 1 }, vehicles: { total: 3, online: 1 } });
    // One node, no Redis: ready when the database answers.
    const ready = await h.req('GET', '/api/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, node: 'embedded', database: true, redis: null });
    h.app.aerie.liveState.setOffline(veh.a);
    const off = (await h.req('GET', `/api/vehicles/${veh.a}`, { token: h.adminToken })).json();
    expect(off.online).toBe(false);
    expect(off.state).toMatchObject({ batteryPct: 87 });
  });

  it("health shows how long this node's event loop was held, over the last 10 s and 60 s", async () => {
    // The harness's server runs in this process: holding this loop holds the node's.
    const end = performance.now() + 300;
    while (performance.now() < end);
    const deadline = Date.now() + 10_000;
    let load: { seconds: number; delayMaxMs: number; utilization: number }[] = [];
    // The held second shows once its slice closes (every second).
    while (Date.now() < deadline) {
      load = (await h.req('GET', '/api/health')).json().node.load;
      if (load.length === 2 && load[0]!.delayMaxMs >= 250) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(load).toHaveLength(2);
    expect(load[0]!.seconds).toBeLessThanOrEqual(10);
    expect(load[1]!.seconds).toBeGreaterThanOrEqual(load[0]!.seconds);
    expect(load[0]!.delayMaxMs).toBeGreaterThanOrEqual(250);
    expect(load[1]!.delayMaxMs).toBeGreaterThanOrEqual(250);
    expect(load[0]!.utilization).toBeGreaterThan(0);
    expect(load[0]!.utilization).toBeLessThanOrEqual(1);
  });

  it('allows one vehicle per sysid on a bridge', async () => {
    const dup = await h.req('POST', '/api/vehicles', {
      token: h.adminToken,
      body: { name: 'VX', serial: 'V-X', model: 'M30', bridgeId, sysid: 1 },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'Conflict', path: 'body.sysid' });
    const rebind = await h.req('PATCH', `/api/vehicles/${veh.a2}`, {
      token: h.adminToken,
      body: { bridgeId, sysid: 1 },
    });
    expect(rebind.statusCode).toBe(409);
    const ok = await h.req('PATCH', `/api/vehicles/${veh.a2}`, {
      token: h.adminToken,
      body: { bridgeId, sysid: 2 },
    });
    expect(ok.json()).toMatchObject({ bridgeId, sysid: 2 });
    const unbind = await h.req('PATCH', `/api/vehicles/${veh.a2}`, {
      token: h.adminToken,
      body: { bridgeId: null },
    });
    expect(unbind.json()).toMatchObject({ bridgeId: null, sysid: null });
  });
});

describe('bridges', () => {
  it('returns the token once, stores only its hash, and can replace it', async () => {
    const created = await create(h, '/api/bridges', { name: 'spare-bridge' });
    const token = created.token as string;
    expect(token).toMatch(/^brg_/);
    const id = (created.bridge as { id: string }).id;
    const read = await h.req('GET', `/api/bridges/${id}`, { token: h.adminToken });
    expect(read.body).not.toContain(token);
    expect(read.json().token).toBeUndefined();
    const { findBridgeByToken } = await import('../routes/bridges.ts');
    const db = h.app.aerie.database.db;
    expect(await findBridgeByToken(db, token)).toMatchObject({ id, name: 'spare-bridge' });
    const rotated = await h.req('POST', `/api/bridges/${id}/token`, { token: h.adminToken });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().token as string;
    expect(fresh).not.toBe(token);
    expect(await findBridgeByToken(db, token)).toBeNull();
    expect(await findBridgeByToken(db, fresh)).toMatchObject({ id });
  });
});

describe('department officer scoping', () => {
  it('sees only their own department, sites, docks, vehicles and sorties', async () => {
    expect(ids(await h.req('GET', '/api/departments', { token: officerA }))).toEqual([dep.a]);
    expect(ids(await h.req('GET', '/api/sites', { token: officerA }))).toEqual([site.a]);
    expect(ids(await h.req('GET', '/api/docks', { token: officerA }))).toEqual([dock.a]);
    expect(ids(await h.req('GET', '/api/vehicles', { token: officerA }))).toEqual([veh.a, veh.a2].sort());
    const s = (await h.req('GET', '/api/sorties', { token: officerA })).json();
    expect(s.total).toBe(3);
    expect(s.items.every((x: { vehicleId: string }) => x.vehicleId === veh.a)).toBe(true);
  });

  it("answers 404 for another department's records, as if they did not exist", async () => {
    for (const url of [
      `/api/departments/${dep.b}`,
      `/api/sites/${site.b}`,
      `/api/docks/${dock.b}`,
      `/api/vehicles/${veh.b}`,
    ]) {
      const res = await h.req('GET', url, { token: officerA });
      expect(res.statusCode, url).toBe(404);
    }
    expect((await h.req('GET', `/api/vehicles/${veh.a}`, { token: officerA })).statusCode).toBe(200);
    const filtered = await h.req('GET', `/api/sorties?vehicleId=${veh.b}`, { token: officerA });
    expect(filtered.json().total).toBe(0);
  });

  it('other roles see every department', async () => {
    const pilot = await h.userToken('pilot');
    expect(ids(await h.req('GET', '/api/vehicles', { token: pilot }))).toHaveLength(3);
    expect((await h.req('GET', '/api/sorties', { token: pilot })).json().total).toBe(4);
  });
});

describe('sorties', () => {
  it('filters by vehicle, dock and take-off time, newest first, with paging', async () => {
    const t = h.adminToken;
    const byVehicle = (await h.req('GET', `/api/sorties?vehicleId=${veh.a}`, { token: t })).json();
    expect(byVehicle.total).toBe(3);
    expect(byVehicle.items.map((s: { startedAt: string }) => s.startedAt)).toEqual([
      '2026-05-03T08:00:00.000Z',
      '2026-05-02T08:00:00.000Z',
      '2026-05-01T08:00:00.000Z',
    ]);
    const byDock = (await h.req('GET', `/api/sorties?dockId=${dock.b}`, { token: t })).json();
    expect(byDock.items.map((s: { vehicleId: string }) => s.vehicleId)).toEqual([veh.b]);
    const day = (
      await h.req('GET', '/api/sorties?from=2026-05-02T00:00:00Z&to=2026-05-03T00:00:00Z', { token: t })
    ).json();
    expect(day.total).toBe(2);
    const page = (
      await h.req('GET', `/api/sorties?vehicleId=${veh.a}&limit=1&offset=1`, { token: t })
    ).json();
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items[0].startedAt).toBe('2026-05-02T08:00:00.000Z');
    const bad = await h.req('GET', '/api/sorties?from=yesterday', { token: t });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'ValidationFailed', path: 'querystring.from' });
  });
});

describe('audit log', () => {
  it('records who did what to which record with the result, newest first and paged', async () => {
    const created = await h.req('POST', '/api/departments', {
      token: h.adminToken,
      body: { name: 'Audit me' },
    });
    const id = created.json().id as string;
    await h.req('PATCH', `/api/departments/${id}`, { token: h.adminToken, body: { code: 'AM' } });
    await h.req('POST', '/api/departments', { token: h.adminToken, body: { name: '' } });
    await h.req('DELETE', `/api/departments/${id}`, { token: officerA });
    const res = await h.req('GET', '/api/audit?limit=4', { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    const [denied, invalid, patched, made] = res.json().items;
    expect(made).toMatchObject({
      method: 'POST',
      route: '/api/departments',
      targetId: id,
      statusCode: 201,
      username: 'admin',
    });
    expect(patched).toMatchObject({
      method: 'PATCH',
      route: '/api/departments/:id',
      targetId: id,
      statusCode: 200,
    });
    expect(invalid).toMatchObject({ method: 'POST', statusCode: 400, targetId: null });
    expect(denied).toMatchObject({
      method: 'DELETE',
      statusCode: 403,
      targetId: id,
      role: 'department_officer',
    });
    expect(Date.parse(made.at)).toBe(h.clock.t);
    const next = (await h.req('GET', '/api/audit?limit=2&offset=2', { token: h.adminToken })).json();
    expect(next.items.map((e: { id: number }) => e.id)).toEqual([patched.id, made.id]);
    const byTarget = (await h.req('GET', `/api/audit?targetId=${id}`, { token: h.adminToken })).json();
    expect(byTarget.total).toBe(3);
  });

  it('does not record reads', async () => {
    const before = (await h.req('GET', '/api/audit?limit=1', { token: h.adminToken })).json().total;
    await h.req('GET', '/api/vehicles', { token: h.adminToken });
    await h.req('GET', '/api/sites', { token: h.adminToken });
    expect((await h.req('GET', '/api/audit?limit=1', { token: h.adminToken })).json().total).toBe(before);
  });
});
