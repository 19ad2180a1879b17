/**
 * Patrol schedules: recurring by RRULE (RFC 5545) in a time zone, one-off at an instant, or on
 * demand only. A recurring rule is expanded on wall-clock time in the schedule's zone (see
 * `zoned-time.ts`), so "weekdays at 09:00 and 15:00" stays 09:00 local across DST changes.
 *
 * Expanding a rule walks from its DTSTART, which gets slower the older the schedule is; a rule
 * without COUNT and with a fixed-length period (weekly or shorter) is rebased to a start a whole
 * number of periods later, which names the same occurrences.
 */
import * as rruleModule from 'rrule';
import { instantOf, isTimeZone, parseWall, wallOf } from './zoned-time.ts';

// rrule ships CommonJS for Node and ES modules for bundlers: take whichever form arrived
// (read through Reflect so the bundler does not warn that the ES build has no default).
const { RRule } = (Reflect.get(rruleModule, 'default') ?? rruleModule) as typeof rruleModule;
type RRuleInstance = InstanceType<typeof RRule>;
type RRuleOptions = ConstructorParameters<typeof RRule>[0];

/** Patrol time zone when a schedule names none (the districts Aerie models are in China). */
export const DEFAULT_SCHEDULE_TIME_ZONE = 'Asia/Shanghai';

export type ScheduleKind = 'recurring' | 'once' | 'on_demand';

/** A patrol schedule as the scheduler reads it. */
export interface PatrolSchedule {
  id: string;
  kind: ScheduleKind;
  /**
   * Recurrence (recurring only): RRULE text such as
   * `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0`, optionally with a
   * leading `RRULE:` or a `DTSTART:20260105T000000` line.
   */
  rrule?: string;
  /** Wall-clock start of the recurrence in `tz` (`2026-01-05T00:00`); times of day the rule leaves out come from it. */
  dtstart?: string;
  /** The instant of a one-off patrol (epoch ms). */
  atMs?: number;
  /** IANA time zone of the rule (default Asia/Shanghai). */
  tz?: string;
  /** A run may start only within [due, due + windowS]. */
  windowS: number;
  /** Higher runs first when several fall due together (0..100). */
  priority: number;
  enabled: boolean;
  /** Occurrences before this instant never run (the schedule's creation or last edit). */
  effectiveFromMs?: number;
}

export type ScheduleErrorCode =
  | 'MissingRrule'
  | 'InvalidRrule'
  | 'InvalidTimeZone'
  | 'InvalidStart'
  | 'MissingTime'
  | 'InvalidWindow'
  | 'InvalidPriority';

export interface ScheduleError {
  code: ScheduleErrorCode;
  /** The schedule field at fault. */
  field: string;
  message: string;
}

/** A schedule ready to answer "when next?". */
export interface CompiledSchedule {
  readonly schedule: PatrolSchedule;
  readonly tz: string;
  /** The first occurrence after `afterMs` (at or after when `inclusive`), or null when none is left. */
  next(afterMs: number, inclusive?: boolean): number | null;
  /** The last occurrence before `beforeMs` (at or before when `inclusive`), or null when none. */
  prev(beforeMs: number, inclusive?: boolean): number | null;
  /**
   * Up to `count` occurrences after `afterMs`, in order (fewer only when the rule ends). One
   * expansion gives many: the scheduler caches them rather than asking one at a time.
   */
  nextBatch(afterMs: number, count: number, inclusive?: boolean): number[];
}

export type CompileResult = { ok: true; value: CompiledSchedule } | { ok: false; error: ScheduleError };

const bad = (code: ScheduleErrorCode, field: string, message: string): CompileResult => ({
  ok: false,
  error: { code, field, message },
});

const DAY = 86_400_000;
/** Period length in ms of rrule's Frequency values HOURLY.. WEEKLY (YEARLY=0, MONTHLY=1 vary). */
const PERIOD_MS: Record<number, number> = { 2: 7 * DAY, 3: DAY, 4: 3600_000, 5: 60_000, 6: 1000 };
/** Rebase in steps of this many periods, so a rule object serves many look-ups. */
const REBASE_STEP = 8;

