import { parseAerieRoute, writeAerieRoute } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import { checkRoute } from './checks.ts';
import {
  applyEdit,
  buildRoute,
  cameraModes,
  DEFAULT_SETTINGS,
  type Draft,
  draftFromRoute,
  emptyDraft,
  fitSettings,
  radiusHandle,
} from './draft.ts';
import { buildSchedule, defaultForm, previewRuns } from './recurrence-form.ts';
import { capturesPointer, IDLE, step, type ToolEffect, type ToolEvent, type ToolState } from './tool.ts';

const P = (lat: number, lon: number) => ({ lat, lon });
const home = { lat: 30.25, lon: 120.15 };

function run(events: ToolEvent[], start: ToolState = IDLE): { state: ToolState; effects: ToolEffect[] } {
  let state = start;
  const effects: ToolEffect[] = [];
  for (const e of events) {
    const [next, fx] = step(state, e);
    state = next;
    effects.push(...fx);
  }
  return { state, effects };
}

describe('map tool state machine', () => {
  it('a click on the empty map adds a point where it was pressed', () => {
    const r = run([
      { type: 'down', handle: null, x: 10, y: 10, at: P(1, 2) },
      { type: 'move', x: 11, y: 11, at: P(1.0001, 2) },
      { type: 'up', x: 11, y: 11, at: P(1.0001, 2) },
    ]);
    expect(r.effects).toEqual([{ type: 'add', at: P(1, 2) }]);
    expect(r.state).toEqual(IDLE);
  });

  it('dragging the empty map pans it and adds nothing', () => {
    const r = run([
      { type: 'down', handle: null, x: 10, y: 10, at: P(1, 2) },
      { type: 'move', x: 40, y: 10, at: P(1, 2.1) },
      { type: 'up', x: 40, y: 10, at: P(1, 2.1) },
    ]);
    expect(r.effects).toEqual([]);
  });

  it('drags a vertex: Pointing, then Dragging with moves, then commit', () => {
    const h = { kind: 'vertex', index: 2 } as const;
    let s = run([{ type: 'down', handle: h, x: 0, y: 0, at: P(1, 1) }]).state;
    expect(s.mode).toBe('pointing');
    expect(capturesPointer(s)).toBe(true);
    const r = run(
      [
        { type: 'move', x: 10, y: 0, at: P(1, 1.1) },
        { type: 'move', x: 20, y: 0, at: P(1, 1.2) },
        { type: 'up', x: 20, y: 0, at: P(1, 1.2) },
      ],
      s,
    );
    expect(r.effects).toEqual([
      { type: 'drag', handle: h, at: P(1, 1.1) },
      { type: 'drag', handle: h, at: P(1, 1.2) },
      { type: 'drag', handle: h, at: P(1, 1.2) },
      { type: 'commit', handle: h },
    ]);
    s = r.state;
    expect(s).toEqual(IDLE);
  });

  it('a click on a vertex selects it; cancel during a drag rolls back', () => {
    const h = { kind: 'center' } as const;
    expect(
      run([
        { type: 'down', handle: h, x: 0, y: 0, at: P(1, 1) },
        { type: 'up', x: 1, y: 0, at: P(1, 1) },
      ]).effects,
    ).toEqual([{ type: 'select', handle: h }]);
    const r = run([
      { type: 'down', handle: h, x: 0, y: 0, at: P(1, 1) },
      { type: 'move', x: 30, y: 0, at: P(1, 2) },
      { type: 'cancel' },
    ]);
    expect(r.effects.at(-1)).toEqual({ type: 'rollback', handle: h, at: P(1, 1) });
    expect(r.state).toEqual(IDLE);
  });
});

