import { describe, expect, it } from 'vitest';
import { captureProblem, withCaptureItems } from './capture.ts';
import { toMissionItems } from './convert.ts';
import { parseAerieRoute, writeAerieRoute } from './formats/aerie-route.ts';
import { MavCmd } from './items.ts';
import type { Route } from './route.ts';

const home = { lat: 23.03, lon: 113.14 };
const patrol = (capture?: Route['capture']): Route => ({
  name: 'river',
  home,
  defaults: { altM: 30, speedMps: 8 },
  items: [
    { type: 'takeoff', altM: 30 },
    { type: 'waypoint', lat: 23.031, lon: 113.14, altM: 30 },
    { type: 'waypoint', lat: 23.031, lon: 113.141, altM: 30 },
    { type: 'jump', toItem: 1, repeat: 2 },
    { type: 'rtl' },
  ],
  ...(capture ? { capture } : {}),
});

describe('capture setting -> camera items', () => {
  it('starts distance triggering after the take-off and stops it before the return (PX4 items)', () => {
    const items = toMissionItems(withCaptureItems(patrol({ distanceM: 25 })), { flavour: 'px4' });
    expect(items.map((i) => i.command)).toEqual([
      MavCmd.NavTakeoff,
      MavCmd.DoSetCamTriggDist,
      MavCmd.NavWaypoint,
      MavCmd.NavWaypoint,
      177,
      MavCmd.DoSetCamTriggDist,
      MavCmd.NavReturnToLaunch,
    ]);
    // 25 m, shoot once at once; then 0 = pause.
    expect([items[1]!.param1, items[1]!.param3]).toEqual([25, 1]);
    expect([items[5]!.param1, items[5]!.param3]).toEqual([0, 0]);
    // The jump still goes to the first waypoint (seq 2 now).
    expect(items[4]!.param1).toBe(2);
  });

  it('uses timed capture for an interval, stopped with IMAGE_STOP_CAPTURE', () => {
    const items = toMissionItems(withCaptureItems(patrol({ intervalS: 4 })), { flavour: 'ardupilot' });
    // ArduPilot: seq 0 is home; the jump's target counts it too.
    const start = items.find((i) => i.command === MavCmd.ImageStartCapture)!;
    expect([start.seq, start.param2, start.param3]).toEqual([2, 4, 0]);
    expect(items[items.length - 2]!.command).toBe(MavCmd.ImageStopCapture);
    expect(items.find((i) => i.command === 177)!.param1).toBe(3);
  });

  it('captures to the end of a route without a final return, and leaves routes without a setting alone', () => {
    const open = { ...patrol({ distanceM: 10 }), items: patrol().items.slice(0, 3) };
    expect(withCaptureItems(open).items.map((i) => i.type)).toEqual([
      'takeoff',
      'photo',
      'waypoint',
      'waypoint',
      'photo',
    ]);
    const plain = patrol();
    expect(withCaptureItems(plain)).toBe(plain);
    expect(withCaptureItems(patrol({ distanceM: 10 })).capture).toBeUndefined();
  });

  it('refuses a setting beside photo items of the route, and a non-positive value', () => {
    const own = { ...patrol(), items: [...patrol().items.slice(0, 2), { type: 'photo' as const }] };
    expect(captureProblem(own, { distanceM: 10 })).toMatch(/items\[2\].*not both/);
    expect(captureProblem(patrol(), { intervalS: 0 })).toBe('capture.intervalS: must be more than 0, got 0');
    expect(() => withCaptureItems({ ...own, capture: { distanceM: 10 } })).toThrow(/not both/);
  });

  it('is read from and written to Aerie route JSON', () => {
    const file = JSON.parse(writeAerieRoute(patrol({ distanceM: 25 })));
    expect(file.capture).toEqual({ distanceM: 25 });
    const back = parseAerieRoute(file);
    expect(back.ok && back.route.capture).toEqual({ distanceM: 25 });
    const both = parseAerieRoute({ ...file, capture: { distanceM: 5, intervalS: 2 } });
    expect(!both.ok && both.error.message).toBe('capture: give either distanceM or intervalS');
    const neg = parseAerieRoute({ ...file, capture: { distanceM: -5 } });
    expect(!neg.ok && neg.error.message).toBe('capture.distanceM: must be more than 0, got -5');
    const clash = parseAerieRoute({ ...file, items: [...file.items.slice(0, 2), { type: 'photo' }] });
    expect(!clash.ok && clash.error.message).toMatch(/^capture: the route has camera items of its own/);
  });
});