function splitRule(text: string): { rule: string; dtstart: string | null } {
  let rule = '';
  let dtstart: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (/^DTSTART/i.test(line)) dtstart = line.replace(/^DTSTART(;[^:]*)?:/i, '');
    else rule = line.replace(/^RRULE:/i, '');
  }
  return { rule, dtstart };
}

/** `20260105T090000` -> `2026-01-05T09:00:00` */
function icsToWall(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?Z?$/.exec(text);
  if (!m) return null;
  return parseWall(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`);
}

/** Parses and checks a schedule; the error names the field at fault. */
export function compileSchedule(schedule: PatrolSchedule): CompileResult {
  const tz = schedule.tz ?? DEFAULT_SCHEDULE_TIME_ZONE;
  if (!isTimeZone(tz)) return bad('InvalidTimeZone', 'tz', `unknown time zone ${JSON.stringify(tz)}`);
  if (!Number.isFinite(schedule.windowS) || schedule.windowS < 0)
    return bad('InvalidWindow', 'windowS', `windowS must be a number >= 0, got ${schedule.windowS}`);
  if (!Number.isFinite(schedule.priority) || schedule.priority < 0 || schedule.priority > 100)
    return bad('InvalidPriority', 'priority', `priority must be 0..100, got ${schedule.priority}`);

  if (schedule.kind === 'on_demand')
    return { ok: true, value: { schedule, tz, next: () => null, prev: () => null, nextBatch: () => [] } };
  if (schedule.kind === 'once') {
    const at = schedule.atMs;
    if (at === undefined || !Number.isFinite(at))
      return bad('MissingTime', 'atMs', 'a one-off schedule needs atMs (the instant to fly)');
    return {
      ok: true,
      value: {
        schedule,
        tz,
        next: (after, inclusive = false) => ((inclusive ? at >= after : at > after) ? at : null),
        prev: (before, inclusive = false) => ((inclusive ? at <= before : at < before) ? at : null),
        nextBatch: (after, count, inclusive = false) =>
          count > 0 && (inclusive ? at >= after : at > after) ? [at] : [],
      },
    };
  }

  if (!schedule.rrule?.trim()) return bad('MissingRrule', 'rrule', 'a recurring schedule needs an rrule');
  const { rule, dtstart: ruleStart } = splitRule(schedule.rrule);
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(rule);
  } catch (err) {
    return bad('InvalidRrule', 'rrule', `rrule is not valid: ${(err as Error).message}`);
  }
  if (options.freq === undefined || options.freq === null)
    return bad(
      'InvalidRrule',
      'rrule',
      `rrule needs FREQ (e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9), got ${JSON.stringify(rule)}`,
    );
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === 'number' && !Number.isFinite(v))
      return bad('InvalidRrule', 'rrule', `rrule ${k.toUpperCase()} is not a number`);
  }
  const startText = schedule.dtstart ?? null;
  let startWall: number | null;
  if (startText !== null) {
    startWall = parseWall(startText);
    if (startWall === null)
      return bad(
        'InvalidStart',
        'dtstart',
        `dtstart must be a local date-time like 2026-01-05T09:00, got ${JSON.stringify(startText)}`,
      );
  } else if (ruleStart !== null) {
    startWall = icsToWall(ruleStart);
    if (startWall === null)
      return bad('InvalidStart', 'rrule', `DTSTART ${JSON.stringify(ruleStart)} is not a date-time`);
  } else {
    return bad(
      'InvalidStart',
      'dtstart',
      'a recurring schedule needs dtstart (the local date the rule starts from)',
    );
  }
  const base: RRuleOptions = { ...(options as RRuleOptions), dtstart: new Date(startWall), tzid: null };
  if (options.until) base.until = new Date(wallOf(options.until.getTime(), tz));
  let probe: RRuleInstance;
  try {
    // noCache: rrule would otherwise keep every answer it gave, growing without bound.
    probe = new RRule(base, true);
    probe.after(new Date(startWall), true);
  } catch (err) {
    return bad('InvalidRrule', 'rrule', `rrule cannot be expanded: ${(err as Error).message}`);
  }
  const period = options.count ? undefined : PERIOD_MS[options.freq];
  const step = period !== undefined ? period * (options.interval ?? 1) : undefined;
  let cached: { startWall: number; rule: RRuleInstance } = { startWall, rule: probe };

  const ruleFor = (wall: number): RRuleInstance => {
    if (step === undefined) return cached.rule;
    const periods = Math.floor((wall - startWall) / step) - 2;
    if (periods < REBASE_STEP) return probe;
    const rebased = startWall + Math.floor(periods / REBASE_STEP) * REBASE_STEP * step;
    if (cached.startWall !== rebased)
      cached = { startWall: rebased, rule: new RRule({ ...base, dtstart: new Date(rebased) }, true) };
    return cached.rule;
  };

  const next = (afterMs: number, inclusive = false): number | null => {
    let wall = wallOf(afterMs, tz);
    let inc = true;
    // A repeated wall hour (DST ending) can name an instant before afterMs: walk on.
    for (let i = 0; i < 8; i++) {
      const d = ruleFor(wall).after(new Date(wall), inc);
      if (!d) return null;
      const t = instantOf(d.getTime(), tz);
      if (inclusive ? t >= afterMs : t > afterMs) return t;
      wall = d.getTime();
      inc = false;
    }
    return null;
  };
  const prev = (beforeMs: number, inclusive = false): number | null => {
    let wall = wallOf(beforeMs, tz);
    let inc = true;
    for (let i = 0; i < 8; i++) {
      const d = ruleFor(wall).before(new Date(wall), inc);
      if (!d) return null;
      const t = instantOf(d.getTime(), tz);
      if (inclusive ? t <= beforeMs : t < beforeMs) return t;
      wall = d.getTime();
      inc = false;
    }
    return null;
  };
  const FAR = 200 * 366 * DAY;
  const nextBatch = (afterMs: number, count: number, inclusive = false): number[] => {
    const out: number[] = [];
    if (count <= 0) return out;
    const wall = wallOf(afterMs, tz);
    // A few extra, for wall times a DST fold maps before afterMs.
    const dates = ruleFor(wall).between(new Date(wall), new Date(wall + FAR), true, (_d, i) => i < count + 2);
    for (const d of dates) {
      const t = instantOf(d.getTime(), tz);
      if ((inclusive ? t >= afterMs : t > afterMs) && (out.length === 0 || t > out[out.length - 1]!))
        out.push(t);
      if (out.length === count) break;
    }
    return out;
  };
  return { ok: true, value: { schedule, tz, next, prev, nextBatch } };
}

/** One planned run: when it falls due and until when it may start. */
export interface PlannedRun {
  dueMs: number;
  windowEndMs: number;
}

/**
 * The next `count` runs of a schedule after `fromMs` (for previews). Occurrences before the
 * schedule's `effectiveFromMs` are left out, as the scheduler leaves them out.
 */
export function nextRuns(
  schedule: PatrolSchedule,
  fromMs: number,
  count: number,
): { ok: true; value: PlannedRun[] } | { ok: false; error: ScheduleError } {
  const compiled = compileSchedule(schedule);
  if (!compiled.ok) return compiled;
  const out: PlannedRun[] = [];
  let t: number | null = Math.max(fromMs, schedule.effectiveFromMs ?? fromMs);
  let inclusive = schedule.effectiveFromMs !== undefined && schedule.effectiveFromMs > fromMs;
  while (out.length < count) {
    t = compiled.value.next(t, inclusive);
    inclusive = false;
    if (t === null) break;
    out.push({ dueMs: t, windowEndMs: t + schedule.windowS * 1000 });
  }
  return { ok: true, value: out };
}
