/**
 * The pose of a vehicle at a frame's capture time, interpolated from timestamped telemetry
 * (the frame contract asks for the pose *at* capture, never "the latest known"). Pure.
 *
 * Position and altitudes are interpolated linearly; angles along the shorter way round. A time
 * before the first sample or after the last is placed only when it lies within `maxGapMs` of
 * it (held, not extrapolated); two samples further apart than `maxGapMs` do not bracket a
 * frame (a telemetry gap is not flown in a straight line).
 */
import type { FramePose } from '@aerie/contracts';

export interface PoseSample extends FramePose {
  atMs: number;
}

export type PoseAt =
  | { ok: true; pose: FramePose }
  | { ok: false; reason: 'no-telemetry' | 'outside' | 'gap' };

const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

/** Interpolates angles in degrees the shorter way round; the result in (-180, 180]. */
export function lerpAngleDeg(a: number, b: number, f: number): number {
  const d = ((((b - a) % 360) + 540) % 360) - 180;
  let x = a + d * f;
  x = ((((x + 180) % 360) + 360) % 360) - 180;
  return x === -180 ? 180 : x;
}

/** A bounded, time-ordered buffer of samples for one vehicle. */
export class PoseTrack {
  private readonly samples: PoseSample[] = [];

  constructor(
    private readonly maxGapMs = 2000,
    private readonly keepMs = 30_000,
  ) {}

  add(s: PoseSample): void {
    const last = this.samples.at(-1);
    if (last && s.atMs < last.atMs) {
      // Out of order: insert in place (rare; telemetry batches may overtake).
      const i = this.samples.findIndex((x) => x.atMs > s.atMs);
      this.samples.splice(i, 0, s);
    } else this.samples.push(s);
    const cutoff = s.atMs - this.keepMs;
    while (this.samples.length > 2 && this.samples[0]!.atMs < cutoff) this.samples.shift();
  }

  at(tMs: number): PoseAt {
    return poseAt(this.samples, tMs, this.maxGapMs);
  }
}

/** The pose at `tMs` from samples sorted by time. */
export function poseAt(samples: readonly PoseSample[], tMs: number, maxGapMs = 2000): PoseAt {
  if (samples.length === 0) return { ok: false, reason: 'no-telemetry' };
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const strip = ({ atMs: _, ...pose }: PoseSample): FramePose => pose;
  if (tMs <= first.atMs)
    return first.atMs - tMs <= maxGapMs ? { ok: true, pose: strip(first) } : { ok: false, reason: 'outside' };
  if (tMs >= last.atMs)
    return tMs - last.atMs <= maxGapMs ? { ok: true, pose: strip(last) } : { ok: false, reason: 'outside' };
  let lo = 0;
  let hi = samples.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.atMs <= tMs) lo = mid;
    else hi = mid;
  }
  const a = samples[lo]!;
  const b = samples[hi]!;
  if (b.atMs - a.atMs > maxGapMs) return { ok: false, reason: 'gap' };
  const f = (tMs - a.atMs) / (b.atMs - a.atMs);
  return {
    ok: true,
    pose: {
      lat: lerp(a.lat, b.lat, f),
      lon: lerp(a.lon, b.lon, f),
      altMslM: lerp(a.altMslM, b.altMslM, f),
      altRelM: lerp(a.altRelM, b.altRelM, f),
      rollDeg: lerpAngleDeg(a.rollDeg, b.rollDeg, f),
      pitchDeg: lerpAngleDeg(a.pitchDeg, b.pitchDeg, f),
      yawDeg: lerpAngleDeg(a.yawDeg, b.yawDeg, f),
    },
  };
}
