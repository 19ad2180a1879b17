/**
 * The server's end of the bridge channel (`/bridge` namespace; event map and delivery
 * contract in @aerie/gcs-bridge `channel/events.ts`).
 *
 *   handshake: auth.token -> findBridgeByToken -> socket.data.bridge, or refused with
 *     `{ code: 'BadToken' }` (the bridge stops and says so) / `{ code: 'ServerError' }`
 *   'bridge.hello' -> HelloAck { lastSeq of the epoch, 0 when new }
 *   'bridge.live' (no ack) -> checked -> live state at once for vehicles this channel already
 *     knows: the bridge's preview of state items it has queued, sent as they come so that the
 *     console fan-out waits neither for the bridge's batch in flight nor for the database
 *   'bridge.items' -> checked -> live state at once for vehicles this channel already knows
 *     (state items -> update, lost -> offline) -> BridgeIngest (one transaction per batch) ->
 *     ack { lastSeq } (the ack still waits for the store: the bridge resends what was not stored)
 *     A state is shown once: one not newer (by its `atMs`) than what the vehicle last showed,
 *     from a preview or a batch, is not shown again.
 *     -> after commit: live state of the items not shown yet (vehicles just registered) and the
 *        'vehicle.event' / 'vehicle.registered' events for the console fan-out
 *     Which vehicle a (bridge, sysid) is: what the last stored batch of the bridge said. A
 *     vehicle deleted here has no live entry and is not shown before its batch is stored; one
 *     bound to another sysid (or deleted on another node) may be shown one batch longer under
 *     its old binding, then goes offline when the stored batch says otherwise.
 *   'bridge.tlog' chunks -> TlogAssembler (per bridge and uploadId) -> complete: the vehicle
 *     (bridge, sysid) -> tlogSink.attachTlog -> the last chunk's ack says where it went
 *   last socket of a bridge gone -> its vehicles go offline in the live state
 *
 * It is also the BridgeHub: a request (vehicle command, dock command, mission upload) goes to
 * the newest live socket of the bridge, with an ack timeout; the bridge's progress reports for
 * it ('mission.upload_progress') go to the requester's `onProgress`.
 */
import { EventEmitter } from 'node:events';
import {
  BRIDGE_NAMESPACE,
  type BridgeHello,
  type BridgeRequestKind,
  type BridgeRequests,
  type BridgeToServerEvents,
  type CameraIntrinsics,
  type CameraStreamsPayload,
  type ChannelItem,
  type CommandReply,
  checkChannelItem,
  type DockEventPayload,
  type GimbalAttitude,
  type HelloAck,
  type ItemsAck,
  type ServerToBridgeEvents,
  type TlogChunkReply,
  type VehicleEventPayload,
} from '@aerie/contracts';
import { and, eq } from 'drizzle-orm';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Db } from '../db/client.ts';
import { vehicles } from '../db/schema.ts';
import { LiveDockStore } from '../live/dock-store.ts';
import type { LiveStateStore } from '../live/live-state-store.ts';
import { findBridgeByToken } from '../routes/bridges.ts';
import type { ReportedImage } from '../video/camera-announcements.ts';
import type { BridgeHub, BridgeRequestOptions, IngestSink } from './contracts.ts';
import {
  BridgeIngest,
  type CheckedBatch,
  checkBatch,
  type IngestBridge,
  type IngestResult,
  noopIngestSink,
} from './ingest.ts';
import { TlogAssembler, type TlogAssemblerOptions } from './tlog-assembly.ts';

/** Where a sortie's uploaded .tlog goes (the FlightLog fits). */
export interface TlogSink {
  attachTlog(
    db: Db,
    vehicleId: string,
    fromMs: number,
    toMs: number,
    bytes: Uint8Array,
  ): Promise<
    | { ok: true; value: { sortieId: string; sha256: string; bytes: number } }
    | { ok: false; error: { code: string; message: string } }
  >;
}

