import { describe, expect, it } from 'vitest';
import { parseQgcPlan } from './formats/qgc-plan.ts';
import { destination } from './geo.ts';
import type { Route, RouteItem } from './route.ts';
import { DOCK, patrolRoute, QGC_PLAN, squareNearDock } from './testing/fixtures.ts';
import { type Issue, isFlyable, type ValidateOptions, validateRoute } from './validate.ts';
import type { Zone } from './zones.ts';

const route = (items: RouteItem[], extra: Partial<Route> = {}): Route => ({
  name: 't',
  home: { ...DOCK },
  defaults: { altM: 30, speedMps: 8 },
  items,
  ...extra,
});
const at = (bearing: number, m: number) => destination(DOCK, bearing, m);
const wp = (bearing: number, m: number, altM = 30): RouteItem => ({
  type: 'waypoint',
  ...at(bearing, m),
  altM,
});
const takeoff: RouteItem = { type: 'takeoff', altM: 30 };
const rtl: RouteItem = { type: 'rtl' };

function only(r: Route, opts: ValidateOptions = {}): Issue[] {
  return validateRoute(r, opts);
}
const codes = (r: Route, opts: ValidateOptions = {}) => only(r, opts).map((i) => `${i.code}@${i.item}`);

describe('validateRoute', () => {
  it('passes a plain patrol with no issues', () => {
    expect(validateRoute(patrolRoute())).toEqual([]);
    expect(isFlyable(validateRoute(patrolRoute()))).toBe(true);
  });

  it('EmptyMission', () => {
    expect(codes(route([]))).toEqual(['EmptyMission@null']);
  });

  it('LatOutOfRange / LonOutOfRange / ZeroCoordinates name the item', () => {
    const r = route([
      takeoff,
      { type: 'waypoint', lat: 91, lon: 120, altM: 30 },
      { type: 'waypoint', lat: 30, lon: -181, altM: 30 },
      { type: 'waypoint', lat: 0, lon: 0, altM: 30 },
      rtl,
    ]);
    const issues = only(r, { maxDistanceFromHomeM: 1e9, maxFirstWaypointDistanceM: 1e9 });
    expect(issues.filter((i) => i.severity === 'error').map((i) => `${i.code}@${i.item}`)).toEqual([
      'LatOutOfRange@1',
      'LonOutOfRange@2',
      'ZeroCoordinates@3',
    ]);
    expect(issues[0]!.message).toBe('latitude must be between -90 and 90, got 91');
  });

  it('ZeroCoordinates in a raw QGC item as well', () => {
    const r = route([
      takeoff,
      { type: 'mavlink', command: 16, frame: 3, params: [0, 0, 0, Number.NaN, 0, 0, 30], autoContinue: true },
      rtl,
    ]);
    expect(codes(r, { maxDistanceFromHomeM: 1e9, maxFirstWaypointDistanceM: 1e9 })).toEqual([
      'ZeroCoordinates@1',
    ]);
  });

  it('MissingCoordinates for a raw position item with NaN lat/lon', () => {
    const r = route([
      takeoff,
      {
        type: 'mavlink',
        command: 16,
        frame: 3,
        params: [0, 0, 0, 0, Number.NaN, Number.NaN, 30],
        autoContinue: true,
      },
      rtl,
    ]);
    expect(codes(r)).toContain('MissingCoordinates@1');
  });

  it('TakeoffPositionUnset when neither the take-off nor a home gives a position', () => {
    const r = route([takeoff, wp(0, 100), rtl], { home: undefined });
    expect(codes(r)).toEqual(['NoHome@null', 'TakeoffPositionUnset@0']);
    // A dock passed in the options fixes both.
    expect(codes(r, { home: DOCK })).toEqual([]);
  });

  it('AltitudeAboveCeiling with the default 120 m and a configured ceiling', () => {
    const r = route([takeoff, wp(0, 100, 121), wp(0, 200, 90), rtl]);
    expect(codes(r)).toEqual(['AltitudeAboveCeiling@1']);
    expect(codes(r, { ceilingM: 80 })).toEqual(['AltitudeAboveCeiling@1', 'AltitudeAboveCeiling@2']);
    expect(only(r)[0]!.message).toBe('height 121.0 m above home is above the 120 m ceiling');
  });

  it('AltitudeAboveCeiling for AMSL items measured from the home altitude, AltitudeUnknown without it', () => {
    const amsl: RouteItem = {
      type: 'mavlink',
      command: 16,
      frame: 0,
      params: [0, 0, 0, 0, at(0, 100).lat, at(0, 100).lon, 150],
      autoContinue: true,
    };
    expect(codes(route([takeoff, amsl, rtl], { home: { ...DOCK, altAmslM: 20 } }))).toEqual([
      'AltitudeAboveCeiling@1',
    ]);
    expect(codes(route([takeoff, amsl, rtl], { home: { ...DOCK, altAmslM: 40 } }))).toEqual([]);
    const unknown = only(route([takeoff, amsl, rtl]));
    expect(unknown.map((i) => `${i.code}:${i.severity}`)).toEqual(['AltitudeUnknown:warning']);
    const noAlt: RouteItem = {
      ...amsl,
      frame: 3,
      params: [0, 0, 0, 0, at(0, 100).lat, at(0, 100).lon, Number.NaN],
    } as RouteItem;
    expect(only(route([takeoff, noAlt, rtl])).map((i) => `${i.code}:${i.severity}@${i.item}`)).toEqual([
      'AltitudeUnknown:error@1',
    ]);
  });

  it('AltitudeBelowHome', () => {
    expect(codes(route([takeoff, wp(0, 100, -5), rtl]))).toEqual(['AltitudeBelowHome@1']);
  });

  it('NoHome is a warning: distance checks are skipped', () => {
    const r = route([{ type: 'takeoff', altM: 30, ...DOCK }, wp(0, 100), rtl], { home: undefined });
    expect(only(r)).toEqual([expect.objectContaining({ code: 'NoHome', severity: 'warning', item: null })]);
  });

  it('TooFarFromHome with the default 5 km and a configured limit', () => {
    const r = route([takeoff, wp(90, 800), wp(90, 4000), wp(90, 5200), rtl]);
    expect(codes(r)).toEqual(['TooFarFromHome@3']);
    expect(codes(r, { maxDistanceFromHomeM: 3000 })).toEqual(['TooFarFromHome@2', 'TooFarFromHome@3']);
  });

  it('FirstWaypointTooFar (PX4 MIS_DIST_1WP default 900 m), from home or the take-off point', () => {
    expect(codes(route([takeoff, wp(0, 1200), rtl]))).toEqual(['FirstWaypointTooFar@1']);
    expect(codes(route([takeoff, wp(0, 1200), rtl]), { maxFirstWaypointDistanceM: 1500 })).toEqual([]);
    const noHome = route([{ type: 'takeoff', altM: 30, ...DOCK }, wp(0, 30_000), rtl], { home: undefined });
    expect(codes(noHome)).toEqual(['NoHome@null', 'FirstWaypointTooFar@1']);
  });

  it('TooManyItems per autopilot', () => {
    const many: RouteItem[] = [takeoff];
    for (let i = 0; i < 749; i++) many.push(wp(i % 360, 200));
    many.push(rtl);
    expect(codes(route(many), { flavour: 'px4' })).toEqual([]);
    expect(codes(route(many), { flavour: 'ardupilot' })).toEqual(['TooManyItems@null']);
    expect(codes(route(many), { flavour: 'px4', maxItems: 100 })).toEqual(['TooManyItems@null']);
  });

  it('NoTakeoff for multicopters only, TakeoffNotFirst when a position comes first', () => {
    expect(codes(route([wp(0, 100), rtl]))).toEqual(['NoTakeoff@null']);
    expect(codes(route([wp(0, 100), rtl], { vehicle: 'fixedwing' }))).toEqual([]);
    expect(codes(route([wp(0, 100), takeoff, rtl]))).toEqual(['TakeoffNotFirst@1']);
  });

  it('NoReturnOrLand is a warning; a landing or RTL at the end clears it', () => {
    const issues = only(route([takeoff, wp(0, 100)]));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'NoReturnOrLand', severity: 'warning', item: null }),
    ]);
    expect(isFlyable(issues)).toBe(true);
    expect(codes(route([takeoff, wp(0, 100), { type: 'land' }]))).toEqual([]);
  });

  it('UnreachableItems after RTL', () => {
    expect(codes(route([takeoff, wp(0, 100), rtl, wp(0, 200), rtl]))).toEqual(['UnreachableItems@3']);
  });

  it('UnsupportedCommand: PX4 has no LOITER_TURNS, ArduPilot has', () => {
    const r = route([takeoff, { type: 'loiter', ...at(0, 100), altM: 30, turns: 2 }, rtl]);
    expect(codes(r, { flavour: 'px4' })).toEqual(['UnsupportedCommand@1']);
    expect(codes(r, { flavour: 'ardupilot' })).toEqual([]);
    const unknown = route([
      takeoff,
      { type: 'mavlink', command: 31337, frame: 2, params: [0, 0, 0, 0, 0, 0, 0], autoContinue: true },
      rtl,
    ]);
    expect(codes(unknown, { flavour: 'ardupilot' })).toEqual(['UnsupportedCommand@1']);
  });

  it('UnsupportedFrame: PX4 wants RTL in MAV_FRAME_MISSION and has no terrain frames', () => {
    const r = route([
      takeoff,
      {
        type: 'mavlink',
        command: 16,
        frame: 10,
        params: [0, 0, 0, 0, at(0, 100).lat, at(0, 100).lon, 30],
        autoContinue: true,
      },
      { type: 'mavlink', command: 20, frame: 3, params: [0, 0, 0, 0, 0, 0, 0], autoContinue: true },
    ]);
    expect(codes(r, { flavour: 'px4' }).filter((c) => c.startsWith('Unsupported'))).toEqual([
      'UnsupportedFrame@1',
      'UnsupportedFrame@2',
    ]);
    expect(codes(r, { flavour: 'ardupilot' }).filter((c) => c.startsWith('Unsupported'))).toEqual([]);
  });

  it('JumpTargetInvalid', () => {
    expect(codes(route([takeoff, wp(0, 100), { type: 'jump', toItem: 2, repeat: 1 }, rtl]))).toEqual([
      'JumpTargetInvalid@2',
    ]);
    expect(codes(route([takeoff, wp(0, 100), { type: 'jump', toItem: 1, repeat: 1 }, rtl]))).toEqual([]);
  });

  describe('zones', () => {
    const square = (bearing: number, dist: number, half: number) => squareNearDock(half, bearing, dist);

    it('EntersNoFlyZone when a leg crosses a zone even though no waypoint is inside it', () => {
      const nofly: Zone = {
        id: 'hospital',
        name: 'Hospital',
        kind: 'nofly',
        geometry: { type: 'polygon', points: square(90, 500, 50) },
      };
      // Waypoints either side of the zone: the straight leg between them crosses it.
      const r = route([takeoff, wp(90, 300), wp(90, 700), rtl]);
      const issues = only(r, { zones: [nofly] });
      expect(issues.map((i) => `${i.code}@${i.item}`)).toEqual(['EntersNoFlyZone@2', 'EntersNoFlyZone@3']);
      expect(issues[0]!.message).toBe('the leg to this item enters no-fly zone "Hospital"');
      expect(issues[1]!.message).toContain('the way home after RTL');
      // Flying above the zone's ceiling is allowed.
      expect(codes(r, { zones: [{ ...nofly, ceilingM: 20 }] })).toEqual([]);
      // A route around it is clean.
      expect(codes(route([takeoff, wp(0, 300), rtl]), { zones: [nofly] })).toEqual([]);
    });

    it('EntersNoFlyZone for circles too', () => {
      const circle: Zone = { kind: 'nofly', geometry: { type: 'circle', center: at(0, 500), radiusM: 60 } };
      expect(
        codes(route([takeoff, wp(0, 1000), rtl], {}), { zones: [circle], maxFirstWaypointDistanceM: 2000 }),
      ).toEqual(['EntersNoFlyZone@1', 'EntersNoFlyZone@2']);
      expect(
        codes(route([takeoff, wp(0, 1000), rtl]), {
          zones: [{ ...circle, geometry: { type: 'circle', center: at(90, 500), radiusM: 60 } }],
          maxFirstWaypointDistanceM: 2000,
        }),
      ).toEqual([]);
    });

    it('uses the height where a climbing leg is over the zone, not the whole leg', () => {
      // Leg from 100 m north at 10 m up to 500 m north at 100 m: over a zone at 150 m north it is
      // at ~17-26 m, over one at 450 m north at ~84-93 m.
      const r = route([takeoff, wp(0, 100, 10), wp(0, 500, 100), { type: 'land' }]);
      const low: Zone = {
        kind: 'nofly',
        geometry: { type: 'circle', center: at(0, 150), radiusM: 20 },
        ceilingM: 30,
      };
      const far: Zone = {
        kind: 'nofly',
        geometry: { type: 'circle', center: at(0, 450), radiusM: 20 },
        ceilingM: 30,
      };
      expect(codes(r, { zones: [low], minTakeoffAltM: 0 })).toEqual(['EntersNoFlyZone@2']);
      expect(codes(r, { zones: [far], minTakeoffAltM: 0 })).toEqual([]);
      const square = {
        kind: 'nofly' as const,
        floorM: 60,
        geometry: {
          type: 'polygon' as const,
          points: [
            at(315, 420 * Math.SQRT2),
            at(45, 420 * Math.SQRT2),
            at(45, 480 * Math.SQRT2),
            at(315, 480 * Math.SQRT2),
          ],
        },
      };
      // The square spans 420-480 m north, where the leg is at ~82-95 m: above its 60 m floor.
      expect(codes(r, { zones: [square] })).toEqual(['EntersNoFlyZone@2']);
      expect(codes(r, { zones: [{ ...square, floorM: 96 }] })).toEqual([]);
    });

    it('EntersControlledAirspace is a warning unless authorised', () => {
      const ctr: Zone = {
        id: 'ctr-1',
        kind: 'controlled',
        geometry: { type: 'polygon', points: square(0, 400, 100) },
        floorM: 0,
        ceilingM: 300,
      };
      const r = route([takeoff, wp(0, 400), rtl]);
      const issues = only(r, { zones: [ctr] });
      expect(issues.map((i) => `${i.code}:${i.severity}@${i.item}`)).toEqual([
        'EntersControlledAirspace:warning@1',
        'EntersControlledAirspace:warning@2',
      ]);
      expect(codes(r, { zones: [ctr], authorisedZoneIds: ['ctr-1'] })).toEqual([]);
    });

    it('LeavesOperatingArea', () => {
      const area: Zone = {
        kind: 'inclusion',
        name: 'district',
        geometry: { type: 'polygon', points: square(0, 0, 600) },
      };
      expect(codes(route([takeoff, wp(0, 400), rtl]), { zones: [area] })).toEqual([]);
      expect(codes(route([takeoff, wp(0, 800), rtl]), { zones: [area] })).toEqual([
        'LeavesOperatingArea@1',
        'LeavesOperatingArea@2',
      ]);
    });

    it('TakeoffClearance and LandingClearance near no-fly zones', () => {
      const near: Zone = { kind: 'nofly', geometry: { type: 'circle', center: at(180, 30), radiusM: 20 } };
      const r = route([takeoff, wp(0, 100), { type: 'land' }]);
      const issues = only(r, { zones: [near] });
      expect(issues.map((i) => `${i.code}:${i.severity}@${i.item}`)).toEqual(['TakeoffClearance:warning@0']);
      expect(issues[0]!.message).toMatch(
        /take-off point .* is 10 m from no-fly zone zones\[0\]; 20 m clearance is required/,
      );
      const landing: Zone = {
        kind: 'nofly',
        geometry: { type: 'circle', center: at(0, 100), radiusM: 5 },
        ceilingM: 10,
      };
      // Coming down inside a low zone: the descent enters it, and the landing point has no clearance.
      expect(codes(r, { zones: [landing] })).toEqual(['EntersNoFlyZone@2', 'LandingClearance@2']);
      expect(only(r, { zones: [landing] }).every((i) => i.severity === 'error')).toBe(true);
    });
  });

  it('checks a route against its own geofence unless told not to', () => {
    const parsed = parseQgcPlan(QGC_PLAN);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(validateRoute(parsed.route)).toEqual([]);
    // Move the exclusion circle onto the first leg, and a waypoint out of the inclusion polygon.
    const r = structuredClone(parsed.route);
    r.fence!.circles[0]!.center = { lat: 30.2748, lon: 120.15565 };
    r.items.splice(3, 0, { type: 'waypoint', lat: 30.2805, lon: 120.155, altM: 40 });
    const issues = validateRoute(r);
    expect(issues.map((i) => `${i.code}@${i.item}`)).toEqual([
      'LeavesOperatingArea@3',
      'LeavesOperatingArea@4',
      'EntersNoFlyZone@1',
    ]);
    expect(issues[2]!.message).toBe('the leg to this item enters no-fly zone "geofence exclusion circle 0"');
    expect(validateRoute(r, { checkFence: false })).toEqual([]);
  });

  it('TakeoffTooLow', () => {
    expect(codes(route([{ type: 'takeoff', altM: 5 }, wp(0, 100), rtl]))).toEqual(['TakeoffTooLow@0']);
    expect(codes(route([{ type: 'takeoff', altM: 5 }, wp(0, 100), rtl]), { minTakeoffAltM: 3 })).toEqual([]);
  });

  describe('endurance', () => {
    // Out 2 km and back at 10 m/s: 400 s of cruise plus climb (30 m at 3 m/s = 10 s) and descent (30 s).
    const r = route([takeoff, { type: 'speed', mps: 10 }, wp(0, 800), wp(0, 2000), rtl]);
    it('InsufficientEndurance when the flight needs more than the battery above its reserve', () => {
      expect(codes(r, { battery: { enduranceS: 1200 }, maxFirstWaypointDistanceM: 2000 })).toEqual([]);
      // 600 s * (1 - 0.25) = 450 s available, ~440 s needed: within 10% -> a warning.
      expect(codes(r, { battery: { enduranceS: 600 } })).toEqual(['LowEnduranceMargin@null']);
      expect(codes(r, { battery: { enduranceS: 500 } })).toEqual(['InsufficientEndurance@null']);
      // A headwind makes the same flight impossible on a battery that was enough.
      expect(codes(r, { battery: { enduranceS: 1200, windMps: 6 } })).toEqual(['InsufficientEndurance@null']);
      // A half-charged battery too.
      expect(codes(r, { battery: { enduranceS: 1200, chargePct: 50 } })).toEqual([
        'InsufficientEndurance@null',
      ]);
    });
    it('counts the way home for a route that does not end with RTL or a landing', () => {
      const open = route([takeoff, { type: 'speed', mps: 10 }, wp(0, 800), wp(0, 2000)]);
      // Same flight as above without the RTL item: still ~440 s once the way home is added.
      expect(codes(open, { battery: { enduranceS: 500 } })).toEqual([
        'NoReturnOrLand@null',
        'InsufficientEndurance@null',
      ]);
    });
    it('EnduranceUnknown for an unlimited loiter', () => {
      const loiter = route([takeoff, { type: 'loiter', ...at(0, 100), altM: 30 }]);
      expect(codes(loiter, { battery: { enduranceS: 1200 } })).toEqual([
        'NoReturnOrLand@null',
        'EnduranceUnknown@null',
      ]);
    });
  });
});
