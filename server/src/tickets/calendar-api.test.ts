/**
 * The working calendar through the API: the shipped official year is used by the ticket clock;
 * a year in use without a calendar is reported (health warning, GET /api/tickets/calendar)
 * instead of silently counting every weekday as working; an administrator loads a year from
 * its JSON file with PUT, bad files answer a coded error naming what is wrong and store
 * nothing, and a loaded year survives a restart of the desk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type Harness, signedConstructionTicket, startHarness } from '../test/harness.ts';
import { TicketDesk } from './desk.ts';

/** Beijing local time as an instant. */
const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
/** Made-up dates for 2027 (the official notice cannot be fetched here). */
const Y2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-05', '2027-02-08'],
  makeUpWorkdays: ['2027-02-20'],
  source: 'test data, not the official notice',
};

let h: Harness;
let dispatcher = '';
let admin = '';
/** The first week of December 2026: the 2027 notice is due and not loaded. */
const DECEMBER = bj('2026-12-07 10:00');
beforeAll(async () => {
  h = await startHarness();
  // Sessions are signed in at the test's time (they expire over months of the harness clock).
  h.clock.t = DECEMBER;
  admin = (await h.login('admin', ADMIN_PASSWORD)).json().token;
  h.adminToken = admin;
  dispatcher = await h.userToken('dispatcher');
});
afterAll(async () => h?.close());

const put = (year: number | string, body: unknown, token = admin) =>
  h.req('PUT', `/api/tickets/calendar/${year}`, { token, body: body as object });

describe('the working calendar', () => {
  it('uses the shipped official 2026 calendar for ticket time limits', () => {
    const cal = h.app.tickets.calendar;
    expect(cal.isWorkingDay(bj('2026-10-05 10:00'))).toBe(false); // National Day, a Monday
    expect(cal.isWorkingDay(bj('2026-10-10 10:00'))).toBe(true); // make-up Saturday
  });

  it('reports a year in use that has no calendar, in health and in its own route', async () => {
    h.clock.t = bj('2026-06-01 10:00');
    expect((await h.req('GET', '/api/health')).json().warnings).toEqual([]);
    h.clock.t = DECEMBER;
    const health = (await h.req('GET', '/api/health')).json();
    expect(health.status).toBe('ok');
    expect(health.warnings).toEqual([
      {
        code: 'CalendarYearMissing',
        message: expect.stringMatching(
          /^no working calendar for 2027: .*PUT \/api\/tickets\/calendar\/2027$/,
        ),
      },
    ]);
    const status = await h.req('GET', '/api/tickets/calendar', { token: dispatcher });
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toEqual({
      years: [{ year: 2026, origin: 'shipped', source: expect.stringContaining('2026') }],
      missingYears: [2027],
    });
  });

  it('refuses bad files with a coded error naming the problem, and stores nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...Y2027, holidays: ['2027-02-30'] }, /\/holidays\/0: '2027-02-30' is not a date/],
      [{ ...Y2027, makeUpWorkdays: ['2027-02-22'] }, /2027-02-22 is a weekday/],
      [{ ...Y2027, holidays: ['2026-12-31'] }, /2026-12-31 is not in 2027/],
      [{ ...Y2027, year: 2028 }, /the file is for 2028, the address for 2027/],
      [{ year: 2027, makeUpWorkdays: [] }, /holidays/],
    ];
    for (const [body, message] of cases) {
      const res = await put(2027, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('ValidationFailed');
      expect(res.json().error.message).toMatch(message);
    }
    expect((await put(2027, Y2027, dispatcher)).statusCode).toBe(403);
    expect((await h.req('GET', '/api/tickets/calendar', { token: dispatcher })).json().missingYears).toEqual([
      2027,
    ]);
    expect(h.app.tickets.calendar.isWorkingDay(bj('2027-02-08 10:00'))).toBe(true);
  });

  it('loads a year: the clock uses it at once, health is quiet, and it survives a restart', async () => {
    const res = await put(2027, Y2027);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ year: 2027, holidays: Y2027.holidays });
    const cal = h.app.tickets.calendar;
    expect(cal.isWorkingDay(bj('2027-02-08 10:00'))).toBe(false); // a Monday holiday
    expect(cal.isWorkingDay(bj('2027-02-20 10:00'))).toBe(true); // a make-up Saturday
    expect(cal.isWorkingDay(bj('2026-10-05 10:00'))).toBe(false); // 2026 still shipped
    expect((await h.req('GET', '/api/health')).json().warnings).toEqual([]);
    expect((await h.req('GET', '/api/tickets/calendar', { token: dispatcher })).json()).toEqual({
      years: [
        { year: 2026, origin: 'shipped', source: expect.any(String) },
        { year: 2027, origin: 'loaded', source: Y2027.source },
      ],
      missingYears: [],
    });
    // Loading again replaces the year.
    expect((await put(2027, { ...Y2027, holidays: ['2027-01-01'] })).statusCode).toBe(200);
    expect(h.app.tickets.calendar.isWorkingDay(bj('2027-02-08 10:00'))).toBe(true);
    // A desk started on the same database (a restart) reads the loaded year.
    const again = new TicketDesk(
      h.app.aerie.database.db,
      h.app.tickets.policy,
      h.app.tickets.media,
      () => h.clock.t,
    );
    await again.loadCalendar();
    expect(again.calendar.isWorkingDay(bj('2027-01-01 10:00'))).toBe(false);
    expect((await again.calendarStatus()).missingYears).toEqual([]);
  });

  it('loading a year computes again the deadlines already set for open tickets running into it', async () => {
    // 2027 is loaded with 1 January as its only holiday (the test before). A construction
    // ticket (5 working days to handle) signed on Thursday 31 December runs into January.
    const t = await signedConstructionTicket(h, bj('2026-12-31 10:00'));
    const before = await t.read();
    expect(before.status).toBe('signed');
    const deadline = Date.parse(before.handleDeadlineAt!);
    expect(deadline).toBeGreaterThan(bj('2027-01-04 00:00'));
    // The notice adds Monday 4 January: the deadline moves one working day later.
    h.clock.t = bj('2027-01-02 10:00');
    const admin = (await h.login('admin', ADMIN_PASSWORD)).json().token;
    const res = await put(2027, { ...Y2027, holidays: ['2027-01-01', '2027-01-04'] }, admin);
    expect(res.statusCode, res.body).toBe(200);
    const after = await t.read();
    const moved = Date.parse(after.handleDeadlineAt!);
    expect(moved).toBe(h.app.tickets.calendar.addWorkingMinutes(bj('2026-12-31 10:00'), 5 * (8 * 60 - 90)));
    expect(h.app.tickets.calendar.isWorkingDay(bj('2027-01-04 10:00'))).toBe(false);
    // One working day later: the same clock time on a later day.
    expect(new Date(moved).getUTCHours()).toBe(new Date(deadline).getUTCHours());
    expect(moved - deadline).toBeGreaterThanOrEqual(86_400_000);
    expect(after.dueAt).toBe(after.handleDeadlineAt);
    // The status and version are the ticket's own: a calendar is not a transition.
    expect(after).toMatchObject({ status: 'signed', version: before.version });
  });
});
