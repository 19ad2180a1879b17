import { localPlane } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import { lerpAngle, PoseBuffer, type PoseSample, poseRateBetween, wrap180 } from './pose-at.ts';

const sample = (atMs: number, over: Partial<PoseSample> = {}): PoseSample => ({
  atMs,
  lat: 30,
  lon: 120,
  altMslM: 110,
  altRelM: 100,
  rollDeg: 0,
  pitchDeg: 0,
  yawDeg: 0,
  ...over,
});

describe('angles', () => {
  it('wraps to (-180, 180] and interpolates along the shorter arc', () => {
    expect(wrap180(190)).toBe(-170);
    expect(wrap180(-180)).toBe(180);
    expect(wrap180(540)).toBe(180);
    expect(lerpAngle(350, 10, 0.5)).toBeCloseTo(0, 9);
    expect(lerpAngle(10, 350, 0.25)).toBeCloseTo(5, 9);
    expect(lerpAngle(170, -170, 0.5)).toBeCloseTo(180, 9);
    expect(lerpAngle(0, 90, 0.5)).toBeCloseTo(45, 9);
  });
});

describe('PoseBuffer', () => {
  it('places a frame between two telemetry samples (10 Hz) at the interpolated pose', () => {
    const b = new PoseBuffer();
    // 10 m/s northwards: 1e-5 deg of latitude is about 1.11 m.
    for (let i = 0; i <= 10; i++)
      b.push('v1', sample(1000 + i * 100, { lat: 30 + i * 9e-6, yawDeg: 355 + i, altMslM: 110 + i }));
    const p = b.poseAt('v1', 1450)!;
    expect(p.lat).toBeCloseTo(30 + 4.5 * 9e-6, 12);
    expect(p.altMslM).toBeCloseTo(114.5, 9);
    expect(p.yawDeg).toBeCloseTo(-0.5, 9);
    // Exactly on a sample.
    expect(b.poseAt('v1', 1300)!.lat).toBeCloseTo(30 + 3 * 9e-6, 12);
  });

  it('aligns within one telemetry period: the pose error is at most the motion between two samples', () => {
    const b = new PoseBuffer();
    const truthLat = (t: number) => 30 + ((t - 1000) / 1000) * 9e-5; // 10 m/s north
    for (let t = 1000; t <= 3000; t += 200) b.push('v1', sample(t, { lat: truthLat(t) }));
    for (let t = 1000; t <= 3000; t += 37) {
      const p = b.poseAt('v1', t)!;
      // Constant speed: interpolation is exact up to float error.
      expect(Math.abs(p.lat - truthLat(t))).toBeLessThan(1e-10);
    }
  });

  it('has no pose outside the kept samples, for an unknown vehicle, or for an empty buffer', () => {
    const b = new PoseBuffer({ capacity: 3 });
    expect(b.poseAt('v1', 1000)).toBeNull();
    for (const t of [1000, 1100, 1200, 1300]) b.push('v1', sample(t));
    expect(b.poseAt('v1', 1050)).toBeNull(); // dropped from the ring
    expect(b.poseAt('v1', 1301)).toBeNull(); // after the newest: not known yet
    expect(b.poseAt('v1', 1150)).not.toBeNull();
    expect(b.poseAt('v2', 1150)).toBeNull();
    expect(b.newestAtMs('v1')).toBe(1300);
    b.forget('v1');
    expect(b.newestAtMs('v1')).toBeNull();
  });

  it('ignores repeated and out-of-order samples', () => {
    const b = new PoseBuffer();
    b.push('v1', sample(1000, { lat: 30 }));
    b.push('v1', sample(1200, { lat: 30.0002 }));
    b.push('v1', sample(1100, { lat: 99 }));
    b.push('v1', sample(1200, { lat: 99 }));
    expect(b.poseAt('v1', 1100)!.lat).toBeCloseTo(30.0001, 12);
  });

  it('refuses a capacity that cannot interpolate', () => {
    expect(() => new PoseBuffer({ capacity: 1 })).toThrow(/capacity/);
  });
});

describe('pose rates', () => {
  const plane = localPlane({ lat: 30, lon: 120 });
  const at = (atMs: number, northM: number, yawDeg: number) =>
    sample(atMs, { ...plane.toLatLon({ x: 0, y: northM }), yawDeg });

  it('measures velocity and turn rate per wall-clock second, yaw along the shorter arc', () => {
    const r = poseRateBetween(at(0, 0, 350), at(500, 16, 10));
    expect(r.northMps).toBeCloseTo(32, 3);
    expect(r.eastMps).toBeCloseTo(0, 3);
    expect(r.yawDps).toBeCloseTo(40, 9);
    expect(() => poseRateBetween(at(0, 0, 0), at(0, 1, 0))).toThrow(/later second sample/);
  });

  it('rateAt widens 10 Hz samples to at least 150 ms around the time; none outside the ring', () => {
    const b = new PoseBuffer();
    expect(b.rateAt('v', 0)).toBeNull();
    b.push('v', at(0, 0, 0));
    expect(b.rateAt('v', 0)).toBeNull();
    for (let i = 1; i <= 10; i++) b.push('v', at(i * 100, i * 3.2, 0));
    const r = b.rateAt('v', 450);
    expect(r!.northMps).toBeCloseTo(32, 3);
    expect(b.rateAt('v', 1000)!.northMps).toBeCloseTo(32, 3);
    expect(b.rateAt('v', 1001)).toBeNull();
  });
});
