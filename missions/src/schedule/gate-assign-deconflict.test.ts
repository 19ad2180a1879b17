import { describe, expect, it } from 'vitest';
import { destination } from '../geo.ts';
import type { Route } from '../route.ts';
import { deconflict, offsetRouteAltitude, type PlannedFlight } from './deconflict.ts';
import { assignDock, type DockCandidate } from './dock-assignment.ts';
import { describeGrounding, weatherGate } from './weather.ts';

const CALM = { windSpeedMps: 3, windGustMps: 5, rainMmPerH: 0, temperatureC: 18, humidityPct: 60 };
const A = { lat: 30.2741, lon: 120.1551 };

function patrol(start: { lat: number; lon: number }, altM = 40, legM = 600): Route {
  const p1 = destination(start, 90, legM);
  const p2 = destination(p1, 0, legM / 2);
  return {
    name: 'patrol',
    defaults: { altM, speedMps: 8 },
    items: [
      { type: 'takeoff', altM },
      { type: 'waypoint', lat: p1.lat, lon: p1.lon, altM },
      { type: 'waypoint', lat: p2.lat, lon: p2.lon, altM },
      { type: 'rtl' },
    ],
  };
}

function dock(
  id: string,
  at: { lat: number; lon: number },
  patch: Partial<DockCandidate> = {},
): DockCandidate {
  return {
    dockId: id,
    name: id,
    lat: at.lat,
    lon: at.lon,
    online: true,
    state: 'idle',
    faults: [],
    aircraftParked: true,
    aircraftBatteryPct: 95,
    busy: false,
    weather: CALM,
    aircraft: { vehicleId: `v-${id}`, online: true, enduranceS: 1800 },
    ...patch,
  };
}

describe('weather gate', () => {
  it('passes calm weather and grounds on each limit with a readable reason', () => {
    expect(weatherGate(CALM)).toEqual({ ok: true });
    const storm = weatherGate({ windSpeedMps: 13, windGustMps: 19, rainMmPerH: 4, temperatureC: 50 });
    expect(storm.ok).toBe(false);
    if (!storm.ok) {
      expect(storm.reasons.map((r) => r.code)).toEqual([
        'WindTooStrong',
        'GustsTooStrong',
        'Raining',
        'TooHot',
      ]);
      expect(describeGrounding(storm.reasons)).toContain('wind 13.0 m/s is above the 10.0 m/s limit');
    }
    const cold = weatherGate({ ...CALM, temperatureC: -20 });
    expect(!cold.ok && cold.reasons[0]!.code).toBe('TooCold');
    expect(weatherGate(null)).toMatchObject({ ok: false, reasons: [{ code: 'NoWeatherData' }] });
  });
  it('takes configured limits', () => {
    expect(weatherGate({ ...CALM, windSpeedMps: 12 }, { maxWindMps: 15 }).ok).toBe(true);
    expect(weatherGate({ ...CALM, humidityPct: 99 }, { maxHumidityPct: 95 })).toMatchObject({
      ok: false,
      reasons: [{ code: 'TooHumid' }],
    });
  });
});

