/**
 * The schedule form's values and the RRULE they stand for. Dispatchers tick weekdays (or days
 * of the month) and list times of day; the rule text is built here, never typed by hand.
 */
import { DEFAULT_SCHEDULE_TIME_ZONE, nextRuns, type PatrolSchedule, type PlannedRun } from '@aerie/missions';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Repeat = 'daily' | 'weekly' | 'monthly' | 'once';

export interface RecurrenceForm {
  repeat: Repeat;
  weekdays: Weekday[];
  /** Days of the month, 1..31 (monthly). */
  monthDays: number[];
  /** Times of day, `HH:mm`, in the schedule's time zone. */
  times: string[];
  /** First day (`YYYY-MM-DD`); for `once`, the day it flies. */
  startDate: string;
  /** Last day (`YYYY-MM-DD`), or null for no end. */
  endDate: string | null;
  /** Minutes after the due time within which the sortie may still start. */
  windowMin: number;
  /** 0..100, higher first. */
  priority: number;
  tz: string;
}

export type FormProblem = {
  field: 'weekdays' | 'monthDays' | 'times' | 'startDate' | 'endDate' | 'windowMin' | 'priority';
  code: string;
};

export type BuiltSchedule =
  | { ok: true; rrule: string | null; dtstart: string; schedule: PatrolSchedule }
  | { ok: false; problem: FormProblem };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function defaultForm(today: string): RecurrenceForm {
  return {
    repeat: 'weekly',
    weekdays: ['MO', 'TU', 'WE', 'TH', 'FR'],
    monthDays: [1],
    times: ['09:00'],
    startDate: today,
    endDate: null,
    windowMin: 30,
    priority: 50,
    tz: DEFAULT_SCHEDULE_TIME_ZONE,
  };
}

/** Builds the RRULE and the schedule the scheduler reads, or names the field that is wrong. */
export function buildSchedule(form: RecurrenceForm, id = 'draft'): BuiltSchedule {
  const bad = (field: FormProblem['field'], code: string): BuiltSchedule => ({
    ok: false,
    problem: { field, code },
  });
  if (!DATE.test(form.startDate)) return bad('startDate', 'invalidDate');
  if (form.endDate !== null && !DATE.test(form.endDate)) return bad('endDate', 'invalidDate');
  if (form.endDate !== null && form.endDate < form.startDate) return bad('endDate', 'beforeStart');
  if (!(form.windowMin >= 0)) return bad('windowMin', 'invalid');
  if (!(form.priority >= 0 && form.priority <= 100)) return bad('priority', 'invalid');
  const times = [...new Set(form.times)].sort();
  if (times.length === 0) return bad('times', 'required');
  const parsed = times.map((t) => TIME.exec(t));
  if (parsed.some((m) => !m)) return bad('times', 'invalidTime');
  const hours = [...new Set(parsed.map((m) => Number(m![1])))].sort((a, b) => a - b);
  const minutes = [...new Set(parsed.map((m) => Number(m![2])))].sort((a, b) => a - b);
  const base = {
    id,
    windowS: Math.round(form.windowMin * 60),
    priority: form.priority,
    enabled: true,
    tz: form.tz,
  };
  if (form.repeat === 'once') {
    if (times.length !== 1) return bad('times', 'onceOneTime');
    // The one-off instant is resolved by the caller's clock in `tz`; one COUNT=1 rule keeps it
    // in the same wall-clock expansion as recurring schedules.
    const rrule = `FREQ=DAILY;COUNT=1;BYHOUR=${hours[0]};BYMINUTE=${minutes[0]};BYSECOND=0`;
    return {
      ok: true,
      rrule,
      dtstart: `${form.startDate}T00:00`,
      schedule: { ...base, kind: 'recurring', rrule, dtstart: `${form.startDate}T00:00` },
    };
  }
  // BYHOUR x BYMINUTE is a product: 09:00 and 15:30 cannot share one rule without also
  // flying 09:30 and 15:00, so the times must share their minutes.
  if (hours.length * minutes.length !== times.length) return bad('times', 'mixedMinutes');
  const parts = [
    `FREQ=${form.repeat === 'daily' ? 'DAILY' : form.repeat === 'weekly' ? 'WEEKLY' : 'MONTHLY'}`,
  ];
  if (form.repeat === 'weekly') {
    if (form.weekdays.length === 0) return bad('weekdays', 'required');
    parts.push(`BYDAY=${WEEKDAYS.filter((d) => form.weekdays.includes(d)).join(',')}`);
  }
  if (form.repeat === 'monthly') {
    const days = [...new Set(form.monthDays)].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b);
    if (days.length === 0) return bad('monthDays', 'required');
    parts.push(`BYMONTHDAY=${days.join(',')}`);
  }
  parts.push(`BYHOUR=${hours.join(',')}`, `BYMINUTE=${minutes.join(',')}`, 'BYSECOND=0');
  if (form.endDate) parts.push(`UNTIL=${form.endDate.replaceAll('-', '')}T235959`);
  const rrule = parts.join(';');
  const dtstart = `${form.startDate}T00:00`;
  return { ok: true, rrule, dtstart, schedule: { ...base, kind: 'recurring', rrule, dtstart } };
}

/** The next runs of the form's schedule after `fromMs` (for the preview), or the problem. */
export function previewRuns(
  form: RecurrenceForm,
  fromMs: number,
  count: number,
): { ok: true; runs: PlannedRun[] } | { ok: false; problem: FormProblem | { field: string; code: string } } {
  const built = buildSchedule(form);
  if (!built.ok) return built;
  const r = nextRuns(built.schedule, fromMs, count);
  if (!r.ok) return { ok: false, problem: { field: r.error.field, code: r.error.code } };
  return { ok: true, runs: r.value };
}
