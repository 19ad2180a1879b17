/**
 * The bridge's end of the bridge channel: a Socket.IO client on `${serverUrl}/bridge` that
 * streams the Bridge's vehicles to the server and runs the server's commands.
 *
 * Delivery (the contract in `events.ts`):
 *   start -> random epoch, seq from 1
 *   connect -> 'bridge.hello' -> HelloAck.lastSeq -> drop acked items -> send the rest in order
 *   every `batchIntervalMs` (or at once while a backlog is draining): one 'bridge.items' batch
 *   of at most `batchMaxItems`, one batch in flight at a time, acknowledged with the highest
 *   seq stored; no ack within `ackTimeoutMs` -> the same items go again (the server skips
 *   what it already has).
 *   disconnect -> keep buffering (bounded, see `outbox.ts`); Socket.IO reconnects with
 *   backoff, and a connection the server refused for a reason other than the token is retried
 *   by hand (Socket.IO does not retry those).
 *   token refused -> 'rejected' once and stop: retrying a wrong token never helps.
 *
 * Live preview: each state item, as it is queued, also goes as a volatile 'bridge.live' message,
 * newest per vehicle, at once when none went in the last `liveIntervalMs` (default 10 ms), else
 * when that interval ends; the server shows it to the consoles without waiting for the batch in
 * flight to be stored. The batch is still what stores it (the server shows a state once,
 * whichever comes first).
 *
 * Telemetry: the Bridge emits coalesced snapshots at up to ~10 Hz per vehicle; the channel
 * forwards at most one per `stateIntervalMs` (10 Hz: the server serves a focused vehicle at
 * full rate and thins the fleet view to 2 Hz itself) per vehicle and always the newest (a
 * snapshot held back is sent when its interval ends, replaced by any newer one meanwhile).
 * Link events (discovered, lost, found) go as events, each preceded by the snapshot that goes
 * with it, so the server knows the vehicle's autopilot the first time it sees it.
 *
 * Sortie tlogs (when `connections` are given): each vehicle is recorded from its 'armed' to
 * its 'disarmed' event (`sortie-recorder.ts`); the recording then queues as an upload that
 * goes, once the disarm event is acknowledged, as 'bridge.tlog' chunks one at a time, and stays
 * queued until the server has stored it (resend policy in `tlog-upload.ts`).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import type { BridgeEvents, VehicleSnapshot } from '../bridge.ts';
import type { VehicleEvent } from '../vehicle/state.ts';
import {
  type DockDirectory,
  runDockCommand,
  runVehicleCommand,
  type VehicleDirectory,
} from './command-runner.ts';
import {
  BRIDGE_NAMESPACE,
  type BridgeHello,
  type BridgeToServerEvents,
  type CameraStreamsPayload,
  type ChannelItem,
  type CommandReply,
  type CommandRequest,
  type DockCommandRequest,
  type DockEventPayload,
  type DockStatusPayload,
  type HelloAck,
  type ItemRejection,
  type MissionUploadReply,
  type MissionUploadRequest,
  type ServerToBridgeEvents,
  type TlogChunkReply,
  type VehicleEventPayload,
} from './events.ts';
import { runMissionUpload } from './mission-upload.ts';
import { ChannelOutbox, type OutboxStats } from './outbox.ts';
import { type RecordableConnection, SortieRecorder, type SortieTlog } from './sortie-recorder.ts';
import {
  DEFAULT_TLOG_CHUNK_BYTES,
  FINAL_TLOG_ERRORS,
  type TlogUpload,
  TlogUploadQueue,
  tlogChunks,
} from './tlog-upload.ts';
import { toWireState } from './wire-state.ts';

/** What the client needs from a Bridge: its events and its vehicles. */
export interface ChannelBridge extends VehicleDirectory {
  /** Vehicles already heard when the client starts (their discovery is reported then). */
  vehicles?(): VehicleSnapshot[];
  /** Docks already heard when the client starts (reported as discovered then). */
  docks?(): DockStatusPayload[];
  /** Cameras whose discovery finished before the client started (reported then). */
  cameras?(): Array<{ sysid: number; camera: CameraStreamsPayload }>;
  /** The dock with this system id, for `dock.command`; without it every dock command is UnknownDock. */
  dock?: DockDirectory['dock'];
  on<K extends keyof BridgeEvents>(event: K, listener: (...args: BridgeEvents[K]) => void): unknown;
  off<K extends keyof BridgeEvents>(event: K, listener: (...args: BridgeEvents[K]) => void): unknown;
}

