/** GET /api/docks/:id/status and POST /api/docks/:id/commands against a scripted hub. */
import { sampleDockStatus } from '@aerie/contracts';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockEvents } from '../db/schema.ts';
import { FakeBridgeHub } from '../test/fake-bridge-hub.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';

const status = sampleDockStatus();

let h: Harness;
let hub: FakeBridgeHub;
let dispatcher: string;
let bridgeId: string;
let siteId: string;
let dockId: string;

const send = (body: unknown, o: { token?: string; id?: string } = {}) =>
  h.req('POST', `/api/docks/${o.id ?? dockId}/commands`, { token: o.token ?? dispatcher, body });

beforeEach(async () => {
  hub = new FakeBridgeHub();
  hub.answers['dock.command'] = () => ({ ok: true, value: { command: 31502, sends: 1 } });
  h = await startHarness({ bridgeHub: hub });
  dispatcher = await h.userToken('dispatcher');
  bridgeId = ((await create(h, '/api/bridges', { name: 'Guicheng' })).bridge as { id: string }).id;
  siteId = (await create(h, '/api/sites', { name: 'Guicheng', latDeg: 23, lonDeg: 113 })).id as string;
  dockId = (
    await create(h, '/api/docks', {
      name: 'dock 1',
      serial: 'D1',
      model: 'sim',
      siteId,
      latDeg: 23,
      lonDeg: 113,
      altAmslM: 10,
      bridgeId,
      sysid: 101,
      compid: 25,
    })
  ).id as string;
  hub.connected = [bridgeId];
  h.app.aerie.docks.update(dockId, status);
});

afterEach(async () => {
  await h.close();
});

describe('dock live routes', () => {
  it('GET status answers the live entry; a dock that never reported is offline with no status', async () => {
    const res = await h.req('GET', `/api/docks/${dockId}/status`, { token: dispatcher });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      dockId,
      online: true,
      status: { sysid: 101, state: 'idle', lid: 'closed' },
    });
    const other = (
      await create(h, '/api/docks', {
        name: 'd2',
        serial: 'D2',
        model: 'm',
        siteId,
        latDeg: 23,
        lonDeg: 113,
        altAmslM: 1,
      })
    ).id as string;
    expect((await h.req('GET', `/api/docks/${other}/status`, { token: dispatcher })).json()).toEqual({
      dockId: other,
      online: false,
      status: null,
      updatedAtMs: null,
    });
    expect((await h.req('GET', '/api/docks/nope/status', { token: dispatcher })).statusCode).toBe(404);
  });

  it("POST runs the command through the hub, answers with the dock's result, records and audits it", async () => {
    const res = await send({ action: 'prepare_takeoff' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ commandId: expect.any(String), ok: true, result: { command: 31502, sends: 1 } });
    expect(hub.calls).toEqual([
      {
        bridgeId,
        kind: 'dock.command',
        payload: { requestId: body.commandId, sysid: 101, command: { action: 'prepare_takeoff' } },
      },
    ]);
    hub.answers['dock.command'] = () => ({
      ok: false,
      error: { code: 'Failed', message: 'COMMAND_ACK FAILED' },
    });
    const failed = await send({ action: 'open_lid' });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ ok: false, error: { code: 'Failed' } });
    const rows = await h.app.aerie.database.db.select().from(dockEvents).where(eq(dockEvents.dockId, dockId));
    expect(rows.map((r) => [r.kind, r.code])).toEqual([
      ['command', 'Accepted'],
      ['command', 'Failed'],
    ]);
    const audit = await h.req('GET', `/api/audit?targetId=${dockId}`, { token: h.adminToken });
    expect(audit.json().items.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses what cannot reach the dock: 409 NotBound, BridgeOffline, dock offline; 504 Timeout; 400 bad action', async () => {
    h.app.aerie.docks.setOffline(dockId);
    const offline = await send({ action: 'open_lid' });
    expect([offline.statusCode, offline.json().error.code]).toEqual([409, 'Conflict']);
    expect(offline.json().error.message).toMatch(/offline/);
    h.app.aerie.docks.update(dockId, status);
    hub.connected = [];
    expect((await send({ action: 'open_lid' })).json().error.code).toBe('BridgeOffline');
    hub.connected = [bridgeId];
    hub.answers['dock.command'] = () => ({ ok: false, error: { code: 'Timeout', message: 'no answer' } });
    expect((await send({ action: 'open_lid' })).statusCode).toBe(504);
    await h.req('PATCH', `/api/docks/${dockId}`, { token: h.adminToken, body: { bridgeId: null } });
    expect((await send({ action: 'open_lid' })).json().error.code).toBe('NotBound');
    const bad = await send({ action: 'fly' });
    expect(bad.statusCode).toBe(400);
    expect(hub.calls).toHaveLength(1);
  });

  it('lets a pilot run the dock for a flight but not stop a charge; the refused command is not sent', async () => {
    const pilot = await h.userToken('pilot');
    const before = hub.calls.length;
    expect((await send({ action: 'open_lid' }, { token: pilot })).statusCode).toBe(200);
    expect(hub.calls).toHaveLength(before + 1);
    const stop = await send({ action: 'stop_charging' }, { token: pilot });
    expect(stop.statusCode).toBe(403);
    expect(stop.json().error).toMatchObject({
      code: 'Forbidden',
      path: 'body.action',
      params: { detail: 'RoleMayNot', role: 'pilot', permission: 'docks.command', action: 'stop_charging' },
    });
    expect(hub.calls).toHaveLength(before + 1);
    expect((await send({ action: 'stop_charging' }, { token: h.adminToken })).statusCode).toBe(200);
  });
});
