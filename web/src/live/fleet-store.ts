/**
 * The live fleet, outside React: each vehicle's newest state, a short trail, its link, the
 * alerts feed. Pure (no socket, no timers): `fleet-model.ts` feeds it from the `/console`
 * socket, the globe layer listens for changed vehicles at once, and React reads throttled
 * snapshots. Kept small and allocation-light: telemetry for hundreds of vehicles passes here
 * several times a second.
 */
import type {
  VehicleRecord as ApiVehicleRecord,
  ConsoleFleetItem,
  ConsoleVehicleAlert,
  ConsoleVehicleState,
  VehicleStatePayload,
} from '@aerie/contracts';

/** What the console knows of a vehicle's state: the fleet fields, or all of it when focused. */
export type VehicleStateView = Partial<VehicleStatePayload>;

/** What the store reads of a vehicle of the register (`GET /api/vehicles`, the contract's `VehicleRecord`). */
export type VehicleRecord = Pick<ApiVehicleRecord, 'id' | 'name' | 'online' | 'state'> &
  Partial<Pick<ApiVehicleRecord, 'dockId' | 'departmentId'>>;

/**
 * Recent positions, oldest first, in a fixed ring (no allocation per point): `count` points of
 * `[lon, lat, heightM]` in `coords`, starting at `start`.
 */
export class Trail {
  readonly capacity: number;
  readonly coords: Float64Array;
  start = 0;
  count = 0;
  /** Bumped on every change, so a drawer can skip an unchanged trail. */
  rev = 0;

  constructor(capacity = 200) {
    this.capacity = capacity;
    this.coords = new Float64Array(capacity * 3);
  }

  /** Appends a point unless it is within `minStepM` of the last one (hovering adds nothing). */
  push(lon: number, lat: number, heightM: number, minStepM = 2): boolean {
    if (this.count > 0) {
      const i = ((this.start + this.count - 1) % this.capacity) * 3;
      const c = this.coords;
      const dx = (lon - c[i]!) * 111_320 * Math.cos((lat * Math.PI) / 180);
      const dy = (lat - c[i + 1]!) * 110_574;
      const dz = heightM - c[i + 2]!;
      if (dx * dx + dy * dy + dz * dz < minStepM * minStepM) return false;
    }
    const slot = this.count < this.capacity ? (this.start + this.count) % this.capacity : this.start;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    this.coords[slot * 3] = lon;
    this.coords[slot * 3 + 1] = lat;
    this.coords[slot * 3 + 2] = heightM;
    this.rev++;
    return true;
  }

  /** The i-th point from the oldest (0 <= i < count), written into `out`. */
  at(i: number, out: { lon: number; lat: number; heightM: number }): void {
    const k = ((this.start + i) % this.capacity) * 3;
    out.lon = this.coords[k]!;
    out.lat = this.coords[k + 1]!;
    out.heightM = this.coords[k + 2]!;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
    this.rev++;
  }
}

/** One vehicle as the console holds it. */
export interface FleetVehicle {
  readonly vehicleId: string;
  name: string;
  online: boolean;
  /** Newest state (replaced, never mutated, so React may compare references). */
  state: VehicleStateView | null;
  /** When the server received that state from the bridge (epoch ms): "last heard". */
  updatedAtMs: number | null;
  /** When the link was lost (epoch ms), null while online. */
  offlineSinceMs: number | null;
  /** Whether `state` holds the full snapshot (the vehicle is focused), not just fleet fields. */
  full: boolean;
  trail: Trail;
  /** Bumped on every change. */
  rev: number;
  departmentId: string | null;
  dockId: string | null;
}

/** Called with the ids of vehicles that changed (possibly empty when only alerts changed). */
export type FleetListener = (changed: readonly string[]) => void;

/** How many alerts the feed keeps. */
export const MAX_ALERTS = 200;

/** The relative altitude the globe draws a vehicle at: never below the ground. */
export function drawHeightM(state: VehicleStateView | null): number {
  const h = state?.altRelM;
  return h == null ? 0 : Math.max(0, h);
}

export class FleetStore {
  readonly vehicles = new Map<string, FleetVehicle>();
  /** Newest first. */
  alerts: ConsoleVehicleAlert[] = [];
  /** Bumped on every change of anything. */
  version = 0;
  private readonly listeners = new Set<FleetListener>();
  private readonly alertIds = new Set<string>();
  private readonly unknown = new Set<string>();

