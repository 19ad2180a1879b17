/**
 * Sortie tracking as a pure step: `stepTracker(state, input, newId) -> { state, effects }`. No
 * I/O; the flight log (`flight-log.ts`) performs the effects against the database.
 *
 *   Idle --armed event / armed state--> Open --disarmed event--> Idle (completed)
 *   Open --disarmed state (no disarm event seen)--> Idle (completed, endReason disarm_not_seen)
 *   Open --armed event (disarm never seen)--> Open' (old one aborted, rearmed_without_disarm)
 *   Open --lost--> Open (the vehicle may come back; nothing closes)
 *
 * Why states as well as events: the bridge applies the first heartbeat of a (re)discovered
 * vehicle and the heartbeat that ends a link loss without emitting their events, so after a
 * bridge restart or a link loss the armed flag in the snapshot is the only word on arming.
 *
 * The open sortie keeps its running figures (distance, highest altitude, mission flag) and its
 * last stored track point; these are also in the database (the sortie row and its newest
 * track point), so `rebuildOpen` restores the same state after a server restart.
 */
import type { VehicleEventPayload, VehicleStatePayload } from '@aerie/gcs-bridge';

/** A stored track point as the tracker remembers it. */
export interface TrackFix {
  atMs: number;
  latDeg: number;
  lonDeg: number;
  altAmslM: number | null;
  altRelM: number | null;
}

/** The sortie in progress. */
export interface OpenSortie {
  sortieId: string;
  startedAtMs: number;
  /** Horizontal ground distance so far (metres). */
  distanceM: number;
  maxAltRelM: number | null;
  missionRan: boolean;
  /** Newest stored track point. */
  lastPoint: TrackFix | null;
  /** Position the distance was last counted to (moves only by >= JITTER_M), and when. */
  anchor: { latDeg: number; lonDeg: number; atMs: number } | null;
  /** Last time the vehicle was known armed: the end time when the disarm itself was missed. */
  lastArmedAtMs: number;
}

export interface TrackerState {
  open: OpenSortie | null;
  /**
   * When the last sortie closed. Events travel ahead of the batched state snapshots, so an
   * armed snapshot taken before a disarm can arrive after it; one no newer than this is stale
   * and must not open a second sortie.
   */
  closedAtMs?: number;
}

export type TrackerInput =
  | { kind: 'state'; atMs: number; state: VehicleStatePayload }
  | { kind: 'event'; atMs: number; event: VehicleEventPayload };

export type SortieEnd = {
  sortieId: string;
  status: 'completed' | 'aborted';
  endedAtMs: number;
  endReason: string | null;
  durationS: number;
  distanceM: number;
  maxAltRelM: number | null;
  missionRan: boolean;
};

export type TrackerEffect =
  | { type: 'open'; sortieId: string; startedAtMs: number }
  | ({ type: 'close' } & SortieEnd)
  /** Store a track point and the running figures with it. */
  | {
      type: 'point';
      sortieId: string;
      point: TrackFix & {
        headingDeg: number | null;
        groundSpeedMps: number | null;
        batteryPct: number | null;
      };
      distanceM: number;
      maxAltRelM: number | null;
    }
  | { type: 'mission_ran'; sortieId: string };

export interface TrackerStep {
  state: TrackerState;
  effects: TrackerEffect[];
  /** The sortie an event belongs to (for the events table), null when none. */
  sortieId: string | null;
}

/** Store a point at least this often while a sortie is open. */
export const POINT_INTERVAL_MS = 1000;
/** ... or sooner when the vehicle moved this far horizontally ... */
export const POINT_MOVE_M = 10;
/** ... or changed height by this much. */
export const POINT_CLIMB_M = 5;
/** Position changes below this are GPS jitter and do not add to the distance. */
export const JITTER_M = 0.5;
/**
 * A disarmed snapshot closes an open sortie only this long after it opened: the arm event and
 * the first armed snapshot travel separately, and an older snapshot must not close a fresh one.
 */
