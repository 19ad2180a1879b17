import { describe, expect, it } from 'vitest';
import { compileSchedule, nextRuns, type PatrolSchedule } from './recurrence.ts';
import { instantOf, parseWall, wallOf, zoneOffsetMs } from './zoned-time.ts';

const WEEKDAYS_9_15 = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0';
const base: PatrolSchedule = {
  id: 's1',
  kind: 'recurring',
  rrule: WEEKDAYS_9_15,
  dtstart: '2026-01-05T00:00',
  windowS: 1800,
  priority: 10,
  enabled: true,
};
const iso = (ms: number) => new Date(ms).toISOString();

function runs(s: PatrolSchedule, from: number, n: number): string[] {
  const r = nextRuns(s, from, n);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((v) => iso(v.dueMs));
}

describe('zoned time', () => {
  it('knows Shanghai is UTC+8 all year and New York changes with DST', () => {
    expect(zoneOffsetMs('Asia/Shanghai', Date.UTC(2026, 0, 15))).toBe(8 * 3600_000);
    expect(zoneOffsetMs('Asia/Shanghai', Date.UTC(2026, 6, 15))).toBe(8 * 3600_000);
    expect(zoneOffsetMs('America/New_York', Date.UTC(2026, 0, 15))).toBe(-5 * 3600_000);
    expect(zoneOffsetMs('America/New_York', Date.UTC(2026, 6, 15))).toBe(-4 * 3600_000);
  });
  it('round-trips wall time and resolves the DST gap forward and the fold to the first instant', () => {
    const w = parseWall('2026-11-23T09:00')!;
    expect(iso(instantOf(w, 'Asia/Shanghai'))).toBe('2026-11-23T01:00:00.000Z');
    expect(wallOf(instantOf(w, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe(w);
    // 2026-03-08 02:30 does not exist in New York: read with EST it is 03:30 EDT.
    expect(iso(instantOf(parseWall('2026-03-08T02:30')!, 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 2026-11-01 01:30 happens twice: the first (EDT).
    expect(iso(instantOf(parseWall('2026-11-01T01:30')!, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
  it('refuses impossible dates', () => {
    expect(parseWall('2026-02-31T09:00')).toBeNull();
    expect(parseWall('2026-13-01')).toBeNull();
    expect(parseWall('tomorrow')).toBeNull();
  });
});

describe('recurring schedules', () => {
  it('runs weekdays at 09:00 and 15:00 Shanghai time (01:00 and 07:00 UTC), skipping the weekend', () => {
    // Friday 2026-11-20 00:00 UTC.
    expect(runs({ ...base, tz: 'Asia/Shanghai' }, Date.UTC(2026, 10, 20), 5)).toEqual([
      '2026-11-20T01:00:00.000Z',
      '2026-11-20T07:00:00.000Z',
      '2026-11-23T01:00:00.000Z',
      '2026-11-23T07:00:00.000Z',
      '2026-11-24T01:00:00.000Z',
    ]);
  });
  it('defaults to Asia/Shanghai', () => {
    expect(runs(base, Date.UTC(2026, 10, 20), 1)).toEqual(['2026-11-20T01:00:00.000Z']);
  });
  it('keeps 09:00 local across a DST change in New York', () => {
    const ny = { ...base, tz: 'America/New_York', rrule: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0' };
    expect(runs(ny, Date.UTC(2026, 2, 7, 0), 3)).toEqual([
      '2026-03-07T14:00:00.000Z', // EST
      '2026-03-08T13:00:00.000Z', // EDT from 2026-03-08
      '2026-03-09T13:00:00.000Z',
    ]);
  });
  it('moves a run that falls in the spring-forward gap and runs a fall-back hour once', () => {
    const gap = { ...base, tz: 'America/New_York', rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30;BYSECOND=0' };
    expect(runs(gap, Date.UTC(2026, 2, 7, 12), 2)).toEqual([
      '2026-03-08T07:30:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    const fold = { ...base, tz: 'America/New_York', rrule: 'FREQ=DAILY;BYHOUR=1;BYMINUTE=30;BYSECOND=0' };
    expect(runs(fold, Date.UTC(2026, 9, 31, 12), 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });
  it('answers the same for an old schedule as for a new one (rebasing keeps the occurrences)', () => {
    const old = {
      ...base,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      dtstart: '2020-01-06T00:00',
    };
    const got = runs(old, Date.UTC(2026, 10, 20), 3);
    // 2020-01-06 is a Monday; every other Monday from it.
    const weeks = (ms: number) => Math.round((ms - Date.UTC(2020, 0, 6, 1)) / (7 * 86_400_000));
    for (const g of got) expect(weeks(Date.parse(g)) % 2).toBe(0);
    expect(new Date(got[1]!).getTime() - new Date(got[0]!).getTime()).toBe(14 * 86_400_000);
  });
  it('honours COUNT and UNTIL', () => {
    const counted = {
      ...base,
      rrule: 'FREQ=DAILY;COUNT=3;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      dtstart: '2026-11-20T00:00',
    };
    expect(runs(counted, Date.UTC(2026, 10, 1), 10)).toHaveLength(3);
  });
  it('takes DTSTART from the rule text', () => {
    const s = {
      ...base,
      dtstart: undefined,
      rrule: 'DTSTART:20261120T000000\nRRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
    } as PatrolSchedule;
    expect(runs(s, Date.UTC(2026, 10, 1), 1)).toEqual(['2026-11-20T01:00:00.000Z']);
  });
  it('leaves out runs before effectiveFromMs and gives each run its window', () => {
    const s = { ...base, effectiveFromMs: Date.UTC(2026, 10, 20, 2) };
    const r = nextRuns(s, Date.UTC(2026, 10, 20), 1);
    expect(r.ok && r.value[0]).toEqual({
      dueMs: Date.UTC(2026, 10, 20, 7),
      windowEndMs: Date.UTC(2026, 10, 20, 7, 30),
    });
  });
  it('one-off and on-demand schedules', () => {
    const once: PatrolSchedule = { ...base, kind: 'once', atMs: Date.UTC(2026, 10, 21, 3) };
    expect(runs(once, Date.UTC(2026, 10, 20), 3)).toEqual(['2026-11-21T03:00:00.000Z']);
    expect(runs(once, Date.UTC(2026, 10, 22), 3)).toEqual([]);
    expect(runs({ ...base, kind: 'on_demand' }, Date.UTC(2026, 10, 20), 3)).toEqual([]);
  });
  it.each([
    [{ rrule: 'FREQ=SOMETIMES' }, 'InvalidRrule', 'rrule'],
    [{ rrule: 'BYHOUR=9' }, 'InvalidRrule', 'rrule'],
    [{ rrule: '' }, 'MissingRrule', 'rrule'],
    [{ tz: 'Mars/Olympus' }, 'InvalidTimeZone', 'tz'],
    [{ dtstart: '2026-02-30T00:00' }, 'InvalidStart', 'dtstart'],
    [{ windowS: -5 }, 'InvalidWindow', 'windowS'],
    [{ priority: 500 }, 'InvalidPriority', 'priority'],
    [{ kind: 'once' as const }, 'MissingTime', 'atMs'],
  ])('refuses %o with %s naming %s', (patch, code, field) => {
    const r = compileSchedule({ ...base, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.field).toBe(field);
      expect(r.error.message.length).toBeGreaterThan(5);
    }
  });
});
