/**
 * The scheduler's pure step: `tick(schedules, state, nowMs)` answers which runs fell due since
 * the last tick. The clock is an argument; nothing here reads the time or stores anything.
 *
 * No doubles across restarts: `state.lastDueMs` holds, per schedule, the due time of the last
 * occurrence handled (run or missed). The caller persists the `advanced` entries of each tick
 * with the runs it starts, and builds the state from them after a restart; an occurrence at or
 * before that time never comes back.
 *
 * Fast: each schedule keeps a short list of its upcoming occurrences (one rule expansion gives
 * `BATCH` of them), keyed by the schedule's definition, so a tick costs one comparison per
 * schedule that is not due and a list step per schedule that is; rules are expanded again only
 * when a list runs out or a definition changes.
 *
 * A schedule with neither bookkeeping nor `effectiveFromMs` starts at the first tick that sees
 * it (no backlog from its DTSTART).
 *
 * Downtime: when several occurrences fell due since the last tick (the server was down), only
 * the newest runs, if its window is still open; the older ones are reported as missed.
 */
import {
  type CompiledSchedule,
  compileSchedule,
  type PatrolSchedule,
  type ScheduleError,
} from './recurrence.ts';

/** Occurrences expanded at once per schedule. */
const BATCH = 16;

/** The fields that decide a schedule's occurrences (a change recompiles it). */
type Definition = Pick<PatrolSchedule, 'kind' | 'rrule' | 'dtstart' | 'tz' | 'atMs' | 'effectiveFromMs'>;

interface CacheEntry {
  def: Definition;
  compiled: CompiledSchedule | null;
  error: ScheduleError | null;
  /** Upcoming occurrences not yet handled, from `idx` on. */
  upcoming: number[];
  idx: number;
  /** The schedule had neither bookkeeping nor an effective-from time and no tick has placed it yet. */
  unplaced: boolean;
}

/** The scheduler's memory. `lastDueMs` is the part to persist; `cache` is rebuilt on demand. */
export interface SchedulerState {
  /** Due time of the last occurrence handled, per schedule id. */
  readonly lastDueMs: Map<string, number>;
  readonly cache: Map<string, CacheEntry>;
}

/** A state from persisted bookkeeping (schedule id -> due time of its last handled run). */
export function newSchedulerState(lastDue: Iterable<readonly [string, number | null]> = []): SchedulerState {
  const lastDueMs = new Map<string, number>();
  for (const [id, t] of lastDue) if (t !== null && Number.isFinite(t)) lastDueMs.set(id, t);
  return { lastDueMs, cache: new Map() };
}

/** A run to start now. */
export interface DueRun {
  scheduleId: string;
  dueMs: number;
  /** The run may start until then; later it is missed. */
  windowEndMs: number;
  priority: number;
}

/** An occurrence that will not run, and why. */
export interface MissedRun {
  scheduleId: string;
  dueMs: number;
  windowEndMs: number;
  /** 'WindowPassed': its window closed before a tick saw it (the server was down or late). */
  reason: 'WindowPassed';
}

export interface TickResult {
  /** Runs to start, highest priority first, then oldest due first. */
  runs: DueRun[];
  missed: MissedRun[];
  /** Schedules whose bookkeeping moved: persist `lastDueMs` for each. */
  advanced: { scheduleId: string; lastDueMs: number }[];
  /** Schedules that cannot be expanded (bad rule or zone): they never run until fixed. */
  invalid: { scheduleId: string; error: ScheduleError }[];
}

/** Most missed occurrences listed per schedule per tick (the rest are skipped silently). */
export const MAX_MISSED_LISTED = 20;

// Compared field by field: a tick over 1,000 schedules should allocate nothing for the ones
// that are not due (garbage collection pauses would show in the tick time).
function sameDefinition(d: Definition, s: PatrolSchedule): boolean {
  return (
    d.kind === s.kind &&
    d.rrule === s.rrule &&
    d.dtstart === s.dtstart &&
    d.tz === s.tz &&
    d.atMs === s.atMs &&
    d.effectiveFromMs === s.effectiveFromMs
  );
}

