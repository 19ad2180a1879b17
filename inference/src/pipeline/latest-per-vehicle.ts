/**
 * The pipeline's admission rule, pure: at most one frame waits per vehicle, and it is the
 * newest. A frame arriving while an older one of the same vehicle still waits replaces it
 * (the older one is "skipped"). A vehicle with a frame in flight gets no second one in flight,
 * so a vehicle's frames are processed in capture order and the waiting set never holds more
 * than one frame per vehicle: memory is bounded by the fleet size, not by the frame rate.
 *
 * Vehicles are pinned to a worker on first sight (the least-loaded one), so stateful
 * detectors (persistence over consecutive frames of one place) see a vehicle's whole sequence.
 */

export interface VehicleStats {
  submitted: number;
  processed: number;
  skipped: number;
  failed: number;
}

/** The vehicle's counters in `counts`, created at zero on first use. */
export function vehicleStatsOf(counts: Map<string, VehicleStats>, vehicleId: string): VehicleStats {
  let s = counts.get(vehicleId);
  if (!s) {
    s = { submitted: 0, processed: 0, skipped: 0, failed: 0 };
    counts.set(vehicleId, s);
  }
  return s;
}

/** A copy of every vehicle's counters, keyed by vehicle id. */
export function copyVehicleStats(counts: Map<string, VehicleStats>): Record<string, VehicleStats> {
  return Object.fromEntries([...counts].map(([v, s]) => [v, { ...s }]));
}

export class LatestPerVehicle<T> {
  private readonly waiting = new Map<string, T>();
  private readonly inFlight = new Set<string>();
  private readonly workerOf = new Map<string, number>();
  private readonly vehiclesPerWorker: number[];
  private readonly counts = new Map<string, VehicleStats>();
  /** Vehicles in the order their current waiting frame arrived (fair service). */
  private order: string[] = [];

  constructor(readonly workers: number) {
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`workers must be a positive integer, got ${workers}`);
    this.vehiclesPerWorker = new Array(workers).fill(0);
  }

  private statsOf(vehicleId: string): VehicleStats {
    return vehicleStatsOf(this.counts, vehicleId);
  }

  /** The worker a vehicle's frames go to (assigned on first sight). */
  workerFor(vehicleId: string): number {
    let w = this.workerOf.get(vehicleId);
    if (w === undefined) {
      w = this.vehiclesPerWorker.indexOf(Math.min(...this.vehiclesPerWorker));
      this.vehiclesPerWorker[w]!++;
      this.workerOf.set(vehicleId, w);
    }
    return w;
  }

  /** Admits a frame; returns the older waiting frame it replaced, if any (now skipped). */
  offer(vehicleId: string, item: T): T | undefined {
    this.statsOf(vehicleId).submitted++;
    this.workerFor(vehicleId);
    const older = this.waiting.get(vehicleId);
    this.waiting.set(vehicleId, item);
    if (older !== undefined) {
      this.statsOf(vehicleId).skipped++;
    } else {
      this.order.push(vehicleId);
    }
    return older;
  }

  /** The next waiting frame for an idle worker, marked in flight; undefined when none. */
  take(worker: number): { vehicleId: string; item: T } | undefined {
    const i = this.order.findIndex((v) => this.workerOf.get(v) === worker && !this.inFlight.has(v));
    if (i < 0) return undefined;
    const vehicleId = this.order[i]!;
    this.order.splice(i, 1);
    const item = this.waiting.get(vehicleId)!;
    this.waiting.delete(vehicleId);
    this.inFlight.add(vehicleId);
    return { vehicleId, item };
  }

  /** A frame in flight finished. */
  done(vehicleId: string, outcome: 'processed' | 'failed'): void {
    this.inFlight.delete(vehicleId);
    this.statsOf(vehicleId)[outcome]++;
  }

  /** Counts a frame refused before admission (bad frame). */
  refuse(vehicleId: string): void {
    const s = this.statsOf(vehicleId);
    s.submitted++;
    s.failed++;
  }

  /** Removes every waiting frame (on close); returns them. */
  drain(): T[] {
    const items = [...this.waiting.values()];
    this.waiting.clear();
    this.order = [];
    return items;
  }

  waitingCount(): number {
    return this.waiting.size;
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  stats(): Record<string, VehicleStats> {
    return copyVehicleStats(this.counts);
  }
}
