import { describe, expect, it } from 'vitest';
import { chineseCalendarConfig, WorkingCalendar } from './calendar.ts';
import { newLifecycle, type TicketLifecycle } from './lifecycle.ts';
import { deadlines, slaState, sweepDecision } from './sla.ts';

const cal = new WorkingCalendar(chineseCalendarConfig());
/** Beijing local time as an instant: bj('2026-06-05 17:00'). */
const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
const iso = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('working calendar (2026 official calendar, 09:00-12:00 and 13:30-18:00)', () => {
  it('knows weekends, holidays and make-up working days', () => {
    expect(cal.isWorkingDay(bj('2026-06-05 10:00'))).toBe(true); // Friday
    expect(cal.isWorkingDay(bj('2026-06-06 10:00'))).toBe(false); // Saturday
    expect(cal.isWorkingDay(bj('2026-10-05 10:00'))).toBe(false); // National Day, a Monday
    expect(cal.isWorkingDay(bj('2026-10-10 10:00'))).toBe(true); // make-up Saturday
    expect(cal.isWorkingDay(bj('2026-09-20 10:00'))).toBe(true); // make-up Sunday
    // Local date, not UTC date: 00:30 Beijing on Saturday is still Friday in UTC.
    expect(cal.isWorkingDay(bj('2026-06-06 00:30'))).toBe(false);
    expect(cal.minutesPerDay).toBe(450);
  });

  it.each([
    ['inside the morning', '2026-06-03 09:30', 60, '2026-06-03 10:30'],
    ['over lunch', '2026-06-03 11:30', 60, '2026-06-03 14:00'],
    ['before opening', '2026-06-03 07:00', 30, '2026-06-03 09:30'],
    ['during lunch', '2026-06-03 12:40', 30, '2026-06-03 14:00'],
    ['after closing', '2026-06-03 19:00', 30, '2026-06-04 09:30'],
    ['across a weekend', '2026-06-05 17:00', 120, '2026-06-08 10:00'],
    ['across the Mid-Autumn holiday (Fri 25 - Sun 27 Sep)', '2026-09-24 17:00', 120, '2026-09-28 10:00'],
    ['onto the make-up Sunday 20 Sep', '2026-09-18 17:00', 120, '2026-09-20 10:00'],
    ['onto the make-up Saturday 14 Feb', '2026-02-13 17:00', 480, '2026-02-14 17:30'],
    ['over the make-up day and Spring Festival', '2026-02-13 17:00', 600, '2026-02-24 10:30'],
    ['across National Day (1-7 Oct)', '2026-09-30 17:00', 120, '2026-10-08 10:00'],
    ['New Year: make-up Sunday 4 Jan', '2025-12-31 17:00', 120, '2026-01-04 10:00'],
  ])('adds working minutes %s', (_what, start, minutes, end) => {
    expect(iso(cal.addWorkingMinutes(bj(start), minutes))).toBe(end);
  });

  it('counts working time between two instants as addWorkingMinutes does', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      const start = bj('2026-01-01 00:00') + Math.floor(rnd() * 360 * 86_400_000);
      const minutes = 1 + Math.floor(rnd() * 5000);
      const end = cal.addWorkingMinutes(start, minutes);
      expect(cal.workingMsBetween(start, end)).toBe(minutes * 60_000);
    }
    expect(cal.workingMsBetween(bj('2026-06-05 17:00'), bj('2026-06-08 10:00'))).toBe(120 * 60_000);
    expect(cal.workingMsBetween(bj('2026-06-08 10:00'), bj('2026-06-05 17:00'))).toBe(0);
    expect(cal.workingDaysBetween(bj('2026-09-24 10:00'), bj('2026-09-28 10:00'))).toBe(1);
  });

  it('refuses malformed hours and dates', () => {
    expect(
      () => new WorkingCalendar({ ...chineseCalendarConfig(), hours: [{ start: '9:00', end: '12:00' }] }),
    ).toThrow(/HH:MM/);
    expect(
      () =>
        new WorkingCalendar({
          ...chineseCalendarConfig(),
          hours: [
            { start: '13:00', end: '18:00' },
            { start: '09:00', end: '12:00' },
          ],
        }),
    ).toThrow(/ascending/);
    expect(() => new WorkingCalendar({ ...chineseCalendarConfig(), holidays: ['2026/01/01'] })).toThrow(
      /YYYY-MM-DD/,
    );
    expect(() =>
      new WorkingCalendar({ ...chineseCalendarConfig(), hours: [] }).addWorkingMinutes(0, 1),
    ).toThrow(/no working time/);
  });

  it('takes extra holidays and make-up days from configuration', () => {
    const c = new WorkingCalendar(
      chineseCalendarConfig({ holidays: ['2026-06-08'], makeUpWorkdays: ['2026-06-06'] }),
    );
    expect(iso(c.addWorkingMinutes(bj('2026-06-05 17:00'), 120))).toBe('2026-06-06 10:00');
    expect(c.isWorkingDay(bj('2026-06-08 10:00'))).toBe(false);
  });
});

