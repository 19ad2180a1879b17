/**
 * The working calendar: which local minutes count as working time. A day is a working day
 * when it is a make-up working day (调休上班), or a Monday-Friday that is not a public
 * holiday. Working hours are a list of local intervals (default 09:00-12:00 and 13:30-18:00).
 *
 * Local time is UTC plus a fixed offset (China has no daylight saving: +08:00), which keeps
 * this pure and fast enough for a sweep over 100,000 tickets.
 */
import { CN_HOLIDAYS, CN_MAKE_UP_WORKDAYS } from './holidays-cn.ts';

export interface WorkingCalendarConfig {
  /** Minutes east of UTC of the local time (Asia/Shanghai: 480). */
  utcOffsetMinutes: number;
  /** Working intervals of a working day, 'HH:MM' local, ascending and not overlapping. */
  hours: { start: string; end: string }[];
  /** Local dates (YYYY-MM-DD) off work. */
  holidays: readonly string[];
  /** Local dates (YYYY-MM-DD) that are working days even on a weekend. */
  makeUpWorkdays: readonly string[];
}

export const DEFAULT_WORKING_HOURS = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

/** The default calendar: China's official holidays shipped in `holidays-cn.ts`, +08:00. */
export function chineseCalendarConfig(
  extra: Partial<Pick<WorkingCalendarConfig, 'holidays' | 'makeUpWorkdays' | 'hours'>> = {},
): WorkingCalendarConfig {
  return {
    utcOffsetMinutes: 480,
    hours: extra.hours ?? DEFAULT_WORKING_HOURS,
    holidays: [...Object.values(CN_HOLIDAYS).flat(), ...(extra.holidays ?? [])],
    makeUpWorkdays: [...Object.values(CN_MAKE_UP_WORKDAYS).flat(), ...(extra.makeUpWorkdays ?? [])],
  };
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** How far a deadline computation looks ahead before giving up (a calendar with no working time). */
const MAX_DAYS = 3660;

function parseHm(hm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) throw new Error(`working hours: '${hm}' is not HH:MM`);
  const v = Number(m[1]) * 60 + Number(m[2]);
  if (v > 24 * 60 || Number(m[2]) > 59) throw new Error(`working hours: '${hm}' is not a time of day`);
  return v;
}

/** A calendar ready for computations. Throws on malformed configuration (checked at start-up). */
export class WorkingCalendar {
  private readonly offsetMs: number;
  /** Working intervals in minutes after local midnight. */
  private readonly intervals: [number, number][];
  private readonly holidays: Set<string>;
  private readonly makeUp: Set<string>;
  /** Working minutes of a full working day. */
  readonly minutesPerDay: number;
  /** isWorkingDay by local day number: the sweep asks about the same days for many tickets. */
  private readonly dayCache = new Map<number, boolean>();

  constructor(cfg: WorkingCalendarConfig) {
    this.offsetMs = cfg.utcOffsetMinutes * MIN_MS;
    this.intervals = cfg.hours.map((h) => [parseHm(h.start), parseHm(h.end)]);
    let last = -1;
    for (const [s, e] of this.intervals) {
      if (!(s < e) || s < last) throw new Error('working hours must be ascending, non-overlapping intervals');
      last = e;
    }
    const date = /^\d{4}-\d{2}-\d{2}$/;
    for (const d of [...cfg.holidays, ...cfg.makeUpWorkdays])
      if (!date.test(d)) throw new Error(`calendar date '${d}' is not YYYY-MM-DD`);
    this.holidays = new Set(cfg.holidays);
    this.makeUp = new Set(cfg.makeUpWorkdays);
    this.minutesPerDay = this.intervals.reduce((a, [s, e]) => a + (e - s), 0);
  }

  /** Local date (YYYY-MM-DD) of an instant. */
  localDate(at: number): string {
    return new Date(at + this.offsetMs).toISOString().slice(0, 10);
  }

  /** Whether the local day containing `at` is a working day. */
  isWorkingDay(at: number): boolean {
    const dayNo = Math.floor((at + this.offsetMs) / DAY_MS);
    const cached = this.dayCache.get(dayNo);
    if (cached !== undefined) return cached;
    const v = this.computeWorkingDay(at);
    if (this.dayCache.size > 20_000) this.dayCache.clear();
    this.dayCache.set(dayNo, v);
    return v;
  }

  private computeWorkingDay(at: number): boolean {
    const local = new Date(at + this.offsetMs);
    const date = local.toISOString().slice(0, 10);
    if (this.makeUp.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const wd = local.getUTCDay();
    return wd !== 0 && wd !== 6;
  }

  /** UTC epoch ms of local midnight of the day containing `at`. */
  private dayStart(at: number): number {
    return Math.floor((at + this.offsetMs) / DAY_MS) * DAY_MS - this.offsetMs;
  }

  /** The instant `minutes` working minutes after `start`. */
  addWorkingMinutes(start: number, minutes: number): number {
    if (minutes <= 0) return start;
    let remaining = minutes * MIN_MS;
    let day = this.dayStart(start);
    for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
      if (!this.isWorkingDay(day)) continue;
      for (const [s, e] of this.intervals) {
        const from = Math.max(day + s * MIN_MS, start);
        const to = day + e * MIN_MS;
        if (to <= from) continue;
        if (to - from >= remaining) return from + remaining;
        remaining -= to - from;
      }
    }
    throw new Error('the working calendar has no working time in the next ten years');
  }

  /** Working milliseconds in [a, b) (0 when b <= a). */
  workingMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    let total = 0;
    const firstDay = this.dayStart(a);
    const lastDay = this.dayStart(b);
    // Whole working days in between are counted per day without looking at intervals.
    for (let day = firstDay; day <= lastDay; day += DAY_MS) {
      if (!this.isWorkingDay(day)) continue;
      if (day > firstDay && day < lastDay) {
        total += this.minutesPerDay * MIN_MS;
        continue;
      }
      for (const [s, e] of this.intervals) {
        const from = Math.max(day + s * MIN_MS, a);
        const to = Math.min(day + e * MIN_MS, b);
        if (to > from) total += to - from;
      }
    }
    return total;
  }

  /** Whole working days that have ended in (a, b]: how long a deadline `a` is overdue at `b`. */
  workingDaysBetween(a: number, b: number): number {
    if (b <= a || this.minutesPerDay === 0) return 0;
    return Math.floor(this.workingMsBetween(a, b) / (this.minutesPerDay * MIN_MS));
  }
}