/** What the namespace keeps on each bridge socket. */
export interface BridgeSocketData {
  bridge: IngestBridge;
  /** Set by the hello; items before it are refused. */
  epoch?: string;
  connectedAtMs: number;
}

export type BridgeNamespace = Namespace<
  BridgeToServerEvents,
  ServerToBridgeEvents,
  Record<string, never>,
  BridgeSocketData
>;
type BridgeSocket = Socket<
  BridgeToServerEvents,
  ServerToBridgeEvents,
  Record<string, never>,
  BridgeSocketData
>;

/** The logging the channel does (Fastify's `app.log` fits). */
export interface ChannelLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BridgeChannelEvents {
  /** A discrete vehicle event was stored (after commit), for the console fan-out. */
  'vehicle.event': [vehicleId: string, atMs: number, event: VehicleEventPayload];
  /** A vehicle heard for the first time was registered. */
  'vehicle.registered': [vehicleId: string, bridgeId: string, sysid: number];
  /** A vehicle's camera announced its streams (stored; after commit). */
  'camera.streams': [vehicleId: string, camera: CameraStreamsPayload];
  /** A vehicle's camera reported a still (stored as a frame record; after commit). */
  'camera.image': [vehicleId: string, image: ReportedImage];
  /** A dock event was stored (after commit). */
  'dock.event': [dockId: string, atMs: number, event: DockEventPayload];
  'bridge.connected': [bridgeId: string];
  /** The last socket of this bridge is gone. */
  'bridge.disconnected': [bridgeId: string];
}

export interface BridgeChannelOptions {
  db: Db;
  liveState: LiveStateStore;
  /** The flight log; a sink storing nothing when omitted. */
  sink?: IngestSink;
  now?: () => number;
  logger?: ChannelLogger;
  /** Default wait for a command's answer (default 20 s: a take-off may first wait out arming). */
  commandTimeoutMs?: number;
  /** Stores the sortie tlogs bridges upload; uploads are refused ('Unsupported') without it. */
  tlogSink?: TlogSink;
  /** Bounds of the chunk assembly (tests). */
  tlogAssembly?: TlogAssemblerOptions;
  /** Live dock status, written from `dock_state` items; a store of its own when omitted. */
  docks?: LiveDockStore;
  /** Lens and gimbal of reported stills when their camera does not say (see BridgeIngest). */
  stills?: { camera: CameraIntrinsics; gimbal: GimbalAttitude };
}

const silent: ChannelLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `socket.timeout(ms).emitWithAck(kind, payload)` for a request kind chosen at run time. Socket.IO's
 * typed emit cannot follow a generic event name to its payload and ack, so the one cast that
 * bridges them is here; `BridgeRequests` (checked against `ServerToBridgeEvents` below) keeps
 * the pairs right.
 */
function emitRequest<K extends BridgeRequestKind>(
  socket: BridgeSocket,
  timeoutMs: number,
  kind: K,
  payload: BridgeRequests[K]['request'],
): Promise<BridgeRequests[K]['reply']> {
  const timed = socket.timeout(timeoutMs);
  const emit = timed.emitWithAck as unknown as (
    ev: K,
    p: BridgeRequests[K]['request'],
  ) => Promise<BridgeRequests[K]['reply']>;
  return emit.call(timed, kind, payload);
}

/** Each request kind is a server-to-bridge event whose payload and ack are the request and reply. */
type RequestsMatchEvents = {
  [K in BridgeRequestKind]: ServerToBridgeEvents[K] extends (
    request: BridgeRequests[K]['request'],
    ack: (reply: BridgeRequests[K]['reply']) => void,
  ) => void
    ? true
    : false;
};
const requestsMatchEvents: RequestsMatchEvents = {
  'vehicle.command': true,
  'dock.command': true,
  'mission.upload': true,
};
void requestsMatchEvents;

