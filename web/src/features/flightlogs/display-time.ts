/**
 * Instants as the command centre reads them: wall-clock time in the centre's zone (Asia/Shanghai
 * unless configured otherwise), whatever zone the browser runs in, in the user's language.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The zone instants are shown and calendar days are counted in. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/** `at` (ISO string or epoch ms) in the display zone, as `format` (dayjs tokens). */
export function formatAt(at: string | number | null | undefined, format = 'YYYY-MM-DD HH:mm:ss'): string {
  if (at === null || at === undefined) return '—';
  const d = dayjs(at);
  return d.isValid() ? d.tz(DISPLAY_TIME_ZONE).format(format) : '—';
}

/**
 * The instant local midnight starts the calendar day a date picker chose, in the display
 * zone. The picker's value is in the browser's zone; only its calendar date is meant.
 */
export function startOfDisplayDay(picked: Dayjs): Dayjs {
  return dayjs.tz(picked.format('YYYY-MM-DD'), DISPLAY_TIME_ZONE);
}

/** The display zone's calendar day holding `ms`, as a picker value in the browser's zone. */
export function displayDayAsPickerValue(ms: number): Dayjs {
  return dayjs(dayjs(ms).tz(DISPLAY_TIME_ZONE).format('YYYY-MM-DD'));
}

/** [from, to) covering the picked days whole: from the first day's midnight to the day after the last. */
export function dayRange(first: Dayjs, last: Dayjs): { from: string; to: string } {
  return {
    from: startOfDisplayDay(first).toISOString(),
    to: startOfDisplayDay(last).add(1, 'day').toISOString(),
  };
}