/** The logging the client does (a pino logger fits). */
export interface ChannelLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BridgeChannelClientOptions {
  /** Base URL of the Aerie server, e.g. http://10.0.0.5:8080 (the namespace is appended). */
  serverUrl: string;
  /** The bridge's connection token; sent in the handshake only, never logged. */
  token: string;
  bridge: ChannelBridge;
  /** The links the bridge owns, for the hello (URIs without secrets). */
  links: string[];
  version?: string;
  /** Fixed epoch (tests); a random UUID otherwise. */
  epoch?: string;
  /** Unacknowledged items kept before telemetry is dropped (default 50 000). */
  maxBufferItems?: number;
  batchIntervalMs?: number;
  batchMaxItems?: number;
  /** Largest batch in bytes of JSON (default 512 KiB, half of Socket.IO's message limit). */
  batchMaxBytes?: number;
  /** How long to wait for the server's ack of a hello or a batch (default 10 s). */
  ackTimeoutMs?: number;
  /** Shortest gap between two forwarded snapshots of one vehicle (default 100 ms). */
  stateIntervalMs?: number;
  /**
   * Shortest gap between two live previews ('bridge.live', default 10 ms): the longest a queued
   * state waits for one; 0 sends none (the consoles then see a state once its batch arrives).
   */
  liveIntervalMs?: number;
  /** First and largest reconnect delay (defaults 500 ms and 10 s; Socket.IO adds jitter). */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /**
   * The bridge's connections (RunningBridge.connections): each vehicle's sortie is recorded
   * from them and uploaded as a .tlog. No recording when omitted.
   */
  connections?: readonly RecordableConnection[];
  /** Largest recording per sortie (default 64 MiB; past it the recording is cut, `truncated`). */
  tlogMaxBytes?: number;
  /** Bytes per 'bridge.tlog' chunk (default 256 KiB; Socket.IO refuses messages over 1 MB). */
  tlogChunkBytes?: number;
  /** Unsent recordings kept before the oldest is dropped (default 256 MiB). */
  tlogQueueBytes?: number;
  logger?: ChannelLogger;
  now?: () => number;
}

export interface BridgeChannelClientEvents {
  /** Hello answered: the server stores from `lastSeq + 1`. */
  connected: [HelloAck];
  disconnected: [reason: string];
  /** The server refused the token; the client has stopped. */
  rejected: [message: string];
  /** The server acknowledged items up to this seq. */
  acked: [lastSeq: number];
  /** The server consumed but refused these items (malformed; its code names why). */
  'items.refused': [ItemRejection[]];
  /** A sortie's tlog was stored by the server. */
  'tlog.uploaded': [{ uploadId: string; sysid: number; sortieId: string; sha256: string; bytes: number }];
}

const silent: ChannelLogger = { debug() {}, info() {}, warn() {}, error() {} };

type ClientSocket = Socket<ServerToBridgeEvents, BridgeToServerEvents>;

export class BridgeChannelClient extends EventEmitter<BridgeChannelClientEvents> {
  readonly epoch: string;
  private readonly opts: Required<
    Omit<
      BridgeChannelClientOptions,
      'epoch' | 'version' | 'logger' | 'now' | 'connections' | 'tlogMaxBytes' | 'tlogQueueBytes'
    >
  > & {
    version: string;
  };
  private readonly log: ChannelLogger;
  private readonly now: () => number;
  private readonly outbox: ChannelOutbox;
  private socket: ClientSocket | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bumped on every connect and disconnect; answers from an older connection are ignored. */
  private generation = 0;
  private ready = false;
  private inFlight = false;
  /** After a batch the server could not store, wait before trying it again. */
  private holdUntil = 0;
  private failedBatches = 0;
  private manualRetries = 0;
  private connectFailures = 0;
  private stopped = true;
  private readonly lastStateAt = new Map<number, number>();
  private readonly pendingState = new Map<number, VehicleSnapshot>();
  /** Per sysid: the newest state item queued since the last live preview. */
  private readonly livePending = new Map<number, ChannelItem>();
  private liveTimer: NodeJS.Timeout | null = null;
  private lastPreviewAt = Number.NEGATIVE_INFINITY;
  private readonly bridgeListeners: { [K in keyof BridgeEvents]: (...args: BridgeEvents[K]) => void };
  private readonly recorder: SortieRecorder | null;
  private readonly uploads: TlogUploadQueue;
  private tlogInFlight = false;
  private tlogHoldUntil = 0;
  private tlogFailures = 0;