export const DISARMED_STATE_GRACE_MS = 2000;
/**
 * A position that implies more than this speed from the last counted one is a glitch (a fix
 * arriving after dead reckoning, an estimator reset): the anchor moves, the distance does not.
 */
export const MAX_PLAUSIBLE_MPS = 120;

export const IDLE: TrackerState = { open: null };

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle (haversine) distance in metres on the mean Earth sphere. */
export function groundDistanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The tracker state for a sortie row that is still running, and its newest track point. */
export function rebuildOpen(
  row: {
    id: string;
    startedAtMs: number;
    distanceM: number | null;
    maxAltRelM: number | null;
    missionRan: boolean;
  },
  lastPoint: TrackFix | null,
): TrackerState {
  return {
    open: {
      sortieId: row.id,
      startedAtMs: row.startedAtMs,
      distanceM: row.distanceM ?? 0,
      maxAltRelM: row.maxAltRelM,
      missionRan: row.missionRan,
      lastPoint,
      anchor: lastPoint ? { latDeg: lastPoint.latDeg, lonDeg: lastPoint.lonDeg, atMs: lastPoint.atMs } : null,
      lastArmedAtMs: lastPoint ? Math.max(lastPoint.atMs, row.startedAtMs) : row.startedAtMs,
    },
  };
}

/** One input -> the next state and what to store. Never mutates `state`. */
export function stepTracker(state: TrackerState, input: TrackerInput, newId: () => string): TrackerStep {
  return input.kind === 'event'
    ? onEvent(state, input.atMs, input.event, newId)
    : onState(state, input.atMs, input.state, newId);
}

function opened(atMs: number, newId: () => string): OpenSortie {
  return {
    sortieId: newId(),
    startedAtMs: atMs,
    distanceM: 0,
    maxAltRelM: null,
    missionRan: false,
    lastPoint: null,
    anchor: null,
    lastArmedAtMs: atMs,
  };
}

function closing(
  open: OpenSortie,
  status: 'completed' | 'aborted',
  endedAtMs: number,
  endReason: string | null,
) {
  const end = Math.max(endedAtMs, open.startedAtMs);
  return {
    type: 'close' as const,
    sortieId: open.sortieId,
    status,
    endedAtMs: end,
    endReason,
    durationS: (end - open.startedAtMs) / 1000,
    distanceM: open.distanceM,
    maxAltRelM: open.maxAltRelM,
    missionRan: open.missionRan,
  };
}

function onEvent(
  state: TrackerState,
  atMs: number,
  event: VehicleEventPayload,
  newId: () => string,
): TrackerStep {
  const open = state.open;
  switch (event.type) {
    case 'armed': {
      // The same arming already seen through an armed snapshot a moment earlier.
      if (
        open &&
        atMs - open.startedAtMs < DISARMED_STATE_GRACE_MS &&
        atMs >= open.startedAtMs - DISARMED_STATE_GRACE_MS
      ) {
        return { state, effects: [], sortieId: open.sortieId };
      }
      const next = opened(atMs, newId);
      const effects: TrackerEffect[] = [];
      // A second arm with a sortie open means the disarm in between never reached us.
      if (open) effects.push(closing(open, 'aborted', open.lastArmedAtMs, 'rearmed_without_disarm'));
      effects.push({ type: 'open', sortieId: next.sortieId, startedAtMs: atMs });
      return { state: { open: next }, effects, sortieId: next.sortieId };
    }
    case 'disarmed':
      if (!open) return { state, effects: [], sortieId: null };
      return {
        state: { open: null, closedAtMs: atMs },
        effects: [closing(open, 'completed', atMs, null)],
        sortieId: open.sortieId,
      };
    case 'mode_changed':
      if (open && event.kind === 'mission' && !open.missionRan) {
        return {
          state: { open: { ...open, missionRan: true } },
          effects: [{ type: 'mission_ran', sortieId: open.sortieId }],
          sortieId: open.sortieId,
        };
      }
      return { state, effects: [], sortieId: open?.sortieId ?? null };
    default:
      return { state, effects: [], sortieId: open?.sortieId ?? null };
  }
}

