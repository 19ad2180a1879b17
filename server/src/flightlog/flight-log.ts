/**
 * The flight log: keeps sorties, their track (>= 1 Hz) and every vehicle event from what the
 * bridge channel ingests. It is the `IngestSink` the channel calls inside the transaction that
 * also moves the bridge's cursor, so every write goes through the `db` handed in.
 *
 * Per-vehicle tracker state is cached in memory and rebuilt from the database (the running
 * sortie row and its newest track point) on the first item after a start, so a restart at any
 * moment continues the same sortie. If the channel's transaction rolls back, it calls
 * `forget(vehicleId)` so the cache cannot run ahead of what was stored.
 *
 * Inside a channel batch (`beginBatch` .. `endBatch`) track points are held back and written
 * by `endBatch` as multi-row inserts, with one update carrying the running figures of every
 * sortie they moved, inside the same transaction: a state per vehicle at 10 Hz otherwise costs
 * two statements per track point. Any other write (a sortie opening or closing, an event) and
 * any read of track points first writes what is held back, so the order in the database is
 * the order of the items.
 */

import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '@aerie/contracts';
import type { VehicleEventPayload, VehicleStatePayload } from '@aerie/gcs-bridge';
import { and, desc, eq, gte, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { IngestSink } from '../channel/contracts.ts';
import { chunks } from '../db/batch.ts';
import type { Db } from '../db/client.ts';
import { sorties, trackPoints, vehicleEvents, vehicles } from '../db/schema.ts';
import type { MediaLibrary } from '../media/library.ts';
import { type CoverageCamera, storeSortieCoverage } from './coverage.ts';
import { describeEvent } from './event-text.ts';
import {
  rebuildOpen,
  stepTracker,
  type TrackerEffect,
  type TrackerInput,
  type TrackerState,
} from './sortie-tracker.ts';

export interface FlightLogOptions {
  /** Where attached tlogs go. */
  media: MediaLibrary;
  /**
   * Lets the sortie orchestrator hand over a sortie it planned: called when a vehicle arms
   * with no sortie open; answer the id of a `planned` sortie of this vehicle to run it, or
   * null to open a new on-demand sortie.
   */
  claimPlanned?: (db: Db, vehicleId: string, atMs: number) => Promise<string | null>;
  /** Id maker for new rows (tests make them predictable). */
  newId?: () => string;
  /** The camera whose footprint a closed sortie's coverage is computed with (default: the simulated one). */
  coverageCamera?: CoverageCamera;
}

/** Where an attached tlog went. */
export interface AttachedTlog {
  sortieId: string;
  sha256: string;
  bytes: number;
}

type Cached = { known: true; tracker: TrackerState } | { known: false };

/** The running figures a sortie's row is updated with when its held-back points are written. */
interface SortieFigures {
  distanceM: number;
  maxAltRelM: number | null;
}

/** Track points held back during a batch, and the newest figures of each sortie they belong to. */
interface HeldPoints {
  points: Array<typeof trackPoints.$inferInsert>;
  figures: Map<string, SortieFigures>;
}

/**
 * `CASE id WHEN .. THEN .. END` over the sorties in `figures`, for one figure: the new value of
 * that column for every sortie of a multi-row update. The cast types the bound values on
 * PostgreSQL (SQLite reads DOUBLE PRECISION as REAL).
 */
function figureCase(
  figures: ReadonlyArray<[string, SortieFigures]>,
  pick: (f: SortieFigures) => number | null,
): SQL {
  const whens = figures.map(([id, f]) => sql` when ${id} then cast(${pick(f)} as double precision)`);
  return sql`case ${sql.identifier('id')}${sql.join(whens)} end`;
}

/** A sortie opened or closed (the video recorder follows these). */
export type SortieChange =
  | { type: 'open'; vehicleId: string; sortieId: string; atMs: number }
  | { type: 'close'; vehicleId: string; sortieId: string; atMs: number };

export class FlightLog implements IngestSink {
  private readonly cache = new Map<string, Cached>();
  private readonly newId: () => string;
  private readonly sortieListeners = new Set<(c: SortieChange) => void>();
  /** Set between `beginBatch` and `endBatch`/`abortBatch`. */
  private held: HeldPoints | null = null;

  constructor(private readonly opts: FlightLogOptions) {
    this.newId = opts.newId ?? randomUUID;
  }

  /** One coalesced vehicle snapshot: may open or close a sortie and store a track point. */
  async onState(db: Db, vehicleId: string, atMs: number, state: VehicleStatePayload): Promise<void> {
    await this.apply(db, vehicleId, { kind: 'state', atMs, state });
  }

  /** From here until `endBatch` (or `abortBatch`) track points are held back and written together. */
  beginBatch(): void {
    this.held = { points: [], figures: new Map() };
  }

  /** Writes the held-back track points through `db` (the batch's transaction) and ends the batch. */
  async endBatch(db: Db): Promise<void> {
    try {
      await this.writeHeld(db);
    } finally {
      this.held = null;
    }
  }

  /** The batch's transaction rolled back: drops the held-back points (`forget` drops the cache). */
  abortBatch(): void {
    this.held = null;
  }

  /** One discrete event: stored as a `vehicle_events` row, linked to the open sortie. */
  async onEvent(db: Db, vehicleId: string, atMs: number, event: VehicleEventPayload): Promise<void> {
    const sortieId = await this.apply(db, vehicleId, { kind: 'event', atMs, event });
    if (sortieId === undefined) return;
    await this.writeHeld(db);
    const { severity, message } = describeEvent(event);
    await db.insert(vehicleEvents).values({
      id: this.newId(),
      vehicleId,
      sortieId,
      at: new Date(atMs),
      kind: event.type,
      severity,
      message,
      dataJson: JSON.stringify(event),
    });
  }

  /**
   * Stores a raw MAVLink recording and links it to the vehicle's sortie that overlaps
   * [fromMs, toMs] the most. Fails with 'NoSortie' when no sortie of the vehicle overlaps.
   */
  async attachTlog(
    db: Db,
    vehicleId: string,
    fromMs: number,
    toMs: number,
    bytes: Uint8Array,
  ): Promise<Result<AttachedTlog, 'NoSortie' | 'BadWindow'>> {
    if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs <= toMs)) {
      return fail('BadWindow', `tlog window ${fromMs}..${toMs} is not a time range`);
    }
    const candidates = await db
      .select({ id: sorties.id, startedAt: sorties.startedAt, endedAt: sorties.endedAt })
      .from(sorties)
      .where(
        and(
          eq(sorties.vehicleId, vehicleId),
          lte(sorties.startedAt, new Date(toMs)),
          or(isNull(sorties.endedAt), gte(sorties.endedAt, new Date(fromMs))),
        ),
      );
    let best: { id: string; overlap: number } | null = null;
    for (const c of candidates) {
      if (!c.startedAt) continue;
      const end = c.endedAt?.getTime() ?? toMs;
      const overlap = Math.min(end, toMs) - Math.max(c.startedAt.getTime(), fromMs);
      if (!best || overlap > best.overlap) best = { id: c.id, overlap };
    }
    if (!best) {
      return fail(
        'NoSortie',
        `vehicle ${vehicleId} has no sortie between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`,
      );
    }
    const info = await this.opts.media.put(db, bytes, { kind: 'tlog', mime: 'application/octet-stream' });
    await db.update(sorties).set({ tlogSha256: info.sha256 }).where(eq(sorties.id, best.id));
    return ok({ sortieId: best.id, sha256: info.sha256, bytes: info.bytes });
  }

  /**
   * Drops the cached tracker state (one vehicle, or all) so it is rebuilt from the database on
   * the next item. Call it when a transaction that passed items here was rolled back.
   */
  /** The sortie a vehicle is flying now as far as this log has seen (null: none, or not loaded yet). */
  openSortieId(vehicleId: string): string | null {
    const c = this.cache.get(vehicleId);
    return c?.known ? (c.tracker.open?.sortieId ?? null) : null;
  }

  /** Calls `listener` whenever a sortie opens or closes; answers the unsubscribe. */
  onSortieChange(listener: (c: SortieChange) => void): () => void {
    this.sortieListeners.add(listener);
    return () => this.sortieListeners.delete(listener);
  }

  forget(vehicleId?: string): void {
    if (vehicleId === undefined) this.cache.clear();
    else this.cache.delete(vehicleId);
  }

  /** Runs one tracker step and its effects; answers the sortie the item belongs to, undefined for an unknown vehicle. */
  private async apply(db: Db, vehicleId: string, input: TrackerInput): Promise<string | null | undefined> {
    const cached = await this.load(db, vehicleId);
    if (!cached.known) return undefined;
    const mayOpen =
      input.kind === 'event'
        ? input.event.type === 'armed'
        : input.state.armed && cached.tracker.open === null;
    const claimed =
      mayOpen && this.opts.claimPlanned ? await this.opts.claimPlanned(db, vehicleId, input.atMs) : null;
    let claimedUsed = false;
    const step = stepTracker(cached.tracker, input, () => {
      if (claimed && !claimedUsed) {
        claimedUsed = true;
        return claimed;
      }
      return this.newId();
    });
    for (const effect of step.effects) await this.perform(db, vehicleId, effect, claimed);
    cached.tracker = step.state;
    for (const e of step.effects) {
      if (e.type !== 'open' && e.type !== 'close') continue;
      const change: SortieChange = {
        type: e.type,
        vehicleId,
        sortieId: e.sortieId,
        atMs: e.type === 'open' ? e.startedAtMs : e.endedAtMs,
      };
      for (const l of this.sortieListeners) l(change);
    }
    return step.sortieId;
  }

  private async load(db: Db, vehicleId: string): Promise<Cached> {
    const hit = this.cache.get(vehicleId);
    if (hit) return hit;
    // The rebuild reads the newest track point.
    await this.writeHeld(db);
    const [vehicle] = await db.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.id, vehicleId));
    let entry: Cached;
    if (!vehicle) {
      entry = { known: false };
    } else {
      const [row] = await db
        .select()
        .from(sorties)
        .where(and(eq(sorties.vehicleId, vehicleId), eq(sorties.status, 'running')))
        .orderBy(desc(sorties.startedAt))
        .limit(1);
      if (!row) {
        // The last flight's end keeps an armed snapshot taken before its disarm from opening a
        // second sortie when it arrives late (after a restart, or from a bridge that streamed
        // to another server node meanwhile).
        const [last] = await db
          .select({ endedAt: sorties.endedAt })
          .from(sorties)
          .where(and(eq(sorties.vehicleId, vehicleId), isNotNull(sorties.endedAt)))
          .orderBy(desc(sorties.endedAt))
          .limit(1);
        entry = {
          known: true,
          tracker: last?.endedAt ? { open: null, closedAtMs: last.endedAt.getTime() } : { open: null },
        };
      } else {
        const [last] = await db
          .select()
          .from(trackPoints)
          .where(eq(trackPoints.sortieId, row.id))
          .orderBy(desc(trackPoints.at))
          .limit(1);
        entry = {
          known: true,
          tracker: rebuildOpen(
            {
              id: row.id,
              startedAtMs: (row.startedAt ?? row.createdAt).getTime(),
              distanceM: row.distanceM,
              maxAltRelM: row.maxAltRelM,
              missionRan: row.missionRan,
            },
            last
              ? {
                  atMs: last.at.getTime(),
                  latDeg: last.latDeg,
                  lonDeg: last.lonDeg,
                  altAmslM: last.altAmslM,
                  altRelM: last.altRelM,
                }
              : null,
          ),
        };
      }
    }
    this.cache.set(vehicleId, entry);
    return entry;
  }

  /** Writes the held-back points, if any: multi-row inserts, then one update of their sorties' figures. */
  private async writeHeld(db: Db): Promise<void> {
    const held = this.held;
    if (!held || (held.points.length === 0 && held.figures.size === 0)) return;
    const points = held.points.splice(0);
    const figures = [...held.figures];
    held.figures.clear();
    for (const slice of chunks(points)) await db.insert(trackPoints).values(slice);
    for (const slice of chunks(figures)) {
      await db
        .update(sorties)
        .set({
          distanceM: figureCase(slice, (f) => f.distanceM),
          maxAltRelM: figureCase(slice, (f) => f.maxAltRelM),
        })
        .where(
          inArray(
            sorties.id,
            slice.map(([id]) => id),
          ),
        );
    }
  }

  private async perform(db: Db, vehicleId: string, e: TrackerEffect, claimed: string | null): Promise<void> {
    if (e.type === 'point' && this.held) {
      this.held.points.push(trackPointRow(vehicleId, e));
      this.held.figures.set(e.sortieId, { distanceM: e.distanceM, maxAltRelM: e.maxAltRelM });
      return;
    }
    await this.writeHeld(db);
    switch (e.type) {
      case 'open': {
        const [v] = await db
          .select({ dockId: vehicles.dockId, departmentId: vehicles.departmentId })
          .from(vehicles)
          .where(eq(vehicles.id, vehicleId));
        const fields = {
          status: 'running' as const,
          startedAt: new Date(e.startedAtMs),
          dockId: v?.dockId ?? null,
          departmentId: v?.departmentId ?? null,
          distanceM: 0,
        };
        if (claimed === e.sortieId) {
          await db.update(sorties).set(fields).where(eq(sorties.id, e.sortieId));
        } else {
          await db.insert(sorties).values({
            id: e.sortieId,
            vehicleId,
            kind: 'on_demand',
            createdAt: new Date(e.startedAtMs),
            ...fields,
          });
        }
        return;
      }
      case 'close':
        await db
          .update(sorties)
          .set({
            status: e.status,
            endedAt: new Date(e.endedAtMs),
            durationS: e.durationS,
            distanceM: e.distanceM,
            maxAltRelM: e.maxAltRelM,
            missionRan: e.missionRan,
            endReason: e.endReason,
          })
          .where(eq(sorties.id, e.sortieId));
        // Coverage is a figure of the report, never a reason to lose the close itself.
        await storeSortieCoverage(db, e.sortieId, this.opts.coverageCamera).catch(() => undefined);
        return;
      case 'point':
        await db.insert(trackPoints).values(trackPointRow(vehicleId, e));
        await db
          .update(sorties)
          .set({ distanceM: e.distanceM, maxAltRelM: e.maxAltRelM })
          .where(eq(sorties.id, e.sortieId));
        return;
      case 'mission_ran':
        await db.update(sorties).set({ missionRan: true }).where(eq(sorties.id, e.sortieId));
        return;
    }
  }
}

/** The `track_points` row of a point effect. */
function trackPointRow(
  vehicleId: string,
  e: Extract<TrackerEffect, { type: 'point' }>,
): typeof trackPoints.$inferInsert {
  return {
    sortieId: e.sortieId,
    vehicleId,
    at: new Date(e.point.atMs),
    latDeg: e.point.latDeg,
    lonDeg: e.point.lonDeg,
    altAmslM: e.point.altAmslM,
    altRelM: e.point.altRelM,
    headingDeg: e.point.headingDeg,
    groundSpeedMps: e.point.groundSpeedMps,
    batteryPct: e.point.batteryPct,
  };
}