  constructor(options: BridgeChannelClientOptions) {
    super();
    this.epoch = options.epoch ?? randomUUID();
    this.opts = {
      serverUrl: options.serverUrl.replace(/\/+$/, ''),
      token: options.token,
      bridge: options.bridge,
      links: options.links,
      version: options.version ?? '0.1.0',
      maxBufferItems: options.maxBufferItems ?? 50_000,
      batchIntervalMs: options.batchIntervalMs ?? 100,
      batchMaxItems: options.batchMaxItems ?? 200,
      batchMaxBytes: options.batchMaxBytes ?? 512 * 1024,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      stateIntervalMs: options.stateIntervalMs ?? 100,
      liveIntervalMs: options.liveIntervalMs ?? 10,
      reconnectDelayMs: options.reconnectDelayMs ?? 500,
      reconnectDelayMaxMs: options.reconnectDelayMaxMs ?? 10_000,
      tlogChunkBytes: options.tlogChunkBytes ?? DEFAULT_TLOG_CHUNK_BYTES,
    };
    this.log = options.logger ?? silent;
    this.now = options.now ?? Date.now;
    this.outbox = new ChannelOutbox({
      maxItems: this.opts.maxBufferItems,
      onWarn: (message, detail) => this.log.warn(detail, message),
    });
    this.recorder = options.connections
      ? new SortieRecorder({
          connections: options.connections,
          ...(options.tlogMaxBytes !== undefined ? { maxBytes: options.tlogMaxBytes } : {}),
        })
      : null;
    this.uploads = new TlogUploadQueue({
      ...(options.tlogQueueBytes !== undefined ? { maxBytes: options.tlogQueueBytes } : {}),
      onDrop: (u, why) =>
        this.log.warn(
          { uploadId: u.uploadId, sysid: u.sysid, bytes: u.bytes.length },
          `sortie tlog dropped unsent: ${why}`,
        ),
    });
    this.bridgeListeners = {
      'vehicle.state': (s) => this.onState(s),
      'vehicle.event': (sysid, e) => this.onVehicleEvent(sysid, e),
      'vehicle.discovered': (s) => this.onLinkEvent(s, 'discovered'),
      'vehicle.lost': (s) => this.onLinkEvent(s, 'lost'),
      'vehicle.found': (s) => this.onLinkEvent(s, 'found'),
      'dock.state': (d) => this.pushDockState(d),
      'dock.event': (sysid, e) => this.pushDockEvent(sysid, e),
      'dock.discovered': (d) => this.onDockLinkEvent(d, 'discovered'),
      'dock.lost': (d) => this.onDockLinkEvent(d, 'lost'),
      'dock.found': (d) => this.onDockLinkEvent(d, 'found'),
      'camera.streams': (sysid, camera) =>
        void this.outbox.push({ kind: 'camera_streams', sysid, atMs: this.now(), camera }),
      'camera.image': (sysid, image) =>
        void this.outbox.push({ kind: 'camera_image', sysid, atMs: image.capturedAtMs, image }),
    };
  }

