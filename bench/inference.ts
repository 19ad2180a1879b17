/**
 * Inference: what the detection pipeline costs beside the model itself, and how many frames a
 * core gets through per detector.
 *
 * - Per ONNX model, one session with one intra-op thread (one core), the same decoded street
 *   picture (1024x576, negative/city_street_elevated_03.jpg from ../shared/samples): bare
 *   `session.run` on a prepared tensor, then the detector's pre-processing (sharp letterbox
 *   resize + tensor fill) and post-processing (decode + NMS + boxes back), each the median of
 *   warm runs. "pre+post share" = (pre + post) / run; target under 10 %.
 * - Pipeline frames/s for YOLOX-nano: one worker thread, one session thread, JPEG frames
 *   submitted one after another (decode included), against bare session.run frames/s measured
 *   in the same run.
 * - Image-analysis detectors (inference/src/analysis): frames/s on one core on the same decoded
 *   picture (the construction rule without its COCO machinery source, which is a model above).
 */

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '@aerie/contracts';
import { analysisDetectors, decodeImage, loadModels, startPipeline } from '@aerie/inference';
import { type BenchEntry, round, timeMedian } from './lib.ts';

const SHARED = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'shared');
const MODELS_DIR = process.env.AERIE_MODELS_DIR ?? join(SHARED, 'models');
const PICTURE = join(SHARED, 'samples', 'negative', 'city_street_elevated_03.jpg');

const median = (n: number, f: () => Promise<unknown> | unknown): Promise<number> => timeMedian(f, n);

export async function benchInference(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  const jpeg = new Uint8Array(await readFile(PICTURE));
  const img = await decodeImage(jpeg);
  const decodeMs = await median(20, () => decodeImage(jpeg));
  out.push({
    name: 'inference: JPEG decode 1024x576 (sharp)',
    value: round(decodeMs, 2),
    unit: 'ms',
    target: '< 10',
    met: decodeMs < 10,
    note: 'in the pipeline before any detector; not part of pre-processing',
  });

  const { loaded, failed } = await loadModels({ modelsDir: MODELS_DIR }, { intraOpNumThreads: 1 });
  if (failed.length > 0)
    throw new Error(`bench inference: models failed: ${failed.map((f) => f.error).join('; ')}`);
  const bareRunMs = new Map<string, number>();
  for (const d of loaded) {
    const name = d.ref.name;
    const buf = new Float32Array(3 * d.spec.manifest.input.width * d.spec.manifest.input.height);
    const { feeds, lb } = d.prepare(img, buf);
    const outputs = await d.run(feeds);
    const runMs = await median(30, () => d.run(feeds));
    const preMs = await median(30, () => d.prepare(img, buf));
    const postMs = await median(30, () => d.postprocess(outputs, lb));
    const wholeMs = await median(20, () => d.detect(img, {}));
    bareRunMs.set(name, runMs);
    const share = ((preMs + postMs) / runMs) * 100;
    out.push(
      {
        name: `inference: ${name} session.run, 1 thread`,
        value: round(runMs, 2),
        unit: 'ms',
        target: 'measured',
        met: true,
      },
      {
        name: `inference: ${name} pre+post share of session.run`,
        value: round(share, 1),
        unit: '%',
        target: '< 10',
        met: share < 10,
        note: `pre ${round(preMs, 2)} ms (letterbox into the tensor), post ${round(postMs, 2)} ms (decode + NMS)`,
      },
      {
        name: `inference: ${name} frames/s per core`,
        value: round(1000 / wholeMs, 1),
        unit: 'frames/s',
        target: 'measured',
        met: true,
        note: 'whole detector on decoded pixels, one session thread',
      },
    );
  }
  for (const d of loaded) await d.close();

  // The pipeline against bare session.run, YOLOX-nano, one worker, one session thread.
  const yoloxRun = bareRunMs.get('yolox_nano_coco');
  if (yoloxRun !== undefined) {
    const { pipeline } = await startPipeline({
      registry: { modelsDir: MODELS_DIR, only: ['yolox_nano_coco'] },
      analysis: null,
      workers: 1,
      threadsPerSession: 1,
    });
    const frame = (i: number): Frame => ({
      vehicleId: 'bench',
      capturedAtMs: i,
      pose: { lat: 30.5, lon: 114.3, altMslM: 130, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
      gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
      camera: { hfovDeg: 80, width: img.width, height: img.height },
      image: { kind: 'encoded', bytes: jpeg },
    });
    for (let i = 0; i < 5; i++) await pipeline.submit(frame(i));
    const n = 40;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const o = await pipeline.submit(frame(i));
      if (o.status !== 'processed') throw new Error(`bench inference: frame ${o.status}`);
    }
    const pipelineFps = (n * 1000) / (performance.now() - t0);
    await pipeline.close();
    const bareFps = 1000 / yoloxRun;
    out.push(
      {
        name: 'inference: pipeline frames/s, yolox_nano_coco, 1 worker',
        value: round(pipelineFps, 1),
        unit: 'frames/s',
        target: 'measured',
        met: true,
        note: 'JPEG in, findings out: decode, letterbox, session.run, decode, NMS, worker round trip',
      },
      {
        name: 'inference: pipeline vs bare session.run, yolox_nano_coco',
        value: round((pipelineFps / bareFps) * 100, 1),
        unit: '% of bare frames/s',
        target: '>= 90',
        met: pipelineFps / bareFps >= 0.9,
        note: `bare session.run ${round(bareFps, 1)} frames/s in the same run`,
      },
    );
  }

  // Change detection compares with a baseline of the same ground: the first (warm-up) frame
  // becomes the baseline, the timed ones are compared with it.
  const meta = {
    vehicleId: 'bench',
    capturedAtMs: 0,
    pose: { lat: 30.5, lon: 114.3, altMslM: 130, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
    gimbal: { pitchDeg: -60, yawDeg: 0, rollDeg: 0 },
    camera: { hfovDeg: 80, width: img.width, height: img.height },
  };
  for (const d of analysisDetectors({})) {
    const ms = await median(10, () => d.detect(img, { vehicleId: 'bench', placeKey: 'bench', frame: meta }));
    out.push({
      name: `inference: ${d.ref.name} frames/s per core`,
      value: round(1000 / ms, 1),
      unit: 'frames/s',
      target: 'measured',
      met: true,
      note: 'image-analysis detector on the decoded 1024x576 picture',
    });
    await d.close?.();
  }
  return out;
}