describe('time limits with a fake clock', () => {
  const policy = { signMinutes: 120, handleMinutes: 450 };
  const opts = { warnAt: 0.8, reEscalateEveryWorkingDays: 1 };
  const dispatched: TicketLifecycle = {
    ...newLifecycle(),
    status: 'dispatched',
    departmentId: 'd',
    dispatchedAt: bj('2026-06-05 16:30'), // Friday
  };
  const at = (s: string, o = opts) => slaState(dispatched, policy, cal, bj(s), o);

  it('the sign clock stops over the weekend, warns at 80%, escalates at 100% and per overdue working day', () => {
    expect(iso(at('2026-06-05 17:00')?.deadlineAt ?? 0)).toBe('2026-06-08 09:30');
    expect(at('2026-06-05 17:45')).toMatchObject({ phase: 'sign', level: 'ok', escalationLevel: 0 });
    expect(at('2026-06-06 12:00')?.usedFraction).toBeCloseTo(90 / 120);
    expect(at('2026-06-07 23:59')?.level).toBe('ok');
    expect(at('2026-06-08 09:05')?.level).toBe('ok');
    expect(at('2026-06-08 09:06')?.level).toBe('warning');
    expect(at('2026-06-08 09:30')).toMatchObject({
      level: 'overdue',
      escalationLevel: 1,
      overdueWorkingDays: 0,
    });
    expect(at('2026-06-09 09:29')).toMatchObject({ escalationLevel: 1 });
    expect(at('2026-06-09 09:30')).toMatchObject({ escalationLevel: 2, overdueWorkingDays: 1 });
    expect(at('2026-06-11 09:30', { ...opts, reEscalateEveryWorkingDays: 2 })).toMatchObject({
      overdueWorkingDays: 3,
      escalationLevel: 2,
    });
    expect(at('2026-06-08 10:00')?.remainingWorkingMs).toBe(-30 * 60_000);
  });

  it('the handle clock runs from signing, across a holiday, and a granted extension moves it', () => {
    const signed: TicketLifecycle = {
      ...dispatched,
      status: 'in_progress',
      signedAt: bj('2026-09-24 14:00'),
    };
    const s = slaState(signed, policy, cal, bj('2026-09-26 10:00'), opts);
    expect(s?.phase).toBe('handle');
    // 240 min on Thursday, holiday Fri-Sun, 210 more on Monday.
    expect(iso(s?.deadlineAt ?? 0)).toBe('2026-09-28 14:00');
    // The holiday does not count: 240 of 450 minutes used.
    expect(s?.level).toBe('ok');
    expect(s?.usedFraction).toBeCloseTo(240 / 450);
    const granted = { ...signed, extension: 'granted' as const, extensionMinutes: 60 };
    expect(iso(slaState(granted, policy, cal, bj('2026-09-26 10:00'), opts)?.deadlineAt ?? 0)).toBe(
      '2026-09-28 15:00',
    );
    expect(iso(deadlines(granted, policy, cal).handleDeadlineAt ?? 0)).toBe('2026-09-28 15:00');
    expect(slaState({ ...signed, status: 'handled' }, policy, cal, bj('2026-09-30 10:00'), opts)).toBeNull();
  });

  it('the countdown is working time left: it stands still over a weekend and a holiday', () => {
    const left = (s: string) => (at(s)?.remainingWorkingMs ?? Number.NaN) / 60_000;
    // Sign clock from Friday 16:30, 120 working minutes: 30 used on Friday.
    expect(left('2026-06-05 17:45')).toBe(45);
    expect(left('2026-06-05 18:00')).toBe(30);
    expect(left('2026-06-06 12:00')).toBe(30); // Saturday: 45.5 wall-clock hours before the deadline
    expect(left('2026-06-07 23:59')).toBe(30);
    expect(left('2026-06-08 09:10')).toBe(20);
    expect(left('2026-06-08 10:00')).toBe(-30);
    // Handle clock from Thursday 24 Sep 14:00, 450 working minutes, Mid-Autumn Fri 25 - Sun 27.
    const signed: TicketLifecycle = {
      ...dispatched,
      status: 'in_progress',
      signedAt: bj('2026-09-24 14:00'),
    };
    const handleLeft = (s: string) =>
      (slaState(signed, policy, cal, bj(s), opts)?.remainingWorkingMs ?? Number.NaN) / 60_000;
    expect(handleLeft('2026-09-24 17:00')).toBe(270);
    expect(handleLeft('2026-09-25 10:00')).toBe(210); // the holiday does not count
    expect(handleLeft('2026-09-27 18:00')).toBe(210);
    expect(handleLeft('2026-09-28 10:00')).toBe(150);
    // Before the deadline it is exactly the working time from now to the deadline.
    const s = slaState(signed, policy, cal, bj('2026-09-25 10:00'), opts)!;
    expect(s.remainingWorkingMs).toBe(cal.workingMsBetween(bj('2026-09-25 10:00'), s.deadlineAt));
  });

  it('the sweep raises a warning once and each escalation level once', () => {
    const none = { warned: false, escalationLevel: 0 };
    expect(sweepDecision(at('2026-06-05 17:00'), none)).toEqual({ warn: false, escalateTo: null });
    expect(sweepDecision(at('2026-06-08 09:10'), none)).toEqual({ warn: true, escalateTo: null });
    expect(sweepDecision(at('2026-06-08 09:10'), { warned: true, escalationLevel: 0 })).toEqual({
      warn: false,
      escalateTo: null,
    });
    expect(sweepDecision(at('2026-06-08 11:00'), { warned: true, escalationLevel: 0 })).toEqual({
      warn: false,
      escalateTo: 1,
    });
    expect(sweepDecision(at('2026-06-08 11:00'), { warned: true, escalationLevel: 1 }).escalateTo).toBeNull();
    expect(sweepDecision(at('2026-06-09 11:00'), { warned: true, escalationLevel: 1 }).escalateTo).toBe(2);
    expect(sweepDecision(null, none)).toEqual({ warn: false, escalateTo: null });
  });
});
