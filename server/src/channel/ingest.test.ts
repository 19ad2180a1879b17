import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sampleVehicleState } from '@aerie/contracts';
import type { ChannelItem, VehicleEventPayload, VehicleStatePayload } from '@aerie/gcs-bridge';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Db } from '../db/client.ts';
import { bridgeCursors, bridges, vehicleEvents, vehicles } from '../db/schema.ts';
import { dropTestDatabase, openTestDatabase } from '../test/database.ts';
import type { IngestSink } from './contracts.ts';
import { BridgeIngest, checkItem, modelFromState } from './ingest.ts';

const BRIDGE = { id: 'b-1', name: 'nanhai' };
const EPOCH = 'epoch-a';

/** A sink that writes each event as a vehicle_events row through the handle it is given. */
class RecordingSink implements IngestSink {
  states: Array<{ vehicleId: string; atMs: number }> = [];
  forgotten: string[] = [];
  /** Throw on the event whose text is this. */
  failOn: string | null = null;
  async onState(_db: Db, vehicleId: string, atMs: number, _state: VehicleStatePayload): Promise<void> {
    this.states.push({ vehicleId, atMs });
  }
  async onEvent(db: Db, vehicleId: string, atMs: number, event: VehicleEventPayload): Promise<void> {
    const text = event.type === 'status_text' ? event.text : event.type;
    if (text === this.failOn) throw new Error(`sink refused ${text}`);
    await db.insert(vehicleEvents).values({
      id: `${vehicleId}-${atMs}-${text}`.slice(0, 200) + Math.random(),
      vehicleId,
      at: new Date(atMs),
      kind: event.type,
      severity: 'info',
      message: text,
      dataJson: JSON.stringify(event),
    });
  }
  forget(vehicleId: string): void {
    this.forgotten.push(vehicleId);
  }
}

const snapshot = (sysid: number, extra: Partial<VehicleStatePayload> = {}) =>
  sampleVehicleState({ sysid, autopilot: 'px4', vehicleType: 2, online: true, ...extra });

function stateItem(seq: number, sysid = 1): ChannelItem {
  return { seq, kind: 'state', sysid, atMs: 1000 + seq, state: snapshot(sysid) };
}
function textItem(seq: number, text: string, sysid = 1): ChannelItem {
  return {
    seq,
    kind: 'event',
    sysid,
    atMs: 1000 + seq,
    event: { type: 'status_text', atMs: 1000 + seq, severity: 6, severityName: 'info', text },
  };
}

let dir: string;
let database: Database;
let sink: RecordingSink;
let ingest: BridgeIngest;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-ingest-test-'));
  database = await openTestDatabase(dir);
  await database.db.insert(bridges).values({ ...BRIDGE, tokenHash: 'x', createdAt: new Date(0) });
  sink = new RecordingSink();
  ingest = new BridgeIngest({ db: database.db, sink, now: () => 5000 });
});
afterEach(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestDatabase(dir);
});

const eventTexts = async () =>
  (await database.db.select({ m: vehicleEvents.message }).from(vehicleEvents).orderBy(vehicleEvents.at)).map(
    (r) => r.m,
  );

