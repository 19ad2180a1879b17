import { describe, expect, it } from 'vitest';
import { missingCalendarYears, parseYearCalendar, yearsOf } from './calendar-years.ts';

/** Beijing local time as an instant. */
const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);

/** A made-up 2027 (the real notice is not published here): New Year and a make-up Saturday. */
const Y2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-08', '2027-02-05'],
  makeUpWorkdays: ['2027-02-20'],
  source: 'test data, not the official notice',
};

describe("a year's official calendar as an administrator loads it", () => {
  it('accepts a well-formed year and sorts its dates', () => {
    const r = parseYearCalendar(Y2027);
    expect(r).toEqual({
      ok: true,
      value: { ...Y2027, holidays: ['2027-01-01', '2027-02-05', '2027-02-08'] },
    });
  });

  it.each([
    ['not an object', 'nonsense', /calendar: \/: /],
    ['no year', { holidays: ['2027-01-01'], makeUpWorkdays: [] }, /year/],
    ['an unknown field', { ...Y2027, holiday: [] }, /additional.*\(holiday\)/i],
    ['no holidays at all', { ...Y2027, holidays: [] }, /\/holidays/],
    [
      'a date that is not a date',
      { ...Y2027, holidays: ['2027-02-30'] },
      /\/holidays\/0: '2027-02-30' is not a date/,
    ],
    ['a date in another shape', { ...Y2027, holidays: ['2027/01/01'] }, /'2027\/01\/01' is not a date/],
    [
      'a date of another year',
      { ...Y2027, holidays: ['2026-12-31'] },
      /\/holidays\/0: 2026-12-31 is not in 2027/,
    ],
    [
      'a date listed twice',
      { ...Y2027, holidays: ['2027-01-01', '2027-01-01'] },
      /\/holidays\/1: 2027-01-01 is already listed at \/holidays\/0/,
    ],
    [
      'a date in both lists',
      { ...Y2027, makeUpWorkdays: ['2027-01-02', '2027-01-01'] },
      /\/makeUpWorkdays\/1: 2027-01-01 is already listed at \/holidays\/0/,
    ],
    [
      'a make-up day on a weekday',
      { ...Y2027, makeUpWorkdays: ['2027-02-22'] },
      /\/makeUpWorkdays\/0: 2027-02-22 is a weekday/,
    ],
  ])('refuses %s, naming it', (_what, input, message) => {
    const r = parseYearCalendar(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ValidationFailed');
      expect(r.error.message).toMatch(message);
    }
  });

  it('names every problem at once', () => {
    const r = parseYearCalendar({
      ...Y2027,
      holidays: ['2027-13-01', '2028-01-01'],
      makeUpWorkdays: ['2027-02-22'],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message.split('; ')).toHaveLength(3);
  });
});

describe('years in use without a calendar', () => {
  it('reports this year when it is missing', () => {
    expect(missingCalendarYears([2026], bj('2027-03-01 10:00'), 480)).toEqual([2027]);
    expect(missingCalendarYears([2026, 2027], bj('2027-03-01 10:00'), 480)).toEqual([]);
  });

  it('reports next year within a month of it, by local time', () => {
    expect(missingCalendarYears([2026], bj('2026-11-30 10:00'), 480)).toEqual([]);
    expect(missingCalendarYears([2026], bj('2026-12-07 10:00'), 480)).toEqual([2027]);
    // 2026-12-31 20:00 UTC is already 2027-01-01 in Beijing.
    expect(missingCalendarYears([2027], Date.UTC(2026, 11, 31, 20), 480)).toEqual([]);
    expect(missingCalendarYears([2026], Date.UTC(2026, 11, 31, 20), 480)).toEqual([2027]);
  });

  it('reads the years of a list of dates', () => {
    expect(yearsOf(['2027-01-01', '2026-10-01', '2027-02-01'])).toEqual([2026, 2027]);
    expect(yearsOf([])).toEqual([]);
  });
});
