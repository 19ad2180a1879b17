/** The flight log against a real database in a temporary folder. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VehicleEventPayload } from '@aerie/gcs-bridge';
import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, transaction } from '../db/client.ts';
import {
  departments,
  docks,
  media,
  sites,
  sorties,
  trackPoints,
  vehicleEvents,
  vehicles,
} from '../db/schema.ts';
import { MediaLibrary } from '../media/library.ts';
import { LocalMediaStore } from '../media/local-store.ts';
import { dropTestDatabase, openTestDatabase } from '../test/database.ts';
import { FlightLog } from './flight-log.ts';
import { M_PER_DEG_LAT, snapshot } from './test-fixtures.ts';

let dir: string;
let database: Database;
let vehicleId: string;
let dockId: string;
let departmentId: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-flightlog-'));
  database = await openTestDatabase(dir);
  const db = database.db;
  const now = new Date();
  departmentId = randomUUID();
  const siteId = randomUUID();
  dockId = randomUUID();
  vehicleId = randomUUID();
  await db.insert(departments).values({ id: departmentId, name: 'Water', createdAt: now });
  await db
    .insert(sites)
    .values({ id: siteId, name: 'S', latDeg: 30, lonDeg: 120, departmentId, createdAt: now });
  await db.insert(docks).values({
    id: dockId,
    name: 'D1',
    serial: 'D-1',
    model: 'Dock',
    siteId,
    departmentId,
    latDeg: 30,
    lonDeg: 120,
    altAmslM: 10,
    createdAt: now,
  });
  await db.insert(vehicles).values({
    id: vehicleId,
    name: 'V1',
    serial: 'V-1',
    model: 'M30',
    departmentId,
    dockId,
    createdAt: now,
  });
});

afterEach(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestDatabase(dir);
});

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((30 * Math.PI) / 180);

type Item =
  | { kind: 'state'; atMs: number; over: Parameters<typeof snapshot>[0] }
  | { kind: 'event'; event: VehicleEventPayload };

/**
 * A patrol around a 200 m square at 5 m/s and 30 m, states at 10 Hz with a slowly wandering GPS error:
 * 800 m of ground track, 160 s of flight.
 */
function squarePatrol(t0: number): Item[] {
  const corners: [number, number][] = [
    [0, 0],
    [200, 0],
    [200, 200],
    [0, 200],
    [0, 0],
  ];
  const items: Item[] = [
    { kind: 'event', event: { type: 'armed', atMs: t0 } },
    {
      kind: 'event',
      event: {
        type: 'mode_changed',
        atMs: t0 + 50,
        from: 'AUTO.LOITER',
        to: 'AUTO.MISSION',
        kind: 'mission',
      },
    },
    { kind: 'event', event: { type: 'takeoff', atMs: t0 + 60 } },
  ];
  let t = t0 + 100;
  for (let leg = 0; leg < 4; leg++) {
    const [n0, e0] = corners[leg]!;
    const [n1, e1] = corners[leg + 1]!;
    for (let i = 0; i < 400; i++) {
      const f = i / 400;
      // GPS error wanders slowly (it is correlated from one fix to the next), here +-0.3 m.
      const jitter = 0.3 * Math.sin((t - t0) / 3000);
      const n = n0 + (n1 - n0) * f + jitter;
      const e = e0 + (e1 - e0) * f;
      items.push({
        kind: 'state',
        atMs: t,
        over: {
          armed: true,
          landed: false,
          mode: 'AUTO.MISSION',
          modeKind: 'mission',
          lat: 30 + n / M_PER_DEG_LAT,
          lon: 120 + e / M_PER_DEG_LON,
          altRelM: leg === 1 && i === 200 ? 31.5 : 30,
          altMslM: 40,
        },
      });
      t += 100;
    }
  }
  items.push({
    kind: 'state',
    atMs: t,
    over: { armed: true, landed: false, lat: 30, lon: 120, altRelM: 30 },
  });
  items.push({
    kind: 'event',
    event: { type: 'status_text', atMs: t + 10, severity: 4, severityName: 'warning', text: 'Low battery' },
  });
  items.push({
    kind: 'event',
    event: { type: 'mode_changed', atMs: t + 20, from: 'AUTO.MISSION', to: 'AUTO.RTL', kind: 'return' },
  });
  items.push({ kind: 'event', event: { type: 'landing', atMs: t + 30 } });
  items.push({ kind: 'event', event: { type: 'disarmed', atMs: t + 40 } });
  return items;
}

