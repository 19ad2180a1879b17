/**
 * The three shared models on real sample pictures. Expected boxes were drawn by hand from the
 * pictures (not copied from model output); a detection matches when IoU >= 0.5.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../image.ts';
import { loadModels } from '../registry.ts';
import { boxIou, MODELS_DIR, sample } from '../test/paths.ts';
import type { OnnxDetector } from './onnx-detector.ts';

let models: Map<string, OnnxDetector>;

beforeAll(async () => {
  const { loaded, failed } = await loadModels({ modelsDir: MODELS_DIR });
  expect(failed).toEqual([]);
  models = new Map(loaded.map((d) => [d.ref.name, d]));
});
afterAll(async () => {
  for (const d of models.values()) await d.close();
});

async function detect(model: string, category: string, file: string) {
  const img = await decodeImage(await readFile(sample(category, file)));
  return models.get(model)!.detect(img, {});
}

describe('shared models on sample pictures', () => {
  // street_ground_04.jpg (434x325): a silver car filling the bottom right, a blue car on the left.
  const silverCar = [240, 185, 194, 140];
  const blueCar = [33, 205, 75, 40];

  it('YOLOX (top-left letterbox, BGR 0..255) finds both cars where they are', async () => {
    const found = await detect('yolox_nano_coco', 'negative', 'street_ground_04.jpg');
    const cars = found.filter((f) => f.label === 'car' && f.category === 'vehicle');
    expect(cars.some((c) => boxIou(c.box, silverCar) >= 0.5)).toBe(true);
    expect(cars.some((c) => boxIou(c.box, blueCar) >= 0.5)).toBe(true);
    expect(found.every((f) => f.detector.name === 'yolox_nano_coco' && f.detector.kind === 'onnx')).toBe(
      true,
    );
    expect(found[0]!.detector.version).toBe('695e750a5d57'); // the file's SHA-256 prefix (README)
  });

  it('NanoDet (centred letterbox, mean/std, GFL head) finds the same cars', async () => {
    const found = await detect('nanodet_m_coco', 'negative', 'street_ground_04.jpg');
    const cars = found.filter((f) => f.label === 'car');
    expect(cars.some((c) => boxIou(c.box, silverCar) >= 0.5)).toBe(true);
    expect(cars.some((c) => boxIou(c.box, blueCar) >= 0.5)).toBe(true);
  });

  it('YOLOX finds the excavator operator in the cab (a person), in original pixels of a 1300x956 picture', async () => {
    const operator = [725, 500, 60, 95];
    const found = await detect('yolox_nano_coco', 'construction', 'excavator_site_elevated_01.jpg');
    expect(found.some((f) => f.label === 'person' && boxIou(f.box, operator) >= 0.5)).toBe(true);
  });

  it('the YOLOv8 fire demo finds the flare of a gas-flare picture, at the fixed demo score', async () => {
    const flame = [100, 30, 95, 130]; // fire_flare_smoke_02.jpg, 256x256
    const found = await detect('fire_smoke_yolov8n_int8_demo', 'fire_smoke', 'fire_flare_smoke_02.jpg');
    const flames = found.filter((f) => f.label === 'small_flame');
    expect(flames.some((f) => boxIou(f.box, flame) >= 0.5)).toBe(true);
    expect(flames.every((f) => f.category === 'fire_smoke' && f.score === 0.5)).toBe(true);
  });

  it('the COCO models report nothing but persons and vehicles (unmapped classes are dropped)', async () => {
    const found = await detect('yolox_nano_coco', 'fire_smoke', 'fire_flare_05.jpg');
    expect(found.every((f) => f.category === 'person' || f.category === 'vehicle')).toBe(true);
  });
});
