/**
 * The pose of a vehicle at a frame's capture time, interpolated from its telemetry.
 *
 * The frame contract wants the pose at `capturedAtMs`, never "the latest": a camera frame is
 * taken between two telemetry samples, and at 10 m/s a 200 ms difference is 2 m on the ground.
 * Each vehicle keeps a short ring of samples; `poseAt` interpolates linearly between the two
 * samples around the time (angles along the shorter arc, so 359 -> 1 passes through 0). A time
 * before the oldest or after the newest sample has no pose (null): the caller waits for the
 * next sample or drops the frame. `rateAt` says how fast the pose was changing then (per
 * wall-clock second), for the georeferencing error to cover the pose's timing. Pure: no clock,
 * no I/O.
 */
import type { FramePose, FramePoseRate } from '@aerie/contracts';
import { localPlane } from '@aerie/missions';

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

/**
 * How fast the pose changes from sample `a` to sample `b` (b later), per second: metres north,
 * east and up, degrees of roll, pitch and yaw (along the shorter arc).
 */
export function poseRateBetween(a: PoseSample, b: PoseSample): FramePoseRate {
  const s = (b.atMs - a.atMs) / 1000;
  if (!(s > 0)) throw new Error(`pose rate needs a later second sample, got ${a.atMs} then ${b.atMs} ms`);
  const d = localPlane(a).toXY(b);
  return {
    northMps: d.y / s,
    eastMps: d.x / s,
    upMps: (b.altMslM - a.altMslM) / s,
    rollDps: wrap180(b.rollDeg - a.rollDeg) / s,
    pitchDps: wrap180(b.pitchDeg - a.pitchDeg) / s,
    yawDps: wrap180(b.yawDeg - a.yawDeg) / s,
  };
}

/** Rates over less than this are noise from the ground station's time stamps (ms). */
const MIN_RATE_SPAN_MS = 150;

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

  /** The index of the last sample at or before `t`, or null when `t` lies outside the kept samples. */
  private indexAt(ring: PoseSample[] | undefined, t: number): number | null {
    if (!ring || ring.length === 0) return null;
    if (t < ring[0]!.atMs || t > ring[ring.length - 1]!.atMs) return null;
    let lo = 0;
    let hi = ring.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ring[mid]!.atMs <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The pose at `t`, or null when `t` lies outside the kept samples. */
  poseAt(vehicleId: string, t: number): FramePose | null {
    const ring = this.rings.get(vehicleId);
    const lo = this.indexAt(ring, t);
    if (lo === null) return null;
    return interpolatePose(ring![lo]!, ring![Math.min(lo + 1, ring!.length - 1)]!, t);
  }

  /**
   * How fast the pose was changing at `t`: over the samples around it, widened one sample each
   * way until they span at least 150 ms (or the ring ends). Null outside the kept samples or
   * with a single sample.
   */
  rateAt(vehicleId: string, t: number): FramePoseRate | null {
    const ring = this.rings.get(vehicleId);
    const at = this.indexAt(ring, t);
    if (at === null || ring!.length < 2) return null;
    let lo = at;
    let hi = Math.min(at + 1, ring!.length - 1);
    if (hi === lo) lo--;
    while (ring![hi]!.atMs - ring![lo]!.atMs < MIN_RATE_SPAN_MS && (lo > 0 || hi < ring!.length - 1)) {
      if (lo > 0) lo--;
      if (hi < ring!.length - 1) hi++;
    }
    return poseRateBetween(ring![lo]!, ring![hi]!);
  }

  /** Forgets a vehicle. */
  forget(vehicleId: string): void {
    this.rings.delete(vehicleId);
  }
}
