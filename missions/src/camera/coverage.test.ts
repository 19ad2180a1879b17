/**
 * Coverage with hand-checkable numbers. A nadir camera (gimbal pitch -90) with an 84-degree
 * horizontal field of view and a 4:3 image, 100 m above flat ground, sees a rectangle
 * 2 * 100 * tan(42 deg) = 180.1 m across (east-west when flying north) by 135.1 m along.
 */
import { describe, expect, it } from 'vitest';
import { type LatLon, localPlane } from '../geo.ts';
import { corridorRing, routeCoverageArea, sortieCoverage } from './coverage.ts';
import type { CameraPose } from './projection.ts';

const ORIGIN = { lat: 30, lon: 120 };
const plane = localPlane(ORIGIN);
const at = (x: number, y: number): LatLon => plane.toLatLon({ x, y });
const rect = (w: number, h: number): LatLon[] => [at(0, 0), at(w, 0), at(w, h), at(0, h)];
const LENS = { hfovDeg: 84, width: 4000, height: 3000 };
const NADIR = { pitchDeg: -90, yawDeg: 0, rollDeg: 0 };
const GROUND = { kind: 'flat' as const, elevationMslM: 0 };

/** Samples every `stepM` along a straight leg at 100 m, heading north (0) or south (180). */
function leg(x: number, y0: number, y1: number, stepM = 20, extra: Partial<CameraPose> = {}): CameraPose[] {
  const n = Math.round(Math.abs(y1 - y0) / stepM);
  const yaw = y1 >= y0 ? 0 : 180;
  return Array.from({ length: n + 1 }, (_, i) => {
    const p = at(x, y0 + ((y1 - y0) * i) / n);
    return { ...p, altMslM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: yaw, ...extra };
  });
}