/**
 * A usable position: PX4 reports lat = lon = 0 in GLOBAL_POSITION_INT until its estimator has
 * a global position, which would draw a line to the Gulf of Guinea.
 */
function hasPosition(s: VehicleStatePayload): s is VehicleStatePayload & { lat: number; lon: number } {
  return (
    s.lat !== null &&
    s.lon !== null &&
    Number.isFinite(s.lat) &&
    Number.isFinite(s.lon) &&
    !(s.lat === 0 && s.lon === 0) &&
    Math.abs(s.lat) <= 90 &&
    Math.abs(s.lon) <= 180
  );
}

function onState(
  state: TrackerState,
  atMs: number,
  s: VehicleStatePayload,
  newId: () => string,
): TrackerStep {
  let open = state.open;
  const effects: TrackerEffect[] = [];
  if (!open) {
    if (!s.armed) return { state, effects, sortieId: null };
    if (state.closedAtMs !== undefined && atMs <= state.closedAtMs) return { state, effects, sortieId: null };
    // Armed without an arm event: discovered or found already armed (see the file comment).
    open = opened(atMs, newId);
    effects.push({ type: 'open', sortieId: open.sortieId, startedAtMs: atMs });
  } else if (!s.armed) {
    if (s.online === false || atMs - open.startedAtMs < DISARMED_STATE_GRACE_MS) {
      return { state, effects, sortieId: open.sortieId };
    }
    return {
      state: { open: null, closedAtMs: atMs },
      effects: [closing(open, 'completed', open.lastArmedAtMs, 'disarm_not_seen')],
      sortieId: open.sortieId,
    };
  }
  // A snapshot sent while the link is lost repeats the last known position: nothing new.
  if (s.online === false) return { state: { open }, effects, sortieId: open.sortieId };

  const next: OpenSortie = { ...open, lastArmedAtMs: Math.max(open.lastArmedAtMs, atMs) };
  if (s.modeKind === 'mission' && !next.missionRan) {
    next.missionRan = true;
    effects.push({ type: 'mission_ran', sortieId: next.sortieId });
  }
  if (s.altRelM !== null && (next.maxAltRelM === null || s.altRelM > next.maxAltRelM))
    next.maxAltRelM = s.altRelM;

  if (hasPosition(s)) {
    if (next.anchor) {
      const d = groundDistanceM(next.anchor.latDeg, next.anchor.lonDeg, s.lat, s.lon);
      if (d >= JITTER_M) {
        const dtS = Math.max(atMs - next.anchor.atMs, 100) / 1000;
        if (d / dtS <= MAX_PLAUSIBLE_MPS) next.distanceM += d;
        next.anchor = { latDeg: s.lat, lonDeg: s.lon, atMs };
      }
    } else {
      next.anchor = { latDeg: s.lat, lonDeg: s.lon, atMs };
    }
    const last = next.lastPoint;
    const due =
      !last ||
      (atMs > last.atMs &&
        (atMs - last.atMs >= POINT_INTERVAL_MS ||
          groundDistanceM(last.latDeg, last.lonDeg, s.lat, s.lon) > POINT_MOVE_M ||
          (s.altRelM !== null &&
            last.altRelM !== null &&
            Math.abs(s.altRelM - last.altRelM) > POINT_CLIMB_M)));
    if (due) {
      const fix: TrackFix = { atMs, latDeg: s.lat, lonDeg: s.lon, altAmslM: s.altMslM, altRelM: s.altRelM };
      next.lastPoint = fix;
      effects.push({
        type: 'point',
        sortieId: next.sortieId,
        point: {
          ...fix,
          headingDeg: s.headingDeg,
          groundSpeedMps: s.groundSpeedMps,
          batteryPct: s.batteryPct,
        },
        distanceM: next.distanceM,
        maxAltRelM: next.maxAltRelM,
      });
    }
  }
  return { state: { open: next }, effects, sortieId: next.sortieId };
}