describe('draft edits and routes', () => {
  it('adds, moves, inserts and removes vertices', () => {
    let d = emptyDraft('survey');
    d = applyEdit(d, { type: 'add', at: P(0, 0) });
    d = applyEdit(d, { type: 'add', at: P(0, 1) });
    d = applyEdit(d, { type: 'insert', index: 1, at: P(1, 0.5) });
    d = applyEdit(d, { type: 'move', index: 0, at: P(0.1, 0) });
    expect(d.points).toEqual([P(0.1, 0), P(1, 0.5), P(0, 1)]);
    d = applyEdit(d, { type: 'remove', index: 1 });
    expect(d.points).toEqual([P(0.1, 0), P(0, 1)]);
    expect(applyEdit(d, { type: 'move', index: 9, at: P(5, 5) })).toBe(d);
  });

  it('orbit: a click sets the centre, the radius handle sets the radius in metres', () => {
    let d = applyEdit(emptyDraft('orbit'), { type: 'add', at: home });
    expect(d.center).toEqual(home);
    const east = { lat: home.lat, lon: home.lon + 200 / (111_320 * Math.cos((home.lat * Math.PI) / 180)) };
    d = applyEdit(d, { type: 'radius', at: east });
    expect(d.radiusM).toBeGreaterThan(198);
    expect(d.radiusM).toBeLessThan(202);
    const h = radiusHandle(d)!;
    expect(Math.abs(h.lon - east.lon)).toBeLessThan(1e-4);
  });

  it('says how many more points a pattern needs', () => {
    expect(buildRoute(emptyDraft('survey'), 'x')).toEqual({ ok: false, reason: 'incomplete', need: 3 });
    expect(buildRoute(emptyDraft('corridor'), 'x')).toEqual({ ok: false, reason: 'incomplete', need: 2 });
  });

  it('a survey polygon builds a lawnmower with take-off, photos and return', () => {
    const d: Draft = {
      ...emptyDraft('survey'),
      points: [P(30.251, 120.151), P(30.251, 120.155), P(30.254, 120.155), P(30.254, 120.151)],
    };
    const r = buildRoute(d, 'area', home);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.route.items[0]?.type).toBe('takeoff');
    expect(r.route.items.at(-1)?.type).toBe('rtl');
    expect(r.route.items.filter((i) => i.type === 'waypoint').length).toBeGreaterThanOrEqual(4);
    expect(r.route.items.some((i) => i.type === 'photo' && (i.distanceM ?? 0) > 0)).toBe(true);
  });

  it('waypoint routes carry the chosen altitude, speed and camera', () => {
    const d: Draft = {
      ...emptyDraft('waypoint', { ...DEFAULT_SETTINGS, altM: 60, speedMps: 6, camera: 'video' }),
      points: [P(30.251, 120.151), P(30.252, 120.152)],
    };
    const r = buildRoute(d, 'wp', home);
    if (!r.ok) throw new Error('expected a route');
    expect(r.route.items.map((i) => i.type)).toEqual([
      'takeoff',
      'speed',
      'gimbal',
      'waypoint',
      'video',
      'waypoint',
      'video',
      'rtl',
    ]);
    expect(r.route.defaults).toEqual({ altM: 60, speedMps: 6 });
  });
});

