/**
 * `aerie tickets calendar load <year> <file.json>`: loads a year's official holidays and make-up
 * working days (调休上班) into the data directory's database (or AERIE_DATABASE_URL's), with the
 * checks of PUT /api/tickets/calendar/{year}: the year on the command line and in the file agree,
 * the file is checked date by date (parseYearCalendar). Deadlines already set for open tickets
 * running in that year are computed again with it. A server already running keeps the calendar
 * it read at start-up until it restarts; to change a running server, use the PUT route.
 */
import { readFile } from 'node:fs/promises';
import { fail, ok, type Result } from '@aerie/contracts';
import type { ServerConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { MediaLibrary } from '../media/library.ts';
import { openMediaStore } from '../media/open.ts';
import { CALENDAR_YEAR_RANGE, calendarYearMismatch, type YearCalendar } from './core/calendar-years.ts';
import { parseTicketPolicy } from './core/policy.ts';
import { TicketDesk } from './desk.ts';

export interface CalendarLoaded {
  calendar: YearCalendar;
  /** Open tickets whose deadlines changed. */
  recomputed: number;
}

/** Reads, checks and loads the file; an expected failure is a value naming what is wrong. */
export async function loadCalendarFile(
  yearArg: string,
  file: string,
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl' | 'media' | 'tickets'>,
  now: () => number = Date.now,
): Promise<Result<CalendarLoaded, 'ValidationFailed'>> {
  const year = Number(yearArg);
  const { min, max } = CALENDAR_YEAR_RANGE;
  if (!Number.isInteger(year) || year < min || year > max)
    return fail('ValidationFailed', `year: must be a whole number ${min}..${max}, got '${yearArg}'`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return fail(
      'ValidationFailed',
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return fail('ValidationFailed', `${file}: not JSON (${(err as Error).message})`);
  }
  const mismatch = calendarYearMismatch(year, body, 'the command');
  if (mismatch) return fail('ValidationFailed', `${file}: ${mismatch}`);
  const policy = parseTicketPolicy(config.tickets);
  if (!policy.ok) return fail('ValidationFailed', policy.error.message);

  const database = await openDatabase({ dataDir: config.dataDir, url: config.databaseUrl ?? undefined });
  const store = await openMediaStore(config.dataDir, config.media);
  try {
    const desk = new TicketDesk(database.db, policy.value, new MediaLibrary(store), now);
    await desk.loadCalendar();
    const loaded = await desk.loadCalendarYear(body, null);
    return loaded.ok ? ok(loaded.value) : fail('ValidationFailed', `${file}: ${loaded.error.message}`);
  } finally {
    store.close();
    await database.close();
  }
}

/** The lines the CLI prints for a loaded year. */
export function calendarLoadedText(l: CalendarLoaded): string {
  const c = l.calendar;
  return (
    `calendar ${c.year} loaded: ${c.holidays.length} holidays, ${c.makeUpWorkdays.length} make-up working days` +
    `${c.source ? ` (source: ${c.source})` : ''}\n` +
    `deadlines computed again for ${l.recomputed} open ticket${l.recomputed === 1 ? '' : 's'}\n` +
    'a server already running uses it after a restart (or load it with PUT /api/tickets/calendar/<year>)'
  );
}
