/**
 * Planning: a 5 km² area survey planned, checked and turned into mission items; and the
 * scheduler's tick over 1,000 recurring schedules (warm, as the server's loop runs it), both
 * minute by minute through an hour in which some fall due every minute and with all 1,000
 * due in the same tick.
 */
import {
  destination,
  newSchedulerState,
  type PatrolSchedule,
  planSurvey,
  tick,
  toMissionItems,
  validateRoute,
  type Zone,
} from '@aerie/missions';
import { type BenchEntry, percentile, round } from './lib.ts';

const HOME = { lat: 30.2741, lon: 120.1551 };

function surveyOnce(): number {
  // A square of 5 km² (2,236 m a side), 300 m from the dock.
  const side = Math.sqrt(5_000_000);
  const a = destination(HOME, 45, 300);
  const b = destination(a, 90, side);
  const c = destination(b, 0, side);
  const d = destination(a, 0, side);
  const zones: Zone[] = [
    {
      kind: 'nofly',
      name: 'school',
      geometry: { type: 'circle', center: destination(HOME, 200, 3000), radiusM: 300 },
    },
    {
      kind: 'controlled',
      name: 'heliport',
      geometry: { type: 'circle', center: destination(HOME, 300, 4000), radiusM: 500 },
      floorM: 60,
    },
  ];
  const t0 = performance.now();
  const plan = planSurvey({
    polygon: [a, b, c, d],
    altM: 100,
    home: HOME,
    sideOverlap: 0.7,
    frontOverlap: 0.8,
  });
  if (!plan.ok) throw new Error(`survey failed: ${JSON.stringify(plan)}`);
  validateRoute(plan.plan.route, {
    home: HOME,
    zones,
    maxDistanceFromHomeM: 8000,
    battery: { enduranceS: 3 * 3600 },
  });
  toMissionItems(plan.plan.route, { flavour: 'px4', home: HOME });
  return performance.now() - t0;
}

function schedules(n: number, allAtNine: boolean): PatrolSchedule[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    kind: 'recurring' as const,
    rrule: allAtNine
      ? 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0'
      : `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=${8 + (i % 10)};BYMINUTE=${i % 60};BYSECOND=0`,
    dtstart: '2025-01-06T00:00',
    tz: 'Asia/Shanghai',
    windowS: 1800,
    priority: i % 100,
    enabled: true,
    effectiveFromMs: Date.UTC(2026, 10, 1),
  }));
}

function tickTimes(
  list: PatrolSchedule[],
  fromMs: number,
  steps: number,
  stepMs: number,
): { times: number[]; runs: number } {
  const state = newSchedulerState();
  // Warm, as a running server is: every schedule compiled and placed, and the day before
  // ticked through minute by minute up to the first measured tick.
  for (let t = fromMs - 86_400_000; t < fromMs; t += stepMs) tick(list, state, t);
  const times: number[] = [];
  let runs = 0;
  for (let k = 0; k < steps; k++) {
    const t0 = performance.now();
    runs += tick(list, state, fromMs + k * stepMs).runs.length;
    times.push(performance.now() - t0);
  }
  return { times: times.sort((x, y) => x - y), runs };
}

export async function benchPlanning(): Promise<BenchEntry[]> {
  for (let i = 0; i < 3; i++) surveyOnce();
  const survey = Array.from({ length: 15 }, surveyOnce).sort((x, y) => x - y);

  // An hour of one-minute ticks from 08:30 Shanghai (00:30 UTC) on a Tuesday.
  const tuesday0830 = Date.UTC(2026, 10, 24, 0, 30);
  const hour = tickTimes(schedules(1000, false), tuesday0830, 60, 60_000);
  const together = [0, 1, 2, 3, 4].map(() =>
    tickTimes(schedules(1000, true), Date.UTC(2026, 10, 25, 1, 0), 1, 60_000),
  );
  const allDue = together.map((t) => t.times[0]!).sort((x, y) => x - y);
  if (together.some((t) => t.runs !== 1000))
    throw new Error('not every schedule fell due in the all-at-once tick');

  return [
    {
      name: 'planning: 5 km² survey (plan + validate + items), p50',
      value: round(percentile(survey, 50), 1),
      unit: 'ms',
      target: '< 50',
      met: percentile(survey, 50) < 50,
      note: '2.24 km square at 100 m, 70/80 % overlap, zones and battery checked, PX4 items',
    },
    {
      name: 'planning: scheduler tick, 1,000 schedules, p50 / max over an hour of minutes',
      value: round(hour.times.at(-1)!, 2),
      unit: `ms (p50 ${round(percentile(hour.times, 50), 3)} ms, ${hour.runs} runs due)`,
      target: '< 10',
      met: hour.times.at(-1)! < 10,
      note: 'weekday rules at varied times in Asia/Shanghai, warm state',
    },
    {
      name: 'planning: scheduler tick, all 1,000 schedules due at once, median of 5',
      value: round(percentile(allDue, 50), 2),
      unit: 'ms',
      target: '< 10',
      met: percentile(allDue, 50) < 10,
    },
  ];
}
