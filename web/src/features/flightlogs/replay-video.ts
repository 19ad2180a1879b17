/**
 * Which recorded segment plays at the replay's time, and where in it: pure, so the video panel
 * only applies what this decides (and the decisions are unit-tested).
 */

/** One recorded segment as GET /api/sorties/:id/video lists it. */
export interface VideoSegment {
  id: number;
  startAt: string;
  endAt: string;
  bytes: number;
  mime: string;
  url: string;
}

export interface VideoList {
  sortieId: string;
  recording: boolean;
  segments: VideoSegment[];
}

/** A segment with its times in epoch ms, sorted by start. */
export interface TimedSegment extends VideoSegment {
  startMs: number;
  endMs: number;
}

export function timedSegments(list: VideoSegment[]): TimedSegment[] {
  return list
    .map((s) => ({ ...s, startMs: Date.parse(s.startAt), endMs: Date.parse(s.endAt) }))
    .filter((s) => Number.isFinite(s.startMs) && Number.isFinite(s.endMs) && s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs);
}

/** The segment covering `ms` ([start, end)), or null in a gap or outside the recording. */
export function segmentAt(segments: TimedSegment[], ms: number): TimedSegment | null {
  let lo = 0;
  let hi = segments.length - 1;
  let found: TimedSegment | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (s.startMs <= ms) {
      found = s;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found && ms < found.endMs ? found : null;
}

/** Seconds into `segment` for the replay time `ms`. */
export function offsetS(segment: Pick<TimedSegment, 'startMs'>, ms: number): number {
  return Math.max(0, (ms - segment.startMs) / 1000);
}

/** Highest rate the player is asked for; faster replays are followed by re-seeking. */
export const MAX_PLAYBACK_RATE = 16;

/**
 * Whether the player at `currentS` is far enough from `wantS` to seek: paused, any visible
 * difference; playing, more than the replay clock moves between two UI updates at `speed`.
 */
export function needsSeek(currentS: number, wantS: number, playing: boolean, speed: number): boolean {
  const tolerance = playing ? Math.max(0.25, 0.15 * speed) : 0.05;
  return Math.abs(currentS - wantS) > tolerance;
}
