import { readFile } from 'node:fs/promises';
import type { ImageFinding } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { assembleDetectors, oncePerImage } from './assemble.ts';
import type { Detector, RgbImage } from './detector.ts';
import { decodeImage } from './image.ts';
import { loadModels } from './registry.ts';
import { MODELS_DIR, sample } from './test/paths.ts';

/** Counts how often the real model runs. */
function counting(d: Detector): Detector & { runs: number } {
  const c = {
    ref: d.ref,
    runs: 0,
    detect(img: RgbImage, ctx: object): Promise<ImageFinding[]> {
      c.runs++;
      return d.detect(img, ctx);
    },
  };
  return c;
}

describe('assembleDetectors', () => {
  it('lends NanoDet to the construction rule and runs it once per image for both', async () => {
    const { loaded } = await loadModels({ modelsDir: MODELS_DIR, only: ['nanodet_m_coco'] });
    const nanodet = counting(loaded[0]!);
    const detectors = await assembleDetectors([nanodet], { withoutChange: true });
    expect(detectors.map((d) => d.ref.name)).toEqual([
      'nanodet_m_coco',
      'fire-colour',
      'construction-colour',
      'water-debris',
    ]);
    const img = await decodeImage(await readFile(sample('construction', 'excavators_site_03.jpg')));
    const all: ImageFinding[] = [];
    for (const d of detectors) all.push(...(await d.detect(img, {})));
    expect(nanodet.runs).toBe(1);
    expect(all.some((f) => f.detector.name === 'nanodet_m_coco' && f.label === 'truck')).toBe(true);
    await loaded[0]!.close();
  });

  it('null analysis settings: the ONNX models alone', async () => {
    const stub: Detector = { ref: { name: 'x', version: '1', kind: 'onnx' }, detect: async () => [] };
    expect(await assembleDetectors([stub], null)).toEqual([stub]);
  });

  it('oncePerImage answers a second ask for the same image from the first run, a new image anew', async () => {
    let runs = 0;
    const d = oncePerImage({
      ref: { name: 'x', version: '1', kind: 'onnx' },
      detect: async () => {
        runs++;
        return [];
      },
    });
    const a = { data: new Uint8Array(3), width: 1, height: 1 };
    await d.detect(a, {});
    await d.detect(a, {});
    await d.detect({ ...a }, {});
    expect(runs).toBe(2);
  });
});
