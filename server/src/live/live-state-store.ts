/**
 * The latest known state of each vehicle, in memory. The bridge channel calls `update` as
 * coalesced snapshots arrive and `setOffline` when a vehicle's link is lost; HTTP reads it for
 * `GET /api/vehicles` and the telemetry fan-out subscribes to it. Nothing here is persisted:
 * after a restart every vehicle is offline until its bridge reports again.
 */

import type { VehicleStatePayload } from '@aerie/contracts';

/** A vehicle's state as the bridge reports it (the channel contract's wire state, checked at ingest). */
export type VehicleLiveState = VehicleStatePayload;

export interface LiveEntry {
  online: boolean;
  state: VehicleLiveState | null;
  /** When the last update arrived (epoch ms), null if never. */
  updatedAtMs: number | null;
}

export type LiveStateListener = (vehicleId: string, entry: LiveEntry) => void;

const UNKNOWN: LiveEntry = Object.freeze({ online: false, state: null, updatedAtMs: null });

export class LiveStateStore {
  private readonly entries = new Map<string, LiveEntry>();
  private readonly listeners = new Set<LiveStateListener>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a fresh state for `vehicleId` and marks it online. */
  update(vehicleId: string, state: VehicleLiveState): void {
    this.set(vehicleId, { online: true, state, updatedAtMs: this.now() });
  }

  /** Marks `vehicleId` offline, keeping its last state for display. */
  setOffline(vehicleId: string): void {
    const prev = this.entries.get(vehicleId);
    if (!prev?.online) return;
    this.set(vehicleId, { ...prev, online: false });
  }

  /**
   * Takes an entry another server node reported (`cluster/live-replica.ts`) unless this store
   * holds a newer one: a node that lost a bridge must not mark offline what the node that now
   * holds it has reported since. Answers whether it was taken.
   */
  apply(vehicleId: string, entry: LiveEntry): boolean {
    const prev = this.entries.get(vehicleId);
    if ((prev?.updatedAtMs ?? Number.NEGATIVE_INFINITY) > (entry.updatedAtMs ?? Number.NEGATIVE_INFINITY))
      return false;
    if (prev && prev.online === entry.online && prev.updatedAtMs === entry.updatedAtMs) return false;
    this.set(vehicleId, entry);
    return true;
  }

  /** Forgets a vehicle (deleted from the fleet). */
  remove(vehicleId: string): void {
    this.entries.delete(vehicleId);
  }

  /** The entry for `vehicleId`; offline with null state when nothing was ever reported. */
  get(vehicleId: string): LiveEntry {
    return this.entries.get(vehicleId) ?? UNKNOWN;
  }

  /** Every vehicle that reported since start, with its entry (for a console's first snapshot). */
  all(): IterableIterator<[string, LiveEntry]> {
    return this.entries.entries();
  }

  /** How many vehicles are online now. */
  onlineCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.online) n++;
    return n;
  }

  /** Calls `listener` on every change; returns the function that unsubscribes. */
  subscribe(listener: LiveStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(vehicleId: string, entry: LiveEntry): void {
    this.entries.set(vehicleId, entry);
    for (const l of this.listeners) l(vehicleId, entry);
  }
}
