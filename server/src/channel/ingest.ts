/**
 * Stores what bridges send, exactly once, by (bridge, epoch, seq).
 *
 * One batch is one transaction: resolving (or registering) the vehicles, every IngestSink call
 * and the move of the bridge's cursor commit together or not at all, so a crash, a sink
 * failure or a resent batch can neither lose an item nor store it twice.
 *
 * How the transaction is held: `transaction()` (db/client.ts). On PostgreSQL that is a pooled
 * connection of its own. On SQLite it is BEGIN IMMEDIATE / COMMIT on the one shared connection,
 * serialised with every other `transaction()` by a mutex, and the ingest keeps everything else
 * out of the window between them:
 * - batches (and hellos, which read cursors) run one at a time through an in-process queue;
 * - better-sqlite3 runs every drizzle query synchronously (the promise it returns is already
 *   settled), so a sink that only awaits database calls finishes the whole batch within one
 *   turn of the event loop: no HTTP request, timer or socket event can run, and so none can
 *   write, between BEGIN and COMMIT. If a sink does await real I/O inside the window, the
 *   ingest logs a warning naming the batch, because writes from elsewhere (outside
 *   `transaction()`) could then join (and on a rollback be undone with) the batch's transaction.
 *
 * Items are checked against the channel contract before storing; a malformed item is skipped
 * (logged, and named with its code in the bridge's ack) but still consumed, so one bad item
 * cannot block a bridge's stream forever, and never reaches the live state or a console.
 */
import { randomUUID } from 'node:crypto';
import {
  type CameraImagePayload,
  type CameraIntrinsics,
  type CameraStreamsPayload,
  type ChannelItem,
  checkChannelItem,
  type DockEventPayload,
  type DockStatusPayload,
  type FrameMeta,
  type GimbalAttitude,
  type ItemRejection,
  type VehicleEventPayload,
  type VehicleStatePayload,
} from '@aerie/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import { chunks } from '../db/batch.ts';
import { type Db, type Dialect, dialectOf, transaction } from '../db/client.ts';
import {
  bridgeCursors,
  bridges,
  cameraImages,
  dockEvents,
  docks,
  vehicleCameras,
  vehicles,
} from '../db/schema.ts';
import { frameMetaOfImage, intrinsicsOf } from '../video/camera-announcements.ts';
import type { IngestSink } from './contracts.ts';

/** The bridge a batch came from, as the handshake found it. */
export interface IngestBridge {
  id: string;
  name: string;
}

/** One item that was stored, with the vehicle it was stored for. */
export type StoredItem =
  | { vehicleId: string; kind: 'state'; seq: number; sysid: number; atMs: number; state: VehicleStatePayload }
  | {
      vehicleId: string;
      kind: 'event';
      seq: number;
      sysid: number;
      atMs: number;
      event: VehicleEventPayload;
    };

/** One dock item that was stored, with the registered dock it belongs to. */
export type StoredDockItem =
  | { dockId: string; kind: 'dock_state'; sysid: number; atMs: number; dock: DockStatusPayload }
  | { dockId: string; kind: 'dock_event'; sysid: number; atMs: number; event: DockEventPayload };

/** One camera item that was stored, with the vehicle it belongs to. */
export type StoredCameraItem =
  | { vehicleId: string; kind: 'camera_streams'; sysid: number; atMs: number; camera: CameraStreamsPayload }
  | {
      vehicleId: string;
      kind: 'camera_image';
      sysid: number;
      atMs: number;
      image: CameraImagePayload;
      /** The stored report's id and its frame metadata. */
      imageId: string;
      meta: FrameMeta;
    };

export interface IngestResult {
  /** The bridge's cursor after the batch: the highest seq of this epoch that is stored. */
  lastSeq: number;
  /** Items stored by this call, in seq order (empty when the batch was all repeats). */
  stored: StoredItem[];
  /** Dock items of registered docks stored by this call, in seq order (others are skipped). */
  docks: StoredDockItem[];
  /** Camera items stored by this call (streams announced, stills reported), in seq order. */
  cameras: StoredCameraItem[];
  /** Vehicles registered on first sight during this batch. */
  registered: Array<{ vehicleId: string; sysid: number; name: string }>;
  /** Items skipped because they were malformed, with a code and the first wrong field. */
  rejected: Array<ItemRejection & { index: number }>;
}

