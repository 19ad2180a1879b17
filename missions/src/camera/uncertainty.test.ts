import { describe, expect, it } from 'vitest';
import type { CameraView, Ground } from './projection.ts';
import { describeCovariance, groundFixWithError, type PoseUncertainty } from './uncertainty.ts';

const GROUND: Ground = { kind: 'flat', elevationMslM: 0 };
const LENS = { hfovDeg: 90, width: 1000, height: 750 };
const NONE: PoseUncertainty = {
  horizontalSigmaM: 0,
  altitudeSigmaM: 0,
  tiltSigmaDeg: 0,
  yawSigmaDeg: 0,
  pixelSigmaPx: 0,
  timingSigmaMs: 0,
};
const RAD = Math.PI / 180;

function view(gimbalPitchDeg: number, yawDeg = 0): CameraView {
  return {
    pose: { lat: 30, lon: 120, altMslM: 100, rollDeg: 0, pitchDeg: 0, yawDeg },
    gimbal: { pitchDeg: gimbalPitchDeg, yawDeg: 0, rollDeg: 0 },
    camera: LENS,
  };
}

function fix(v: CameraView, u: number, px: number, sig: Partial<PoseUncertainty>) {
  const r = groundFixWithError(v, u, px, GROUND, { ...NONE, ...sig });
  if (!r.ok) throw new Error(r.message);
  return r.error;
}

describe('georeferencing error', () => {
  it('with a pose rate, timing error is rate x timing sigma; without one there is none', () => {
    const moving: CameraView = {
      ...view(-90),
      poseRate: { northMps: 20, eastMps: 0, upMps: 0, rollDps: 0, pitchDps: 0, yawDps: 0 },
    };
    const e = fix(moving, 500, 375, { timingSigmaMs: 300 });
    expect(Math.sqrt(e.covariance.nn)).toBeCloseTo(6, 4);
    expect(e.covariance.ee).toBeCloseTo(0, 6);
    expect(e.sharedM).toBeCloseTo(6, 4);
    expect(fix(view(-90), 500, 375, { timingSigmaMs: 300 }).sharedM).toBe(0);
  });

  it('position error passes straight through: 1.5 m per axis is 2.12 m radial', () => {
    const e = fix(view(-90), 500, 375, { horizontalSigmaM: 1.5 });
    expect(e.covariance.nn).toBeCloseTo(2.25, 4);
    expect(e.covariance.ee).toBeCloseTo(2.25, 4);
    expect(e.errorM).toBeCloseTo(Math.SQRT2 * 1.5, 4);
  });

  it('nadir at 100 m: 0.5 deg of tilt is 100 * 0.5 deg in rad = 0.873 m per axis; yaw does not move the centre', () => {
    const e = fix(view(-90), 500, 375, { tiltSigmaDeg: 0.5, yawSigmaDeg: 3 });
    expect(Math.sqrt(e.covariance.nn)).toBeCloseTo(100 * 0.5 * RAD, 3);
    expect(Math.sqrt(e.covariance.ee)).toBeCloseTo(100 * 0.5 * RAD, 3);
  });

  it('yaw moves an off-centre point tangentially: 100 m east of nadir, 1 deg -> 1.745 m north-south', () => {
    const e = fix(view(-90), 1000, 375, { yawSigmaDeg: 1 });
    expect(Math.sqrt(e.covariance.nn)).toBeCloseTo(100 * RAD, 3);
    expect(e.covariance.ee).toBeCloseTo(0, 4);
    expect(e.majorAxisBearingDeg).toBeCloseTo(0, 3);
  });

  it('30 deg off nadir: pitch stretches along the view (h / cos^2 30), roll across it (h), altitude by tan 30', () => {
    // One degree is small enough for the first-order figures to hold to the centimetre.
    const pitch = fix(view(-60), 500, 375, { tiltSigmaDeg: 1 });
    expect(Math.sqrt(pitch.covariance.nn)).toBeCloseTo((100 / Math.cos(30 * RAD) ** 2) * RAD, 2);
    expect(Math.sqrt(pitch.covariance.ee)).toBeCloseTo(100 * RAD, 2);
    const alt = fix(view(-60), 500, 375, { altitudeSigmaM: 2 });
    expect(Math.sqrt(alt.covariance.nn)).toBeCloseTo(2 * Math.tan(30 * RAD), 4);
  });

  it('the error grows with the angle off nadir', () => {
    const at = (pitch: number) => fix(view(pitch), 500, 375, {}).errorM;
    const nadir = groundFixWithError(view(-90), 500, 375, GROUND);
    const deg30 = groundFixWithError(view(-60), 500, 375, GROUND);
    const deg60 = groundFixWithError(view(-30), 500, 375, GROUND);
    if (!nadir.ok || !deg30.ok || !deg60.ok) throw new Error('expected fixes');
    expect(nadir.error.errorM).toBeLessThan(deg30.error.errorM);
    expect(deg30.error.errorM).toBeLessThan(deg60.error.errorM);
    expect(at(-90)).toBe(0);
  });

  it('a ray that tips over the horizon within its error fails instead of giving a number', () => {
    // The axis is 1 deg below the horizon; 2 deg of pitch up points it 1 deg above.
    const r = groundFixWithError(view(-1), 500, 375, GROUND, { tiltSigmaDeg: 2 }, { maxRangeM: 1e6 });
    expect(r).toMatchObject({ ok: false, reason: 'no-ground' });
    const fine = groundFixWithError(view(-1), 500, 375, GROUND, { tiltSigmaDeg: 0.5 }, { maxRangeM: 1e6 });
    expect(fine.ok).toBe(true);
  });

  it('describeCovariance finds the ellipse axes of a rotated covariance', () => {
    // Major axis 3 m towards 45 deg, minor 1 m: nn = ee = (9 + 1) / 2, ne = (9 - 1) / 2.
    const d = describeCovariance({ nn: 5, ne: 4, ee: 5 });
    expect(d.sigmaMajorM).toBeCloseTo(3, 9);
    expect(d.sigmaMinorM).toBeCloseTo(1, 9);
    expect(d.majorAxisBearingDeg).toBeCloseTo(45, 9);
    expect(d.errorM).toBeCloseTo(Math.sqrt(10), 9);
  });
});
