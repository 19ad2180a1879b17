import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameMeta, ImageFinding } from '@aerie/contracts';
import { cameraFor, localPlane } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import type { Detector, RgbImage } from '../detector.ts';
import { decodeImage } from '../image.ts';
import { SAMPLES_DIR } from '../test/paths.ts';
import { ConstructionDetector, isBareEarth, isRoofBlue } from './construction.ts';
import { FireColourDetector, isFlameColour, isSmokeColour, smokeBlobTexture } from './fire-colour.ts';
import { analysisDetectors } from './index.ts';
import { blobs, colourGrid, maskOf } from './raster.ts';
import { isWaterColour, WaterDebrisDetector } from './water.ts';

type RGB = [number, number, number];

function image(width: number, height: number, paint: (x: number, y: number) => RGB): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

const inRect = (x: number, y: number, r: [number, number, number, number]) =>
  x >= r[0] && x < r[0] + r[2] && y >= r[1] && y < r[1] + r[3];

const FLAME: RGB = [250, 170, 40];
const GRASS: RGB = [70, 110, 50];
const ROOF: RGB = [40, 100, 190];
const EARTH: RGB = [150, 110, 70];
const RIVER: RGB = [20, 90, 90];

describe('colour rules', () => {
  it('classify typical colours', () => {
    expect(isFlameColour(...FLAME, 100)).toBe(true);
    expect(isFlameColour(...GRASS, 100)).toBe(false);
    // Darker than the scene's mean brightness: not a flame (Celik's Y >= mean Y).
    expect(isFlameColour(...FLAME, 250)).toBe(false);
    expect(isSmokeColour(150, 150, 155)).toBe(true);
    expect(isSmokeColour(40, 40, 40)).toBe(false);
    expect(isSmokeColour(...EARTH)).toBe(false);
    expect(isRoofBlue(...ROOF)).toBe(true);
    expect(isRoofBlue(150, 190, 235)).toBe(false); // pale sky blue
    expect(isBareEarth(...EARTH)).toBe(true);
    expect(isBareEarth(...GRASS)).toBe(false);
    expect(isWaterColour(...RIVER)).toBe(true);
    expect(isWaterColour(135, 190, 235)).toBe(false); // bright sky
  });

  it('blobs are 8-connected and sorted largest first', () => {
    // 4 x 3: a diagonal pair (one blob) and a single cell.
    const mask = Uint8Array.from([1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    const b = blobs(mask, 4, 3);
    expect(b.map((x) => x.cells.length)).toEqual([2, 1]);
    expect(b[0]).toMatchObject({ minCol: 0, minRow: 0, maxCol: 1, maxRow: 1, fill: 0.5 });
  });
});

describe('fire-colour', () => {
  const scene = (at: number) => image(240, 160, (x, y) => (inRect(x, y, [at, 60, 30, 40]) ? FLAME : GRASS));

  it('a still image reports an unconfirmed flame below the auto-ticket level', async () => {
    const f = await new FireColourDetector().detect(scene(100), {});
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      category: 'fire_smoke',
      label: 'flame-unconfirmed',
      score: 0.5,
      box: [100, 60, 30, 40],
    });
  });

  it('confirms a flame seen at the same place in three consecutive frames, not one that moves', async () => {
    const d = new FireColourDetector();
    const ctx = (t: number) => ({ vehicleId: 'uav-1', placeKey: 'p1', capturedAtMs: t });
    expect((await d.detect(scene(100), ctx(0)))[0]!.score).toBe(0.5);
    expect((await d.detect(scene(102), ctx(1000)))[0]!.score).toBe(0.5);
    const third = await d.detect(scene(101), ctx(2000));
    expect(third[0]).toMatchObject({ label: 'flame', score: 0.8 });
    // Another place (or a gap longer than 5 s) starts again.
    expect((await d.detect(scene(101), { ...ctx(3000), placeKey: 'p2' }))[0]!.score).toBe(0.5);
    expect((await d.detect(scene(101), ctx(60_000)))[0]!.score).toBe(0.5);
    // A flame-coloured thing that jumps around is never confirmed.
    const e = new FireColourDetector();
    for (const [i, at] of [10, 120, 200, 10].entries()) {
      expect((await e.detect(scene(at), ctx(i * 1000)))[0]!.score).toBe(0.5);
    }
  });
});