const cover = (planned: LatLon[], track: CameraPose[], extra = {}) => {
  const r = sortieCoverage({ planned, track, lens: LENS, gimbal: NADIR, ground: GROUND, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('sortieCoverage', () => {
  it('a full lawnmower over a 360 x 400 m field covers it all', () => {
    // Two legs 180 m apart, each footprint 180 m wide: [0, 180] and [180, 360] east.
    const track = [...leg(90, -80, 480), ...leg(270, 480, -80)];
    const c = cover(rect(360, 400), track);
    expect(c.share).toBeGreaterThan(0.99);
    // Rasterised in cells of diagonal / 200 (2.7 m): the area is right to within 1 %.
    expect(Math.abs(c.plannedAreaM2 / (360 * 400) - 1)).toBeLessThan(0.01);
  });

  it('half the route (the first leg) covers half the field', () => {
    const c = cover(rect(360, 400), leg(90, -80, 480));
    expect(c.share).toBeGreaterThan(0.48);
    expect(c.share).toBeLessThan(0.52);
  });

  it('flying half the length of both legs covers half the field', () => {
    // Each leg stops at y = 200 - 67.5 so its last footprint ends at y = 200.
    const track = [...leg(90, -80, 132.5, 20), ...leg(270, 132.5, -80, 20)];
    const c = cover(rect(360, 400), track);
    expect(c.share).toBeGreaterThan(0.47);
    expect(c.share).toBeLessThan(0.53);
  });

  it('counts the strip between sparse samples on a straight leg, but not across a gap in the log', () => {
    // Samples 50 m apart: footprints 135 m long overlap anyway; 300 m apart they leave gaps.
    const sparse = leg(90, -80, 520, 50);
    expect(cover(rect(180, 440), sparse).share).toBeGreaterThan(0.99);
    const gappy = [leg(90, 0, 20)[0]!, leg(90, 440, 460)[0]!];
    // Two footprints (each 180 x 135 of which 67.5 m inside the field at either end), no strip.
    const c = cover(rect(180, 440), gappy);
    expect(c.share).toBeCloseTo((2 * 67.5) / 440, 1);
  });

  it('a camera tilted off nadir by banking sees the ground beside the track, not under it', () => {
    // A 40-degree lens sees 2 * 100 * tan(20 deg) = 72.8 m across at nadir. Banked 45 degrees
    // right, a body-fixed camera's view swings out with the belly, to the left: it sees from
    // tan(25 deg) * 100 = 46.6 m to tan(65 deg) * 100 = 214.5 m west.
    const lens = { hfovDeg: 40, width: 4000, height: 3000 };
    const underTrack = rect(60, 400)
      .map((p) => plane.toXY(p))
      .map((p) => at(p.x - 30, p.y));
    const beside = [at(-200, 0), at(-50, 0), at(-50, 400), at(-200, 400)];
    const banked = leg(0, -80, 480, 10, { rollDeg: 45 });
    const level = leg(0, -80, 480, 10);
    expect(cover(underTrack, banked, { lens }).share).toBe(0);
    expect(cover(beside, banked, { lens }).share).toBeGreaterThan(0.97);
    expect(cover(underTrack, level, { lens }).share).toBeGreaterThan(0.99);
    expect(cover(beside, level, { lens }).share).toBe(0);
  });

  it('nothing flown covers nothing', () => {
    expect(cover(rect(100, 100), []).share).toBe(0);
  });

  it('a corridor around the planned path is covered by flying the path with a wide enough footprint', () => {
    const path = [at(0, 0), at(0, 400), at(300, 400)];
    const ring = corridorRing(path, 50);
    expect(ring).toHaveLength(6);
    const track = [...leg(0, -70, 400), ...legEast(0, 370, 400)];
    expect(cover(ring, track).share).toBeGreaterThan(0.97);
    // The corridor is 100 x 450 m along the first leg plus 250 x 100 m along the second
    // (70,000 m2). Flying the first leg only, the 180 m-wide footprint sees all of the first
    // part and 40 x 100 m of the second: 49,000 / 70,000 = 0.70.
    const first = cover(ring, leg(0, -70, 400));
    expect(first.share).toBeGreaterThan(0.68);
    expect(first.share).toBeLessThan(0.72);
  });

  it("a route's planned area is the corridor a nadir footprint sweeps along its waypoints", () => {
    const route = {
      name: 'r',
      defaults: { altM: 30, speedMps: 8 },
      items: [
        { type: 'takeoff' as const, altM: 100 },
        { type: 'waypoint' as const, ...at(90, 0), altM: 100 },
        { type: 'waypoint' as const, ...at(90, 400), altM: 100 },
        { type: 'waypoint' as const, ...at(270, 400), altM: 100 },
        { type: 'waypoint' as const, ...at(270, 0), altM: 100 },
        { type: 'rtl' as const },
      ],
    };
    // Half-width 100 * tan(42 deg) = 90 m: the two lanes' strips make up x 0..360, y 0..400,
    // and the cross-over at y = 400 adds 90 m beyond it: 360 x 490 m, all seen by the lawnmower.
    const ring = routeCoverageArea(route as never, LENS);
    expect(ring.length).toBeGreaterThan(4);
    const c = cover(ring, [...leg(90, -80, 480), ...leg(270, 480, -80)]);
    expect(c.share).toBeGreaterThan(0.99);
    expect(Math.abs(c.plannedAreaM2 / (360 * 490) - 1)).toBeLessThan(0.03);
    expect(routeCoverageArea({ ...route, items: route.items.slice(0, 2) } as never, LENS)).toEqual([]);
  });

  it('refuses bad input with a coded error naming what is wrong', () => {
    const base = { track: [], lens: LENS, gimbal: NADIR, ground: GROUND };
    expect(sortieCoverage({ ...base, planned: [at(0, 0), at(1, 1)] })).toMatchObject({
      ok: false,
      error: { code: 'InvalidArea' },
    });
    const badTrack = sortieCoverage({
      ...base,
      planned: rect(10, 10),
      track: [{ ...at(0, 0), altMslM: Number.NaN, rollDeg: 0, pitchDeg: 0, yawDeg: 0 }],
    });
    expect(badTrack).toMatchObject({ ok: false, error: { code: 'InvalidTrack' } });
    expect(!badTrack.ok && badTrack.error.message).toContain('track[0]');
    expect(sortieCoverage({ ...base, planned: rect(10, 10), cellM: 0 })).toMatchObject({
      ok: false,
      error: { code: 'InvalidOption' },
    });
  });
});

/** Samples every 20 m heading east along y from x0 to x1. */
function legEast(x0: number, x1: number, y: number): CameraPose[] {
  const n = Math.round((x1 - x0) / 20);
  return Array.from({ length: n + 1 }, (_, i) => ({
    ...at(x0 + ((x1 - x0) * i) / n, y),
    altMslM: 100,
    rollDeg: 0,
    pitchDeg: 0,
    yawDeg: 90,
  }));
}
