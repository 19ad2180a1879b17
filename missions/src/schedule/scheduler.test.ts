import { describe, expect, it } from 'vitest';
import type { PatrolSchedule } from './recurrence.ts';
import { newSchedulerState, tick } from './scheduler.ts';

const H = 3600_000;
const s9: PatrolSchedule = {
  id: 'morning',
  kind: 'recurring',
  rrule: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
  dtstart: '2026-01-01T00:00',
  tz: 'Asia/Shanghai',
  windowS: 1800,
  priority: 10,
  enabled: true,
  effectiveFromMs: Date.UTC(2026, 10, 20, 0),
};
// 09:00 Shanghai on 2026-11-20 is 01:00 UTC.
const due20 = Date.UTC(2026, 10, 20, 1);

describe('scheduler tick', () => {
  it('returns a run once when it falls due, and not again on the next ticks', () => {
    const st = newSchedulerState();
    expect(tick([s9], st, due20 - 1000).runs).toEqual([]);
    const t = tick([s9], st, due20 + 5000);
    expect(t.runs).toEqual([
      { scheduleId: 'morning', dueMs: due20, windowEndMs: due20 + 1800_000, priority: 10 },
    ]);
    expect(t.advanced).toEqual([{ scheduleId: 'morning', lastDueMs: due20 }]);
    expect(tick([s9], st, due20 + 10_000).runs).toEqual([]);
    expect(tick([s9], st, due20 + 60_000).runs).toEqual([]);
    // The next day it is due again.
    expect(tick([s9], st, due20 + 24 * H).runs.map((r) => r.dueMs)).toEqual([due20 + 24 * H]);
  });

  it('does not run a handled occurrence again after a restart (state rebuilt from bookkeeping)', () => {
    const first = newSchedulerState();
    const t = tick([s9], first, due20 + 5000);
    expect(t.runs).toHaveLength(1);
    const persisted = t.advanced.map((a) => [a.scheduleId, a.lastDueMs] as const);
    const restarted = newSchedulerState(persisted);
    expect(tick([s9], restarted, due20 + 20_000).runs).toEqual([]);
    expect(tick([s9], restarted, due20 + 24 * H + 1).runs).toHaveLength(1);
  });

  it('after downtime runs only the newest occurrence whose window is open and reports the rest missed', () => {
    const st = newSchedulerState([['morning', due20]]);
    // Down for two days; back 10 minutes after the third 09:00.
    const t = tick([s9], st, due20 + 48 * H + 600_000);
    expect(t.runs.map((r) => r.dueMs)).toEqual([due20 + 48 * H]);
    expect(t.missed.map((m) => m.dueMs)).toEqual([due20 + 24 * H]);
  });

  it('reports a run missed when the tick comes after its window', () => {
    const st = newSchedulerState([['morning', due20]]);
    const t = tick([s9], st, due20 + 24 * H + 3600_000);
    expect(t.runs).toEqual([]);
    expect(t.missed).toEqual([
      {
        scheduleId: 'morning',
        dueMs: due20 + 24 * H,
        windowEndMs: due20 + 24 * H + 1800_000,
        reason: 'WindowPassed',
      },
    ]);
  });

  it('skips disabled and on-demand schedules, reports invalid ones', () => {
    const st = newSchedulerState();
    const t = tick(
      [
        { ...s9, id: 'off', enabled: false },
        { ...s9, id: 'od', kind: 'on_demand' },
        { ...s9, id: 'bad', tz: 'Nowhere/Land' },
      ],
      st,
      due20 + 1000,
    );
    expect(t.runs).toEqual([]);
    expect(t.invalid.map((i) => [i.scheduleId, i.error.code])).toEqual([['bad', 'InvalidTimeZone']]);
  });

  it('runs a one-off once, and orders simultaneous runs by priority', () => {
    const st = newSchedulerState();
    const once: PatrolSchedule = { ...s9, id: 'once', kind: 'once', atMs: due20, priority: 80 };
    const t = tick([s9, once], st, due20 + 1000);
    expect(t.runs.map((r) => r.scheduleId)).toEqual(['once', 'morning']);
    expect(tick([s9, once], st, due20 + 2000).runs).toEqual([]);
  });

  it('picks up an edited rule at once', () => {
    const st = newSchedulerState();
    tick([s9], st, due20 - 1000);
    const edited = { ...s9, rrule: 'FREQ=DAILY;BYHOUR=8;BYMINUTE=30;BYSECOND=0' };
    const t = tick([edited], st, due20 - 1000);
    expect(t.runs.map((r) => r.dueMs)).toEqual([due20 - 1800_000]);
  });

  it('a schedule without bookkeeping or effective time starts at the first tick (no backlog)', () => {
    const st = newSchedulerState();
    const { effectiveFromMs: _e, ...noFrom } = s9;
    expect(tick([noFrom], st, due20 + 3 * H).runs).toEqual([]);
    expect(tick([noFrom], st, due20 + 24 * H + 1).runs).toHaveLength(1);
  });

  it('jumps over a long backlog of a frequent rule without walking it all', () => {
    const every = { ...s9, id: 'minutely', rrule: 'FREQ=MINUTELY;INTERVAL=5', windowS: 120 };
    const st = newSchedulerState([['minutely', due20]]);
    const t = tick([every], st, due20 + 7 * 24 * H + 60_000);
    expect(t.runs.map((r) => r.dueMs)).toEqual([due20 + 7 * 24 * H]);
    expect(t.missed.length).toBeLessThanOrEqual(21);
    expect(tick([every], st, due20 + 7 * 24 * H + 5 * 60_000).runs.map((r) => r.dueMs)).toEqual([
      due20 + 7 * 24 * H + 300_000,
    ]);
  });
});