describe('smoke: grey alone is not smoke', () => {
  // 240 x 160: the left half grey in the given way, the right half grass.
  const half = (grey: (x: number, y: number) => RGB) =>
    image(240, 160, (x, y) => (x < 120 ? grey(x, y) : GRASS));
  const smoke = async (img: RgbImage) =>
    (await new FireColourDetector().detect(img, {})).filter((f) => f.label.startsWith('smoke'));

  it('a smooth, faintly blue grey region is smoke', async () => {
    // A soft gradient (as a plume's density varies), B 8 levels above R.
    const f = await smoke(half((x) => [140 + x / 12, 144 + x / 12, 148 + x / 12]));
    expect(f.map((x) => x.box)).toEqual([[0, 0, 120, 160]]);
    expect(f[0]!.score).toBe(0.3);
  });

  it('a neutral grey region is not (painted surfaces, rendered fills)', async () => {
    expect(await smoke(half(() => [145, 145, 145]))).toEqual([]);
  });

  it('a textured grey region is not (cobbles, asphalt with markings, concrete)', async () => {
    // Faintly blue, but its cells alternate by 30 levels of brightness.
    expect(await smoke(half((x, y) => ((x + y) % 2 === 0 ? [125, 129, 133] : [155, 159, 163])))).toEqual([]);
  });

  it('texture and tint are measured over the blob', () => {
    const grid = colourGrid(
      image(4, 2, (x) => (x % 2 === 0 ? [100, 100, 110] : [110, 110, 120])),
      240,
    );
    const [blob] = blobs(maskOf(grid, isSmokeColour), grid.cols, grid.rows);
    // Horizontal steps of 10 levels (3 pairs per row), vertical steps 0 (4 pairs): 60 / 10.
    const t = smokeBlobTexture(blob!, grid);
    expect(t.texture).toBeCloseTo(6, 9);
    expect(t.blueTint).toBeCloseTo(10, 9);
  });
});

describe('fire-colour persistence on the ground, for a camera flying past', () => {
  const HOME = { lat: 30.2741, lon: 120.1551 };
  const plane = localPlane(HOME);
  const frameAt = (northM: number, t: number): FrameMeta => ({
    vehicleId: 'uav-1',
    capturedAtMs: t,
    pose: {
      ...plane.toLatLon({ x: 0, y: northM }),
      altMslM: 110,
      altRelM: 100,
      rollDeg: 0,
      pitchDeg: 0,
      yawDeg: 0,
    },
    gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
    camera: { hfovDeg: 90, width: 240, height: 160 },
  });
  /** The frame with a 20 x 20 px flame drawn where the ground point (east, north) appears. */
  const view = (meta: FrameMeta, fire: { x: number; y: number }): RgbImage => {
    const p = cameraFor(meta).groundToPixel(plane.toLatLon(fire), 10);
    if (!p.ok) throw new Error('fire behind the camera');
    return image(240, 160, (x, y) => (inRect(x, y, [p.u - 10, p.v - 10, 20, 20]) ? FLAME : GRASS));
  };

  it('confirms a fire that stays at one ground point while the drone moves 25 m a frame', async () => {
    const d = new FireColourDetector();
    const scores: number[] = [];
    for (let i = 0; i < 3; i++) {
      const meta = frameAt(i * 25, i * 1000);
      const f = await d.detect(view(meta, { x: 10, y: 30 }), {
        vehicleId: 'uav-1',
        capturedAtMs: i * 1000,
        frame: meta,
      });
      scores.push(f[0]!.score);
    }
    // The flame moved ~30 px across the 20 px box between frames: no image overlap, same ground.
    expect(scores).toEqual([0.5, 0.5, 0.8]);
  });

  it('does not confirm flame-coloured things at different ground points', async () => {
    const d = new FireColourDetector();
    for (let i = 0; i < 3; i++) {
      const meta = frameAt(i * 25, i * 1000);
      const f = await d.detect(view(meta, { x: 10 - i * 30, y: 30 }), {
        capturedAtMs: i * 1000,
        frame: meta,
      });
      expect(f[0]!.score).toBe(0.5);
    }
  });
});

