/**
 * `aerie tickets calendar load <year> <file.json>` (loadCalendarFile): the checks of PUT
 * /api/tickets/calendar/{year}, each failure naming what is wrong and storing nothing; a good
 * file is loaded into the data directory's database and the deadlines already set for open
 * tickets running in that year are computed again (the harness's clock is the fake clock).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../config.ts';
import { testDatabaseUrl } from '../test/database.ts';
import { type Harness, signedConstructionTicket, startHarness } from '../test/harness.ts';
import { calendarLoadedText, loadCalendarFile } from './calendar-cli.ts';
import { TicketDesk } from './desk.ts';

const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
const Y2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-04'],
  makeUpWorkdays: ['2027-02-20'],
  source: 'test data, not the official notice',
};

let h: Harness;
let dir = '';
const file = (name: string) => path.join(dir, name);
async function config() {
  const parsed = parseServerConfig({ dataDir: dir, databaseUrl: (await testDatabaseUrl(dir)) ?? null });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
/** Which years the database's calendar holds, as a desk started on it reads them. */
async function loadedYears(): Promise<number[]> {
  const desk = new TicketDesk(
    h.app.aerie.database.db,
    h.app.tickets.policy,
    h.app.tickets.media,
    () => h.clock.t,
  );
  return (await desk.calendarStatus()).years.filter((y) => y.origin === 'loaded').map((y) => y.year);
}

beforeAll(async () => {
  h = await startHarness({ tickets: { sweepEveryMs: 0 } });
  dir = h.dir;
  await writeFile(file('2027.json'), JSON.stringify(Y2027));
  await writeFile(file('broken.json'), '{"year": 2027, "holidays": [');
  await writeFile(file('2028.json'), JSON.stringify({ ...Y2027, year: 2028 }));
  await writeFile(file('bad-dates.json'), JSON.stringify({ ...Y2027, holidays: ['2027-02-30'] }));
});
afterAll(async () => h?.close());

describe('loadCalendarFile', () => {
  it('refuses what PUT refuses, naming the problem, and stores nothing', async () => {
    const cfg = await config();
    const cases: [string, string, RegExp][] = [
      ['27', '2027.json', /year: must be a whole number 2000\.\.2100, got '27'/],
      ['next', '2027.json', /got 'next'/],
      ['2027', 'missing.json', /missing\.json: cannot be read \(ENOENT\)/],
      ['2027', 'broken.json', /broken\.json: not JSON/],
      ['2027', '2028.json', /2028\.json: body\.year: the file is for 2028, the command for 2027/],
      ['2027', 'bad-dates.json', /\/holidays\/0: '2027-02-30' is not a date/],
    ];
    for (const [year, name, message] of cases) {
      const res = await loadCalendarFile(year, file(name), cfg, () => h.clock.t);
      expect(res.ok, `${year} ${name}`).toBe(false);
      if (!res.ok)
        expect(res.error).toMatchObject({
          code: 'ValidationFailed',
          message: expect.stringMatching(message),
        });
    }
    expect(await loadedYears()).toEqual([]);
  });

  it('loads a good file and computes again the deadline of an open ticket running into the year', async () => {
    // Signed Thursday 31 December 2026, 5 working days to handle: due in January 2027, which
    // has no calendar yet (every weekday counts).
    const t = await signedConstructionTicket(h, bj('2026-12-31 10:00'));
    const before = Date.parse((await t.read()).handleDeadlineAt!);
    h.clock.t = bj('2027-01-02 10:00');
    const res = await loadCalendarFile('2027', file('2027.json'), await config(), () => h.clock.t);
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.value.recomputed).toBe(1);
    expect(calendarLoadedText(res.value)).toBe(
      'calendar 2027 loaded: 2 holidays, 1 make-up working days (source: test data, not the official notice)\n' +
        'deadlines computed again for 1 open ticket\n' +
        'a server already running uses it after a restart (or load it with PUT /api/tickets/calendar/<year>)',
    );
    expect(await loadedYears()).toEqual([2027]);
    // Two January holidays (1st and 4th) the old deadline counted as working days.
    const after = Date.parse((await t.read()).handleDeadlineAt!);
    expect(after - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    // Loading the same file again changes nothing more.
    const again = await loadCalendarFile('2027', file('2027.json'), await config(), () => h.clock.t);
    expect(again.ok && again.value.recomputed).toBe(0);
  });
});