  /** Subscribes to the bridge and starts connecting; returns at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const b = this.opts.bridge;
    b.on('vehicle.state', this.bridgeListeners['vehicle.state']);
    b.on('vehicle.event', this.bridgeListeners['vehicle.event']);
    b.on('vehicle.discovered', this.bridgeListeners['vehicle.discovered']);
    b.on('vehicle.lost', this.bridgeListeners['vehicle.lost']);
    b.on('vehicle.found', this.bridgeListeners['vehicle.found']);
    b.on('dock.state', this.bridgeListeners['dock.state']);
    b.on('dock.event', this.bridgeListeners['dock.event']);
    b.on('dock.discovered', this.bridgeListeners['dock.discovered']);
    b.on('dock.lost', this.bridgeListeners['dock.lost']);
    b.on('dock.found', this.bridgeListeners['dock.found']);
    b.on('camera.streams', this.bridgeListeners['camera.streams']);
    b.on('camera.image', this.bridgeListeners['camera.image']);
    // A vehicle heard while the links were opening, before these listeners, is reported now.
    for (const v of b.vehicles?.() ?? []) this.onLinkEvent(v, 'discovered');
    for (const d of b.docks?.() ?? []) this.onDockLinkEvent(d, 'discovered');
    for (const c of b.cameras?.() ?? []) this.bridgeListeners['camera.streams'](c.sysid, c.camera);

    const socket: ClientSocket = io(`${this.opts.serverUrl}${BRIDGE_NAMESPACE}`, {
      auth: { token: this.opts.token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: this.opts.reconnectDelayMs,
      reconnectionDelayMax: this.opts.reconnectDelayMaxMs,
    });
    this.socket = socket;
    socket.on('connect', () => void this.onConnect(socket));
    socket.on('disconnect', (reason) => this.onDisconnect(socket, reason));
    socket.on('connect_error', (err) => this.onConnectError(socket, err));
    socket.on('vehicle.command', (request, ack) => void this.onCommand(request, ack));
    socket.on('dock.command', (request, ack) => void this.onDockCommand(request, ack));
    socket.on('mission.upload', (request, ack) => void this.onMissionUpload(socket, request, ack));
    this.ticker = setInterval(() => this.tick(), this.opts.batchIntervalMs);
  }

  /** Unsubscribes and disconnects; unacknowledged items are dropped with the process. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const b = this.opts.bridge;
    b.off('vehicle.state', this.bridgeListeners['vehicle.state']);
    b.off('vehicle.event', this.bridgeListeners['vehicle.event']);
    b.off('vehicle.discovered', this.bridgeListeners['vehicle.discovered']);
    b.off('vehicle.lost', this.bridgeListeners['vehicle.lost']);
    b.off('vehicle.found', this.bridgeListeners['vehicle.found']);
    b.off('dock.state', this.bridgeListeners['dock.state']);
    b.off('dock.event', this.bridgeListeners['dock.event']);
    b.off('dock.discovered', this.bridgeListeners['dock.discovered']);
    b.off('dock.lost', this.bridgeListeners['dock.lost']);
    b.off('dock.found', this.bridgeListeners['dock.found']);
    b.off('camera.streams', this.bridgeListeners['camera.streams']);
    b.off('camera.image', this.bridgeListeners['camera.image']);
    this.recorder?.dispose();
    if (this.ticker) clearInterval(this.ticker);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.ticker = null;
    this.retryTimer = null;
    this.liveTimer = null;
    this.livePending.clear();
    this.generation++;
    this.ready = false;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** True while connected and past the hello. */
  get connected(): boolean {
    return this.ready;
  }

  stats(): OutboxStats & { connected: boolean; epoch: string; tlogUploads: number } {
    return {
      ...this.outbox.stats(),
      connected: this.ready,
      epoch: this.epoch,
      tlogUploads: this.uploads.size,
    };
  }

  // ---- bridge side ----------------------------------------------------------------------

  private onState(s: VehicleSnapshot): void {
    const last = this.lastStateAt.get(s.sysid);
    if (last === undefined || this.now() - last >= this.opts.stateIntervalMs) this.pushState(s);
    else this.pendingState.set(s.sysid, s);
  }

  private pushState(s: VehicleSnapshot): void {
    const now = this.now();
    this.pendingState.delete(s.sysid);
    this.lastStateAt.set(s.sysid, now);
    // Stamped with when the vehicle's data arrived, not when a held-back snapshot went out.
    const atMs = s.updatedAtMs > 0 ? s.updatedAtMs : now;
    const item = this.outbox.push({ kind: 'state', sysid: s.sysid, atMs, state: toWireState(s) });
    this.preview(item);
  }

  /** Queues a state item for the next live preview (newest per vehicle). */
  private preview(item: ChannelItem): void {
    if (this.opts.liveIntervalMs <= 0 || !this.ready) return;
    this.livePending.set(item.sysid, item);
    // At once (after the states queued in the same turn) unless a preview went very recently.
    const wait = Math.max(0, this.lastPreviewAt + this.opts.liveIntervalMs - this.now());
    this.liveTimer ??= setTimeout(() => this.sendPreview(), wait);
  }

