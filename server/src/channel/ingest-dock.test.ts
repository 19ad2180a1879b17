/** The ingest of dock items: stored for registered docks only, never registering a vehicle. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sampleDockStatus } from '@aerie/contracts';
import type { ChannelItem, DockStatusPayload } from '@aerie/gcs-bridge';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { bridgeCursors, bridges, dockEvents, docks, sites, vehicles } from '../db/schema.ts';
import { LiveDockStore } from '../live/dock-store.ts';
import { dropTestDatabase, openTestDatabase } from '../test/database.ts';
import { BridgeIngest, checkItem, dockEventText, noopIngestSink } from './ingest.ts';

const BRIDGE = { id: 'b-1', name: 'nanhai' };
const EPOCH = 'epoch-d';

const status = (sysid: number, extra: Partial<DockStatusPayload> = {}): DockStatusPayload =>
  sampleDockStatus({ sysid, aircraftBatteryPct: 96, lat: 23.03, lon: 113.14, ...extra });

const dockState = (seq: number, sysid: number): ChannelItem => ({
  seq,
  kind: 'dock_state',
  sysid,
  atMs: 1000 + seq,
  dock: status(sysid),
});
const dockFault = (seq: number, sysid: number): ChannelItem => ({
  seq,
  kind: 'dock_event',
  sysid,
  atMs: 1000 + seq,
  event: { type: 'fault', atMs: 1000 + seq, code: 'lid_jam', message: 'the dock lid jammed' },
});

let dir: string;
let database: Database;
let ingest: BridgeIngest;
let warnings: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-ingest-dock-'));
  database = await openTestDatabase(dir);
  const db = database.db;
  await db.insert(bridges).values({ ...BRIDGE, tokenHash: 'x', createdAt: new Date(0) });
  await db
    .insert(sites)
    .values({ id: 's-1', name: 'Guicheng', latDeg: 23, lonDeg: 113, createdAt: new Date(0) });
  await db.insert(docks).values({
    id: 'd-1',
    name: 'dock 1',
    serial: 'D1',
    model: 'sim',
    siteId: 's-1',
    latDeg: 23.03,
    lonDeg: 113.14,
    altAmslM: 10,
    bridgeId: BRIDGE.id,
    sysid: 101,
    compid: 25,
    createdAt: new Date(0),
  });
  warnings = [];
  ingest = new BridgeIngest({
    db,
    sink: noopIngestSink,
    now: () => 5000,
    logger: { warn: (_o, m) => warnings.push(m), error: () => {} },
  });
});
afterEach(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestDatabase(dir);
});

describe('dock items', () => {
  it('are checked like the others', () => {
    expect(checkItem(dockState(1, 101))).toBeNull();
    expect(checkItem(dockFault(1, 101))).toBeNull();
    expect(checkItem({ seq: 1, kind: 'dock_state', sysid: 101, atMs: 1, dock: null })).toMatch(
      /^MalformedDockStatus: dock/,
    );
    expect(checkItem({ ...dockState(1, 101), dock: { ...status(101), windSpeedMps: 'gale' } })).toMatch(
      /^MalformedDockStatus: dock\/windSpeedMps: /,
    );
    expect(checkItem({ seq: 1, kind: 'dock_thing', sysid: 101, atMs: 1 })).toMatch(/kind must be/);
  });

  it("store a registered dock's status and events, moving the cursor, registering no vehicle", async () => {
    const r = await ingest.ingest(BRIDGE, EPOCH, [dockState(1, 101), dockFault(2, 101)]);
    expect(r.lastSeq).toBe(2);
    expect(r.stored).toEqual([]);
    expect(r.registered).toEqual([]);
    expect(r.docks.map((d) => [d.dockId, d.kind])).toEqual([
      ['d-1', 'dock_state'],
      ['d-1', 'dock_event'],
    ]);
    const rows = await database.db.select().from(dockEvents).where(eq(dockEvents.dockId, 'd-1'));
    expect(rows.map((e) => [e.kind, e.code, e.message])).toEqual([
      ['fault', 'lid_jam', 'the dock lid jammed'],
    ]);
    expect(await database.db.select().from(vehicles)).toEqual([]);
    // A resent batch stores nothing twice.
    const again = await ingest.ingest(BRIDGE, EPOCH, [dockState(1, 101), dockFault(2, 101)]);
    expect(again.docks).toEqual([]);
    expect(await database.db.select().from(dockEvents)).toHaveLength(1);
  });

  it('of a dock nobody registered are skipped with one warning, and consumed', async () => {
    const r = await ingest.ingest(BRIDGE, EPOCH, [dockState(1, 150), dockFault(2, 150), dockState(3, 150)]);
    await ingest.ingest(BRIDGE, EPOCH, [dockState(4, 150)]);
    expect(r.docks).toEqual([]);
    expect(warnings.filter((w) => w.includes('dock this server does not know'))).toHaveLength(1);
    expect(await database.db.select().from(vehicles)).toEqual([]);
    const [cursor] = await database.db.select().from(bridgeCursors);
    expect(cursor?.lastSeq).toBe(4);
  });

  it('word every event type', () => {
    expect(dockEventText({ type: 'state_changed', atMs: 0, from: 'idle', to: 'preparing' }).message).toBe(
      'idle -> preparing',
    );
    expect(dockEventText({ type: 'fault_cleared', atMs: 0, code: 'charger_fault' })).toEqual({
      code: 'charger_fault',
      message: 'charger_fault cleared',
    });
    expect(dockEventText({ type: 'lost', atMs: 0 }).message).toBe('dock link lost');
  });
});

describe('LiveDockStore', () => {
  it('tells listeners of every change and keeps the last status when a dock goes offline', () => {
    let t = 100;
    const store = new LiveDockStore(() => t);
    const seen: string[] = [];
    const stop = store.onDockChange((d) => seen.push(`${d.dockId}:${d.online}:${d.status?.state}`));
    expect(store.getDock('d-1')).toEqual({ dockId: 'd-1', online: false, status: null, updatedAtMs: null });
    store.update('d-1', status(101, { state: 'charging' }));
    t = 200;
    store.setOffline('d-1');
    store.setOffline('d-1');
    expect(store.getDock('d-1')).toMatchObject({
      online: false,
      updatedAtMs: 100,
      status: { state: 'charging' },
    });
    stop();
    store.update('d-1', status(101));
    expect(seen).toEqual(['d-1:true:charging', 'd-1:false:charging']);
    expect(store.all().map((d) => d.dockId)).toEqual(['d-1']);
  });
});
