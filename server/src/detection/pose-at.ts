/**
 * The pose of a vehicle at a frame's capture time, interpolated from its telemetry.
 *
 * The frame contract wants the pose at `capturedAtMs`, never "the latest": a camera frame is
 * taken between two telemetry samples, and at 10 m/s a 200 ms difference is 2 m on the ground.
 * Each vehicle keeps a short ring of samples; `poseAt` interpolates linearly between the two
 * samples around the time (angles along the shorter arc, so 359 -> 1 passes through 0). A time
 * before the oldest or after the newest sample has no pose (null): the caller waits for the
 * next sample or drops the frame. Pure: no clock, no I/O.
 */
import type { FramePose } from '@aerie/contracts';

/** One telemetry sample: where the vehicle was and how it was oriented at `atMs`. */
export interface PoseSample extends FramePose {
  atMs: number;
}

/** Wraps an angle to (-180, 180]. */
export function wrap180(deg: number): number {
  const r = ((((deg + 180) % 360) + 360) % 360) - 180;
  return r === -180 ? 180 : r;
}

/** Interpolates between two angles along the shorter arc; `f` in [0, 1]. */
export function lerpAngle(a: number, b: number, f: number): number {
  return wrap180(a + wrap180(b - a) * f);
}

const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

/** Interpolates a pose between two samples at time `t` (a.atMs <= t <= b.atMs). */
export function interpolatePose(a: PoseSample, b: PoseSample, t: number): FramePose {
  const span = b.atMs - a.atMs;
  const f = span > 0 ? (t - a.atMs) / span : 0;
  return {
    lat: lerp(a.lat, b.lat, f),
    lon: lerp(a.lon, b.lon, f),
    altMslM: lerp(a.altMslM, b.altMslM, f),
    altRelM: lerp(a.altRelM, b.altRelM, f),
    rollDeg: lerpAngle(a.rollDeg, b.rollDeg, f),
    pitchDeg: lerpAngle(a.pitchDeg, b.pitchDeg, f),
    yawDeg: lerpAngle(a.yawDeg, b.yawDeg, f),
  };
}

export interface PoseBufferOptions {
  /** Samples kept per vehicle (default 100: 10 s at 10 Hz). */
  capacity?: number;
}

/** Per-vehicle rings of pose samples, in time order. */
export class PoseBuffer {
  private readonly rings = new Map<string, PoseSample[]>();
  private readonly capacity: number;

  constructor(opts: PoseBufferOptions = {}) {
    this.capacity = opts.capacity ?? 100;
    if (!(Number.isInteger(this.capacity) && this.capacity >= 2))
      throw new Error(`pose buffer capacity must be an integer of at least 2, got ${opts.capacity}`);
  }

  /**
   * Adds a sample. A sample not newer than the newest kept is ignored (telemetry repeats a
   * snapshot when nothing changed; an out-of-order one would break the ring's order).
   */
  push(vehicleId: string, s: PoseSample): void {
    let ring = this.rings.get(vehicleId);
    if (!ring) {
      ring = [];
      this.rings.set(vehicleId, ring);
    }
    const last = ring[ring.length - 1];
    if (last && s.atMs <= last.atMs) return;
    ring.push(s);
    if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
  }

  /** The newest sample's time, or null when there is none. */
  newestAtMs(vehicleId: string): number | null {
    const ring = this.rings.get(vehicleId);
    return ring?.length ? ring[ring.length - 1]!.atMs : null;
  }

  /** The pose at `t`, or null when `t` lies outside the kept samples. */
  poseAt(vehicleId: string, t: number): FramePose | null {
    const ring = this.rings.get(vehicleId);
    if (!ring || ring.length === 0) return null;
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (t < first.atMs || t > last.atMs) return null;
    // Binary search for the last sample at or before t.
    let lo = 0;
    let hi = ring.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ring[mid]!.atMs <= t) lo = mid;
      else hi = mid - 1;
    }
    const a = ring[lo]!;
    const b = ring[Math.min(lo + 1, ring.length - 1)]!;
    return interpolatePose(a, b, t);
  }

  /** Forgets a vehicle. */
  forget(vehicleId: string): void {
    this.rings.delete(vehicleId);
  }
}