  private sendPreview(): void {
    this.liveTimer = null;
    this.lastPreviewAt = this.now();
    const items = [...this.livePending.values()];
    this.livePending.clear();
    // Volatile: a preview that cannot go now is not worth keeping; its batch follows.
    if (items.length > 0 && this.socket && this.ready) this.socket.volatile.emit('bridge.live', items);
  }

  private pushEvent(sysid: number, event: VehicleEvent | VehicleEventPayload): number {
    return this.outbox.push({ kind: 'event', sysid, atMs: event.atMs, event }).seq;
  }

  private onVehicleEvent(sysid: number, event: VehicleEvent): void {
    const seq = this.pushEvent(sysid, event);
    if (!this.recorder) return;
    if (event.type === 'armed') {
      const linkId = this.opts.bridge.vehicles?.().find((v) => v.sysid === sysid)?.link.id;
      // A recording still running means its disarm was missed: it ends here, at this arm.
      const missed = this.recorder.start(sysid, event.atMs, linkId);
      if (missed) this.queueTlog(missed, seq);
    } else if (event.type === 'disarmed') {
      const done = this.recorder.stop(sysid, event.atMs);
      if (done) this.queueTlog(done, seq);
    }
  }

  private queueTlog(tlog: SortieTlog, afterSeq: number): void {
    const upload: TlogUpload = { ...tlog, uploadId: randomUUID(), afterSeq };
    const fields = {
      uploadId: upload.uploadId,
      sysid: tlog.sysid,
      bytes: tlog.bytes.length,
      records: tlog.records,
      truncated: tlog.truncated,
    };
    if (tlog.truncated) this.log.warn(fields, 'sortie tlog reached its size cap; the rest was not recorded');
    else this.log.info(fields, 'sortie tlog recorded');
    this.uploads.add(upload);
  }

  private onLinkEvent(s: VehicleSnapshot, type: 'discovered' | 'lost' | 'found'): void {
    this.pushState(s);
    this.pushEvent(s.sysid, { type, atMs: this.now() });
  }

  // Dock status arrives coalesced from the Bridge (about 1 Hz, sooner on a change of state).
  private pushDockState(d: DockStatusPayload): void {
    this.outbox.push({ kind: 'dock_state', sysid: d.sysid, atMs: d.lastHeardMs || this.now(), dock: d });
  }

  private pushDockEvent(sysid: number, event: DockEventPayload): void {
    this.outbox.push({ kind: 'dock_event', sysid, atMs: event.atMs, event });
  }

  private onDockLinkEvent(d: DockStatusPayload, type: 'discovered' | 'lost' | 'found'): void {
    this.pushDockState(d);
    this.pushDockEvent(d.sysid, { type, atMs: this.now() });
  }

  /** Runs a 'mission.upload' (`mission-upload.ts`); progress goes back on the same socket. */
  private async onMissionUpload(
    socket: ClientSocket,
    request: MissionUploadRequest,
    ack: (reply: MissionUploadReply) => void,
  ): Promise<void> {
    if (typeof ack !== 'function') return;
    const startedAt = this.now();
    const reply = await runMissionUpload(this.opts.bridge, request, {
      now: () => this.now(),
      onProgress: (p) => {
        if (socket.connected) socket.emit('mission.upload_progress', p);
      },
    });
    const fields = { requestId: request?.requestId, sysid: request?.sysid, ms: this.now() - startedAt };
    if (reply.ok) this.log.info({ ...fields, ...reply.value }, 'mission upload done');
    else this.log.warn({ ...fields, error: reply.error }, 'mission upload failed');
    ack(reply);
  }

  private async onDockCommand(
    request: DockCommandRequest,
    ack: (reply: CommandReply) => void,
  ): Promise<void> {
    if (typeof ack !== 'function') return;
    const startedAt = this.now();
    const bridge = this.opts.bridge;
    const reply = await runDockCommand({ dock: (sysid) => bridge.dock?.(sysid) }, request);
    const fields = {
      requestId: request?.requestId,
      dockSysid: request?.sysid,
      action: request?.command?.action,
      ms: this.now() - startedAt,
    };
    if (reply.ok) this.log.info(fields, 'dock command done');
    else
      this.log.warn(
        { ...fields, code: reply.error.code, message: reply.error.message },
        'dock command refused',
      );
    ack(reply);
  }