describe('dock assignment', () => {
  const route = patrol(A);
  const near = dock('near', destination(A, 180, 100));
  const far = dock('far', destination(A, 180, 400));

  it('picks the nearest ready dock', () => {
    const r = assignDock(route, [far, near]);
    expect(r.ok && r.value.dockId).toBe('near');
    expect(r.ok && r.value.vehicleId).toBe('v-near');
    expect(r.ok && r.value.durationS).toBeGreaterThan(100);
  });

  it('turns down docks with coded reasons and takes the next one', () => {
    const cases: [Partial<DockCandidate>, string][] = [
      [{ online: false }, 'DockOffline'],
      [{ faults: ['lid_jam'] }, 'DockFault'],
      [{ busy: true }, 'DockBusy'],
      [{ state: 'aircraft_out' }, 'DockNotReady'],
      [{ aircraft: null }, 'NoAircraft'],
      [{ aircraftParked: false }, 'NoAircraft'],
      [{ aircraftBatteryPct: 12 }, 'LowCharge'],
      [{ aircraft: { vehicleId: 'v', online: true, enduranceS: 120 } }, 'InsufficientEndurance'],
      [{ weather: { ...CALM, rainMmPerH: 8 } }, 'Grounded'],
    ];
    for (const [patch, code] of cases) {
      const r = assignDock(route, [dock('near', near, patch), far]);
      expect(r.ok && r.value.dockId, code).toBe('far');
      expect(
        r.rejected.map((x) => x.code),
        code,
      ).toEqual([code]);
      expect(r.rejected[0]!.message.length).toBeGreaterThan(10);
    }
  });

  it('turns down a dock too far away and answers no dock with every reason', () => {
    const distant = dock('distant', destination(A, 0, 8000));
    const r = assignDock(route, [distant, dock('near', near, { aircraftBatteryPct: 5 })]);
    expect(r.ok).toBe(false);
    expect(r.rejected.map((x) => [x.dockId, x.code])).toEqual([
      ['near', 'LowCharge'],
      ['distant', 'OutOfRange'],
    ]);
    if (!r.ok) expect(r.message).toContain('no dock can fly this route');
  });

  it('keeps to the docks it may use', () => {
    const r = assignDock(route, [near, far], { onlyDockIds: ['far'] });
    expect(r.ok && r.value.dockId).toBe('far');
    expect(r.rejected.map((x) => x.code)).toEqual(['NotPreferred']);
  });
});

describe('deconfliction', () => {
  const t0 = Date.UTC(2026, 10, 23, 1);
  const home = destination(A, 180, 300);
  const mine = (patch: Partial<PlannedFlight> = {}): PlannedFlight => ({
    sortieId: 'new',
    route: patrol(A, 40),
    home,
    startMs: t0,
    latestStartMs: t0 + 3600_000,
    ...patch,
  });
  const other: PlannedFlight = {
    sortieId: 'other',
    route: patrol(A, 40),
    home: destination(A, 0, 300),
    startMs: t0,
  };

  it('is clear when the routes are far apart or far apart in time', () => {
    const elsewhere: PlannedFlight = {
      ...other,
      route: patrol(destination(A, 0, 3000)),
      home: destination(A, 0, 3000),
    };
    expect(deconflict(mine(), [elsewhere]).decision).toBe('clear');
    expect(deconflict(mine(), [{ ...other, startMs: t0 - 5 * 3600_000 }]).decision).toBe('clear');
  });

  it('separates in altitude when the ceiling allows', () => {
    const d = deconflict(mine(), [other], { separationM: 50, verticalSeparationM: 20 });
    expect(d.decision).toBe('altitude');
    if (d.decision === 'altitude') {
      expect(d.offsetM).toBe(20);
      expect(d.route.items[1]).toMatchObject({ altM: 60 });
      expect(d.conflicts[0]!.withSortieId).toBe('other');
      expect(d.reason).toContain('20 m higher');
    }
  });

  it('separates in time when no altitude is free, or waits when the window is too short', () => {
    const low = { ceilingM: 50, minCruiseAltM: 35 };
    const d = deconflict(mine(), [other], low);
    expect(d.decision).toBe('delay');
    if (d.decision === 'delay') {
      expect(d.startMs).toBeGreaterThan(t0);
      expect(deconflict(mine({ startMs: d.startMs }), [other], low).decision).toBe('clear');
      expect(d.reason).toContain('after the other flight');
    }
    const w = deconflict(mine({ latestStartMs: t0 + 60_000 }), [other], low);
    expect(w.decision).toBe('wait');
    expect(w.reason).toContain('waits');
  });

  it('moves every height of a route', () => {
    const r = offsetRouteAltitude(patrol(A, 40), 15);
    expect(r.items.map((i) => ('altM' in i ? i.altM : null))).toEqual([55, 55, 55, null]);
    expect(r.defaults.altM).toBe(55);
  });
});
