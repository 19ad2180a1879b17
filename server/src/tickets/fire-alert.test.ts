/**
 * Issue 15: every fire/smoke ticket alerts the console once, whatever filed it; the rule (pure)
 * and the real path (HTTP API -> desk events -> /console `vehicle.alert`).
 */
import type { AddressInfo } from 'node:net';
import {
  CONSOLE_NAMESPACE,
  type ConsoleClientToServer,
  type ConsoleServerToClient,
  type ConsoleVehicleAlert,
  type GeoFinding,
} from '@aerie/contracts';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFinding } from '../test/findings.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import type { TicketEvent, TicketSummary } from './desk.ts';
import { fireAlertOf } from './fire-alert.ts';

const summary = (category: string) =>
  ({ id: 't-1', number: 'GC-20260601-0007', category, departmentId: null }) as TicketSummary;

describe('fireAlertOf', () => {
  const dept = () => 'dep-fire';
  it('alerts a new fire ticket and a recurrence, naming the ticket and its department now', () => {
    const created: TicketEvent = {
      type: 'ticket.created',
      at: 42,
      ticket: summary('fire_smoke'),
      vehicleId: 'v-1',
    };
    expect(fireAlertOf(created, dept)).toEqual({
      vehicleId: 'v-1',
      atMs: 42,
      kind: 'fire_smoke',
      level: 'critical',
      text: 'GC-20260601-0007',
      ticket: { id: 't-1', number: 'GC-20260601-0007', departmentId: 'dep-fire' },
    });
    const again: TicketEvent = {
      type: 'ticket.occurrence',
      at: 50,
      ticket: summary('fire_smoke'),
      reopened: false,
      vehicleId: null,
    };
    expect(fireAlertOf(again, () => null)).toMatchObject({
      vehicleId: null,
      atMs: 50,
      ticket: { departmentId: null },
    });
  });

  it('stays quiet for other categories and other events', () => {
    expect(
      fireAlertOf({ type: 'ticket.created', at: 1, ticket: summary('construction'), vehicleId: 'v' }, dept),
    ).toBeNull();
    const transition = {
      type: 'ticket.transition',
      at: 1,
      ticket: summary('fire_smoke'),
      transition: {},
    } as unknown as TicketEvent;
    expect(fireAlertOf(transition, dept)).toBeNull();
  });
});

type Client = ClientSocket<ConsoleServerToClient, ConsoleClientToServer>;

describe('fire alerts through the API', () => {
  let h: Harness;
  const clients: Client[] = [];
  const heard = {
    centre: [] as ConsoleVehicleAlert[],
    fireOfficer: [] as ConsoleVehicleAlert[],
    waterOfficer: [] as ConsoleVehicleAlert[],
  };
  let centreToken = '';
  let fireDept = '';

  async function listen(token: string, into: ConsoleVehicleAlert[]) {
    const port = (h.app.server.address() as AddressInfo).port;
    const c: Client = connect(`http://127.0.0.1:${port}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token },
    });
    clients.push(c);
    c.on('vehicle.alert', (alerts) => into.push(...alerts));
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('connect_error', reject);
    });
  }

  const finding = (category: GeoFinding['category'], score: number, lat: number) =>
    testFinding(h.clock.t, { category, score, lat });
  const post = (url: string, body: unknown) => h.req('POST', url, { token: centreToken, body });
  /** Lets the server's emits reach the sockets, then answers the fire alerts heard. */
  async function fires(into: ConsoleVehicleAlert[]) {
    await new Promise((r) => setTimeout(r, 300));
    return into.filter((a) => a.kind === 'fire_smoke');
  }

  beforeAll(async () => {
    h = await startHarness({ tickets: { sweepEveryMs: 0 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    centreToken = await h.userToken('command_centre');
    const water = String((await create(h, '/api/departments', { name: 'Water', code: 'WATER' })).id);
    fireDept = String((await create(h, '/api/departments', { name: 'Fire', code: 'FIRE' })).id);
    // Fire tickets anywhere go to the fire department.
    const route = await h.req('POST', '/api/ticket-routes', {
      token: h.adminToken,
      body: { category: 'fire_smoke', gridId: null, departmentId: fireDept },
    });
    expect(route.statusCode, route.body).toBe(201);
    await listen(centreToken, heard.centre);
    await listen(await h.userToken('department_officer', { departmentId: fireDept }), heard.fireOfficer);
    await listen(await h.userToken('department_officer', { departmentId: water }), heard.waterOfficer);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await h.close();
  });

  it('a fire finding posted through the API raises exactly one alert naming the ticket', async () => {
    const res = await post('/api/findings', { finding: finding('fire_smoke', 0.95, 30) });
    expect(res.statusCode, res.body).toBe(201);
    const number = res.json().ticket.number as string;
    const got = await fires(heard.centre);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'fire_smoke', level: 'critical', text: number, vehicleId: 'v' });
    // The department the ticket was dispatched to (after the event that filed it), whose
    // officers hear it as the command centre does; another department's do not.
    expect(res.json().ticket.departmentId).toBe(fireDept);
    expect(got[0]!.ticket).toMatchObject({ number, departmentId: fireDept });
    expect(await fires(heard.fireOfficer)).toMatchObject([{ text: number }]);
    expect(await fires(heard.waterOfficer)).toHaveLength(0);
    heard.centre.length = 0;
  });

  it('a construction finding raises none', async () => {
    const res = await post('/api/findings', { finding: finding('construction', 0.95, 31) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().outcome).toBe('ticket');
    expect(await fires(heard.centre)).toHaveLength(0);
  });

  it('a fire waiting in triage alerts only once confirmed into a ticket', async () => {
    const low = await post('/api/findings', { finding: finding('fire_smoke', 0.5, 32) });
    expect(low.json(), low.body).toMatchObject({ outcome: 'triage' });
    expect(await fires(heard.centre)).toHaveLength(0);
    const confirmed = await post(`/api/triage/${low.json().triageItem.id}/confirm`, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const number = confirmed.json().result.ticket.number as string;
    const got = await fires(heard.centre);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ text: number, ticket: { number } });
  });

  it("a citizen's fire report (Open311) alerts once confirmed, with no vehicle", async () => {
    heard.centre.length = 0;
    const key = await h.req('POST', '/api/open311-keys', { token: h.adminToken, body: { name: 'hotline' } });
    expect(key.statusCode, key.body).toBe(201);
    const report = await h.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: key.json().key,
        service_code: 'fire_smoke',
        lat: '30.3',
        long: '120.2',
        description: '山上冒烟',
      }).toString(),
    });
    expect(report.statusCode, report.body).toBe(200);
    expect(await fires(heard.centre)).toHaveLength(0);
    const confirmed = await post(`/api/triage/${report.json()[0].token}/confirm`, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const number = confirmed.json().result.ticket.number as string;
    expect(await fires(heard.centre)).toMatchObject([{ text: number, vehicleId: null, ticket: { number } }]);
    expect((await fires(heard.fireOfficer)).filter((a) => a.text === number)).toHaveLength(1);
  });
});
