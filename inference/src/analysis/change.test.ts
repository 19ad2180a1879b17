import type { FrameMeta } from '@aerie/contracts';
import { cameraFor, localPlane } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../detector.ts';
import { ChangeDetector, MemoryBaselineStore } from './change.ts';

type RGB = [number, number, number];
const HOME = { lat: 30.2741, lon: 120.1551 };
const plane = localPlane(HOME);

/** A synthetic patch of ground: textured fields with sharp-edged bare plots, a river from 40 to 75 m north. */
function world(changed: boolean) {
  return (x: number, y: number): RGB => {
    if (changed) {
      if (x >= -40 && x < -28 && y >= -25 && y < -15) return [40, 100, 190]; // new blue roof, 120 m^2
      if (x >= 10 && x < 16 && y >= 50 && y < 56) return [235, 235, 228]; // floating foam, 36 m^2
      if (x >= -40 && x < -15 && y >= 45 && y < 70) return [120, 85, 50]; // brown plume, 625 m^2
    }
    if (y >= 40 && y < 75) return [20, 90 + 4 * Math.sin(x / 3), 92];
    if ((Math.floor(x / 20) + Math.floor(y / 20)) % 3 === 0) return [150, 110, 70];
    return [70, 110 + 25 * Math.sin(x / 6) * Math.sin(y / 8), 50];
  };
}

function frame(over: Partial<FrameMeta['pose']>, t: number): FrameMeta {
  return {
    vehicleId: 'uav-1',
    capturedAtMs: t,
    pose: { ...HOME, altMslM: 110, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0, ...over },
    gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
    camera: { hfovDeg: 90, width: 320, height: 240 },
  };
}

/** Renders what the camera at `meta` sees of `paint` (flat ground at 10 m), pixel by pixel. */
function render(meta: FrameMeta, paint: (x: number, y: number) => RGB): RgbImage {
  const { width, height } = meta.camera;
  const cam = cameraFor(meta);
  const data = new Uint8Array(width * height * 3);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const hit = cam.pixelToGround(u + 0.5, v + 0.5, { kind: 'flat', elevationMslM: 10 });
      if (!hit.ok) continue;
      const p = plane.toXY(hit.point);
      data.set(paint(p.x, p.y).map(Math.round), (v * width + u) * 3);
    }
  }
  return { data, width, height };
}

const at = (x: number, y: number) => plane.toLatLon({ x, y });
const A = frame({}, 1_000);
// A later patrol from another position, heading and attitude.
const B = frame({ ...at(4, 3), yawDeg: 8, rollDeg: 1 }, 86_400_000);

/** Where a ground point appears in frame B. */
const pixelInB = (x: number, y: number) => {
  const p = cameraFor(B).groundToPixel(at(x, y), 10);
  if (!p.ok) throw new Error('behind');
  return p;
};
const contains = (box: number[], p: { u: number; v: number }) =>
  p.u >= box[0]! && p.u <= box[0]! + box[2]! && p.v >= box[1]! && p.v <= box[1]! + box[3]!;

describe('change detection against a baseline registered by pose', () => {
  it('the first patrol becomes the baseline; the same ground from another pose shows no change', async () => {
    const d = new ChangeDetector({ store: new MemoryBaselineStore(HOME) });
    expect(await d.detect(render(A, world(false)), { frame: A })).toEqual([]);
    expect(d.store && (d.store as MemoryBaselineStore).size).toBeGreaterThan(0);
    expect(await d.detect(render(B, world(false)), { frame: B })).toEqual([]);
  });

  it('finds the new roof, the floating foam and the brown plume where they are', async () => {
    const d = new ChangeDetector();
    await d.detect(render(A, world(false)), { frame: A });
    const found = await d.detect(render(B, world(true)), { frame: B });
    const byLabel = new Map(found.map((f) => [f.label, f]));
    expect([...byLabel.keys()].sort()).toEqual(['discoloured-water', 'floating-debris', 'new-structure']);
    expect(byLabel.get('new-structure')!.category).toBe('construction');
    expect(contains(byLabel.get('new-structure')!.box, pixelInB(-34, -20))).toBe(true);
    expect(byLabel.get('floating-debris')!.category).toBe('river_pollution');
    expect(contains(byLabel.get('floating-debris')!.box, pixelInB(13, 53))).toBe(true);
    expect(contains(byLabel.get('discoloured-water')!.box, pixelInB(-27, 57))).toBe(true);
    expect(found.every((f) => f.detector.name === 'change' && f.score >= 0.6)).toBe(true);
  });

  it('tolerates a 1.5 m pose error and a brightness change between patrols', async () => {
    const d = new ChangeDetector();
    await d.detect(render(A, world(false)), { frame: A });
    const dimmer = render(B, (x, y) => world(false)(x, y).map((c) => c * 0.7) as RGB);
    const reported = { ...B, pose: { ...B.pose, ...at(4 + 1.5, 3) } };
    expect(await d.detect(dimmer, { frame: reported })).toEqual([]);
  });

  it('a change stays a change until the frame is accepted as the new baseline', async () => {
    const d = new ChangeDetector();
    await d.detect(render(A, world(false)), { frame: A });
    const after = render(B, world(true));
    expect((await d.detect(after, { frame: B })).length).toBe(3);
    expect((await d.detect(after, { frame: B })).length).toBe(3);
    d.acceptFrame(after, B);
    expect(await d.detect(after, { frame: B })).toEqual([]);
  });

  it('without a pose in the context there is nothing to register: no findings', async () => {
    expect(await new ChangeDetector().detect(render(A, world(true)), {})).toEqual([]);
  });
});