/** An Error that Socket.IO hands to the client in `connect_error` with its `data`. */
function refusal(code: 'BadToken' | 'ServerError', message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

const failure = (code: string, message: string, detail?: Record<string, unknown>): CommandReply => ({
  ok: false,
  error: detail ? { code, message, detail } : { code, message },
});

export class BridgeChannel extends EventEmitter<BridgeChannelEvents> implements BridgeHub {
  readonly ingest: BridgeIngest;
  /** Live status of the registered docks this server's bridges report. */
  readonly docks: LiveDockStore;
  private readonly db: Db;
  private readonly liveState: LiveStateStore;
  private readonly now: () => number;
  private readonly commandTimeoutMs: number;
  private readonly tlogSink: TlogSink | undefined;
  private readonly tlogs: TlogAssembler;
  private log: ChannelLogger;
  private namespace: BridgeNamespace | null = null;
  /** Live sockets per bridge, oldest first. */
  private readonly sockets = new Map<string, BridgeSocket[]>();
  /** Vehicles each bridge has reported since start, to mark them offline when it goes. */
  private readonly vehiclesOf = new Map<string, Set<string>>();
  /** Docks each bridge has reported since start, likewise. */
  private readonly docksOf = new Map<string, Set<string>>();
  /** Per bridge: sysid -> vehicle id, as the bridge's last stored batch resolved them. */
  private readonly bindings = new Map<string, Map<number, string>>();
  /** Per bridge: the epoch and highest seq shown in the live state before being stored. */
  private readonly shownUpTo = new Map<string, { epoch: string; seq: number }>();
  /** Per bridge: sysid -> `atMs` of the newest state shown in the live state. */
  private readonly shownAt = new Map<string, Map<number, number>>();
  /** Progress listeners of running requests, by bridge id and request id. */
  private readonly progress = new Map<string, (p: unknown) => void>();

  constructor(opts: BridgeChannelOptions) {
    super();
    this.db = opts.db;
    this.docks = opts.docks ?? new LiveDockStore(opts.now);
    this.liveState = opts.liveState;
    this.now = opts.now ?? Date.now;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 20_000;
    this.log = opts.logger ?? silent;
    this.tlogSink = opts.tlogSink;
    this.tlogs = new TlogAssembler({ now: this.now, ...opts.tlogAssembly });
    this.ingest = new BridgeIngest({
      db: opts.db,
      sink: opts.sink ?? noopIngestSink,
      now: this.now,
      logger: { warn: (o, m) => this.log.warn(o, m), error: (o, m) => this.log.error(o, m) },
      ...(opts.stills ? { stills: opts.stills } : {}),
    });
  }

  /** Opens the `/bridge` namespace on `io`. Call once. */
  attach(io: Server, logger?: ChannelLogger): BridgeNamespace {
    if (this.namespace) throw new Error('the bridge channel is already attached');
    if (logger) this.log = logger;
    const ns = io.of(BRIDGE_NAMESPACE) as BridgeNamespace;
    this.namespace = ns;
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length === 0)
        return next(refusal('BadToken', 'no bridge token in the handshake (auth.token)'));
      findBridgeByToken(this.db, token).then(
        (bridge) => {
          if (!bridge) {
            this.log.warn({ ip: socket.handshake.address }, 'bridge connection refused: unknown token');
            return next(refusal('BadToken', 'unknown bridge token (replaced or deleted?)'));
          }
          socket.data.bridge = bridge;
          socket.data.connectedAtMs = this.now();
          next();
        },
        (err: unknown) => {
          this.log.error({ error: String(err) }, 'bridge token check failed');
          next(refusal('ServerError', 'the server could not check the token; try again'));
        },
      );
    });
    ns.on('connection', (socket) => this.onConnection(socket));
    return ns;
  }

  /** Bridge ids with a live connection now. */
  connectedBridgeIds(): string[] {
    return [...this.sockets.keys()];
  }

  /**
   * Sends a request to the bridge's newest live socket and waits for its answer (see
   * `BridgeHub.request`). Progress reports the bridge sends for this request id go to
   * `options.onProgress` until the answer comes.
   */
  async request<K extends BridgeRequestKind>(
    bridgeId: string,
    kind: K,
    payload: BridgeRequests[K]['request'],
    options: BridgeRequestOptions<K> = {},
  ): Promise<BridgeRequests[K]['reply']> {
    type Reply = BridgeRequests[K]['reply'];
    const fail = (code: string, message: string, detail: Record<string, unknown>) =>
      failure(code, message, detail) as Reply;
    const socket = this.sockets.get(bridgeId)?.at(-1);
    if (!socket) return fail('BridgeOffline', `bridge ${bridgeId} is not connected`, { bridgeId });
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const fields = { kind, requestId: payload.requestId, bridgeId, sysid: payload.sysid };
    const progressKey = `${bridgeId}\u0000${payload.requestId}`;
    if (options.onProgress) this.progress.set(progressKey, options.onProgress as (p: unknown) => void);
    let onGone: (() => void) | undefined;
    const gone = new Promise<Reply>((resolve) => {
      onGone = () =>
        resolve(
          fail('BridgeOffline', 'the bridge disconnected before answering; it may or may not have acted', {
            bridgeId,
          }),
        );
      socket.once('disconnect', onGone);
    });
    try {
      const answer = emitRequest(socket, timeoutMs, kind, payload).catch(() =>
        fail('Timeout', `no answer from the bridge within ${timeoutMs} ms`, { timeoutMs }),
      );
      const reply = await Promise.race([answer, gone]);
      if (reply.ok) this.log.info(fields, 'bridge request answered');
      else this.log.warn({ ...fields, code: reply.error.code }, 'bridge request failed');
      return reply;
    } finally {
      if (onGone) socket.off('disconnect', onGone);
      this.progress.delete(progressKey);
    }
  }

  /** Disconnects every bridge socket (the io server stays up). */
  close(): void {
    this.namespace?.disconnectSockets(true);
  }

  private onConnection(socket: BridgeSocket): void {
    const bridge = socket.data.bridge;
    const list = this.sockets.get(bridge.id) ?? [];
    if (list.length > 0)
      this.log.warn(
        { bridgeId: bridge.id, bridgeName: bridge.name, sockets: list.length + 1 },
        'bridge connected twice (same token used by two processes?); commands go to the newest',
      );
    list.push(socket);
    this.sockets.set(bridge.id, list);
    this.log.info(
      { bridgeId: bridge.id, bridgeName: bridge.name, ip: socket.handshake.address },
      'bridge connected',
    );
    if (list.length === 1) this.emit('bridge.connected', bridge.id);

    socket.on('bridge.hello', (hello, ack) => void this.onHello(socket, hello, ack));
    socket.on('bridge.items', (items, ack) => void this.onItems(socket, items, ack));
    socket.on('bridge.live', (items) => this.onLive(socket, items));
    socket.on('bridge.tlog', (chunk, ack) => void this.onTlog(socket, chunk, ack));
    socket.on('mission.upload_progress', (p) => {
      const requestId = (p as { requestId?: unknown } | null)?.requestId;
      if (typeof requestId === 'string') this.progress.get(`${bridge.id}\u0000${requestId}`)?.(p);
    });
    socket.on('disconnect', (reason) => this.onDisconnect(socket, reason));
  }

  private async onHello(
    socket: BridgeSocket,
    hello: BridgeHello,
    ack: (reply: HelloAck) => void,
  ): Promise<void> {
    if (typeof ack !== 'function') return;
    const bridge = socket.data.bridge;
    const epoch = (hello as Partial<BridgeHello> | undefined)?.epoch;
    if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > 200) {
      this.log.warn({ bridgeId: bridge.id }, 'bridge hello without a usable epoch; disconnecting');
      socket.disconnect(true);
      return;
    }
    try {
      const lastSeq = await this.ingest.hello(bridge.id, epoch, this.vehiclesOf.get(bridge.id) ?? []);
      socket.data.epoch = epoch;
      if (this.shownUpTo.get(bridge.id)?.epoch !== epoch) this.shownAt.delete(bridge.id);
      this.shownUpTo.set(bridge.id, { epoch, seq: lastSeq });
      this.log.info(
        {
          bridgeId: bridge.id,
          epoch,
          lastSeq,
          version: hello.version,
          links: Array.isArray(hello.links) ? hello.links : [],
        },
        'bridge hello',
      );
      ack({ lastSeq, bridgeId: bridge.id, bridgeName: bridge.name });
    } catch (err) {
      this.log.error({ bridgeId: bridge.id, error: String(err) }, 'bridge hello failed');
      // No ack: the bridge times out and reconnects.
    }
  }

  private async onItems(socket: BridgeSocket, items: unknown, ack: (reply: ItemsAck) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    const { bridge, epoch } = socket.data;
    if (!epoch) {
      this.log.warn({ bridgeId: bridge.id }, 'bridge items before hello; ignored');
      return ack({ lastSeq: 0 });
    }
    if (!Array.isArray(items)) {
      this.log.warn({ bridgeId: bridge.id }, 'bridge items not an array; ignored');
      return ack({ lastSeq: 0 });
    }
    const checked = checkBatch(items);
    const shown = this.showEarly(bridge.id, epoch, checked);
    let result: IngestResult;
    try {
      result = await this.ingest.ingestChecked(bridge, epoch, checked);
    } catch (err) {
      this.log.error(
        {
          bridgeId: bridge.id,
          epoch,
          items: items.length,
          error: err instanceof Error ? err.stack : String(err),
        },
        'storing a bridge batch failed; nothing of it was stored',
      );
      // The unchanged cursor tells the bridge to keep the batch and try again later.
      const lastSeq = await this.ingest.hello(bridge.id, epoch).catch(() => 0);
      return ack({ lastSeq });
    }
    ack(
      result.rejected.length > 0
        ? {
            lastSeq: result.lastSeq,
            rejected: result.rejected.map(({ seq, code, message }) => ({ seq, code, message })),
          }
        : { lastSeq: result.lastSeq },
    );
    this.publish(bridge.id, result, shown);
  }

  /**
   * A preview of queued state items (no ack, may be dropped on the way): each one newer than what
   * its vehicle showed goes into the live state; the batch that stores it follows.
   */
  private onLive(socket: BridgeSocket, items: unknown): void {
    const { bridge, epoch } = socket.data;
    if (!epoch || !Array.isArray(items)) return;
    const known = this.bindings.get(bridge.id);
    const mark = this.shownUpTo.get(bridge.id);
    if (!known || mark?.epoch !== epoch) return;
    for (const raw of items) {
      const checked = checkChannelItem(raw);
      // A malformed item is the batch's to refuse (with a code the bridge logs), not the preview's.
      if (!checked.ok || checked.value.kind !== 'state') continue;
      // A batch has shown this one, or a newer one, already.
      if (checked.value.seq <= mark.seq) continue;
      this.showState(bridge.id, known, checked.value);
    }
  }

  /**
   * Shows a state item of a vehicle this channel knows, unless the vehicle showed one as new
   * already; false when the vehicle has no live entry (deleted here: it waits for the store).
   */
  private showState(
    bridgeId: string,
    known: ReadonlyMap<number, string>,
    item: Extract<ChannelItem, { kind: 'state' }>,
  ): boolean {
    const vehicleId = known.get(item.sysid);
    if (vehicleId === undefined || this.liveState.get(vehicleId).updatedAtMs === null) return false;
    this.seenVehicles(bridgeId).add(vehicleId);
    if (this.newer(bridgeId, item.sysid, item.atMs)) {
      this.liveState.update(vehicleId, item.state);
      if (item.state.online === false) this.liveState.setOffline(vehicleId);
    }
    return true;
  }

  /** Whether a state stamped `atMs` is newer than the vehicle's last one shown (and notes it). */
  private newer(bridgeId: string, sysid: number, atMs: number): boolean {
    let shown = this.shownAt.get(bridgeId);
    if (!shown) {
      shown = new Map();
      this.shownAt.set(bridgeId, shown);
    }
    if (atMs <= (shown.get(sysid) ?? Number.NEGATIVE_INFINITY)) return false;
    shown.set(sysid, atMs);
    return true;
  }

  /**
   * Puts the batch's new states (and link losses) of vehicles this channel knows into the live
   * state before the batch is stored; answers the seqs it showed.
   */
  private showEarly(bridgeId: string, epoch: string, checked: CheckedBatch): Set<number> {
    const shown = new Set<number>();
    const known = this.bindings.get(bridgeId);
    const mark = this.shownUpTo.get(bridgeId);
    if (!known || mark?.epoch !== epoch) return shown;
    const seen = this.seenVehicles(bridgeId);
    for (const item of checked.valid) {
      // Repeats (a batch sent again) were shown the first time.
      if (item.seq <= mark.seq) continue;
      mark.seq = item.seq;
      if (item.kind === 'state') {
        if (this.showState(bridgeId, known, item)) shown.add(item.seq);
        continue;
      }
      if (item.kind !== 'event' || item.event.type !== 'lost') continue;
      const vehicleId = known.get(item.sysid);
      // A vehicle deleted here has no live entry any more: it waits for the store.
      if (vehicleId === undefined || this.liveState.get(vehicleId).updatedAtMs === null) continue;
      seen.add(vehicleId);
      this.liveState.setOffline(vehicleId);
      shown.add(item.seq);
    }
    return shown;
  }

  private seenVehicles(bridgeId: string): Set<string> {
    const seen = this.vehiclesOf.get(bridgeId) ?? new Set<string>();
    this.vehiclesOf.set(bridgeId, seen);
    return seen;
  }

  private async onTlog(
    socket: BridgeSocket,
    chunk: unknown,
    ack: (reply: TlogChunkReply) => void,
  ): Promise<void> {
    if (typeof ack !== 'function') return;
    const bridge = socket.data.bridge;
    const refuse = (code: string, message: string) => ack({ ok: false, error: { code, message } });
    if (!this.tlogSink) return refuse('Unsupported', 'this server does not store tlogs');
    const outcome = this.tlogs.accept(bridge.id, chunk);
    if (outcome.kind === 'refused') {
      this.log.warn({ bridgeId: bridge.id, code: outcome.code }, `tlog chunk refused: ${outcome.message}`);
      return refuse(outcome.code, outcome.message);
    }
    if (outcome.kind === 'partial') return ack({ ok: true, received: outcome.received });
    const t = outcome.tlog;
    const fields = { bridgeId: bridge.id, sysid: t.sysid, uploadId: t.uploadId, bytes: t.bytes.length };
    try {
      const [v] = await this.db
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(and(eq(vehicles.bridgeId, bridge.id), eq(vehicles.sysid, t.sysid)));
      if (!v) {
        this.log.warn(fields, 'tlog for a vehicle this bridge does not hold; dropped');
        return refuse('UnknownVehicle', `bridge ${bridge.id} has no vehicle with system id ${t.sysid}`);
      }
      const stored = await this.tlogSink.attachTlog(this.db, v.id, t.fromMs, t.toMs, t.bytes);
      if (!stored.ok) {
        this.log.warn(
          { ...fields, vehicleId: v.id, code: stored.error.code },
          `tlog not stored: ${stored.error.message}`,
        );
        return refuse(stored.error.code, stored.error.message);
      }
      this.log.info(
        { ...fields, vehicleId: v.id, sortieId: stored.value.sortieId, truncated: t.truncated },
        'sortie tlog stored',
      );
      ack({ ok: true, received: outcome.received, done: stored.value });
    } catch (err) {
      this.log.error({ ...fields, error: String(err) }, 'storing a tlog failed');
      refuse('ServerError', 'the server could not store the tlog; try again');
    }
  }

  /**
   * After commit: live state (of the items `showEarly` did not show), and events for whoever
   * listens (the console fan-out).
   */
  private publish(bridgeId: string, result: IngestResult, shown: ReadonlySet<number>): void {
    const seen = this.seenVehicles(bridgeId);
    const known = this.bindings.get(bridgeId) ?? new Map<number, string>();
    this.bindings.set(bridgeId, known);
    for (const item of result.stored) {
      const before = known.get(item.sysid);
      // Bound to another vehicle since: the one shown under the old binding is not reported here.
      if (before !== undefined && before !== item.vehicleId) this.liveState.setOffline(before);
      known.set(item.sysid, item.vehicleId);
    }
    for (const r of result.registered) {
      this.log.info(
        { vehicleId: r.vehicleId, bridgeId, sysid: r.sysid, name: r.name },
        'vehicle registered on first sight',
      );
      this.emit('vehicle.registered', r.vehicleId, bridgeId, r.sysid);
    }
    const seenDocks = this.docksOf.get(bridgeId) ?? new Set<string>();
    this.docksOf.set(bridgeId, seenDocks);
    for (const item of result.docks) {
      seenDocks.add(item.dockId);
      if (item.kind === 'dock_state') this.docks.update(item.dockId, item.dock);
      else {
        if (item.event.type === 'lost') this.docks.setOffline(item.dockId);
        this.emit('dock.event', item.dockId, item.atMs, item.event);
      }
    }
    for (const item of result.cameras) {
      if (item.kind === 'camera_streams') {
        this.log.info(
          {
            vehicleId: item.vehicleId,
            compid: item.camera.compid,
            streams: item.camera.streams.map((s) => s.uri),
          },
          'camera announced its streams',
        );
        this.emit('camera.streams', item.vehicleId, item.camera);
      } else {
        this.emit('camera.image', item.vehicleId, {
          id: item.imageId,
          fileUrl: item.image.fileUrl,
          ok: item.image.ok,
          meta: item.meta,
        });
      }
    }
    for (const item of result.stored) {
      seen.add(item.vehicleId);
      if (item.kind === 'state') {
        if (shown.has(item.seq) || !this.newer(bridgeId, item.sysid, item.atMs)) continue;
        this.liveState.update(item.vehicleId, item.state);
        if (item.state.online === false) this.liveState.setOffline(item.vehicleId);
      } else {
        if (item.event.type === 'lost' && !shown.has(item.seq)) this.liveState.setOffline(item.vehicleId);
        this.emit('vehicle.event', item.vehicleId, item.atMs, item.event);
      }
    }
  }

  private onDisconnect(socket: BridgeSocket, reason: string): void {
    const bridge = socket.data.bridge;
    const list = (this.sockets.get(bridge.id) ?? []).filter((s) => s !== socket);
    this.log.info({ bridgeId: bridge.id, bridgeName: bridge.name, reason }, 'bridge disconnected');
    if (list.length > 0) {
      this.sockets.set(bridge.id, list);
      return;
    }
    this.sockets.delete(bridge.id);
    // It may stream to another node meanwhile, where its vehicles may be bound anew.
    this.bindings.delete(bridge.id);
    this.shownUpTo.delete(bridge.id);
    this.shownAt.delete(bridge.id);
    // Nobody reports these vehicles any more: show them offline rather than frozen.
    for (const vehicleId of this.vehiclesOf.get(bridge.id) ?? []) this.liveState.setOffline(vehicleId);
    for (const dockId of this.docksOf.get(bridge.id) ?? []) this.docks.setOffline(dockId);
    this.emit('bridge.disconnected', bridge.id);
  }
}