describe('construction-colour', () => {
  it('finds a blue steel roof, not the sky along the top edge', async () => {
    const img = image(240, 160, (x, y) => (y < 20 ? ROOF : inRect(x, y, [100, 80, 40, 30]) ? ROOF : GRASS));
    const f = await new ConstructionDetector().detect(img, {});
    expect(f.map((x) => [x.label, x.box])).toEqual([['blue-steel-roof', [100, 80, 40, 30]]]);
  });

  it('bare earth, and a COCO truck standing on it as machinery', async () => {
    const img = image(240, 160, (_, y) => (y >= 80 ? EARTH : GRASS));
    const truck: Detector = {
      ref: { name: 'fake-coco', version: '1', kind: 'onnx' },
      detect: async () => [
        { category: 'vehicle', label: 'truck', score: 0.7, box: [50, 70, 40, 30], detector: truck.ref },
        { category: 'vehicle', label: 'car', score: 0.9, box: [150, 70, 20, 20], detector: truck.ref },
      ],
    };
    const f = await new ConstructionDetector({ machinery: truck }).detect(img, {});
    expect(f.map((x) => x.label).sort()).toEqual(['bare-earth', 'machinery-on-bare-earth']);
    expect(f.find((x) => x.label === 'machinery-on-bare-earth')!.box).toEqual([50, 70, 40, 30]);
    expect(f[0]!.detector.version).toMatch(/\+fake-coco@1$/);
  });
});

describe('water-debris', () => {
  it('a white object on a river is a floating object; the bank along the edge is not', async () => {
    const img = image(240, 160, (x, y) =>
      y < 30 ? EARTH : inRect(x, y, [110, 90, 16, 12]) ? [235, 235, 230] : RIVER,
    );
    const f = await new WaterDebrisDetector().detect(img, {});
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      category: 'river_pollution',
      label: 'floating-object',
      box: [110, 90, 16, 12],
    });
  });

  it('no water, no finding', async () => {
    expect(
      await new WaterDebrisDetector().detect(
        image(100, 100, () => GRASS),
        {},
      ),
    ).toEqual([]);
  });
});

describe('on the shared samples (expectations the README table states)', () => {
  const detectors = analysisDetectors({ withoutChange: true });
  const run = async (category: string): Promise<Map<string, ImageFinding[]>> => {
    const out = new Map<string, ImageFinding[]>();
    const dir = join(SAMPLES_DIR, category);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jpg'))) {
      const img = await decodeImage(readFileSync(join(dir, f)));
      out.set(f, (await Promise.all(detectors.map((d) => d.detect(img, {})))).flat());
    }
    return out;
  };

  it('fire-colour flags every fire/smoke sample, at triage level only (still images)', async () => {
    const res = await run('fire_smoke');
    expect(res.size).toBe(7);
    for (const [file, f] of res) {
      const fire = f.filter((x) => x.category === 'fire_smoke');
      expect(fire.length, file).toBeGreaterThan(0);
      expect(Math.max(...fire.map((x) => x.score)), file).toBeLessThan(0.6);
    }
  });

  it('the house fire seen in three consecutive frames of one place is confirmed above the auto-ticket level', async () => {
    const img = await decodeImage(readFileSync(join(SAMPLES_DIR, 'fire_smoke', 'fire_house_roof_06.jpg')));
    const d = new FireColourDetector();
    const best = async (t: number) =>
      Math.max(
        ...(await d.detect(img, { vehicleId: 'uav-1', placeKey: 'p', capturedAtMs: t })).map((f) => f.score),
      );
    expect(await best(0)).toBe(0.5);
    expect(await best(1000)).toBe(0.5);
    expect(await best(2000)).toBe(0.8);
  });

  it('fire-colour stays quiet on every negative sample: no flame, no smoke, not even for triage', async () => {
    const files = readdirSync(join(SAMPLES_DIR, 'negative')).filter((n) => /\.jpe?g$/i.test(n));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const img = await decodeImage(readFileSync(join(SAMPLES_DIR, 'negative', f)));
      const found = await new FireColourDetector().detect(img, {});
      expect(
        found.map((x) => `${x.label} ${x.box.join(',')}`),
        f,
      ).toEqual([]);
    }
  });

  it('analysisDetectors gives one of each rule, change detection unless left out', () => {
    expect(analysisDetectors().map((d) => d.ref.name)).toEqual([
      'fire-colour',
      'construction-colour',
      'water-debris',
      'change',
    ]);
    expect(detectors.map((d) => d.ref.name)).not.toContain('change');
  });

  it('construction-colour flags bare earth on at least 4 of the 5 construction samples', async () => {
    const res = await run('construction');
    const hit = [...res.values()].filter((f) => f.some((x) => x.category === 'construction'));
    expect(hit.length).toBeGreaterThanOrEqual(4);
  });

  it('negatives: no finding at or above the auto-ticket levels (0.6 fire, 0.8 construction, 0.75 river)', async () => {
    const auto: Record<string, number> = { fire_smoke: 0.6, construction: 0.8, river_pollution: 0.75 };
    for (const [file, f] of await run('negative')) {
      for (const x of f) expect(x.score, `${file}: ${x.label}`).toBeLessThan(auto[x.category] ?? 1);
    }
  });
});
