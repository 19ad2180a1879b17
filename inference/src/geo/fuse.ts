/**
 * Fusion of findings of the same thing seen in consecutive frames into one, with a smaller error.
 *
 * Each georeferenced finding carries a north/east covariance (from missions' groundFixWithError).
 * A new finding joins an existing track when the category matches and the two positions are
 * within their combined error: the squared Mahalanobis distance d^2 = D^T (C_track + C_obs)^-1 D
 * is under the gate (default 9.21, the 99% point of chi-square with 2 degrees of freedom). Each
 * track takes at most one finding per frame, nearest first. Joined positions are combined in
 * information form (inverse-covariance weighting, the multi-dimensional form of inverse-variance
 * weighting): I = I_track + I_obs, x = I^-1 (I_track x_track + I_obs x_obs), so n equal frames give
 * an error sqrt(n) times smaller.
 *
 * That sqrt(n) holds only for independent errors. GNSS and heading errors are correlated over
 * seconds, so consecutive frames share part of their error; the reported `errorM` of a fused
 * track never drops below `floorM` (default 1 m, or the best input's own error if smaller)
 * however many frames are fused. Likewise the part of an observation's error that consecutive
 * frames share (`sharedErrorM`: the pose's timing on a moving aircraft, the telemetry's delay
 * being systematic; where in its box the object is, the same box in every frame): a track's
 * error never drops below the smallest shared error of its frames.
 * Tracks not seen for `maxGapMs` are closed.
 *
 * Pure: state in, state out; no clock (times come from the findings).
 */
import type { GeoFinding } from '@aerie/contracts';
import { type Cov2, describeCovariance, localPlane } from '@aerie/missions';

export interface FusionOptions {
  /** Squared Mahalanobis gate for "the same thing" (default 9.21: 99%, 2 dof). */
  gateChi2?: number;
  /** A track not seen for this long is closed (default 10 s). */
  maxGapMs?: number;
  /** The reported error never goes below this (correlated error that fusion cannot remove), metres. */
  floorM?: number;
}

export const DEFAULT_FUSION: Required<FusionOptions> = { gateChi2: 9.21, maxGapMs: 10_000, floorM: 1 };

export interface FusedTrack {
  id: number;
  /** The finding as last reported, with the fused location, error and frame count. */
  finding: GeoFinding;
  covariance: Cov2;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The smallest shared error of its frames (metres): fusion cannot remove it. */
  sharedErrorM: number;
}

export interface FusionState {
  tracks: FusedTrack[];
  nextId: number;
}

export const emptyFusion = (): FusionState => ({ tracks: [], nextId: 1 });

export interface Observation {
  finding: GeoFinding;
  covariance: Cov2;
  /** The part of its error consecutive frames share (metres, one sigma); default 0. */
  sharedErrorM?: number;
}

export interface FusionStep {
  state: FusionState;
  /** For each observation, in order: the track it now belongs to. */
  trackIds: number[];
  /** Tracks closed in this step (not seen for `maxGapMs`). */
  closed: FusedTrack[];
}

const inv = (c: Cov2): Cov2 => {
  const det = c.nn * c.ee - c.ne * c.ne;
  // A degenerate covariance (a perfect fix) is regularised to a millimetre.
  const d = Math.max(det, 1e-12);
  return { nn: c.ee / d, ne: -c.ne / d, ee: c.nn / d };
};
const add = (a: Cov2, b: Cov2): Cov2 => ({ nn: a.nn + b.nn, ne: a.ne + b.ne, ee: a.ee + b.ee });

/** Squared Mahalanobis distance of a north/east offset under covariance `c`. */
export function mahalanobis2(dn: number, de: number, c: Cov2): number {
  const i = inv(c);
  return dn * dn * i.nn + 2 * dn * de * i.ne + de * de * i.ee;
}

