/**
 * The bridge: owns the links, speaks as a ground station on each of them (HEARTBEAT at 1 Hz),
 * discovers vehicles from their heartbeats, keeps each vehicle's state, routes packets between
 * links, and hands out one MessagePort per vehicle for the command, mission and parameter
 * protocols. It emits discrete events as they happen and coalesced state snapshots at a bounded
 * rate, which is what the server (and the CLI) consume.
 *
 * Docks: a system that sends AERIE_DOCK_STATUS (the dock dialect from @aerie/hardware) is a
 * dock, never a vehicle (its HEARTBEAT says MAV_AUTOPILOT_INVALID). The bridge keeps a `Dock`
 * per system id with its commands, follows its cycle with the dock state machine
 * (`dock/machine.ts`), marks it lost and found like a vehicle, and emits its status
 * (coalesced) and its cycle changes and faults as events.
 *
 * Cameras: a component of a vehicle's system whose HEARTBEAT says MAV_TYPE_CAMERA or comes
 * from a camera component id (100-105) is a camera. The bridge runs camera discovery
 * (`protocols/camera.ts`) once per camera, again when a camera comes back after being silent,
 * and after `cameraRetryMs` when a camera did not answer; it emits the camera's streams
 * ('camera.streams') and every CAMERA_IMAGE_CAPTURED it reports ('camera.image').
 */
import { EventEmitter } from 'node:events';
import type * as aerieDock from '@aerie/hardware/dialect';
import { type common, type MavLinkData, minimal } from 'node-mavlink';
import type {
  CameraImagePayload,
  CameraStreamsPayload,
  DockCommand,
  DockEventPayload,
  DockStatusPayload,
} from './channel/events.ts';
import type { Inbound, MessagePort } from './codec/types.ts';
import { AERIE_DOCK_STATUS_ID, Dock, statusFromMessage } from './dock/dock.ts';
import { type DockEffect, type DockMachineState, dockStep, initialDockState } from './dock/machine.ts';
import {
  type CameraDiscoveryConfig,
  discoverCamera,
  imageFromMessage,
  isCameraHeartbeat,
} from './protocols/camera.ts';
import {
  applyMessage,
  createVehicleState,
  flushStatusTextChunks,
  type VehicleEvent,
  type VehicleState,
} from './vehicle/state.ts';
import { Vehicle } from './vehicle/vehicle.ts';

/** What the bridge needs from one MAVLink connection (a link plus its codec). */
export interface BridgeConnection {
  readonly id: string;
  open(): Promise<void>;
  close(): Promise<void>;
  send(message: MavLinkData): void;
  onMessage(handler: (inbound: Inbound) => void): () => void;
  /** Share of packets lost on this link, 0..100, from sequence gaps. */
  lossPct(): number;
}

