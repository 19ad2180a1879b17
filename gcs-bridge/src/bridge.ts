/**
 * The bridge: owns the links, speaks as a ground station on each of them (HEARTBEAT at 1 Hz),
 * discovers vehicles from their heartbeats, keeps each vehicle's state, routes packets between
 * links, and hands out one MessagePort per vehicle for the command, mission and parameter
 * protocols. It emits discrete events as they happen and coalesced state snapshots at a bounded
 * rate, which is what the server (and the CLI) consume.
 */
import { EventEmitter } from 'node:events';
import { type MavLinkData, minimal } from 'node-mavlink';
import type { Inbound, MessagePort } from './codec/types.ts';
import { applyMessage, createVehicleState, type VehicleEvent, type VehicleState } from './vehicle/state.ts';
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
}

// HEARTBEAT of a ground station: MAV_TYPE_GCS (6), MAV_AUTOPILOT_INVALID (8), MAV_STATE_ACTIVE (4).
const MAV_TYPE_GCS = 6;
const MAV_AUTOPILOT_INVALID = 8;

interface VehicleEntry {
  state: VehicleState;
  connection: BridgeConnection;
  subscribers: Set<(inbound: Inbound) => void>;
  vehicle: Vehicle;
}

export class Bridge extends EventEmitter<BridgeEvents> {
  readonly connections: readonly BridgeConnection[];
  private readonly vehiclesBySysid = new Map<number, VehicleEntry>();
  private readonly dirty = new Set<number>();
  private readonly unsubscribers: Array<() => void> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private readonly heartbeatIntervalMs: number;
  private readonly lostAfterMs: number;
  private readonly stateIntervalMs: number;
  private started = false;

  constructor(opts: BridgeOptions) {
    super();
    this.connections = opts.connections;
    this.now = opts.now ?? Date.now;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1000;
    this.lostAfterMs = opts.lostAfterMs ?? 3000;
    this.stateIntervalMs = opts.stateIntervalMs ?? 100;
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
    for (const entry of this.vehiclesBySysid.values()) entry.vehicle.dispose();
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

  /** Hot path: one decoded message from a link. */
  private ingest(connection: BridgeConnection, inbound: Inbound): void {
    let entry = this.vehiclesBySysid.get(inbound.sysid);
    if (!entry) {
      if (inbound.msgid !== 0 || !isVehicleHeartbeat(inbound.message)) return;
      entry = this.addVehicle(connection, inbound);
    } else if (inbound.msgid === 0 && !isVehicleHeartbeat(inbound.message)) {
      // Another component of the same system (camera, gimbal) or a ground station sharing the
      // system id: its heartbeat says nothing about the vehicle's mode or arming.
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
    const entry: VehicleEntry = { state, connection, subscribers, vehicle: new Vehicle(state, port) };
    this.vehiclesBySysid.set(inbound.sysid, entry);
    applyMessage(state, inbound.msgid, inbound.message, inbound.receivedAt);
    this.emit('vehicle.discovered', this.snapshot(entry));
    return entry;
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
      if (s.online && now - s.lastHeartbeatAtMs > this.lostAfterMs) {
        s.online = false;
        this.emit('vehicle.lost', this.snapshot(entry));
        this.dirty.add(s.sysid);
      }
    }
  }

  private flushState(): void {
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

function isVehicleHeartbeat(message: MavLinkData): boolean {
  const hb = message as minimal.Heartbeat;
  return hb.autopilot !== MAV_AUTOPILOT_INVALID && hb.type !== MAV_TYPE_GCS;
}
