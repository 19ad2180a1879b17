/**
 * A pipeline worker thread: owns its ONNX sessions and image-analysis detectors, decodes each
 * frame and runs every detector on it, one frame at a time. All CPU-heavy work (decode,
 * letterbox, session.run, decode, NMS, pixel rules) happens here, never on the caller's loop.
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { ImageFinding } from '@aerie/contracts';
import { assembleDetectors } from '../assemble.ts';
import { checkRgbImage, type Detector, type RgbImage } from '../detector.ts';
import { decodeImage } from '../image.ts';
import { loadModels } from '../registry.ts';
import type { DetectorError, JobRequest, WorkerInit, WorkerMessage } from './messages.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: WorkerMessage) => port.postMessage(m);

async function start(): Promise<Detector[]> {
  const onnx: Detector[] = [];
  const failed = [];
  if (init.registry) {
    const models = await loadModels(init.registry, { intraOpNumThreads: init.threads });
    onnx.push(...models.loaded);
    failed.push(...models.failed);
  }
  const detectors = await assembleDetectors(onnx, init.analysis);
  post({ type: 'ready', detectors: detectors.map((d) => d.ref), failed });
  return detectors;
}

async function run(detectors: Detector[], job: JobRequest): Promise<void> {
  const t0 = performance.now();
  let img: RgbImage;
  try {
    if (job.image.kind === 'encoded') img = await decodeImage(job.image.bytes);
    else {
      img = { data: job.image.bytes, width: job.image.width, height: job.image.height };
      const bad = checkRgbImage(img);
      if (bad) throw new Error(bad);
    }
  } catch (err) {
    post({ type: 'failed', id: job.id, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  const t1 = performance.now();
  const findings: ImageFinding[] = [];
  const errors: DetectorError[] = [];
  for (const d of detectors) {
    try {
      findings.push(...(await d.detect(img, job.ctx)));
    } catch (err) {
      errors.push({ detector: d.ref.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (detectors.length > 0 && errors.length === detectors.length) {
    post({ type: 'failed', id: job.id, error: errors.map((e) => `${e.detector}: ${e.error}`).join('; ') });
    return;
  }
  post({
    type: 'result',
    id: job.id,
    width: img.width,
    height: img.height,
    findings,
    errors,
    decodeMs: t1 - t0,
    detectMs: performance.now() - t1,
  });
}

start().then(
  (detectors) => {
    // One frame at a time: the pipeline sends the next job only after this one's answer.
    port.on('message', (job: JobRequest) => {
      void run(detectors, job);
    });
  },
  (err) => post({ type: 'init-failed', error: err instanceof Error ? err.message : String(err) }),
);