  private flushDueStates(): void {
    if (this.pendingState.size === 0) return;
    const now = this.now();
    for (const [sysid, s] of this.pendingState) {
      if (now - (this.lastStateAt.get(sysid) ?? 0) >= this.opts.stateIntervalMs) this.pushState(s);
    }
  }

  private async onCommand(request: CommandRequest, ack: (reply: CommandReply) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    const startedAt = this.now();
    const reply = await runVehicleCommand(this.opts.bridge, request);
    const fields = {
      requestId: request?.requestId,
      sysid: request?.sysid,
      action: request?.command?.action,
      ms: this.now() - startedAt,
    };
    if (reply.ok) this.log.info(fields, 'command done');
    else if (reply.error.code === 'BridgeError')
      this.log.error({ ...fields, error: reply.error }, 'command threw');
    else
      this.log.warn({ ...fields, code: reply.error.code, message: reply.error.message }, 'command refused');
    ack(reply);
  }

  // ---- server side ----------------------------------------------------------------------

  private async onConnect(socket: ClientSocket): Promise<void> {
    const gen = ++this.generation;
    this.ready = false;
    this.inFlight = false;
    this.tlogInFlight = false;
    this.tlogHoldUntil = 0;
    this.manualRetries = 0;
    this.connectFailures = 0;
    const hello: BridgeHello = { epoch: this.epoch, version: this.opts.version, links: this.opts.links };
    let reply: HelloAck;
    try {
      reply = await socket.timeout(this.opts.ackTimeoutMs).emitWithAck('bridge.hello', hello);
    } catch {
      if (gen !== this.generation) return;
      this.log.warn(
        { timeoutMs: this.opts.ackTimeoutMs },
        'the server did not answer the hello; reconnecting',
      );
      socket.disconnect();
      this.retryLater(socket);
      return;
    }
    if (gen !== this.generation) return;
    this.outbox.ack(reply.lastSeq);
    this.ready = true;
    this.holdUntil = 0;
    const st = this.outbox.stats();
    this.log.info(
      {
        bridgeId: reply.bridgeId,
        bridgeName: reply.bridgeName,
        epoch: this.epoch,
        resumeAfter: reply.lastSeq,
        pending: st.size,
      },
      'connected to the server',
    );
    this.emit('connected', reply);
    void this.pump();
  }

  private onDisconnect(socket: ClientSocket, reason: string): void {
    this.generation++;
    const wasReady = this.ready;
    this.ready = false;
    this.inFlight = false;
    this.tlogInFlight = false;
    if (this.stopped) return;
    if (wasReady)
      this.log.warn({ reason, pending: this.outbox.size }, 'disconnected from the server; buffering');
    this.emit('disconnected', reason);
    // The server closed this socket on purpose: Socket.IO leaves reconnecting to us.
    if (reason === 'io server disconnect') this.retryLater(socket);
  }

  private onConnectError(socket: ClientSocket, err: Error): void {
    if (this.stopped) return;
    const data = (err as Error & { data?: { code?: string } }).data;
    if (data?.code === 'BadToken') {
      this.log.error({ server: this.opts.serverUrl }, `the server rejected the bridge token: ${err.message}`);
      this.emit('rejected', err.message);
      this.stop();
      return;
    }
    // Say it once, then every tenth attempt: a long outage should not flood the log.
    this.connectFailures++;
    const fields = { server: this.opts.serverUrl, error: err.message, attempts: this.connectFailures };
    if (this.connectFailures === 1 || this.connectFailures % 10 === 0)
      this.log.warn(fields, 'cannot connect to the server; retrying');
    else this.log.debug(fields, 'cannot connect to the server; retrying');
    // A refusal by the server's middleware (not a network error) is not retried by Socket.IO.
    if (!socket.active) this.retryLater(socket);
  }

