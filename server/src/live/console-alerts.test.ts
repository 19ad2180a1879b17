import type { AddressInfo } from 'node:net';
import { sampleVehicleState as st } from '@aerie/contracts';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { createAlertDeriver } from './console-alerts.ts';
import {
  CONSOLE_NAMESPACE,
  type ConsoleClientToServer,
  type ConsoleServerToClient,
  type ConsoleVehicleAlert,
} from './console-events.ts';

describe('alert deriver', () => {
  it('announces each battery threshold once per crossing, re-armed only 5 points above it', () => {
    const d = createAlertDeriver();
    const kinds = (pcts: number[]) =>
      pcts.flatMap((p) => d.fromState('v', { batteryPct: p }, 0).map((a) => `${a.kind}@${a.batteryPct}`));
    expect(kinds([80, 31, 29, 30, 29, 28, 16, 14, 15, 13])).toEqual([
      'battery_low@29',
      'battery_critical@14',
    ]);
    // A wobble just above 15 % does not re-arm; a fresh pack does.
    expect(kinds([17, 14])).toEqual([]);
    expect(kinds([100, 29])).toEqual(['battery_low@29']);
  });

  it('goes straight to critical when the first reading is already below 15 %', () => {
    const d = createAlertDeriver();
    expect(d.fromState('v', { batteryPct: 9 }, 5).map((a) => [a.kind, a.level])).toEqual([
      ['battery_critical', 'critical'],
    ]);
  });

  it('raises failsafe when system_status enters CRITICAL or EMERGENCY, once', () => {
    const d = createAlertDeriver();
    const seq = [4, 5, 5, 6, 4, 6].flatMap((s) => d.fromState('v', { systemStatus: s }, 0));
    expect(seq.map((a) => `${a.kind}:${a.text}`)).toEqual(['failsafe:CRITICAL', 'failsafe:EMERGENCY']);
  });

  it('passes status texts of severity warning or worse, and names failsafes', () => {
    const d = createAlertDeriver();
    const st = (severity: number, text: string) =>
      d.fromEvent('v', 1, { type: 'status_text', atMs: 7, severity, severityName: '', text });
    expect(st(6, 'Takeoff detected')).toBeNull();
    expect(st(5, 'Landing')).toBeNull();
    expect(st(4, 'Low battery level!\t')).toMatchObject({
      kind: 'status_text',
      level: 'warning',
      text: 'Low battery level!',
      atMs: 7,
    });
    expect(st(2, 'Critical navigation failure')).toMatchObject({ kind: 'status_text', level: 'critical' });
    expect(st(4, 'Failsafe activated: Auto RTL')).toMatchObject({ kind: 'failsafe', level: 'critical' });
    expect(d.fromEvent('v', 1, { type: 'armed', atMs: 1 })).toBeNull();
  });

  it('gives every alert its own id', () => {
    const d = createAlertDeriver();
    const a = d.fromLink('v', false, 1);
    const b = d.fromLink('v', true, 2);
    expect(a).toMatchObject({ kind: 'link_lost', level: 'critical' });
    expect(b).toMatchObject({ kind: 'link_restored', level: 'info' });
    expect(a.id).not.toBe(b.id);
  });
});

type Client = ClientSocket<ConsoleServerToClient, ConsoleClientToServer>;

describe('vehicle.alert on /console', () => {
  let h: Harness | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await h?.close();
    h = undefined;
  });

  async function until(check: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('sends alerts from states, links and stored events, scoped to the department, and the recent ones on connect', async () => {
    h = await startHarness({ consoleOptions: { fleetIntervalMs: 50 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}${CONSOLE_NAMESPACE}`;
    const depA = (await create(h, '/api/departments', { name: 'Water' })).id as string;
    const depB = (await create(h, '/api/departments', { name: 'Fire' })).id as string;
    const mk = async (name: string, departmentId: string) =>
      (await create(h!, '/api/vehicles', { name, serial: `SN-${name}`, model: 'X4', departmentId }))
        .id as string;
    const a1 = await mk('a1', depA);
    const b1 = await mk('b1', depB);
    const store = h.app.aerie.liveState;
    store.update(a1, st({ batteryPct: 90 }));
    store.update(b1, st({ batteryPct: 90 }));

    const open = async (token: string) => {
      const c: Client = connect(url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token },
      });
      clients.push(c);
      const got: ConsoleVehicleAlert[] = [];
      c.on('vehicle.alert', (items) => got.push(...items));
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('connect_error', reject);
      });
      return got;
    };
    const watch = await open(await h.userToken('command_centre'));
    const officer = await open(await h.userToken('department_officer', { departmentId: depA }));

    store.update(a1, st({ batteryPct: 25 }));
    store.update(b1, st({ batteryPct: 12 }));
    h.app.aerie.bridgeChannel.emit('vehicle.event', b1, 1000, {
      type: 'status_text',
      atMs: 1000,
      severity: 3,
      severityName: 'error',
      text: 'Compass error',
    });
    store.setOffline(a1);
    await until(() => watch.length === 4, 'four alerts for the watch role');
    expect(watch.map((a) => `${a.vehicleId === a1 ? 'a1' : 'b1'} ${a.kind}`)).toEqual([
      'a1 battery_low',
      'b1 battery_critical',
      'b1 status_text',
      'a1 link_lost',
    ]);
    await until(() => officer.length === 2, 'the officer’s two alerts');
    await new Promise((r) => setTimeout(r, 100));
    expect(officer.map((a) => a.kind)).toEqual(['battery_low', 'link_lost']);
    expect(officer.every((a) => a.vehicleId === a1)).toBe(true);

    // A console opened later gets the recent ones at once.
    const late = await open(await h.userToken('pilot'));
    await until(() => late.length === 4, 'the recent alerts on connect');
    expect(late.map((a) => a.id)).toEqual(watch.map((a) => a.id));
  });
});
