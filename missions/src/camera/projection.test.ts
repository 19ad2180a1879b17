import { describe, expect, it } from 'vitest';
import { distanceM, type LatLon, localPlane, ringArea } from '../geo.ts';
import {
  type CameraView,
  cameraFootprint,
  cameraFor,
  flatGroundFromHome,
  type Ground,
  groundToPixel,
  pixelToGround,
} from './projection.ts';

const HOME: LatLon = { lat: 30.2741, lon: 120.1551 };
const GROUND: Ground = { kind: 'flat', elevationMslM: 10 };
// 90 deg horizontal field of view on 1000 x 750 px: focal length 500 px, so a pixel offset of
// d px from the centre is a ray d / 500 of the height off the optical axis.
const LENS = { hfovDeg: 90, width: 1000, height: 750 };

function view(
  over: Partial<CameraView['pose']> = {},
  gimbal: Partial<CameraView['gimbal']> = {},
): CameraView {
  return {
    pose: { ...HOME, altMslM: 110, rollDeg: 0, pitchDeg: 0, yawDeg: 0, ...over },
    gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0, ...gimbal },
    camera: LENS,
  };
}

/** Metres east and north of HOME. */
function en(p: LatLon): { e: number; n: number } {
  const xy = localPlane(HOME).toXY(p);
  return { e: xy.x, n: xy.y };
}

function groundAt(v: CameraView, u: number, px: number): { e: number; n: number } {
  const r = pixelToGround(v, u, px, GROUND);
  if (!r.ok) throw new Error(r.message);
  return en(r.point);
}

const tan = (deg: number): number => Math.tan((deg * Math.PI) / 180);

describe('pixel to ground', () => {
  it('nadir at 100 m: centre below the camera, edges at 100 m and 75 m', () => {
    const v = view();
    const c = groundAt(v, 500, 375);
    expect(c.e).toBeCloseTo(0, 6);
    expect(c.n).toBeCloseTo(0, 6);
    // Right edge: 500 px / 500 px * 100 m = 100 m to the right = east (nose north).
    const right = groundAt(v, 1000, 375);
    expect(right.e).toBeCloseTo(100, 3);
    expect(right.n).toBeCloseTo(0, 3);
    // Top edge: 375 / 500 * 100 = 75 m towards the nose = north.
    const top = groundAt(v, 500, 0);
    expect(top.n).toBeCloseTo(75, 3);
    // Bottom-left corner: 100 m west, 75 m south.
    const bl = groundAt(v, 0, 750);
    expect(bl.e).toBeCloseTo(-100, 3);
    expect(bl.n).toBeCloseTo(-75, 3);
  });

  it('oblique 30 deg off nadir: 100 * tan 30 = 57.735 m ahead', () => {
    const c = groundAt(view({}, { pitchDeg: -60 }), 500, 375);
    expect(c.n).toBeCloseTo(100 * tan(30), 3);
    expect(c.e).toBeCloseTo(0, 3);
    const r = pixelToGround(view({}, { pitchDeg: -60 }), 500, 375, GROUND);
    expect(r.ok && r.slantRangeM).toBeCloseTo(100 / Math.cos(Math.PI / 6), 3);
  });

  it('oblique 60 deg off nadir: 100 * tan 60 = 173.205 m ahead; the top row at 60 + 36.87 deg sees no ground', () => {
    const v = view({}, { pitchDeg: -30 });
    expect(groundAt(v, 500, 375).n).toBeCloseTo(100 * tan(60), 3);
    // Top centre pixel is atan(375 / 500) = 36.87 deg above the axis: 96.87 deg from nadir.
    const top = pixelToGround(v, 500, 0, GROUND);
    expect(top.ok).toBe(false);
    if (!top.ok) {
      expect(top.reason).toBe('no-ground');
      expect(top.message).toMatch(/6\.9 deg above the horizon/);
    }
  });

  it('vehicle yawed 90 deg (nose east): a 30 deg oblique view lands 57.735 m east', () => {
    const c = groundAt(view({ yawDeg: 90 }, { pitchDeg: -60 }), 500, 375);
    expect(c.e).toBeCloseTo(100 * tan(30), 3);
    expect(c.n).toBeCloseTo(0, 3);
  });

  it('vehicle yawed 45 deg, nadir: the image right edge points south-east', () => {
    const r = groundAt(view({ yawDeg: 45 }), 1000, 375);
    expect(r.e).toBeCloseTo(100 * Math.SQRT1_2, 3);
    expect(r.n).toBeCloseTo(-100 * Math.SQRT1_2, 3);
  });

  it('gimbal yaw adds to vehicle yaw; gimbal pitch is relative to the body', () => {
    const a = groundAt(view({ yawDeg: 30 }, { pitchDeg: -60, yawDeg: 60 }), 500, 375);
    expect(a.e).toBeCloseTo(100 * tan(30), 3);
    expect(a.n).toBeCloseTo(0, 3);
    // Nose 10 deg down plus gimbal -80 relative to the body: straight down.
    const b = groundAt(view({ pitchDeg: -10 }, { pitchDeg: -80 }), 500, 375);
    expect(Math.hypot(b.e, b.n)).toBeLessThan(1e-6);
  });

  it('right-wing-down roll of 30 deg tilts a body-fixed nadir camera 57.735 m to the left (west)', () => {
    const c = groundAt(view({ rollDeg: 30 }), 500, 375);
    expect(c.e).toBeCloseTo(-100 * tan(30), 3);
    expect(c.n).toBeCloseTo(0, 3);
  });

  it('a ray above the horizon gives a clear no-ground result, not a point', () => {
    const r = pixelToGround(view({}, { pitchDeg: 10 }), 500, 375, GROUND);
    expect(r).toMatchObject({ ok: false, reason: 'no-ground' });
    const level = pixelToGround(view({}, { pitchDeg: 0 }), 500, 375, GROUND);
    expect(level).toMatchObject({ ok: false, reason: 'no-ground' });
  });

  it('a grazing ray beyond the range limit and a camera below the ground are refused', () => {
    // 89 deg off nadir at 100 m: 5729 m away.
    const far = pixelToGround(view({}, { pitchDeg: -1 }), 500, 375, GROUND);
    expect(far).toMatchObject({ ok: false, reason: 'beyond-range' });
    const ok = pixelToGround(view({}, { pitchDeg: -1 }), 500, 375, GROUND, { maxRangeM: 10_000 });
    expect(ok.ok && ok.northM).toBeCloseTo(100 / tan(1), 1);
    const under = pixelToGround(view({ altMslM: 5 }), 500, 375, GROUND);
    expect(under).toMatchObject({ ok: false, reason: 'below-ground' });
  });

  it('flat ground from home uses altMslM - altRelM', () => {
    expect(flatGroundFromHome({ altMslM: 112, altRelM: 100 })).toEqual({ kind: 'flat', elevationMslM: 12 });
  });
});