  subscribe(fn: FleetListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Vehicles heard on the socket that the register did not list (their names are unknown). */
  takeUnknown(): string[] {
    const out = [...this.unknown];
    this.unknown.clear();
    return out;
  }

  private entry(vehicleId: string): FleetVehicle {
    let v = this.vehicles.get(vehicleId);
    if (!v) {
      v = {
        vehicleId,
        name: vehicleId.slice(0, 8),
        online: false,
        state: null,
        updatedAtMs: null,
        offlineSinceMs: null,
        full: false,
        trail: new Trail(),
        rev: 0,
        departmentId: null,
        dockId: null,
      };
      this.vehicles.set(vehicleId, v);
      this.unknown.add(vehicleId);
    }
    return v;
  }

  private emit(changed: readonly string[]): void {
    this.version++;
    for (const l of this.listeners) l(changed);
  }

  private applyState(
    v: FleetVehicle,
    state: VehicleStateView | null,
    updatedAtMs: number | null,
    full: boolean,
  ): boolean {
    if (!state) return false;
    // Fleet batches and focused states interleave; an older snapshot never overwrites a newer one.
    if (updatedAtMs !== null && v.updatedAtMs !== null && updatedAtMs < v.updatedAtMs) return false;
    v.state = full || !v.full ? state : { ...v.state, ...state };
    if (full) v.full = true;
    v.updatedAtMs = updatedAtMs;
    const s = v.state;
    if (s.lat != null && s.lon != null) v.trail.push(s.lon, s.lat, drawHeightM(s));
    return true;
  }

  private applyOnline(v: FleetVehicle, online: boolean, atMs: number): void {
    if (v.online === online) return;
    v.online = online;
    v.offlineSinceMs = online ? null : atMs;
  }

  /** The register: names, departments, docks, and the live state the server had then. */
  setDirectory(records: readonly VehicleRecord[], nowMs: number): void {
    const changed: string[] = [];
    for (const r of records) {
      const v = this.entry(r.id);
      this.unknown.delete(r.id);
      v.name = r.name;
      v.departmentId = r.departmentId ?? null;
      v.dockId = r.dockId ?? null;
      if (v.updatedAtMs === null && r.state) this.applyState(v, r.state, null, false);
      const heard = r.state?.lastHeardAtMs;
      this.applyOnline(v, r.online, nowMs);
      // Offline before this page opened: "offline since" is when it was last heard, if known.
      if (!r.online && v.offlineSinceMs === null && heard !== undefined && heard > 0)
        v.offlineSinceMs = heard;
      v.rev++;
      changed.push(r.id);
    }
    this.emit(changed);
  }

  /** A `fleet.state` batch. */
  applyFleet(items: readonly ConsoleFleetItem[], nowMs: number): void {
    const changed: string[] = [];
    for (const it of items) {
      const v = this.entry(it.vehicleId);
      const wasOnline = v.online;
      const moved = this.applyState(v, it.state, it.updatedAtMs, false);
      this.applyOnline(v, it.online, nowMs);
      if (moved || wasOnline !== v.online) {
        v.rev++;
        changed.push(it.vehicleId);
      }
    }
    if (changed.length) this.emit(changed);
  }

  /** A focused vehicle's full-rate `vehicle.state`. */
  applyVehicle(item: ConsoleVehicleState, nowMs: number): void {
    const v = this.entry(item.vehicleId);
    this.applyState(v, item.state, item.updatedAtMs, true);
    this.applyOnline(v, item.online, nowMs);
    v.rev++;
    this.emit([item.vehicleId]);
  }

  /** `vehicle.online` / `vehicle.offline`. */
  setOnline(vehicleId: string, online: boolean, atMs: number): void {
    const v = this.entry(vehicleId);
    if (v.online === online) return;
    this.applyOnline(v, online, atMs);
    v.rev++;
    this.emit([vehicleId]);
  }

  /** The focused vehicle went back to fleet fields only (its extra fields would go stale). */
  dropFull(vehicleId: string): void {
    const v = this.vehicles.get(vehicleId);
    if (v) v.full = false;
  }

  /** `vehicle.alert`: de-duplicated by id (a reconnect resends the recent ones), newest first. */
  addAlerts(alerts: readonly ConsoleVehicleAlert[]): void {
    let added = false;
    for (const a of alerts) {
      if (this.alertIds.has(a.id)) continue;
      this.alertIds.add(a.id);
      this.alerts.push(a);
      added = true;
    }
    if (!added) return;
    this.alerts.sort((a, b) => b.atMs - a.atMs);
    if (this.alerts.length > MAX_ALERTS) {
      for (const a of this.alerts.splice(MAX_ALERTS)) this.alertIds.delete(a.id);
    }
    this.alerts = [...this.alerts];
    this.emit([]);
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.vehicles.clear();
    this.alerts = [];
    this.alertIds.clear();
    this.unknown.clear();
    this.emit([]);
  }
}