async function feed(log: FlightLog, items: Item[], db = database.db): Promise<void> {
  for (const item of items) {
    if (item.kind === 'state') await log.onState(db, vehicleId, item.atMs, snapshot(item.over));
    else await log.onEvent(db, vehicleId, item.event.atMs, item.event);
  }
}

const newLog = () => new FlightLog({ media: new MediaLibrary(new LocalMediaStore(path.join(dir, 'media'))) });

describe('FlightLog', () => {
  it('records a patrol as one sortie with its figures, a >= 1 Hz track and linked events', async () => {
    const items = squarePatrol(T0);
    await feed(newLog(), items);
    const db = database.db;
    const rows = await db.select().from(sorties);
    expect(rows).toHaveLength(1);
    const s = rows[0]!;
    expect(s).toMatchObject({
      vehicleId,
      dockId,
      departmentId,
      status: 'completed',
      kind: 'on_demand',
      missionRan: true,
      endReason: null,
      maxAltRelM: 31.5,
    });
    expect(s.startedAt?.getTime()).toBe(T0);
    expect(s.durationS).toBeCloseTo(160.14, 2);
    expect(Math.abs(s.distanceM! - 800) / 800).toBeLessThan(0.01);

    const points = await db
      .select()
      .from(trackPoints)
      .where(eq(trackPoints.sortieId, s.id))
      .orderBy(asc(trackPoints.at));
    expect(points.length).toBeGreaterThanOrEqual(160);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.at.getTime() - points[i - 1]!.at.getTime()).toBeLessThanOrEqual(1000);
    }
    expect(points[0]).toMatchObject({ vehicleId, altRelM: 30, altAmslM: 40, batteryPct: 95 });

    const events = await db.select().from(vehicleEvents).orderBy(asc(vehicleEvents.at));
    expect(events.map((e) => [e.kind, e.severity, e.message])).toEqual([
      ['armed', 'info', 'Armed'],
      ['mode_changed', 'info', 'Mode AUTO.MISSION'],
      ['takeoff', 'info', 'Took off'],
      ['status_text', 'warning', 'Low battery'],
      ['mode_changed', 'info', 'Mode AUTO.RTL'],
      ['landing', 'info', 'Landed'],
      ['disarmed', 'info', 'Disarmed'],
    ]);
    expect(events.every((e) => e.sortieId === s.id)).toBe(true);
    expect(JSON.parse(events[3]!.dataJson!)).toMatchObject({
      type: 'status_text',
      severity: 4,
      text: 'Low battery',
    });
  });

  it('a new FlightLog on the same database mid-sortie continues the same sortie', async () => {
    const items = squarePatrol(T0);
    const half = Math.floor(items.length / 2);
    await feed(newLog(), items.slice(0, half));
    const open = await database.db.select().from(sorties);
    expect(open).toHaveLength(1);
    expect(open[0]!.status).toBe('running');
    expect(open[0]!.distanceM).toBeGreaterThan(350);

    // Restart: a fresh flight log, fed inside an explicit transaction as the channel does.
    await transaction(database.db, (tx) => feed(newLog(), items.slice(half), tx));

    const rows = await database.db.select().from(sorties);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('completed');
    expect(rows[0]!.missionRan).toBe(true);
    expect(Math.abs(rows[0]!.distanceM! - 800) / 800).toBeLessThan(0.01);
    const linked = await database.db
      .select()
      .from(vehicleEvents)
      .where(eq(vehicleEvents.sortieId, rows[0]!.id));
    expect(linked).toHaveLength(7);
  });

  it('after a rolled-back batch and forget(), figures come from what was stored', async () => {
    const items = squarePatrol(T0);
    const log = newLog();
    await feed(log, items.slice(0, 400));
    const rolledBack = new Error('rolled back');
    await expect(
      transaction(database.db, async (tx) => {
        await feed(log, items.slice(400, 800), tx);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    log.forget(vehicleId);
    await feed(log, items.slice(400)); // the bridge replays what was not acknowledged
    const rows = await database.db.select().from(sorties);
    expect(rows).toHaveLength(1);
    expect(Math.abs(rows[0]!.distanceM! - 800) / 800).toBeLessThan(0.01);
    const points = await database.db.select({ n: sql<number>`count(*)` }).from(trackPoints);
    expect(points[0]!.n).toBeLessThan(200); // no duplicated second half
  });

  it('in channel batches holds track points back and stores them, with every sortie figure, at endBatch', async () => {
    // A second vehicle flying the same patrol 1 s later: one batch moves two sorties.
    const otherId = randomUUID();
    await database.db
      .insert(vehicles)
      .values({ id: otherId, name: 'V2', serial: 'V-2', model: 'M30', createdAt: new Date() });
    const log = newLog();
    const mine = squarePatrol(T0);
    const other = squarePatrol(T0 + 1000);
    const feedBatch = (from: number, to: number) =>
      transaction(database.db, async (tx) => {
        log.beginBatch();
        for (let i = from; i < to; i++) {
          for (const [id, item] of [
            [vehicleId, mine[i]],
            [otherId, other[i]],
          ] as const) {
            if (!item) continue;
            if (item.kind === 'state') await log.onState(tx, id, item.atMs, snapshot(item.over));
            else await log.onEvent(tx, id, item.event.atMs, item.event);
          }
        }
        await log.endBatch(tx);
      });
    const pointCount = async () =>
      (await database.db.select({ n: sql<number>`count(*)` }).from(trackPoints))[0]!.n;

    await feedBatch(0, 50);
    const first = await pointCount();
    expect(first).toBeGreaterThan(0);
    // Held back, not stored, until endBatch; dropped by abortBatch.
    log.beginBatch();
    for (let i = 50; i < 100; i++) {
      const item = mine[i]!;
      if (item.kind === 'state') await log.onState(database.db, vehicleId, item.atMs, snapshot(item.over));
    }
    expect(await pointCount()).toBe(first);
    log.abortBatch();
    log.forget(vehicleId);
    expect(await pointCount()).toBe(first);

    for (let i = 50; i < mine.length; i += 50) {
      await feedBatch(i, i + 50);
      if (i === 800) {
        // Mid-flight: each running sortie's row carries its own distance so far.
        const running = await database.db.select().from(sorties);
        expect(running.map((r) => r.status)).toEqual(['running', 'running']);
        for (const r of running) expect(r.distanceM).toBeGreaterThan(350);
      }
    }
    const rows = await database.db.select().from(sorties);
    expect(rows).toHaveLength(2);
    for (const s of rows) {
      expect(s.status).toBe('completed');
      expect(s.maxAltRelM).toBe(31.5);
      expect(Math.abs(s.distanceM! - 800) / 800).toBeLessThan(0.01);
      const points = await database.db
        .select()
        .from(trackPoints)
        .where(eq(trackPoints.sortieId, s.id))
        .orderBy(asc(trackPoints.at));
      expect(points.length).toBeGreaterThanOrEqual(160);
      expect(points.every((p) => p.vehicleId === s.vehicleId)).toBe(true);
      for (let i = 1; i < points.length; i++)
        expect(points[i]!.at.getTime() - points[i - 1]!.at.getTime()).toBeLessThanOrEqual(1000);
    }
  });

  it('a lost link mid-flight keeps the sortie open; the events are linked and lost is a warning', async () => {
    const log = newLog();
    const db = database.db;
    await log.onEvent(db, vehicleId, T0, { type: 'armed', atMs: T0 });
    await log.onState(db, vehicleId, T0 + 1000, snapshot({ armed: true, landed: false }));
    await log.onEvent(db, vehicleId, T0 + 5000, { type: 'lost', atMs: T0 + 5000 });
    await log.onState(db, vehicleId, T0 + 5000, snapshot({ armed: true, online: false }));
    await log.onEvent(db, vehicleId, T0 + 60_000, { type: 'found', atMs: T0 + 60_000 });
    await log.onState(db, vehicleId, T0 + 60_000, snapshot({ armed: true, lat: 30 + 100 / M_PER_DEG_LAT }));
    const [s] = await db.select().from(sorties);
    expect(s?.status).toBe('running');
    expect(s?.distanceM).toBeCloseTo(100, 0);
    const ev = await db.select().from(vehicleEvents).orderBy(asc(vehicleEvents.at));
    expect(ev.map((e) => [e.kind, e.severity, e.message, e.sortieId])).toEqual([
      ['armed', 'info', 'Armed', s?.id],
      ['lost', 'warning', 'Link lost', s?.id],
      ['found', 'info', 'Link restored', s?.id],
    ]);
  });

  it('maps status text severities and stores events with no sortie when none is open', async () => {
    const log = newLog();
    const db = database.db;
    const texts: [number, string][] = [
      [0, 'critical'],
      [2, 'critical'],
      [3, 'error'],
      [4, 'warning'],
      [5, 'info'],
      [6, 'info'],
      [7, 'info'],
    ];
    for (const [i, [severity]] of texts.entries()) {
      await log.onEvent(db, vehicleId, T0 + i, {
        type: 'status_text',
        atMs: T0 + i,
        severity,
        severityName: 'x',
        text: `Failsafe ${severity}`,
      });
    }
    const ev = await db.select().from(vehicleEvents).orderBy(asc(vehicleEvents.at));
    expect(ev.map((e) => e.severity)).toEqual(texts.map((t) => t[1]));
    expect(ev.every((e) => e.sortieId === null)).toBe(true);
  });

  it('tells its listeners when a sortie opens and closes (rearm: the old one closes first)', async () => {
    const log = newLog();
    const seen: string[] = [];
    const off = log.onSortieChange((c) => seen.push(`${c.type}@${c.atMs - T0}`));
    const db = database.db;
    await log.onEvent(db, vehicleId, T0, { type: 'armed', atMs: T0 });
    await log.onEvent(db, vehicleId, T0 + 5000, { type: 'armed', atMs: T0 + 5000 });
    await log.onEvent(db, vehicleId, T0 + 9000, { type: 'disarmed', atMs: T0 + 9000 });
    off();
    await log.onEvent(db, vehicleId, T0 + 20_000, { type: 'armed', atMs: T0 + 20_000 });
    expect(seen).toEqual(['open@0', 'close@0', 'open@5000', 'close@9000']);
  });

  it('ignores items for a vehicle it does not know', async () => {
    const log = newLog();
    await log.onEvent(database.db, 'no-such-vehicle', T0, { type: 'armed', atMs: T0 });
    await log.onState(database.db, 'no-such-vehicle', T0, snapshot({ armed: true }));
    expect(await database.db.select().from(sorties)).toHaveLength(0);
    expect(await database.db.select().from(vehicleEvents)).toHaveLength(0);
  });

  it('attaches a tlog to the sortie that overlaps its window, content-addressed', async () => {
    const log = newLog();
    await feed(log, squarePatrol(T0));
    const bytes = Buffer.from('\xfd\x09\x00\x00\x00\x01\x01\x00\x00\x00fake tlog bytes', 'latin1');
    const attached = await log.attachTlog(database.db, vehicleId, T0 - 5000, T0 + 200_000, bytes);
    if (!attached.ok) throw new Error(attached.error.message);
    const [s] = await database.db.select().from(sorties);
    expect(s?.tlogSha256).toBe(attached.value.sha256);
    expect(attached.value.sortieId).toBe(s?.id);
    expect(await readFile(path.join(dir, 'media', attached.value.sha256))).toEqual(bytes);
    // Same bytes again: one file, one row.
    const again = await log.attachTlog(database.db, vehicleId, T0, T0 + 1000, bytes);
    expect(again.ok && again.value.sha256).toBe(attached.value.sha256);
    expect(await database.db.select().from(media)).toHaveLength(1);

    const none = await log.attachTlog(
      database.db,
      vehicleId,
      T0 + 10 * 86_400_000,
      T0 + 11 * 86_400_000,
      bytes,
    );
    expect(none).toMatchObject({ ok: false, error: { code: 'NoSortie' } });
  });

  it('lets the orchestrator hand over a planned sortie', async () => {
    const plannedId = randomUUID();
    await database.db.insert(sorties).values({
      id: plannedId,
      vehicleId,
      kind: 'patrol',
      status: 'planned',
      createdAt: new Date(T0 - 60_000),
    });
    const log = new FlightLog({
      media: new MediaLibrary(new LocalMediaStore(path.join(dir, 'media'))),
      claimPlanned: async () => plannedId,
    });
    await feed(log, squarePatrol(T0));
    const rows = await database.db.select().from(sorties);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: plannedId,
      kind: 'patrol',
      status: 'completed',
      dockId,
      missionRan: true,
    });
  });
});
