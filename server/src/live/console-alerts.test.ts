import type { AddressInfo } from 'node:net';
import {
  CONSOLE_NAMESPACE,
  type ConsoleClientToServer,
  type ConsoleServerToClient,
  type ConsoleVehicleAlert,
  sampleVehicleState as st,
} from '@aerie/contracts';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { createAlertCoalescer, createAlertDeriver, createRecentAlerts } from './console-alerts.ts';

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

describe('alert storms', () => {
  const d = createAlertDeriver();

  it('passes the first alerts of a flapping link, then one summary per window with the count and the final state', () => {
    const c = createAlertCoalescer({ windowMs: 10_000, threshold: 3 });
    const out: ConsoleVehicleAlert[] = [];
    // 200 lost/restored pairs within a second, as two ground stations answering one simulated
    // vehicle produced.
    for (let i = 0; i < 400; i++) {
      const at = 1000 + i * 2;
      out.push(...c.offer(d.fromLink('v1', i % 2 === 1, at), at));
    }
    expect(out.map((a) => a.kind)).toEqual(['link_lost', 'link_restored', 'link_lost']);
    expect(c.tick(5000)).toEqual([]);
    const [summary, ...rest] = c.tick(11_000);
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({
      vehicleId: 'v1',
      kind: 'link_restored',
      level: 'info',
      repeat: { count: 400, windowMs: 798 },
    });
    expect(out.map((a) => a.id)).not.toContain(summary!.id);
    // Still flapping in the next window: another summary, counting that window only.
    for (let i = 0; i < 41; i++) c.offer(d.fromLink('v1', i % 2 === 1, 12_000 + i), 12_000 + i);
    expect(c.tick(21_000)).toMatchObject([{ kind: 'link_lost', level: 'critical', repeat: { count: 41 } }]);
    // A quiet window ends the storm; the next loss passes as a plain alert again.
    expect(c.tick(31_000)).toEqual([]);
    expect(c.offer(d.fromLink('v1', false, 40_000), 40_000)).toHaveLength(1);
  });

  it('keeps vehicles and kinds apart: another vehicle, a battery alert, a different text all pass', () => {
    const c = createAlertCoalescer({ windowMs: 10_000, threshold: 2 });
    for (let i = 0; i < 10; i++) c.offer(d.fromLink('noisy', i % 2 === 1, i), i);
    expect(c.offer(d.fromLink('quiet', false, 20), 20)).toHaveLength(1);
    expect(c.offer(d.fromState('noisy', { batteryPct: 20 }, 21)[0]!, 21)).toHaveLength(1);
    const text = (t: string, at: number) =>
      d.fromEvent('noisy', at, { type: 'status_text', atMs: at, severity: 4, severityName: '', text: t })!;
    expect(c.offer(text('Compass error', 22), 22)).toHaveLength(1);
    expect(c.offer(text('Compass error', 23), 23)).toHaveLength(1);
    expect(c.offer(text('Compass error', 24), 24)).toHaveLength(0);
    expect(c.offer(text('GPS lost', 25), 25)).toHaveLength(1);
  });

  it('does not call alerts spread over more than a window a storm', () => {
    const c = createAlertCoalescer({ windowMs: 10_000, threshold: 3 });
    const passed = [0, 4000, 8000, 12_000, 16_000, 20_000].flatMap((at, i) =>
      c.offer(d.fromLink('v', i % 2 === 1, at), at),
    );
    expect(passed).toHaveLength(6);
  });

  it('keeps every vehicle in the recent list however loud one of them is', () => {
    const recent = createRecentAlerts(10, 4);
    recent.add(d.fromLink('quiet-1', false, 0));
    recent.add(d.fromLink('quiet-2', false, 1));
    for (let i = 0; i < 50; i++) recent.add(d.fromLink('loud', i % 2 === 1, 2 + i));
    const list = recent.list();
    expect(list.filter((a) => a.vehicleId === 'loud')).toHaveLength(4);
    expect(list.map((a) => a.vehicleId).slice(0, 2)).toEqual(['quiet-1', 'quiet-2']);
    // Full: the vehicle holding the most gives way, not the oldest alert overall.
    for (let v = 0; v < 7; v++) recent.add(d.fromLink(`other-${v}`, false, 100 + v));
    const after = recent.list();
    expect(after).toHaveLength(10);
    expect(after.filter((a) => a.vehicleId?.startsWith('quiet'))).toHaveLength(2);
    expect(after.filter((a) => a.vehicleId?.startsWith('other'))).toHaveLength(7);
    expect(after.filter((a) => a.vehicleId === 'loud')).toHaveLength(1);
    // With one each, the oldest alert goes.
    recent.add(d.fromLink('last', false, 200));
    expect(recent.list().map((a) => a.vehicleId)).not.toContain('quiet-1');
  });

  it('keeps fire tickets no vehicle saw apart: own ids, each ticket its own key, a bucket of their own', () => {
    const fire = (number: string) =>
      d.external({
        vehicleId: null,
        atMs: 1,
        kind: 'fire_smoke',
        level: 'critical',
        text: number,
        ticket: { id: `t-${number}`, number, departmentId: null },
      });
    const a = fire('GC-1');
    const b = fire('GC-2');
    expect(a.id).not.toBe(b.id);
    expect(a.ticket).toEqual({ id: 't-GC-1', number: 'GC-1', departmentId: null });
    const c = createAlertCoalescer({ threshold: 1, windowMs: 1000 });
    expect(c.offer(a, 1)).toEqual([a]);
    expect(c.offer(b, 2)).toEqual([b]);
    const recent = createRecentAlerts(10, 1);
    recent.add(d.fromLink('v-1', false, 1));
    recent.add(a);
    recent.add(b);
    // One slot per vehicle: the newer vehicle-less alert replaces the older, the vehicle's stays.
    expect(recent.list().map((x) => x.vehicleId ?? x.text)).toEqual(['v-1', 'GC-2']);
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

  it('coalesces a flapping link on the wire and keeps other vehicles in the recent list', async () => {
    h = await startHarness({ consoleOptions: { fleetIntervalMs: 50 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}${CONSOLE_NAMESPACE}`;
    const mk = async (name: string) =>
      (await create(h!, '/api/vehicles', { name, serial: `SN-${name}`, model: 'X4' })).id as string;
    const calm = await mk('calm');
    const flappy = await mk('flappy');
    const store = h.app.aerie.liveState;
    store.update(calm, st({ batteryPct: 90 }));
    store.update(flappy, st({ batteryPct: 90 }));
    store.update(calm, st({ batteryPct: 20 }));
    for (let i = 0; i < 200; i++) {
      store.setOffline(flappy);
      store.update(flappy, st({ batteryPct: 90 }));
    }
    const c: Client = connect(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: await h.userToken('command_centre') },
    });
    clients.push(c);
    const got: ConsoleVehicleAlert[] = [];
    c.on('vehicle.alert', (items) => got.push(...items));
    await until(() => got.length > 0, 'the recent alerts on connect');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.filter((a) => a.vehicleId === flappy).length).toBeLessThanOrEqual(3);
    expect(got.find((a) => a.vehicleId === calm)).toMatchObject({ kind: 'battery_low' });
  });
});
