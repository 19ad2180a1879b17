/**
 * Refining a ticket's location (位置精化). A detector's ticket is filed from the first frames of a
 * track (two, by default); the frames that follow are fused into the same track with a smaller
 * stated error. When such a better location arrives for an open ticket, the ticket moves to it
 * and the timeline says so ('relocate', by the system), so the officer walks to the best place
 * known and the reviewer can see where the first guess was.
 *
 * Not every small gain is worth a timeline entry: the new error must be at most `MIN_ERROR_RATIO`
 * of the ticket's current one (one sigma shrinks by sqrt(n) with n independent frames, so a few
 * entries per track at most). Nor does a ticket jump: the new place must agree with the old
 * within their errors (at most `MAX_MOVE_SIGMAS` times the root sum of squares of the two stated
 * errors), so a neighbouring false detection cannot carry the ticket away. Pure: no I/O, no clock.
 */
import { distanceM } from './geo.ts';

/** A location with its stated error (one-sigma radial, metres). */
export interface StatedLocation {
  lat: number;
  lon: number;
  errorM: number;
}

/** What a 'relocate' transition records. */
export interface RelocationData {
  from: StatedLocation;
  to: StatedLocation;
  /** How far the ticket moved, metres. */
  movedM: number;
  /** Frames fused into the new location (null: not known). */
  frames: number | null;
}

/** The new error must be at most this share of the current one (20% better). */
export const MIN_ERROR_RATIO = 0.8;
/** The move must be within this many combined sigmas (3: the fusion gate's 99% on 2 dof is 3.03). */
export const MAX_MOVE_SIGMAS = 3;

export type RelocationDecision =
  | { kind: 'relocate'; data: RelocationData }
  | { kind: 'keep'; reason: 'NotBetter' | 'InvalidLocation' | 'TooFar' };

const valid = (l: StatedLocation) =>
  Math.abs(l.lat) <= 90 && Math.abs(l.lon) <= 180 && Number.isFinite(l.errorM) && l.errorM >= 0;

/** Whether a ticket at `current` should move to `next` (`frames`: how many frames `next` fuses). */
export function relocationDecision(
  current: StatedLocation,
  next: StatedLocation,
  frames: number | null = null,
): RelocationDecision {
  if (!valid(next)) return { kind: 'keep', reason: 'InvalidLocation' };
  if (!(next.errorM <= current.errorM * MIN_ERROR_RATIO)) return { kind: 'keep', reason: 'NotBetter' };
  const movedM = distanceM(current, next);
  if (movedM > MAX_MOVE_SIGMAS * Math.hypot(current.errorM, next.errorM))
    return { kind: 'keep', reason: 'TooFar' };
  const pick = (l: StatedLocation): StatedLocation => ({ lat: l.lat, lon: l.lon, errorM: l.errorM });
  return {
    kind: 'relocate',
    data: { from: pick(current), to: pick(next), movedM, frames },
  };
}

/** The relocation in words for the timeline's reason (zh-CN, English). */
export function relocationText(d: RelocationData): string {
  const m = (x: number) => x.toFixed(1);
  const by = d.frames === null ? '后续画面' : ` ${d.frames} 帧融合画面`;
  const byEn = d.frames === null ? 'later frames' : `${d.frames} fused frames`;
  return (
    `位置已由${by}精化：误差 ${m(d.from.errorM)} 米 → ${m(d.to.errorM)} 米，移动 ${m(d.movedM)} 米` +
    ` / location refined by ${byEn}: error ${m(d.from.errorM)} m -> ${m(d.to.errorM)} m, moved ${m(d.movedM)} m`
  );
}