  private retryLater(socket: ClientSocket): void {
    if (this.retryTimer || this.stopped) return;
    const base = Math.min(
      this.opts.reconnectDelayMaxMs,
      this.opts.reconnectDelayMs * 2 ** this.manualRetries++,
    );
    const delay = base * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && this.socket === socket && !socket.connected) socket.connect();
    }, delay);
  }

  private tick(): void {
    this.flushDueStates();
    void this.pump();
    void this.pumpTlog();
  }

  /** Sends the next due upload, chunk after chunk; one upload in flight at a time. */
  private async pumpTlog(): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.ready || this.tlogInFlight || this.now() < this.tlogHoldUntil) return;
    const upload = this.uploads.next(this.outbox.stats().ackedSeq);
    if (!upload) return;
    const gen = this.generation;
    this.tlogInFlight = true;
    const fields = { uploadId: upload.uploadId, sysid: upload.sysid, bytes: upload.bytes.length };
    let reply: TlogChunkReply | null = null;
    try {
      for (const chunk of tlogChunks(upload, this.opts.tlogChunkBytes)) {
        const answer: TlogChunkReply = await socket
          .timeout(this.opts.ackTimeoutMs)
          .emitWithAck('bridge.tlog', chunk);
        reply = answer;
        if (!answer.ok || gen !== this.generation) break;
      }
    } catch {
      reply = null;
    } finally {
      if (gen === this.generation) this.tlogInFlight = false;
    }
    if (reply?.ok && reply.done) {
      this.uploads.remove(upload.uploadId);
      this.tlogFailures = 0;
      this.log.info({ ...fields, sortieId: reply.done.sortieId }, 'sortie tlog stored by the server');
      this.emit('tlog.uploaded', { uploadId: upload.uploadId, sysid: upload.sysid, ...reply.done });
      return;
    }
    if (reply && !reply.ok && FINAL_TLOG_ERRORS.has(reply.error.code)) {
      this.uploads.remove(upload.uploadId);
      this.log.warn(
        { ...fields, code: reply.error.code },
        `the server refused a sortie tlog: ${reply.error.message}`,
      );
      return;
    }
    if (gen !== this.generation) return; // disconnected: the next connection sends it again
    this.tlogFailures++;
    this.tlogHoldUntil = this.now() + Math.min(10_000, 200 * 2 ** Math.min(this.tlogFailures, 6));
    this.log.warn(
      { ...fields, code: reply && !reply.ok ? reply.error.code : 'NoAck' },
      'sortie tlog not stored; sending it again later',
    );
  }

  private async pump(): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.ready || this.inFlight || this.now() < this.holdUntil) return;
    const items = this.outbox.batch(this.opts.batchMaxItems, this.opts.batchMaxBytes);
    if (items.length === 0) return;
    const gen = this.generation;
    const lastInBatch = items[items.length - 1]!.seq;
    const backlog = this.outbox.size > items.length;
    this.inFlight = true;
    let stored = 0;
    try {
      const reply = await socket.timeout(this.opts.ackTimeoutMs).emitWithAck('bridge.items', items);
      stored = reply.lastSeq;
      this.outbox.ack(stored);
      this.emit('acked', stored);
      if (reply.rejected && reply.rejected.length > 0) {
        // A wire mismatch between this bridge and the server (a version skew or a mapping bug):
        // the server consumed the items without storing them, so they are not sent again.
        this.log.error(
          { refused: reply.rejected.slice(0, 5), count: reply.rejected.length },
          `the server refused ${reply.rejected.length} item(s): ${reply.rejected[0]!.code} ${reply.rejected[0]!.message}`,
        );
        this.emit('items.refused', reply.rejected);
      }
    } catch {
      if (gen === this.generation)
        this.log.warn(
          { items: items.length, timeoutMs: this.opts.ackTimeoutMs },
          'no ack for a batch; resending',
        );
    } finally {
      if (gen === this.generation) this.inFlight = false;
    }
    if (gen !== this.generation) return;
    if (stored < lastInBatch) {
      // The server answered but did not store the batch (its log says why): back off.
      this.failedBatches++;
      this.holdUntil = this.now() + Math.min(5000, 100 * 2 ** Math.min(this.failedBatches, 6));
      return;
    }
    this.failedBatches = 0;
    // A backlog (after an outage) drains batch after batch instead of one per tick.
    if (backlog) setImmediate(() => void this.pump());
  }
}