describe('DEM', () => {
  it('a DEM that is flat at 10 m gives the flat-ground answer', () => {
    const v = view({}, { pitchDeg: -60 });
    const dem: Ground = { kind: 'dem', elevationMslM: () => 10, stepM: 3 };
    const a = pixelToGround(v, 700, 200, dem);
    const b = pixelToGround(v, 700, 200, GROUND);
    if (!a.ok || !b.ok) throw new Error('expected hits');
    expect(distanceM(a.point, b.point)).toBeLessThan(0.01);
  });

  it('a 40 m terrace from 30 m north stops a 60 deg oblique ray at the terrace wall', () => {
    // Terrain 10 m up to 30 m north, 50 m beyond. The ray from 110 m descends tan(30) m per metre
    // north: at 30 m north it is at 110 - 30 / tan 60 = 92.68 m, above 50 m, so it hits the
    // terrace top where 110 - n / tan 60 = 50: n = 60 * tan 60 = 103.92 m.
    const v = view({}, { pitchDeg: -30 });
    const dem: Ground = { kind: 'dem', elevationMslM: (p) => (en(p).n >= 30 ? 50 : 10), stepM: 1 };
    const r = pixelToGround(v, 500, 375, dem);
    if (!r.ok) throw new Error(r.message);
    expect(en(r.point).n).toBeCloseTo(60 * tan(60), 2);
    expect(r.point.elevationMslM).toBeCloseTo(50, 2);
  });

  it('leaving the terrain model is reported, not guessed', () => {
    const dem: Ground = { kind: 'dem', elevationMslM: (p) => (en(p).n < 50 ? 10 : undefined) };
    const r = pixelToGround(view({}, { pitchDeg: -30 }), 500, 375, dem);
    expect(r).toMatchObject({ ok: false, reason: 'no-terrain' });
  });
});

describe('ground to pixel', () => {
  it('inverts pixel to ground for nadir, oblique, yawed and rolled views', () => {
    const views = [
      view(),
      view({}, { pitchDeg: -60 }),
      view({ yawDeg: 137, rollDeg: 4, pitchDeg: -3 }, { pitchDeg: -45, yawDeg: 20 }),
    ];
    for (const v of views) {
      for (const [u, px] of [
        [500, 375],
        [10, 20],
        [990, 700],
        [250, 600],
      ] as const) {
        const g = pixelToGround(v, u, px, GROUND);
        if (!g.ok) continue;
        const back = groundToPixel(v, g.point, 10);
        expect(back.ok).toBe(true);
        if (back.ok) {
          expect(back.u).toBeCloseTo(u, 6);
          expect(back.v).toBeCloseTo(px, 6);
          expect(back.inImage).toBe(true);
        }
      }
    }
  });

  it('a point 100 m north seen from a nadir camera at 100 m is off the image; behind an oblique camera it is refused', () => {
    const north = localPlane(HOME).toLatLon({ x: 0, y: 100 });
    const nadir = groundToPixel(view(), north, 10);
    // 100 m north at 100 m below is 500 px above the centre: v = 375 - 500 = -125.
    expect(nadir.ok && nadir.v).toBeCloseTo(-125, 6);
    expect(nadir.ok && nadir.inImage).toBe(false);
    const behind = groundToPixel(
      view({}, { pitchDeg: 0 }),
      localPlane(HOME).toLatLon({ x: 0, y: -100 }),
      110,
    );
    expect(behind).toMatchObject({ ok: false, reason: 'behind-camera' });
  });
});

describe('footprint', () => {
  it('nadir at 100 m with a 90 deg lens covers 200 m x 150 m', () => {
    const fp = cameraFootprint(view(), GROUND, { samplesPerEdge: 2 });
    expect(fp.clipped).toBe(false);
    expect(fp.ring).toHaveLength(8);
    const plane = localPlane(HOME);
    // Clockwise seen from above: negative signed area on the east/north plane.
    expect(ringArea(fp.ring.map((p) => plane.toXY(p)))).toBeCloseTo(-30_000, 0);
  });

  it('an oblique view with sky in the top rows is clipped at the range limit', () => {
    const cam = cameraFor(view({}, { pitchDeg: -30 }));
    const fp = cam.footprint(GROUND, { maxRangeM: 1000 });
    expect(fp.clipped).toBe(true);
    const farthest = Math.max(...fp.ring.map((p) => distanceM(HOME, p)));
    expect(farthest).toBeCloseTo(1000, 0);
  });
});
