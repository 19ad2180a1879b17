/**
 * A sortie's track as a replay reads it: the aircraft's position, heading and telemetry at any
 * instant, interpolated between the recorded points. Pure, so it is tested without a browser.
 */
import type { TrackPoint } from './types.ts';

/** Track points in time order with their instants parsed once. */
export interface ReplayTrack {
  /** Epoch ms of each point, ascending. */
  readonly times: readonly number[];
  readonly points: readonly TrackPoint[];
}

/** Where the aircraft is at one instant of the replay. */
export interface ReplaySample {
  atMs: number;
  lonDeg: number;
  latDeg: number;
  altAmslM: number | null;
  altRelM: number | null;
  /** Degrees from north, clockwise, 0..360. */
  headingDeg: number;
  groundSpeedMps: number | null;
  batteryPct: number | null;
  /** Index of the last recorded point at or before the instant (the flown part ends there). */
  index: number;
}

/** Sorts and parses the points; points with an unreadable time or position are dropped. */
export function prepareTrack(points: readonly TrackPoint[]): ReplayTrack {
  const rows = points
    .map((p) => ({ p, t: Date.parse(p.at) }))
    .filter(({ p, t }) => Number.isFinite(t) && Number.isFinite(p.latDeg) && Number.isFinite(p.lonDeg))
    .sort((a, b) => a.t - b.t);
  return { times: rows.map((r) => r.t), points: rows.map((r) => r.p) };
}

/** Initial bearing from one position to another, degrees clockwise from north (0..360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const φ1 = lat1 * rad;
  const φ2 = lat2 * rad;
  const Δλ = (lon2 - lon1) * rad;
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return normaliseDeg(Math.atan2(y, x) / rad);
}

export function normaliseDeg(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

/** Interpolates between two headings the short way round (350° to 10° passes through 0°). */
export function lerpAngleDeg(a: number, b: number, f: number): number {
  const diff = ((((b - a) % 360) + 540) % 360) - 180;
  return normaliseDeg(a + diff * f);
}

function mix(a: number | null, b: number | null, f: number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + (b - a) * f;
}

/** Index of the last time <= t, or -1 when t is before the first. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Metres between two nearby positions (equirectangular; a replay step is short). */
function metresBetween(a: TrackPoint, b: TrackPoint): number {
  const rad = Math.PI / 180;
  const x = (b.lonDeg - a.lonDeg) * rad * Math.cos(((a.latDeg + b.latDeg) / 2) * rad);
  const y = (b.latDeg - a.latDeg) * rad;
  return Math.hypot(x, y) * 6_371_000;
}

/**
 * The heading recorded at a point, or when the vehicle sent none the direction it moved in
 * around that point (a vehicle that did not move keeps north).
 */
function headingAt(track: ReplayTrack, i: number): number {
  const p = track.points[i]!;
  if (p.headingDeg !== null && Number.isFinite(p.headingDeg)) return normaliseDeg(p.headingDeg);
  const next = track.points[i + 1];
  const prev = track.points[i - 1];
  const [a, b] = next && metresBetween(p, next) > 0.5 ? [p, next] : prev ? [prev, p] : [p, p];
  if (metresBetween(a, b) <= 0.5) return 0;
  return bearingDeg(a.latDeg, a.lonDeg, b.latDeg, b.lonDeg);
}

/**
 * The aircraft at instant `tMs`: linear between the two recorded points around it, clamped to
 * the first and last point outside the track. Null for an empty track.
 */
export function sampleAt(track: ReplayTrack, tMs: number): ReplaySample | null {
  const n = track.times.length;
  if (n === 0) return null;
  const i = lastAtOrBefore(track.times, tMs);
  const at = (k: number, f: number, index: number): ReplaySample => {
    const a = track.points[k]!;
    const b = track.points[Math.min(k + 1, n - 1)]!;
    const ha = headingAt(track, k);
    const hb = headingAt(track, Math.min(k + 1, n - 1));
    return {
      atMs: tMs,
      lonDeg: a.lonDeg + (b.lonDeg - a.lonDeg) * f,
      latDeg: a.latDeg + (b.latDeg - a.latDeg) * f,
      altAmslM: mix(a.altAmslM, b.altAmslM, f),
      altRelM: mix(a.altRelM, b.altRelM, f),
      headingDeg: lerpAngleDeg(ha, hb, f),
      groundSpeedMps: mix(a.groundSpeedMps, b.groundSpeedMps, f),
      batteryPct: mix(a.batteryPct, b.batteryPct, f),
      index,
    };
  };
  if (i < 0) return at(0, 0, 0);
  if (i >= n - 1) return at(n - 1, 0, n - 1);
  const t0 = track.times[i]!;
  const t1 = track.times[i + 1]!;
  const f = t1 > t0 ? (tMs - t0) / (t1 - t0) : 0;
  return at(i, f, i);
}

/** The replay's time span: the track and the events together (arming comes before the first point). */
export function replaySpan(
  track: ReplayTrack,
  eventTimes: readonly number[],
): { startMs: number; endMs: number } | null {
  const all = [...(track.times.length ? [track.times[0]!, track.times[track.times.length - 1]!] : [])];
  for (const t of eventTimes) if (Number.isFinite(t)) all.push(t);
  if (!all.length) return null;
  return { startMs: Math.min(...all), endMs: Math.max(...all) };
}