describe('BridgeIngest', () => {
  it('stores a batch once: the same batch again is skipped and answers the same cursor', async () => {
    const batch = [stateItem(1), textItem(2, 'armed'), textItem(3, 'took off'), stateItem(4)];
    expect(await ingest.hello(BRIDGE.id, EPOCH)).toBe(0);
    const first = await ingest.ingest(BRIDGE, EPOCH, batch);
    expect(first.lastSeq).toBe(4);
    expect(first.stored).toHaveLength(4);
    const again = await ingest.ingest(BRIDGE, EPOCH, batch);
    expect(again).toMatchObject({ lastSeq: 4, stored: [] });
    expect(await eventTexts()).toEqual(['armed', 'took off']);
    expect(sink.states).toHaveLength(2);
    expect(await ingest.hello(BRIDGE.id, EPOCH)).toBe(4);
  });

  it('stores only the new tail of an overlapping replay, in seq order', async () => {
    await ingest.ingest(BRIDGE, EPOCH, [textItem(1, 'a'), textItem(2, 'b')]);
    // A replay after a lost ack: 2 again, then new ones, even out of order on the wire.
    const r = await ingest.ingest(BRIDGE, EPOCH, [textItem(4, 'd'), textItem(2, 'b'), textItem(3, 'c')]);
    expect(r.lastSeq).toBe(4);
    expect(await eventTexts()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps epochs apart: a restarted bridge starts again at seq 1', async () => {
    await ingest.ingest(BRIDGE, EPOCH, [textItem(1, 'a'), textItem(2, 'b')]);
    expect(await ingest.hello(BRIDGE.id, 'epoch-b')).toBe(0);
    await ingest.ingest(BRIDGE, 'epoch-b', [textItem(1, 'c')]);
    expect((await eventTexts()).sort()).toEqual(['a', 'b', 'c']);
    expect(await ingest.hello(BRIDGE.id, EPOCH)).toBe(2);
    expect(await ingest.hello(BRIDGE.id, 'epoch-b')).toBe(1);
  });

  it('a sink failure mid-batch stores nothing of the batch and leaves the cursor where it was', async () => {
    await ingest.ingest(BRIDGE, EPOCH, [textItem(1, 'before')]);
    sink.failOn = 'boom';
    const batch = [textItem(2, 'kept back'), textItem(3, 'boom'), textItem(4, 'after')];
    await expect(ingest.ingest(BRIDGE, EPOCH, batch)).rejects.toThrow(/sink refused boom/);
    expect(await eventTexts()).toEqual(['before']);
    expect(await ingest.hello(BRIDGE.id, EPOCH)).toBe(1);
    expect(sink.forgotten.length).toBeGreaterThan(0);
    // The database is usable afterwards (no transaction left open) and the retry stores it once.
    sink.failOn = null;
    expect((await ingest.ingest(BRIDGE, EPOCH, batch)).lastSeq).toBe(4);
    expect(await eventTexts()).toEqual(['before', 'kept back', 'boom', 'after']);
  });

  it('a failure of the first batch of a new vehicle does not leave the vehicle registered', async () => {
    sink.failOn = 'boom';
    await expect(ingest.ingest(BRIDGE, EPOCH, [stateItem(1, 7), textItem(2, 'boom', 7)])).rejects.toThrow();
    expect(await database.db.select().from(vehicles)).toEqual([]);
    expect(await database.db.select().from(bridgeCursors)).toEqual([]);
  });

  it('registers a vehicle on first sight, bound to the bridge and sysid, and reuses it after', async () => {
    const r = await ingest.ingest(BRIDGE, EPOCH, [stateItem(1, 3), textItem(2, 'x', 3), stateItem(3, 4)]);
    expect(r.registered.map((v) => v.sysid)).toEqual([3, 4]);
    const rows = await database.db.select().from(vehicles).orderBy(vehicles.sysid);
    expect(rows.map((v) => [v.name, v.serial, v.model, v.bridgeId, v.sysid])).toEqual([
      ['UAV-nanhai-3', 'mavlink:b-1:3', 'PX4 quadrotor', 'b-1', 3],
      ['UAV-nanhai-4', 'mavlink:b-1:4', 'PX4 quadrotor', 'b-1', 4],
    ]);
    const again = await ingest.ingest(BRIDGE, EPOCH, [stateItem(4, 3)]);
    expect(again.registered).toEqual([]);
    expect(again.stored[0]!.vehicleId).toBe(rows[0]!.id);
  });

  it('uses a vehicle an administrator bound to the sysid, and re-binds its own row after an unbind', async () => {
    await database.db.insert(vehicles).values({
      id: 'v-real',
      name: 'M300 #1',
      serial: 'SN-1',
      model: 'M300',
      bridgeId: BRIDGE.id,
      sysid: 1,
      createdAt: new Date(0),
    });
    const r = await ingest.ingest(BRIDGE, EPOCH, [stateItem(1, 1), stateItem(2, 2)]);
    expect(r.stored.map((s) => s.vehicleId)[0]).toBe('v-real');
    const auto = r.registered[0]!.vehicleId;
    await database.db.update(vehicles).set({ bridgeId: null, sysid: null }).where(eq(vehicles.id, auto));
    const back = await ingest.ingest(BRIDGE, EPOCH, [stateItem(3, 2)]);
    expect(back.registered).toEqual([]);
    expect(back.stored[0]!.vehicleId).toBe(auto);
  });

  it('skips malformed items but consumes their seq, so they cannot block the stream', async () => {
    const r = await ingest.ingest(BRIDGE, EPOCH, [
      textItem(1, 'ok'),
      { seq: 2, kind: 'telemetry', sysid: 1, atMs: 1 },
      { seq: 3, kind: 'event', sysid: 999, atMs: 1, event: { type: 'x' } },
      textItem(4, 'ok too'),
    ]);
    expect(r.lastSeq).toBe(4);
    expect(r.rejected.map((x) => x.seq)).toEqual([2, 3]);
    expect(await eventTexts()).toEqual(['ok', 'ok too']);
  });

  it('runs batches one at a time even when they arrive together', async () => {
    const results = await Promise.all([
      ingest.ingest(BRIDGE, EPOCH, [textItem(1, 'a'), textItem(2, 'b')]),
      ingest.ingest(BRIDGE, EPOCH, [textItem(1, 'a'), textItem(2, 'b'), textItem(3, 'c')]),
      ingest.ingest(BRIDGE, EPOCH, [textItem(2, 'b'), textItem(3, 'c')]),
    ]);
    expect(results.map((r) => r.lastSeq)).toEqual([2, 3, 3]);
    expect(await eventTexts()).toEqual(['a', 'b', 'c']);
  });

  it('warns (SQLite) when a sink awaits real I/O inside the transaction, and stays quiet otherwise', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: object, m: string) => warnings.push(m), error: () => {} };
    const quiet = new BridgeIngest({ db: database.db, sink, logger });
    await quiet.ingest(BRIDGE, EPOCH, [textItem(1, 'a'), stateItem(2)]);
    expect(warnings).toEqual([]);
    const slow: IngestSink = {
      onState: async () => {},
      onEvent: () => new Promise((r) => setTimeout(r, 5)),
    };
    await new BridgeIngest({ db: database.db, sink: slow, logger }).ingest(BRIDGE, EPOCH, [textItem(3, 'b')]);
    // Only the shared SQLite connection lets other writes join the window; a PostgreSQL
    // transaction holds a connection of its own, so there is nothing to warn about.
    expect(warnings).toEqual(
      database.dialect === 'sqlite'
        ? [expect.stringMatching(/awaited I\/O inside the batch transaction/)]
        : [],
    );
  });

  it('checks items and names the problem', () => {
    expect(checkItem(textItem(1, 'x'))).toBeNull();
    expect(checkItem({ ...textItem(1, 'x'), seq: 0 })).toMatch(/seq/);
    expect(checkItem({ ...stateItem(1), state: null })).toMatch(/state/);
    expect(modelFromState({ autopilot: 'ardupilot', vehicleType: 1 })).toBe('ArduPilot fixed wing');
    expect(modelFromState(undefined)).toBe('MAVLink vehicle');
  });
});
