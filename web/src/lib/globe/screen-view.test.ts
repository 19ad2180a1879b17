import { describe, expect, it } from 'vitest';
import { headingVector, nearFarScale, type ScreenPoint } from './screen-view.ts';
import { at, HEIGHT, HOME, lookingDown, WIDTH } from './test-camera.ts';

describe('ScreenView.project', () => {
  const view = lookingDown(5_000);
  const p: ScreenPoint = { x: 0, y: 0 };

  it('draws the point under the camera in the middle of the canvas', () => {
    expect(view.project(...at(HOME.lon, HOME.lat), p)).toBe(true);
    expect(p.x).toBeCloseTo(WIDTH / 2, 3);
    expect(p.y).toBeCloseTo(HEIGHT / 2, 3);
  });

  it('draws east to the right and north up', () => {
    view.project(...at(HOME.lon + 0.01, HOME.lat), p);
    expect(p.x).toBeGreaterThan(WIDTH / 2 + 50);
    expect(Math.abs(p.y - HEIGHT / 2)).toBeLessThan(2);
    view.project(...at(HOME.lon, HOME.lat + 0.01), p);
    expect(p.y).toBeLessThan(HEIGHT / 2 - 50);
    expect(Math.abs(p.x - WIDTH / 2)).toBeLessThan(2);
  });

  it('puts a point 1 km east where the frustum says (tan of the angle over the half width)', () => {
    view.project(...at(HOME.lon + 1000 / (111_320 * Math.cos((HOME.lat * Math.PI) / 180)), HOME.lat), p);
    // Horizontal half-angle of a 60 degree frustum at 16:10 is 30 degrees (fov is the wider side).
    const expected = WIDTH / 2 + (1000 / 5000 / Math.tan(Math.PI / 6)) * (WIDTH / 2);
    expect(p.x).toBeCloseTo(expected, -1);
  });

  it('answers false for a point behind the camera and one on the far side of the earth', () => {
    const below = lookingDown(-10_000); // still looking down: the ground is behind it
    expect(below.projectAny(...at(HOME.lon, HOME.lat, 20_000), p)).toBe(false);
    expect(view.project(...at(HOME.lon + 180, -HOME.lat), p)).toBe(false);
    expect(view.beyondHorizon(...at(HOME.lon + 100, HOME.lat))).toBe(true);
    expect(view.beyondHorizon(...at(HOME.lon + 0.5, HOME.lat))).toBe(false);
  });

  it('tells when the camera changed', () => {
    const v = lookingDown(5_000);
    const same = lookingDown(5_000);
    expect(v.set(same.matrix, WIDTH, HEIGHT, [same.eyeX, same.eyeY, same.eyeZ])).toBe(false);
    expect(v.set(same.matrix, WIDTH, HEIGHT - 1, [same.eyeX, same.eyeY, same.eyeZ])).toBe(true);
    const other = lookingDown(6_000);
    expect(v.set(other.matrix, WIDTH, HEIGHT - 1, [other.eyeX, other.eyeY, other.eyeZ])).toBe(true);
  });
});

describe('headingVector', () => {
  const view = lookingDown(5_000);
  const a: ScreenPoint = { x: 0, y: 0 };
  const b: ScreenPoint = { x: 0, y: 0 };
  const h = new Float64Array(3);

  it.each([
    [0, 0, -1],
    [90, 1, 0],
    [180, 0, 1],
    [270, -1, 0],
  ])('heading %i degrees points the way it says on a north-up view', (deg, dx, dy) => {
    const p = at(HOME.lon, HOME.lat, 50);
    headingVector(HOME.lon, HOME.lat, deg, h);
    expect(Math.hypot(h[0]!, h[1]!, h[2]!)).toBeCloseTo(1, 9);
    view.project(p[0], p[1], p[2], a);
    view.project(p[0] + h[0]! * 100, p[1] + h[1]! * 100, p[2] + h[2]! * 100, b);
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    expect((b.x - a.x) / len).toBeCloseTo(dx, 2);
    expect((b.y - a.y) / len).toBeCloseTo(dy, 2);
  });
});

describe('nearFarScale', () => {
  it('is the near value up close, the far value far off, and eases in between', () => {
    expect(nearFarScale(500, 2_000, 1.2, 200_000, 0.6)).toBe(1.2);
    expect(nearFarScale(500_000, 2_000, 1.2, 200_000, 0.6)).toBeCloseTo(0.6, 9);
    const mid = nearFarScale(20_000, 2_000, 1.2, 200_000, 0.6);
    expect(mid).toBeLessThan(1.2);
    expect(mid).toBeGreaterThan(0.6);
    // Eased as Cesium's billboards are: at a tenth of the way out it has already shrunk by
    // over a third of the range (linear in distance would be under a tenth).
    expect(mid).toBeLessThan(1.2 - 0.6 / 3);
  });
});