/** The logging the ingest does (a pino/Fastify logger fits). */
export interface IngestLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BridgeIngestOptions {
  db: Db;
  sink: IngestSink;
  now?: () => number;
  logger?: IngestLogger;
  /** How often a bridge's `lastSeenAt` is written while it streams (default 10 s). */
  lastSeenEveryMs?: number;
  /**
   * Lens and gimbal of reported stills when the camera does not say (default: the simulated
   * camera's 70 deg 1280x720, straight down).
   */
  stills?: { camera: CameraIntrinsics; gimbal: GimbalAttitude };
}

const DEFAULT_STILLS = {
  camera: { hfovDeg: 70, width: 1280, height: 720 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
};

/** A sink that stores nothing: the channel works (live state, cursors) before a flight log is wired. */
export const noopIngestSink: IngestSink = {
  async onState() {},
  async onEvent() {},
};

const MAV_TYPES: Record<number, string> = {
  1: 'fixed wing',
  2: 'quadrotor',
  3: 'coaxial',
  4: 'helicopter',
  13: 'hexarotor',
  14: 'octorotor',
  15: 'tricopter',
  19: 'VTOL',
  20: 'VTOL',
  21: 'VTOL',
  22: 'VTOL',
};

/** A model description from what the heartbeat said, e.g. "PX4 quadrotor". */
export function modelFromState(state: Partial<VehicleStatePayload> | undefined): string {
  const ap = state?.autopilot === 'px4' ? 'PX4' : state?.autopilot === 'ardupilot' ? 'ArduPilot' : 'MAVLink';
  const type = state?.vehicleType !== undefined ? MAV_TYPES[state.vehicleType] : undefined;
  return type ? `${ap} ${type}` : `${ap} vehicle`;
}

/**
 * Why an item cannot be stored, or null when it can: the contract's check (`checkChannelItem`
 * in @aerie/contracts), e.g. `MalformedState: state/batteryPct: must be number`.
 */
export function checkItem(item: unknown): string | null {
  const r = checkChannelItem(item);
  return r.ok ? null : `${r.error.code}: ${r.error.message}`;
}

/** The words stored with a dock event. */
export function dockEventText(e: DockEventPayload): { code: string | null; message: string } {
  switch (e.type) {
    case 'discovered':
      return { code: null, message: 'dock heard by its bridge' };
    case 'lost':
      return { code: null, message: 'dock link lost' };
    case 'found':
      return { code: null, message: 'dock link back' };
    case 'state_changed':
      return { code: null, message: `${e.from} -> ${e.to}` };
    case 'fault':
      return { code: e.code, message: e.message };
    case 'fault_cleared':
      return { code: e.code, message: `${e.code} cleared` };
    default:
      return { code: null, message: String((e as { type: unknown }).type) };
  }
}

/** A batch's items checked against the channel contract: the valid ones in seq order, and the rest. */
export interface CheckedBatch {
  valid: ChannelItem[];
  rejected: IngestResult['rejected'];
  /** How many items the batch had. */
  size: number;
}

/** Checks every item of a batch (`checkChannelItem`); pure. */
export function checkBatch(batch: readonly unknown[]): CheckedBatch {
  const rejected: IngestResult['rejected'] = [];
  const valid: ChannelItem[] = [];
  batch.forEach((item, index) => {
    const checked = checkChannelItem(item);
    if (checked.ok) valid.push(checked.value);
    else rejected.push({ index, ...checked.error });
  });
  valid.sort((a, b) => a.seq - b.seq);
  return { valid, rejected, size: batch.length };
}

export class BridgeIngest {
  private readonly db: Db;
  private readonly dialect: Dialect;
  private readonly sink: IngestSink;
  private readonly now: () => number;
  private readonly log: IngestLogger | undefined;
  private readonly lastSeenEveryMs: number;
  private readonly stills: { camera: CameraIntrinsics; gimbal: GimbalAttitude };
  private readonly lastSeenWritten = new Map<string, number>();
  /** `${bridgeId}:${sysid}` of docks reported but not registered, warned about once each. */
  private readonly unknownDocks = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: BridgeIngestOptions) {
    this.db = opts.db;
    this.dialect = dialectOf(opts.db);
    this.sink = opts.sink;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
    this.lastSeenEveryMs = opts.lastSeenEveryMs ?? 10_000;
    this.stills = opts.stills ?? DEFAULT_STILLS;
  }

  /**
   * The stored cursor of a bridge's epoch (0 for a new epoch). `vehicleIds` (the bridge's
   * vehicles this process has seen) have the sink's cached state dropped first: with several
   * server nodes the bridge may have streamed to another node meanwhile, which moved their
   * sorties on in the database.
   */
  hello(bridgeId: string, epoch: string, vehicleIds: Iterable<string> = []): Promise<number> {
    return this.serialise(async () => {
      for (const id of vehicleIds) this.sink.forget?.(id);
      await this.touch(bridgeId, true);
      return this.cursor(bridgeId, epoch);
    });
  }

  /**
   * Stores the items of `batch` that are newer than the cursor, in one transaction with the
   * cursor move. Rejects (and stores nothing of the batch) when the sink or the database fails.
   */
  ingest(bridge: IngestBridge, epoch: string, batch: readonly unknown[]): Promise<IngestResult> {
    return this.ingestChecked(bridge, epoch, checkBatch(batch));
  }

  /** `ingest` of a batch already checked by `checkBatch` (the channel looks at its items first). */
  ingestChecked(bridge: IngestBridge, epoch: string, checked: CheckedBatch): Promise<IngestResult> {
    return this.serialise(() => this.ingestNow(bridge, epoch, checked));
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async cursor(bridgeId: string, epoch: string, db: Db = this.db): Promise<number> {
    const [row] = await db
      .select({ lastSeq: bridgeCursors.lastSeq })
      .from(bridgeCursors)
      .where(and(eq(bridgeCursors.bridgeId, bridgeId), eq(bridgeCursors.epoch, epoch)));
    return row?.lastSeq ?? 0;
  }

  private async touch(bridgeId: string, force: boolean, db: Db = this.db): Promise<void> {
    const now = this.now();
    const last = this.lastSeenWritten.get(bridgeId) ?? 0;
    if (!force && now - last < this.lastSeenEveryMs) return;
    this.lastSeenWritten.set(bridgeId, now);
    await db
      .update(bridges)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(bridges.id, bridgeId));
  }

  private async ingestNow(bridge: IngestBridge, epoch: string, checked: CheckedBatch): Promise<IngestResult> {
    const { valid, rejected, size } = checked;
    if (rejected.length > 0)
      this.log?.warn(
        { bridgeId: bridge.id, epoch, rejected: rejected.slice(0, 5), count: rejected.length },
        'malformed bridge items skipped',
      );

    const touched = new Set<string>();
    let yielded = false;
    const guard = setImmediate(() => {
      yielded = true;
    });
    try {
      const result = await transaction(this.db, async (db) => {
        const cursor = await this.cursor(bridge.id, epoch, db);
        // Malformed items are consumed too, so the cursor passes them.
        let maxSeq = cursor;
        for (const i of valid) if (i.seq > maxSeq) maxSeq = i.seq;
        for (const r of rejected) if (r.seq !== null && r.seq > maxSeq) maxSeq = r.seq;
        const stored: StoredItem[] = [];
        const storedDocks: StoredDockItem[] = [];
        const storedCameras: StoredCameraItem[] = [];
        const registered: IngestResult['registered'] = [];
        const vehicleIds = await this.boundVehicles(bridge.id, valid, cursor, db);
        const dockIds = new Map<number, string | null>();
        this.sink.beginBatch?.();
        let last = cursor;
        for (const item of valid) {
          if (item.seq <= last) continue;
          last = item.seq;
          if (item.kind === 'dock_state' || item.kind === 'dock_event') {
            let dockId = dockIds.get(item.sysid);
            if (dockId === undefined) {
              dockId = await this.resolveDock(bridge, item.sysid, db);
              dockIds.set(item.sysid, dockId);
            }
            if (dockId === null) continue;
            if (item.kind === 'dock_state') {
              storedDocks.push({
                dockId,
                kind: 'dock_state',
                sysid: item.sysid,
                atMs: item.atMs,
                dock: item.dock,
              });
            } else {
              const { code, message } = dockEventText(item.event);
              await db.insert(dockEvents).values({
                id: randomUUID(),
                dockId,
                at: new Date(item.atMs),
                kind: item.event.type,
                code,
                message,
                dataJson: JSON.stringify(item.event),
              });
              storedDocks.push({
                dockId,
                kind: 'dock_event',
                sysid: item.sysid,
                atMs: item.atMs,
                event: item.event,
              });
            }
            continue;
          }
          let vehicleId = vehicleIds.get(item.sysid);
          if (vehicleId === undefined) {
            const resolved = await this.resolveVehicle(
              bridge,
              item.sysid,
              item.kind === 'state' ? item.state : undefined,
              db,
            );
            vehicleId = resolved.vehicleId;
            if (resolved.registered) registered.push({ vehicleId, sysid: item.sysid, name: resolved.name });
            vehicleIds.set(item.sysid, vehicleId);
          }
          touched.add(vehicleId);
          if (item.kind === 'state') {
            await this.sink.onState(db, vehicleId, item.atMs, item.state);
            stored.push({
              vehicleId,
              kind: 'state',
              seq: item.seq,
              sysid: item.sysid,
              atMs: item.atMs,
              state: item.state,
            });
          } else if (item.kind === 'event') {
            await this.sink.onEvent(db, vehicleId, item.atMs, item.event);
            stored.push({
              vehicleId,
              kind: 'event',
              seq: item.seq,
              sysid: item.sysid,
              atMs: item.atMs,
              event: item.event,
            });
          } else if (item.kind === 'camera_streams') {
            await this.storeCamera(db, vehicleId, item.atMs, item.camera);
            storedCameras.push({
              vehicleId,
              kind: 'camera_streams',
              sysid: item.sysid,
              atMs: item.atMs,
              camera: item.camera,
            });
          } else {
            const { imageId, meta } = await this.storeImage(db, vehicleId, item.image);
            storedCameras.push({
              vehicleId,
              kind: 'camera_image',
              sysid: item.sysid,
              atMs: item.atMs,
              image: item.image,
              imageId,
              meta,
            });
          }
        }
        await this.sink.endBatch?.(db);
        if (maxSeq > cursor) {
          const updatedAt = new Date(this.now());
          await db
            .insert(bridgeCursors)
            .values({ bridgeId: bridge.id, epoch, lastSeq: maxSeq, updatedAt })
            .onConflictDoUpdate({
              target: [bridgeCursors.bridgeId, bridgeCursors.epoch],
              set: { lastSeq: maxSeq, updatedAt },
            });
          await this.touch(bridge.id, false, db);
        }
        return { lastSeq: maxSeq, stored, docks: storedDocks, cameras: storedCameras, registered, rejected };
      });
      clearImmediate(guard);
      if (yielded && this.dialect === 'sqlite')
        this.log?.warn(
          { bridgeId: bridge.id, epoch, items: size },
          'the ingest sink awaited I/O inside the batch transaction; other writes may have joined it',
        );
      return result;
    } catch (err) {
      clearImmediate(guard);
      this.sink.abortBatch?.();
      for (const id of touched) this.sink.forget?.(id);
      throw err;
    }
  }

  /** The newest announcement of a vehicle's camera replaces the one before. */
  private async storeCamera(
    db: Db,
    vehicleId: string,
    atMs: number,
    camera: CameraStreamsPayload,
  ): Promise<void> {
    const row = { streamsJson: JSON.stringify(camera), announcedAt: new Date(atMs) };
    await db
      .insert(vehicleCameras)
      .values({ vehicleId, compid: camera.compid, ...row })
      .onConflictDoUpdate({ target: [vehicleCameras.vehicleId, vehicleCameras.compid], set: row });
  }

  /** A still report becomes a frame record (its image is fetched after commit, by CapturedImages). */
  private async storeImage(
    db: Db,
    vehicleId: string,
    image: CameraImagePayload,
  ): Promise<{ imageId: string; meta: FrameMeta }> {
    const [cam] = await db
      .select({ streamsJson: vehicleCameras.streamsJson })
      .from(vehicleCameras)
      .where(and(eq(vehicleCameras.vehicleId, vehicleId), eq(vehicleCameras.compid, image.compid)));
    const announced = cam ? (JSON.parse(cam.streamsJson) as CameraStreamsPayload) : null;
    const meta = frameMetaOfImage(
      vehicleId,
      image,
      intrinsicsOf(announced, this.stills.camera),
      this.stills.gimbal,
    );
    const imageId = randomUUID();
    await db.insert(cameraImages).values({
      id: imageId,
      vehicleId,
      compid: image.compid,
      imageIndex: image.imageIndex,
      capturedAt: new Date(image.capturedAtMs),
      ok: image.ok,
      fileUrl: image.fileUrl,
      frameJson: JSON.stringify(meta),
    });
    return { imageId, meta };
  }

  /**
   * The dock bound to (bridge, sysid), or null. Docks are registered by administrators (or by
   * `aerie up`'s local site), never on first sight: an unknown one is skipped with one warning.
   */
  private async resolveDock(bridge: IngestBridge, sysid: number, db: Db = this.db): Promise<string | null> {
    const [row] = await db
      .select({ id: docks.id })
      .from(docks)
      .where(and(eq(docks.bridgeId, bridge.id), eq(docks.sysid, sysid)));
    if (row) return row.id;
    const key = `${bridge.id}:${sysid}`;
    if (!this.unknownDocks.has(key)) {
      this.unknownDocks.add(key);
      this.log?.warn(
        { bridgeId: bridge.id, bridgeName: bridge.name, sysid },
        'a dock this server does not know reports through the bridge; ignored until an administrator registers it (bridgeId, sysid)',
      );
    }
    return null;
  }

  /**
   * The vehicles already bound to the bridge's system ids that the batch's new vehicle items
   * name, by sysid, in one query per slice (an unbound one is left to `resolveVehicle`).
   */
  private async boundVehicles(
    bridgeId: string,
    items: readonly ChannelItem[],
    cursor: number,
    db: Db,
  ): Promise<Map<number, string>> {
    const sysids = new Set<number>();
    for (const i of items)
      if (i.seq > cursor && i.kind !== 'dock_state' && i.kind !== 'dock_event') sysids.add(i.sysid);
    const found = new Map<number, string>();
    for (const slice of chunks([...sysids])) {
      const rows = await db
        .select({ id: vehicles.id, sysid: vehicles.sysid })
        .from(vehicles)
        .where(and(eq(vehicles.bridgeId, bridgeId), inArray(vehicles.sysid, slice)));
      for (const r of rows) if (r.sysid !== null) found.set(r.sysid, r.id);
    }
    return found;
  }

  /**
   * The vehicle bound to (bridge, sysid). A vehicle heard for the first time is registered so
   * a new fleet shows up without manual setup: named UAV-<bridge>-<sysid>, serial
   * mavlink:<bridgeId>:<sysid>. If that serial exists but was unbound by an administrator,
   * the same row is bound again (it is the same aircraft on the same bridge).
   */
  private async resolveVehicle(
    bridge: IngestBridge,
    sysid: number,
    state: VehicleStatePayload | undefined,
    db: Db = this.db,
  ): Promise<{ vehicleId: string; registered: boolean; name: string }> {
    const [bound] = await db
      .select({ id: vehicles.id, name: vehicles.name })
      .from(vehicles)
      .where(and(eq(vehicles.bridgeId, bridge.id), eq(vehicles.sysid, sysid)));
    if (bound) return { vehicleId: bound.id, registered: false, name: bound.name };
    let serial = `mavlink:${bridge.id}:${sysid}`;
    const [bySerial] = await db
      .select({ id: vehicles.id, name: vehicles.name, bridgeId: vehicles.bridgeId })
      .from(vehicles)
      .where(eq(vehicles.serial, serial));
    if (bySerial && bySerial.bridgeId === null) {
      await db.update(vehicles).set({ bridgeId: bridge.id, sysid }).where(eq(vehicles.id, bySerial.id));
      return { vehicleId: bySerial.id, registered: false, name: bySerial.name };
    }
    if (bySerial) serial = `${serial}:${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    const name = `UAV-${bridge.name}-${sysid}`;
    await db.insert(vehicles).values({
      id,
      name,
      serial,
      model: modelFromState(state),
      bridgeId: bridge.id,
      sysid,
      createdAt: new Date(this.now()),
    });
    return { vehicleId: id, registered: true, name };
  }
}
