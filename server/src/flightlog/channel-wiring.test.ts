/**
 * The flight log as `build` wires it: bridge items through the channel's transactional ingest
 * into sorties, track and events, read back over HTTP. A resent batch stores nothing twice.
 */
import type { ChannelItem } from '@aerie/gcs-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { M_PER_DEG_LAT, snapshot } from './test-fixtures.ts';

let h: Harness;
let bridge: { id: string; name: string };
const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);

beforeAll(async () => {
  h = await startHarness();
  const site = String((await create(h, '/api/sites', { name: 'S', latDeg: 30, lonDeg: 120 })).id);
  const created = await create(h, '/api/bridges', { name: 'site-bridge', siteId: site });
  bridge = { id: (created.bridge as { id: string }).id, name: 'site-bridge' };
});
afterAll(async () => {
  await h.close();
});

/** Two minutes flying north at 4 m/s, snapshots at 2 Hz as the bridge client sends them. */
function flight(): ChannelItem[] {
  const items: ChannelItem[] = [];
  let seq = 0;
  const event = (atMs: number, e: Extract<ChannelItem, { kind: 'event' }>['event']) =>
    items.push({ seq: ++seq, kind: 'event', sysid: 7, atMs, event: e });
  items.push({ seq: ++seq, kind: 'state', sysid: 7, atMs: T0 - 1000, state: snapshot({ sysid: 7 }) });
  event(T0, { type: 'armed', atMs: T0 });
  event(T0 + 200, {
    type: 'mode_changed',
    atMs: T0 + 200,
    from: 'AUTO.LOITER',
    to: 'AUTO.MISSION',
    kind: 'mission',
  });
  for (let i = 0; i <= 240; i++) {
    const atMs = T0 + 500 * i;
    items.push({
      seq: ++seq,
      kind: 'state',
      sysid: 7,
      atMs,
      state: snapshot({
        sysid: 7,
        armed: true,
        landed: false,
        mode: 'AUTO.MISSION',
        modeKind: 'mission',
        lat: 30 + (2 * i) / M_PER_DEG_LAT,
        altRelM: 25,
      }),
    });
  }
  event(T0 + 121_000, { type: 'disarmed', atMs: T0 + 121_000 });
  return items;
}

describe('flight log behind the bridge channel', () => {
  it('turns a bridge stream into a sortie with its track and events, once', async () => {
    const ingest = h.app.aerie.bridgeChannel.ingest;
    const items = flight();
    const half = 120;
    expect(await ingest.hello(bridge.id, 'epoch-1')).toBe(0);
    await ingest.ingest(bridge, 'epoch-1', items.slice(0, half));
    // The bridge did not get the ack and sends the first half again with the rest.
    await ingest.ingest(bridge, 'epoch-1', items);
    await ingest.ingest(bridge, 'epoch-1', items.slice(half));

    const list = (await h.req('GET', '/api/sorties', { token: h.adminToken })).json();
    expect(list.total).toBe(1);
    const s = list.items[0];
    expect(s).toMatchObject({ status: 'completed', missionRan: true, durationS: 121, maxAltRelM: 25 });
    expect(s.distanceM).toBeCloseTo(480, 0);

    const track = (await h.req('GET', `/api/sorties/${s.id}/track`, { token: h.adminToken })).json();
    expect(track.points).toHaveLength(121);
    const events = (await h.req('GET', `/api/sorties/${s.id}/events`, { token: h.adminToken })).json();
    expect(events.events.map((e: { message: string }) => e.message)).toEqual([
      'Armed',
      'Mode AUTO.MISSION',
      'Disarmed',
    ]);
  });
});
