/**
 * A year's official working calendar (国务院办公厅 节假日安排通知) as an administrator loads it:
 * the year, its public holidays and its make-up working days (调休上班). The notice is published
 * each November for the next year and cannot be fetched by an offline deployment, so it is
 * loaded from a file or the API; `parseYearCalendar` checks it and names what is wrong.
 *
 * A year the calendar does not know would silently count every Monday-Friday as a working day
 * (Spring Festival included), so `missingCalendarYears` tells which years in use have none:
 * health and the console report them. Pure: no I/O, the clock is an argument.
 */
import { fail, ok, type Result } from '@aerie/contracts';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { schemaProblems } from '../../schema-problems.ts';

export const YearCalendarSchema = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    /** Local dates (YYYY-MM-DD) off work, all in `year`. */
    holidays: Type.Array(Type.String(), { minItems: 1, maxItems: 366 }),
    /** Local dates (YYYY-MM-DD) worked although on a weekend, all in `year`. */
    makeUpWorkdays: Type.Array(Type.String(), { maxItems: 366 }),
    /** Where the dates come from (the notice's title or address). */
    source: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type YearCalendar = Static<typeof YearCalendarSchema>;

const DAY_MS = 86_400_000;

/** The weekday (0 = Sunday) of a real YYYY-MM-DD date, or null when it is no date. */
function weekdayOf(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2027-02-30 over into March: a real date reads back the same.
  if (new Date(t).toISOString().slice(0, 10) !== date) return null;
  return new Date(t).getUTCDay();
}

/**
 * Checks a year's calendar as loaded (parsed JSON). Fails with 'ValidationFailed' and a message
 * naming every problem: the shape, a date that is not a real YYYY-MM-DD date or not in the year,
 * a date listed twice or in both lists, a make-up working day that is not a Saturday or Sunday.
 */
export function parseYearCalendar(input: unknown): Result<YearCalendar, 'ValidationFailed'> {
  if (!Value.Check(YearCalendarSchema, input)) {
    return fail('ValidationFailed', `calendar: ${schemaProblems(YearCalendarSchema, input).join('; ')}`);
  }
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const list of ['holidays', 'makeUpWorkdays'] as const) {
    for (const [i, date] of input[list].entries()) {
      const where = `/${list}/${i}`;
      const weekday = weekdayOf(date);
      if (weekday === null) {
        problems.push(`${where}: '${date}' is not a date (YYYY-MM-DD)`);
        continue;
      }
      if (!date.startsWith(`${input.year}-`)) problems.push(`${where}: ${date} is not in ${input.year}`);
      const before = seen.get(date);
      if (before) problems.push(`${where}: ${date} is already listed at ${before}`);
      else seen.set(date, where);
      if (list === 'makeUpWorkdays' && weekday !== 0 && weekday !== 6)
        problems.push(
          `${where}: ${date} is a weekday, and a make-up working day (调休上班) falls on a weekend`,
        );
    }
  }
  if (problems.length > 0) return fail('ValidationFailed', `calendar ${input.year}: ${problems.join('; ')}`);
  return ok({
    year: input.year,
    holidays: [...input.holidays].sort(),
    makeUpWorkdays: [...input.makeUpWorkdays].sort(),
    ...(input.source !== undefined ? { source: input.source } : {}),
  });
}

/** The years a calendar may be loaded for (PUT /api/tickets/calendar/{year}, `aerie tickets calendar load`). */
export const CALENDAR_YEAR_RANGE = { min: 2000, max: 2100 } as const;

/**
 * Checks the year a calendar is loaded for (`where`: 'the address', 'the command') against the
 * year inside the file: a message naming the mismatch, or null when they agree.
 */
export function calendarYearMismatch(year: number, body: unknown, where: string): string | null {
  const inFile = (body as { year?: unknown } | null)?.year;
  return inFile === year ? null : `body.year: the file is for ${String(inFile)}, ${where} for ${year}`;
}

/** Years with at least one date among `dates` (YYYY-MM-DD). */
export function yearsOf(dates: readonly string[]): number[] {
  return [...new Set(dates.map((d) => Number(d.slice(0, 4))).filter(Number.isInteger))].sort();
}

/**
 * The years in use that have no calendar: the local year of `now`, and the next one once it is
 * `lookaheadDays` away or closer (tickets filed in late December run into January). Sorted.
 */
export function missingCalendarYears(
  known: readonly number[],
  now: number,
  utcOffsetMinutes: number,
  lookaheadDays = 31,
): number[] {
  const localYear = (t: number) => new Date(t + utcOffsetMinutes * 60_000).getUTCFullYear();
  const years = new Set([localYear(now), localYear(now + lookaheadDays * DAY_MS)]);
  const have = new Set(known);
  return [...years].filter((y) => !have.has(y)).sort();
}
