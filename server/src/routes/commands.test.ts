import { sampleVehicleState as st } from '@aerie/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../db/schema.ts';
import { FakeBridgeHub } from '../test/fake-bridge-hub.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';

let h: Harness;
let hub: FakeBridgeHub;
let pilot: string;
let bridgeId: string;
let vehicleId: string;

const send = (body: unknown, o: { token?: string; id?: string } = {}) =>
  h.req('POST', `/api/vehicles/${o.id ?? vehicleId}/commands`, { token: o.token ?? pilot, body });

async function history(id = vehicleId) {
  const res = await h.req('GET', `/api/vehicles/${id}/commands`, { token: pilot });
  expect(res.statusCode).toBe(200);
  return res.json().items as Record<string, unknown>[];
}

beforeEach(async () => {
  hub = new FakeBridgeHub();
  hub.answers['vehicle.command'] = () => ({ ok: true, value: { command: 400, sends: 1 } });
  h = await startHarness({ bridgeHub: hub });
  pilot = await h.userToken('pilot');
  bridgeId = ((await create(h, '/api/bridges', { name: 'Guicheng' })).bridge as { id: string }).id;
  vehicleId = (
    await create(h, '/api/vehicles', { name: 'UAV-1', serial: 'SN1', model: 'X4', bridgeId, sysid: 1 })
  ).id as string;
  hub.connected = [bridgeId];
  h.app.aerie.liveState.update(vehicleId, st({ armed: false }));
});

afterEach(async () => {
  await h.close();
});

describe('POST /api/vehicles/:id/commands', () => {
  it("runs the command through the hub, answers with the vehicle's result, stores and audits it", async () => {
    const res = await send({ action: 'takeoff', altRelM: 30 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ commandId: expect.any(String), ok: true, result: { command: 400, sends: 1 } });
    expect(hub.calls).toEqual([
      {
        bridgeId,
        kind: 'vehicle.command',
        payload: { requestId: body.commandId, sysid: 1, command: { action: 'takeoff', altRelM: 30 } },
      },
    ]);
    const [row] = await history();
    expect(row).toMatchObject({
      id: body.commandId,
      command: { action: 'takeoff', altRelM: 30 },
      status: 'ok',
      resultCode: 'Accepted',
      completedAt: expect.any(String),
    });
    const audit = await h.req('GET', `/api/audit?targetId=${vehicleId}`, { token: h.adminToken });
    expect(audit.json().items[0]).toMatchObject({
      method: 'POST',
      route: '/api/vehicles/:id/commands',
      role: 'pilot',
      statusCode: 200,
    });
  });

  it("answers 200 with the vehicle's coded refusal", async () => {
    hub.answers['vehicle.command'] = () => ({
      ok: false,
      error: { code: 'Denied', message: 'vehicle refused ARM', detail: { sends: 1 } },
    });
    const res = await send({ action: 'arm' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: false,
      error: { code: 'Denied', message: 'vehicle refused ARM', detail: { sends: 1 } },
    });
    expect((await history())[0]).toMatchObject({ status: 'failed', resultCode: 'Denied' });
  });

  it('is for pilots and administrators only', async () => {
    const dep = (await create(h, '/api/departments', { name: 'Water' })).id as string;
    const refused: Role[] = ['dispatcher', 'command_centre', 'reviewer', 'department_officer'];
    for (const role of refused) {
      const res = await send({ action: 'hold' }, { token: await h.userToken(role, { departmentId: dep }) });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('Forbidden');
    }
    expect(
      (await h.req('POST', `/api/vehicles/${vehicleId}/commands`, { body: { action: 'hold' } })).statusCode,
    ).toBe(401);
    expect((await send({ action: 'hold' }, { token: h.adminToken })).statusCode).toBe(200);
    expect(hub.calls).toHaveLength(1);
  });

  it('names the bad field of a command and sends nothing', async () => {
    const cases: [unknown, string][] = [
      [{ action: 'takeoff', altRelM: 600 }, 'body.altRelM'],
      [{ action: 'takeoff', altRelM: 0.5 }, 'body.altRelM'],
      [{ action: 'takeoff' }, 'body.altRelM'],
      [{ action: 'takeoff', altRelM: '30' }, 'body.altRelM'],
      [{ action: 'goto', lat: 95, lon: 113, altRelM: 50 }, 'body.lat'],
      [{ action: 'goto', lat: 23, lon: -181, altRelM: 50 }, 'body.lon'],
      [{ action: 'set_mode', mode: '' }, 'body.mode'],
      [{ action: 'land', speed: 3 }, 'body.speed'],
      [{ action: 'fly' }, 'body.action'],
      [{}, 'body.action'],
    ];
    for (const [body, path] of cases) {
      const res = await send(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error, JSON.stringify(body)).toMatchObject({ code: 'ValidationFailed', path });
      expect(res.json().error.message).toContain(path);
    }
    expect((await send({ action: 'fly' })).json().error.message).toContain('arm, disarm, takeoff');
    expect(hub.calls).toEqual([]);
    expect(await history()).toEqual([]);
  });

  it('answers 404 for an unknown vehicle and 409 when the vehicle cannot be reached', async () => {
    expect((await send({ action: 'land' }, { id: 'no-such-vehicle' })).statusCode).toBe(404);

    const unbound = (await create(h, '/api/vehicles', { name: 'UAV-2', serial: 'SN2', model: 'X4' }))
      .id as string;
    const res1 = await send({ action: 'land' }, { id: unbound });
    expect([res1.statusCode, res1.json().error.code]).toEqual([409, 'NotBound']);

    hub.connected = [];
    const res2 = await send({ action: 'land' });
    expect([res2.statusCode, res2.json().error.code]).toEqual([409, 'BridgeOffline']);

    hub.connected = [bridgeId];
    h.app.aerie.liveState.setOffline(vehicleId);
    const res3 = await send({ action: 'land' });
    expect([res3.statusCode, res3.json().error.code]).toEqual([409, 'VehicleOffline']);
    expect(hub.calls).toEqual([]);

    // The bridge itself may say it does not hear the vehicle.
    h.app.aerie.liveState.update(vehicleId, st({}));
    hub.answers['vehicle.command'] = () => ({
      ok: false,
      error: { code: 'UnknownVehicle', message: 'this bridge has not heard sysid 1' },
    });
    const res4 = await send({ action: 'land' });
    expect([res4.statusCode, res4.json().error.code]).toEqual([409, 'VehicleOffline']);

    expect((await history()).map((c) => [c.status, c.resultCode])).toEqual([
      ['failed', 'UnknownVehicle'],
      ['failed', 'VehicleOffline'],
      ['failed', 'BridgeOffline'],
    ]);
  });

  it('answers 504 when no answer came in time', async () => {
    hub.answers['vehicle.command'] = () => ({
      ok: false,
      error: { code: 'Timeout', message: 'no answer from the bridge within 20000 ms' },
    });
    const res = await send({ action: 'goto', lat: 23.03, lon: 113.14, altRelM: 60 });
    expect(res.statusCode).toBe(504);
    expect(res.json().error).toMatchObject({ code: 'Timeout' });
    expect((await history())[0]).toMatchObject({
      command: { action: 'goto', lat: 23.03, lon: 113.14, altRelM: 60 },
      status: 'failed',
      resultCode: 'Timeout',
    });
  });
});
