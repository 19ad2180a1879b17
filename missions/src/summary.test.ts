import { describe, expect, it } from 'vitest';
import { distanceM } from './geo.ts';
import { summarizeRoute } from './summary.ts';
import { patrolRoute } from './testing/fixtures.ts';

describe('distanceM', () => {
  it('matches a known distance: one degree of latitude is ~111.195 km on the mean sphere', () => {
    expect(distanceM({ lat: 30, lon: 120 }, { lat: 31, lon: 120 })).toBeCloseTo(111_195, 0);
    // Equator to pole is a quarter of the circumference: pi * R / 2 = 10,007.5 km.
    expect(distanceM({ lat: 0, lon: 10 }, { lat: 90, lon: 10 }) / 1000).toBeCloseTo(10_007.5, 0);
    // A degree of longitude shrinks with cos(latitude): 60 deg -> half of 111.195 km.
    expect(distanceM({ lat: 60, lon: 10 }, { lat: 60, lon: 10.001 })).toBeCloseTo(55.6, 1);
  });
});

describe('summarizeRoute', () => {
  it('adds up legs, climbs, holds and the way home for a patrol', () => {
    // Home 30.2741,120.1551. Leg 1: 0.0014 deg north = 155.7 m. Leg 2: 0.0016 deg east at
    // lat 30.2755 = 0.0016 * 111195 * cos(30.2755 deg) = 153.6 m. Way home: hypot = 218.7 m.
    // Total 528.0 m. Time: climb 30 m at 3 m/s (10 s) + 155.7/8 (19.5 s) + 153.6/8 (19.2 s;
    // the 10 m climb takes 3.3 s alongside) + hold 5 s + 218.7/8 (27.3 s) + descent 40 m at 1 m/s (40 s) = 121.0 s.
    const s = summarizeRoute(patrolRoute());
    expect(s.distanceM).toBeGreaterThan(527);
    expect(s.distanceM).toBeLessThan(529);
    expect(s.durationS).toBeGreaterThan(120);
    expect(s.durationS).toBeLessThan(122);
    expect(s.holdS).toBe(5);
    expect(s.maxAltM).toBe(40);
    expect(s.maxDistanceFromHomeM).toBeGreaterThan(218);
    expect(s.maxDistanceFromHomeM).toBeLessThan(220);
    expect(s).toMatchObject({
      itemCount: 4,
      missionItemCount: 4,
      endsOnGround: true,
      endsInUnlimitedLoiter: false,
    });
    expect(summarizeRoute(patrolRoute(), { flavour: 'ardupilot' }).missionItemCount).toBe(5);
  });

  it('flies faster after a speed item and repeats jumped-over legs', () => {
    const base = patrolRoute();
    const slow = summarizeRoute(base).durationS;
    base.items.splice(1, 0, { type: 'speed', mps: 16 });
    expect(summarizeRoute(base).durationS).toBeLessThan(slow);
    const loop = patrolRoute();
    // Fly waypoints 1-2 three times: the jump repeats twice.
    loop.items.splice(3, 0, { type: 'jump', toItem: 1, repeat: 2 });
    const once = summarizeRoute(patrolRoute());
    const thrice = summarizeRoute(loop);
    // Each extra lap: wp2 -> wp1 (~153.6 m) and wp1 -> wp2 (~153.6 m).
    expect(thrice.distanceM - once.distanceM).toBeGreaterThan(2 * 2 * 153);
    expect(thrice.distanceM - once.distanceM).toBeLessThan(2 * 2 * 154.5);
    expect(thrice.holdS).toBe(15);
  });

  it('reports an unlimited loiter instead of inventing an end time', () => {
    const r = patrolRoute();
    r.items[3] = { type: 'loiter', lat: 30.2755, lon: 120.1567, altM: 40 };
    const s = summarizeRoute(r);
    expect(s.endsInUnlimitedLoiter).toBe(true);
    expect(s.endsOnGround).toBe(false);
  });
});