export interface BridgeOptions {
  /** Connections to own; opened by start(), closed by stop(). */
  connections: BridgeConnection[];
  /** How often the ground-station HEARTBEAT goes out on every link. */
  heartbeatIntervalMs?: number;
  /** A vehicle is marked lost after this long without a heartbeat (3 s: QGroundControl's figure). */
  lostAfterMs?: number;
  /** State snapshots are coalesced to at most one per vehicle per this interval. */
  stateIntervalMs?: number;
  /**
   * A dock's status goes out at most this often when only its readings (weather, battery)
   * change (default 1 s); a change of its state, lid, charger, parked aircraft or faults goes
   * out at the next state flush.
   */
  dockStateIntervalMs?: number;
  /** Camera discovery's timeouts and retries (defaults: `protocols/camera.ts`). */
  cameraDiscovery?: Omit<CameraDiscoveryConfig, 'target'>;
  /** A camera that did not answer discovery is asked again after this long (default 30 s). */
  cameraRetryMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface VehicleSnapshot extends Omit<VehicleState, 'statusTexts'> {
  statusTexts: VehicleState['statusTexts'];
  link: { id: string; lossPct: number };
}

export interface BridgeEvents {
  'vehicle.discovered': [VehicleSnapshot];
  'vehicle.lost': [VehicleSnapshot];
  'vehicle.found': [VehicleSnapshot];
  'vehicle.event': [number, VehicleEvent];
  'vehicle.state': [VehicleSnapshot];
  /** A dock heard for the first time (from its AERIE_DOCK_STATUS; docks never count as vehicles). */
  'dock.discovered': [DockStatusPayload];
  'dock.lost': [DockStatusPayload];
  'dock.found': [DockStatusPayload];
  /** A dock's cycle changed or a fault appeared or cleared (the dock state machine's effects). */
  'dock.event': [number, DockEventPayload];
  /** A dock's status, coalesced (see `dockStateIntervalMs`). */
  'dock.state': [DockStatusPayload];
  /** A camera of vehicle `sysid` finished discovery: its streams (none for a photo-only camera). */
  'camera.streams': [number, CameraStreamsPayload];
  /** A camera of vehicle `sysid` reported a still (CAMERA_IMAGE_CAPTURED). */
  'camera.image': [number, CameraImagePayload];
}

const CAMERA_IMAGE_CAPTURED_ID = 263;

/** One camera component as the bridge follows it. */
interface CameraEntry {
  lastHeardMs: number;
  phase: 'discovering' | 'known' | 'failed';
  /** When a failed discovery may run again. */
  retryAtMs: number;
  streams: CameraStreamsPayload | null;
  abort: AbortController | null;
}

// HEARTBEAT of a ground station: MAV_TYPE_GCS (6), MAV_AUTOPILOT_INVALID (8), MAV_STATE_ACTIVE (4).
const MAV_TYPE_GCS = 6;
const MAV_AUTOPILOT_INVALID = 8;

interface VehicleEntry {
  state: VehicleState;
  connection: BridgeConnection;
  subscribers: Set<(inbound: Inbound) => void>;
  vehicle: Vehicle;
  port: MessagePort;
  cameras: Map<number, CameraEntry>;
}

interface DockEntry {
  status: DockStatusPayload;
  machine: DockMachineState;
  connection: BridgeConnection;
  subscribers: Set<(inbound: Inbound) => void>;
  dock: Dock;
  online: boolean;
  dirty: boolean;
  lastEmittedMs: number;
  lastEmittedKey: string;
}

export class Bridge extends EventEmitter<BridgeEvents> {
  readonly connections: readonly BridgeConnection[];
  private readonly vehiclesBySysid = new Map<number, VehicleEntry>();
  private readonly docksBySysid = new Map<number, DockEntry>();
  private readonly dockStateIntervalMs: number;
  private readonly dirty = new Set<number>();
  private readonly unsubscribers: Array<() => void> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private readonly heartbeatIntervalMs: number;
  private readonly lostAfterMs: number;
  private readonly stateIntervalMs: number;
  private readonly cameraDiscovery: Omit<CameraDiscoveryConfig, 'target'>;
  private readonly cameraRetryMs: number;
  private started = false;