/** Adds one frame's georeferenced findings to the tracks. */
export function fuseFrame(
  state: FusionState,
  observations: readonly Observation[],
  options: FusionOptions = {},
): FusionStep {
  const opt = { ...DEFAULT_FUSION, ...options };
  const frameMs = Math.max(...observations.map((o) => o.finding.capturedAtMs), -Infinity);
  const open: FusedTrack[] = [];
  const closed: FusedTrack[] = [];
  for (const t of state.tracks) {
    if (Number.isFinite(frameMs) && frameMs - t.lastSeenMs > opt.maxGapMs) closed.push(t);
    else open.push(t);
  }

  // Candidate pairs within the gate, nearest first; each track and observation used once.
  const pairs: { obs: number; track: number; d2: number }[] = [];
  observations.forEach((o, oi) => {
    open.forEach((t, ti) => {
      if (t.finding.category !== o.finding.category) return;
      const plane = localPlane(t.finding.location);
      const p = plane.toXY(o.finding.location);
      const d2 = mahalanobis2(p.y, p.x, add(t.covariance, o.covariance));
      if (d2 <= opt.gateChi2) pairs.push({ obs: oi, track: ti, d2 });
    });
  });
  pairs.sort((a, b) => a.d2 - b.d2);
  const trackOf = new Map<number, number>();
  const usedTracks = new Set<number>();
  for (const p of pairs) {
    if (trackOf.has(p.obs) || usedTracks.has(p.track)) continue;
    trackOf.set(p.obs, p.track);
    usedTracks.add(p.track);
  }

  const tracks = [...open];
  let nextId = state.nextId;
  const trackIds = observations.map((o, oi) => {
    const ti = trackOf.get(oi);
    if (ti === undefined) {
      const track: FusedTrack = {
        id: nextId++,
        finding: withError(o.finding, o.covariance, 1, opt.floorM, o.finding.location),
        covariance: o.covariance,
        firstSeenMs: o.finding.capturedAtMs,
        lastSeenMs: o.finding.capturedAtMs,
        sharedErrorM: o.sharedErrorM ?? 0,
      };
      tracks.push(track);
      return track.id;
    }
    const t = tracks[ti]!;
    tracks[ti] = combine(t, o, opt.floorM);
    return t.id;
  });
  return { state: { tracks, nextId }, trackIds, closed };
}

function combine(t: FusedTrack, o: Observation, floorM: number): FusedTrack {
  const plane = localPlane(t.finding.location);
  const p = plane.toXY(o.finding.location);
  const it = inv(t.covariance);
  const io = inv(o.covariance);
  const info = add(it, io);
  const cov = inv(info);
  // x = C (I_o * offset), the track itself at the origin.
  const bn = io.nn * p.y + io.ne * p.x;
  const be = io.ne * p.y + io.ee * p.x;
  const n = cov.nn * bn + cov.ne * be;
  const e = cov.ne * bn + cov.ee * be;
  const at = plane.toLatLon({ x: e, y: n });
  const latest = o.finding.capturedAtMs >= t.lastSeenMs ? o.finding : t.finding;
  const best = o.finding.score >= t.finding.score ? o.finding : t.finding;
  const merged: GeoFinding = { ...latest, score: best.score, label: best.label, box: best.box };
  const sharedErrorM = Math.min(t.sharedErrorM, o.sharedErrorM ?? 0);
  return {
    id: t.id,
    // Fusing never reports more error than the best single input had (each input's error
    // includes its shared error, so that floor is within it too).
    finding: withError(
      merged,
      cov,
      t.finding.frames + 1,
      Math.max(sharedErrorM, Math.min(floorM, t.finding.location.errorM, o.finding.location.errorM)),
      at,
    ),
    covariance: cov,
    firstSeenMs: Math.min(t.firstSeenMs, o.finding.capturedAtMs),
    lastSeenMs: Math.max(t.lastSeenMs, o.finding.capturedAtMs),
    sharedErrorM,
  };
}

function withError(
  f: GeoFinding,
  cov: Cov2,
  frames: number,
  floorM: number,
  at: { lat: number; lon: number },
): GeoFinding {
  const errorM = Math.max(describeCovariance(cov).errorM, frames > 1 ? floorM : 0);
  return { ...f, frames, location: { lat: at.lat, lon: at.lon, errorM } };
}