describe('photo capture setting', () => {
  const wp = [P(30.251, 120.151), P(30.252, 120.152)];
  const every40 = { mode: 'distance' as const, distanceM: 40, intervalS: 2 };

  it("turning it on drops the pattern's own photo action; video stays; a survey cannot take it", () => {
    const on = fitSettings('waypoint', { ...DEFAULT_SETTINGS, camera: 'photo_distance', capture: every40 });
    expect(on.camera).toBe('none');
    expect(cameraModes('waypoint', on)).toEqual(['none', 'video']);
    expect(cameraModes('corridor', on)).toEqual(['none']);
    expect(cameraModes('waypoint', DEFAULT_SETTINGS)).toEqual([
      'none',
      'photo_distance',
      'photo_time',
      'video',
    ]);
    expect(fitSettings('waypoint', { ...on, camera: 'video' }).camera).toBe('video');
    const survey = fitSettings('survey', on);
    expect(survey.capture.mode).toBe('off');
    expect(survey.capture.distanceM).toBe(40);
    expect(fitSettings('orbit', on).capture).toEqual(every40);
  });

  it('a waypoint route carries it, saves it in the Aerie file and opens with it again', () => {
    const d: Draft = {
      ...emptyDraft('waypoint', fitSettings('waypoint', { ...DEFAULT_SETTINGS, capture: every40 })),
      points: wp,
    };
    const r = buildRoute(d, 'wp', home);
    if (!r.ok) throw new Error(`expected a route: ${JSON.stringify(r)}`);
    expect(r.route.capture).toEqual({ distanceM: 40 });
    expect(r.route.items.some((i) => i.type === 'photo')).toBe(false);
    const parsed = parseAerieRoute(JSON.parse(writeAerieRoute(r.route)));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.route.capture).toEqual({ distanceM: 40 });
    const reopened = draftFromRoute(parsed.route);
    expect(reopened.settings.capture).toEqual(every40);
    expect(draftFromRoute({ ...parsed.route, capture: { intervalS: 3 } }).settings.capture).toMatchObject({
      mode: 'interval',
      intervalS: 3,
    });
    expect(draftFromRoute({ ...parsed.route, capture: undefined }).settings.capture.mode).toBe('off');
  });

  it('an orbit takes it too; off leaves the route without one', () => {
    const orbit: Draft = {
      ...emptyDraft('orbit', { ...DEFAULT_SETTINGS, capture: { ...every40, mode: 'interval' } }),
      center: P(30.252, 120.152),
    };
    const r = buildRoute(orbit, 'o', home);
    expect(r.ok && r.route.capture).toEqual({ intervalS: 2 });
    const off = buildRoute({ ...orbit, settings: DEFAULT_SETTINGS }, 'o', home);
    expect(off.ok && 'capture' in off.route).toBe(false);
  });

  it("a route with photo items of its own and the setting is refused with the library's words", () => {
    // Settings not fitted (a survey, or a photo action left on): what the server would refuse.
    const both: Draft = {
      ...emptyDraft('waypoint', { ...DEFAULT_SETTINGS, camera: 'photo_time', capture: every40 }),
      points: wp,
    };
    const r = buildRoute(both, 'wp', home);
    expect(r).toMatchObject({ ok: false, reason: 'invalid' });
    if (r.ok || r.reason !== 'invalid') return;
    expect(r.message).toMatch(/^capture: the route has camera items of its own \(items\[4\]\)/);
    const survey: Draft = {
      ...emptyDraft('survey', { ...DEFAULT_SETTINGS, capture: every40 }),
      points: [P(30.251, 120.151), P(30.251, 120.155), P(30.254, 120.155), P(30.254, 120.151)],
    };
    expect(buildRoute(survey, 's', home)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('the checks count the camera items the setting adds, numbered as flown', () => {
    const base: Draft = { ...emptyDraft('waypoint', { ...DEFAULT_SETTINGS, camera: 'none' }), points: wp };
    const without = buildRoute(base, 'wp', home);
    const withCapture = buildRoute({ ...base, settings: { ...base.settings, capture: every40 } }, 'wp', home);
    if (!without.ok || !withCapture.ok) throw new Error('expected routes');
    const a = checkRoute(without.route, { home, zones: [] });
    const b = checkRoute(withCapture.route, { home, zones: [] });
    expect(b.summary.itemCount).toBe(a.summary.itemCount + 2);
    expect(b.summary.missionItemCount).toBe(a.summary.missionItemCount + 2);
    expect(b.flyable).toBe(true);
  });
});

describe('inline checks', () => {
  const square = [P(30.251, 120.151), P(30.251, 120.155), P(30.254, 120.155), P(30.254, 120.151)];
  const zone = {
    id: 'z1',
    name: 'Hospital',
    kind: 'nofly' as const,
    geometry: { type: 'circle' as const, center: P(30.2525, 120.153), radiusM: 80 },
  };

  it('a survey crossing a no-fly zone gets EntersNoFlyZone placed on the map', () => {
    const r = buildRoute({ ...emptyDraft('survey'), points: square }, 'area', home);
    if (!r.ok) throw new Error('expected a route');
    const c = checkRoute(r.route, { home, zones: [zone] });
    const nfz = c.issues.find((i) => i.code === 'EntersNoFlyZone');
    expect(nfz?.severity).toBe('error');
    expect(nfz?.at).not.toBeNull();
    expect(c.flyable).toBe(false);
    expect(c.summary.distanceM).toBeGreaterThan(1000);
    expect(c.batteryUsePct).toBeGreaterThan(0);
  });

  it('the same survey moved clear of the zone is flyable', () => {
    const moved = square.map((p) => ({ lat: p.lat, lon: p.lon - 0.006 }));
    const r = buildRoute({ ...emptyDraft('survey'), points: moved }, 'area', home);
    if (!r.ok) throw new Error('expected a route');
    const c = checkRoute(r.route, { home, zones: [zone] });
    expect(c.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(c.flyable).toBe(true);
  });

  it('battery use grows with wind', () => {
    const r = buildRoute({ ...emptyDraft('survey'), points: square }, 'area', home);
    if (!r.ok) throw new Error('expected a route');
    const still = checkRoute(r.route, { home, zones: [] }).batteryUsePct;
    const windy = checkRoute(r.route, { home, zones: [], windMps: 4 }).batteryUsePct;
    expect(windy).toBeGreaterThan(still);
  });
});

describe('recurrence form', () => {
  it('weekdays at 09:00 and 15:00', () => {
    const f = { ...defaultForm('2026-11-23'), times: ['15:00', '09:00'] };
    const b = buildSchedule(f);
    expect(b.ok && b.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0');
    // Monday 2026-11-23 08:00 in Shanghai = 00:00 UTC.
    const p = previewRuns(f, Date.UTC(2026, 10, 23, 0, 0), 3);
    expect(p.ok && p.runs.map((r) => new Date(r.dueMs).toISOString())).toEqual([
      '2026-11-23T01:00:00.000Z',
      '2026-11-23T07:00:00.000Z',
      '2026-11-24T01:00:00.000Z',
    ]);
  });

  it('monthly days with an end date', () => {
    const b = buildSchedule({
      ...defaultForm('2026-11-01'),
      repeat: 'monthly',
      monthDays: [15, 1],
      times: ['10:30'],
      endDate: '2027-01-31',
    });
    expect(b.ok && b.rrule).toBe(
      'FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=10;BYMINUTE=30;BYSECOND=0;UNTIL=20270131T235959',
    );
  });

  it('names the field that is wrong', () => {
    expect(buildSchedule({ ...defaultForm('2026-11-23'), weekdays: [] })).toEqual({
      ok: false,
      problem: { field: 'weekdays', code: 'required' },
    });
    expect(buildSchedule({ ...defaultForm('2026-11-23'), times: ['09:00', '15:30'] })).toEqual({
      ok: false,
      problem: { field: 'times', code: 'mixedMinutes' },
    });
    expect(buildSchedule({ ...defaultForm('2026-11-23'), endDate: '2026-11-01' })).toMatchObject({
      ok: false,
      problem: { field: 'endDate' },
    });
  });

  it('a one-off flies once', () => {
    const f = { ...defaultForm('2026-11-24'), repeat: 'once' as const, times: ['14:00'] };
    const p = previewRuns(f, Date.UTC(2026, 10, 23), 5);
    expect(p.ok && p.runs.map((r) => new Date(r.dueMs).toISOString())).toEqual(['2026-11-24T06:00:00.000Z']);
  });
});
