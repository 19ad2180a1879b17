import { describe, expect, it } from 'vitest';
import { eulerZYXDeg, mulMat, relativeAttitudeDeg, rotationZYX } from './rotation.ts';

const m = (a: { yawDeg: number; pitchDeg: number; rollDeg: number }) =>
  rotationZYX(a.yawDeg, a.pitchDeg, a.rollDeg);

function expectSame(a: ReturnType<typeof m>, b: ReturnType<typeof m>): void {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(a[i]![j]!).toBeCloseTo(b[i]![j]!, 9);
}

describe('Z-Y-X angles back from a rotation', () => {
  it('inverts rotationZYX, and keeps the rotation at pitch +-90 with roll 0', () => {
    const e = eulerZYXDeg(rotationZYX(123, -37, 14));
    expect(e.yawDeg).toBeCloseTo(123, 9);
    expect(e.pitchDeg).toBeCloseTo(-37, 9);
    expect(e.rollDeg).toBeCloseTo(14, 9);
    for (const pitch of [-90, 90]) {
      const down = eulerZYXDeg(rotationZYX(200, pitch, 0));
      expect(down.rollDeg).toBe(0);
      expectSame(m(down), rotationZYX(200, pitch, 0));
    }
  });

  it('expresses one attitude relative to another: composed, they give it back', () => {
    const body = { yawDeg: 301, pitchDeg: 7, rollDeg: -12 };
    for (const camera of [
      { yawDeg: 280, pitchDeg: -40, rollDeg: 0 },
      { yawDeg: 10, pitchDeg: -90, rollDeg: 0 },
    ]) {
      expectSame(mulMat(m(body), m(relativeAttitudeDeg(body, camera))), m(camera));
    }
    expect(relativeAttitudeDeg(body, body).pitchDeg).toBeCloseTo(0, 9);
  });
});