function fill(entry: CacheEntry, afterMs: number, inclusive: boolean): void {
  entry.upcoming = entry.compiled!.nextBatch(afterMs, BATCH, inclusive);
  entry.idx = 0;
}

/** The next unhandled occurrence, expanding more when the list ran out. */
function peek(entry: CacheEntry): number | null {
  if (entry.idx < entry.upcoming.length) return entry.upcoming[entry.idx]!;
  // A short list means the rule has ended.
  if (entry.upcoming.length < BATCH) return null;
  fill(entry, entry.upcoming[entry.upcoming.length - 1]!, false);
  return entry.upcoming[0] ?? null;
}

function entryFor(s: PatrolSchedule, state: SchedulerState): CacheEntry {
  const hit = state.cache.get(s.id);
  if (hit && sameDefinition(hit.def, s)) return hit;
  const compiled = compileSchedule(s);
  const entry: CacheEntry = {
    def: {
      kind: s.kind,
      rrule: s.rrule,
      dtstart: s.dtstart,
      tz: s.tz,
      atMs: s.atMs,
      effectiveFromMs: s.effectiveFromMs,
    },
    compiled: compiled.ok ? compiled.value : null,
    error: compiled.ok ? null : compiled.error,
    upcoming: [],
    idx: 0,
    unplaced: false,
  };
  if (compiled.ok) {
    const last = state.lastDueMs.get(s.id);
    const from = s.effectiveFromMs;
    if (last !== undefined && (from === undefined || last >= from)) fill(entry, last, false);
    else if (from !== undefined) fill(entry, from, true);
    else entry.unplaced = true;
  }
  state.cache.set(s.id, entry);
  return entry;
}

/**
 * Runs that fell due in (last tick, nowMs]. Updates `state` (its cache and `lastDueMs`) in
 * place; the result says what to persist. Disabled and on-demand schedules never fall due.
 */
export function tick(schedules: readonly PatrolSchedule[], state: SchedulerState, nowMs: number): TickResult {
  const result: TickResult = { runs: [], missed: [], advanced: [], invalid: [] };
  for (const s of schedules) {
    if (!s.enabled || s.kind === 'on_demand') continue;
    const entry = entryFor(s, state);
    if (entry.error) {
      result.invalid.push({ scheduleId: s.id, error: entry.error });
      continue;
    }
    if (entry.unplaced) {
      entry.unplaced = false;
      fill(entry, nowMs, true);
    }
    const first = peek(entry);
    if (first === null || first > nowMs) continue;

    const windowMs = s.windowS * 1000;
    let latest = first;
    let listed = 0;
    let steps = 0;
    for (;;) {
      entry.idx++;
      const next = peek(entry);
      if (next === null || next > nowMs) break;
      if (listed < MAX_MISSED_LISTED) {
        result.missed.push({
          scheduleId: s.id,
          dueMs: latest,
          windowEndMs: latest + windowMs,
          reason: 'WindowPassed',
        });
        listed++;
      }
      latest = next;
      // A long downtime of a frequent rule: jump to the last occurrence instead of walking.
      if (++steps > 2 * BATCH) {
        latest = Math.max(latest, entry.compiled!.prev(nowMs, true) ?? latest);
        fill(entry, latest, false);
        entry.idx = -1;
        break;
      }
    }
    if (entry.idx === -1) entry.idx = 0;
    if (nowMs <= latest + windowMs) {
      result.runs.push({
        scheduleId: s.id,
        dueMs: latest,
        windowEndMs: latest + windowMs,
        priority: s.priority,
      });
    } else {
      result.missed.push({
        scheduleId: s.id,
        dueMs: latest,
        windowEndMs: latest + windowMs,
        reason: 'WindowPassed',
      });
    }
    state.lastDueMs.set(s.id, latest);
    result.advanced.push({ scheduleId: s.id, lastDueMs: latest });
  }
  result.runs.sort((a, b) => b.priority - a.priority || a.dueMs - b.dueMs);
  return result;
}