  constructor(opts: BridgeOptions) {
    super();
    this.connections = opts.connections;
    this.now = opts.now ?? Date.now;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1000;
    this.lostAfterMs = opts.lostAfterMs ?? 3000;
    this.stateIntervalMs = opts.stateIntervalMs ?? 100;
    this.dockStateIntervalMs = opts.dockStateIntervalMs ?? 1000;
    this.cameraDiscovery = opts.cameraDiscovery ?? {};
    this.cameraRetryMs = opts.cameraRetryMs ?? 30_000;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const c of this.connections) {
      this.unsubscribers.push(c.onMessage((m) => this.ingest(c, m)));
    }
    await Promise.all(this.connections.map((c) => c.open()));
    this.sendHeartbeats();
    this.timers.push(setInterval(() => this.sendHeartbeats(), this.heartbeatIntervalMs));
    this.timers.push(setInterval(() => this.checkLost(), Math.min(500, this.lostAfterMs / 2)));
    this.timers.push(setInterval(() => this.flushState(), this.stateIntervalMs));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const u of this.unsubscribers.splice(0)) u();
    for (const entry of this.vehiclesBySysid.values()) {
      entry.vehicle.dispose();
      for (const cam of entry.cameras.values()) cam.abort?.abort();
    }
    for (const entry of this.docksBySysid.values()) entry.dock.dispose();
    await Promise.all(this.connections.map((c) => c.close()));
  }

  /** Every vehicle ever heard, online or not, ordered by system id. */
  vehicles(): VehicleSnapshot[] {
    return [...this.vehiclesBySysid.values()]
      .sort((a, b) => a.state.sysid - b.state.sysid)
      .map((e) => this.snapshot(e));
  }

  /** The vehicle with this system id, for commands and mission transfers. */
  vehicle(sysid: number): Vehicle | undefined {
    return this.vehiclesBySysid.get(sysid)?.vehicle;
  }

  /**
   * Resolves with the vehicle once its heartbeat has been heard (any vehicle when sysid is
   * omitted), or with null after timeoutMs.
   */
  waitForVehicle(sysid: number | undefined, timeoutMs: number): Promise<Vehicle | null> {
    const existing =
      sysid === undefined ? this.vehiclesBySysid.values().next().value : this.vehiclesBySysid.get(sysid);
    if (existing) return Promise.resolve(existing.vehicle);
    return new Promise((resolve) => {
      const onDiscovered = (s: VehicleSnapshot) => {
        if (sysid !== undefined && s.sysid !== sysid) return;
        clearTimeout(timer);
        this.off('vehicle.discovered', onDiscovered);
        resolve(this.vehicle(s.sysid) ?? null);
      };
      const timer = setTimeout(() => {
        this.off('vehicle.discovered', onDiscovered);
        resolve(null);
      }, timeoutMs);
      this.on('vehicle.discovered', onDiscovered);
    });
  }

  /** Cameras whose discovery finished, with the vehicle they belong to. */
  cameras(): Array<{ sysid: number; camera: CameraStreamsPayload }> {
    const out: Array<{ sysid: number; camera: CameraStreamsPayload }> = [];
    for (const [sysid, e] of this.vehiclesBySysid)
      for (const c of e.cameras.values()) if (c.streams) out.push({ sysid, camera: c.streams });
    return out;
  }

  /**
   * A camera heartbeat: discovery on first sight, after the camera was silent for longer than
   * `lostAfterMs` (it may have rebooted with other streams), or when a failed discovery may run again.
   */
  private cameraHeard(entry: VehicleEntry, compid: number, atMs: number): void {
    let cam = entry.cameras.get(compid);
    const silent = cam !== undefined && atMs - cam.lastHeardMs > this.lostAfterMs;
    if (!cam) {
      cam = { lastHeardMs: atMs, phase: 'failed', retryAtMs: 0, streams: null, abort: null };
      entry.cameras.set(compid, cam);
    }
    cam.lastHeardMs = atMs;
    if (cam.phase === 'discovering') return;
    if (cam.phase === 'known' && !silent) return;
    if (cam.phase === 'failed' && atMs < cam.retryAtMs && !silent) return;
    const camera = cam;
    const abort = new AbortController();
    camera.phase = 'discovering';
    camera.abort = abort;
    const sysid = entry.state.sysid;
    void discoverCamera(entry.port, {
      ...this.cameraDiscovery,
      target: { sysid, compid },
      signal: abort.signal,
    }).then((r) => {
      camera.abort = null;
      if (!this.started) return;
      if (!r.ok) {
        camera.phase = 'failed';
        camera.retryAtMs = this.now() + this.cameraRetryMs;
        return;
      }
      camera.phase = 'known';
      camera.streams = r.value;
      this.emit('camera.streams', sysid, r.value);
    });
  }

  /** Every dock ever heard, online or not, ordered by system id. */
  docks(): DockStatusPayload[] {
    return [...this.docksBySysid.values()]
      .sort((a, b) => a.status.sysid - b.status.sysid)
      .map((e) => ({ ...e.status, faults: [...e.status.faults] }));
  }

  /** The dock controller with this system id, for its commands. */
  dock(sysid: number): Dock | undefined {
    return this.docksBySysid.get(sysid)?.dock;
  }

  /** Resolves with the dock once its status has been heard, or with null after timeoutMs. */
  waitForDock(sysid: number, timeoutMs: number): Promise<Dock | null> {
    const existing = this.docksBySysid.get(sysid);
    if (existing) return Promise.resolve(existing.dock);
    return new Promise((resolve) => {
      const onDiscovered = (s: DockStatusPayload) => {
        if (s.sysid !== sysid) return;
        clearTimeout(timer);
        this.off('dock.discovered', onDiscovered);
        resolve(this.dock(sysid) ?? null);
      };
      const timer = setTimeout(() => {
        this.off('dock.discovered', onDiscovered);
        resolve(null);
      }, timeoutMs);
      this.on('dock.discovered', onDiscovered);
    });
  }

  /** Hot path: one decoded message from a link. */
  private ingest(connection: BridgeConnection, inbound: Inbound): void {
    if (this.fromDock(inbound)) {
      this.ingestDock(connection, inbound);
      return;
    }
    let entry = this.vehiclesBySysid.get(inbound.sysid);
    if (!entry) {
      if (inbound.msgid !== 0 || !isVehicleHeartbeat(inbound.message)) return;
      entry = this.addVehicle(connection, inbound);
    } else if (inbound.msgid === 0 && !isVehicleHeartbeat(inbound.message)) {
      // Another component of the same system (camera, gimbal) or a ground station sharing the
      // system id: its heartbeat says nothing about the vehicle's mode or arming.
      this.deliver(entry, inbound);
      if (isCameraHeartbeat(inbound.compid, (inbound.message as minimal.Heartbeat).type))
        this.cameraHeard(entry, inbound.compid, inbound.receivedAt);
      return;
    } else if (inbound.msgid === CAMERA_IMAGE_CAPTURED_ID && inbound.compid !== entry.state.compid) {
      this.emit(
        'camera.image',
        inbound.sysid,
        imageFromMessage(inbound.compid, inbound.message as common.CameraImageCaptured, inbound.receivedAt),
      );
      this.deliver(entry, inbound);
      return;
    }
    const state = entry.state;
    if (inbound.msgid === 0) {
      entry.connection = connection;
      if (!state.online) {
        state.online = true;
        applyMessage(state, inbound.msgid, inbound.message, inbound.receivedAt);
        this.emit('vehicle.found', this.snapshot(entry));
        this.dirty.add(state.sysid);
        this.deliver(entry, inbound);
        return;
      }
    }
    const events = applyMessage(state, inbound.msgid, inbound.message, inbound.receivedAt);
    this.dirty.add(state.sysid);
    for (const e of events) this.emit('vehicle.event', state.sysid, e);
    this.deliver(entry, inbound);
  }

  private deliver(entry: VehicleEntry, inbound: Inbound): void {
    if (entry.subscribers.size === 0) return;
    for (const s of entry.subscribers) s(inbound);
  }

  private addVehicle(connection: BridgeConnection, inbound: Inbound): VehicleEntry {
    const state = createVehicleState(inbound.sysid, inbound.compid);
    const subscribers = new Set<(inbound: Inbound) => void>();
    const port: MessagePort = {
      send: (message) => {
        const current = this.vehiclesBySysid.get(state.sysid);
        (current?.connection ?? connection).send(message);
      },
      subscribe: (handler) => {
        subscribers.add(handler);
        return () => subscribers.delete(handler);
      },
    };
    const entry: VehicleEntry = {
      state,
      connection,
      subscribers,
      vehicle: new Vehicle(state, port),
      port,
      cameras: new Map(),
    };
    this.vehiclesBySysid.set(inbound.sysid, entry);
    applyMessage(state, inbound.msgid, inbound.message, inbound.receivedAt);
    this.emit('vehicle.discovered', this.snapshot(entry));
    return entry;
  }

  /**
   * Whether a message comes from a dock controller: its status, or anything from the component
   * that sent one. A dock is a system of its own or a component of its aircraft's system (one
   * bridge has too few system ids for a dock and an aircraft each above ~127 aircraft), so the
   * component id tells it from the autopilot sharing its system id.
   */
  private fromDock(inbound: Inbound): boolean {
    if (inbound.msgid === AERIE_DOCK_STATUS_ID) return true;
    const dock = this.docksBySysid.get(inbound.sysid);
    if (!dock) return false;
    if (dock.status.compid === inbound.compid) return true;
    // Another component of a dock's own system, unless an aircraft shows up sharing the id.
    return (
      !this.vehiclesBySysid.has(inbound.sysid) &&
      !(inbound.msgid === 0 && isVehicleHeartbeat(inbound.message))
    );
  }

  /** A message from a dock controller (a system or component that sends AERIE_DOCK_STATUS). */
  private ingestDock(connection: BridgeConnection, inbound: Inbound): void {
    let entry = this.docksBySysid.get(inbound.sysid);
    const isStatus = inbound.msgid === AERIE_DOCK_STATUS_ID;
    if (!entry) {
      if (!isStatus) return;
      entry = this.addDock(connection, inbound);
    } else {
      entry.connection = connection;
      entry.status.lastHeardMs = inbound.receivedAt;
      if (!entry.online) {
        entry.online = true;
        entry.dirty = true;
        this.emit('dock.found', { ...entry.status });
      }
      if (isStatus) this.announce(entry, this.applyDockStatus(entry, inbound), inbound.receivedAt);
    }
    for (const s of entry.subscribers) s(inbound);
  }

  private addDock(connection: BridgeConnection, inbound: Inbound): DockEntry {
    const sysid = inbound.sysid;
    const subscribers = new Set<(inbound: Inbound) => void>();
    const port: MessagePort = {
      send: (message) => {
        const current = this.docksBySysid.get(sysid);
        (current?.connection ?? connection).send(message);
      },
      subscribe: (handler) => {
        subscribers.add(handler);
        return () => subscribers.delete(handler);
      },
    };
    const { report: _r, ...fields } = statusFromMessage(inbound.message as aerieDock.AerieDockStatus);
    const entry: DockEntry = {
      status: { sysid, compid: inbound.compid, state: 'unknown', ...fields, lastHeardMs: inbound.receivedAt },
      machine: initialDockState(),
      connection,
      subscribers,
      dock: new Dock(sysid, inbound.compid, port, (command) => this.onDockAccepted(sysid, command)),
      online: true,
      dirty: true,
      lastEmittedMs: 0,
      lastEmittedKey: '',
    };
    this.docksBySysid.set(sysid, entry);
    const effects = this.applyDockStatus(entry, inbound);
    this.emit('dock.discovered', { ...entry.status });
    // The first report places the dock (its discovery, not a change of state); faults it
    // already has are surfaced all the same.
    this.announce(
      entry,
      effects.filter((e) => e.kind !== 'state_changed'),
      inbound.receivedAt,
    );
    return entry;
  }

  private applyDockStatus(entry: DockEntry, inbound: Inbound): DockEffect[] {
    const { report, ...fields } = statusFromMessage(inbound.message as aerieDock.AerieDockStatus);
    Object.assign(entry.status, fields, { compid: inbound.compid, lastHeardMs: inbound.receivedAt });
    return this.stepDock(entry, { kind: 'report', report });
  }

  private onDockAccepted(sysid: number, command: DockCommand): void {
    const entry = this.docksBySysid.get(sysid);
    if (entry)
      this.announce(entry, this.stepDock(entry, { kind: 'accepted', action: command.action }), this.now());
  }

  private stepDock(entry: DockEntry, event: Parameters<typeof dockStep>[1]): DockEffect[] {
    const [machine, effects] = dockStep(entry.machine, event);
    entry.machine = machine;
    entry.status.state = machine.state;
    entry.dirty = true;
    return effects;
  }

  private announce(entry: DockEntry, effects: DockEffect[], atMs: number): void {
    for (const e of effects) this.emit('dock.event', entry.status.sysid, dockEvent(e, atMs));
  }

  private sendHeartbeats(): void {
    const hb = new minimal.Heartbeat();
    hb.type = MAV_TYPE_GCS;
    hb.autopilot = MAV_AUTOPILOT_INVALID;
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = 4;
    hb.mavlinkVersion = 3;
    for (const c of this.connections) c.send(hb);
  }

  private checkLost(): void {
    const now = this.now();
    for (const entry of this.vehiclesBySysid.values()) {
      const s = entry.state;
      // A chunked status text whose last chunk never came is shown as it is after a timeout.
      const texts = flushStatusTextChunks(s, now);
      if (texts.length > 0) this.dirty.add(s.sysid);
      for (const e of texts) this.emit('vehicle.event', s.sysid, e);
      if (s.online && now - s.lastHeartbeatAtMs > this.lostAfterMs) {
        s.online = false;
        this.emit('vehicle.lost', this.snapshot(entry));
        this.dirty.add(s.sysid);
      }
    }
    for (const entry of this.docksBySysid.values()) {
      if (entry.online && now - entry.status.lastHeardMs > this.lostAfterMs) {
        entry.online = false;
        this.emit('dock.lost', { ...entry.status });
      }
    }
  }

  private flushState(): void {
    this.flushDocks();
    if (this.dirty.size === 0 || this.listenerCount('vehicle.state') === 0) {
      this.dirty.clear();
      return;
    }
    for (const sysid of this.dirty) {
      const entry = this.vehiclesBySysid.get(sysid);
      if (entry) this.emit('vehicle.state', this.snapshot(entry));
    }
    this.dirty.clear();
  }

  private flushDocks(): void {
    if (this.docksBySysid.size === 0) return;
    const now = this.now();
    for (const e of this.docksBySysid.values()) {
      if (!e.dirty) continue;
      const s = e.status;
      const key = `${s.state}|${s.lid}|${s.charger}|${s.aircraftParked}|${s.mainsPower}|${s.faults.join(',')}`;
      if (key === e.lastEmittedKey && now - e.lastEmittedMs < this.dockStateIntervalMs) continue;
      e.dirty = false;
      e.lastEmittedKey = key;
      e.lastEmittedMs = now;
      this.emit('dock.state', { ...s, faults: [...s.faults] });
    }
  }

  private snapshot(entry: VehicleEntry): VehicleSnapshot {
    const s = entry.state;
    return {
      ...s,
      home: s.home ? { ...s.home } : null,
      mission: { ...s.mission },
      statusTexts: s.statusTexts.slice(-10),
      link: { id: entry.connection.id, lossPct: entry.connection.lossPct() },
    };
  }
}

function dockEvent(e: DockEffect, atMs: number): DockEventPayload {
  switch (e.kind) {
    case 'state_changed':
      return { type: 'state_changed', atMs, from: e.from, to: e.to };
    case 'fault':
      return { type: 'fault', atMs, code: e.code, message: e.message };
    case 'fault_cleared':
      return { type: 'fault_cleared', atMs, code: e.code };
  }
}

function isVehicleHeartbeat(message: MavLinkData): boolean {
  const hb = message as minimal.Heartbeat;
  return hb.autopilot !== MAV_AUTOPILOT_INVALID && hb.type !== MAV_TYPE_GCS;
}
