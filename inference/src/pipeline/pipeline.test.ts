/**
 * The pipeline with real worker threads, the real YOLOX model and a real sample picture.
 */

import { readFile } from 'node:fs/promises';
import type { Frame } from '@aerie/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, sample } from '../test/paths.ts';
import { type FrameOutcome, type Pipeline, startPipeline } from './pipeline.ts';

let pipeline: Pipeline;
let jpeg: Uint8Array;

const frame = (vehicleId: string, capturedAtMs: number, bytes: Uint8Array = jpeg): Frame => ({
  vehicleId,
  capturedAtMs,
  pose: { lat: 30.5, lon: 114.3, altMslM: 120, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
  camera: { hfovDeg: 80, width: 434, height: 325 },
  image: { kind: 'encoded', bytes },
});

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(sample('negative', 'street_ground_04.jpg')));
  const started = await startPipeline({
    registry: { modelsDir: MODELS_DIR, only: ['yolox_nano_coco'] },
    analysis: null,
    workers: 1,
  });
  expect(started.ready.failed).toEqual([]);
  expect(started.ready.detectors.map((d) => d.name)).toEqual(['yolox_nano_coco']);
  pipeline = started.pipeline;
});
afterAll(async () => {
  await pipeline.close();
});

describe('pipeline', { timeout: 120_000 }, () => {
  it('a burst of 200 frames for one vehicle: the newest is processed, the other 199 are counted as skipped', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => pipeline.submit(frame('burst', i))),
    );
    const processed = outcomes.filter((o) => o.status === 'processed');
    expect(processed).toHaveLength(1);
    expect(processed[0]!.frame.capturedAtMs).toBe(199);
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(199);
    expect(pipeline.stats().burst).toEqual({ submitted: 200, processed: 1, skipped: 199, failed: 0 });
    const p = processed[0] as Extract<FrameOutcome, { status: 'processed' }>;
    expect(p.width).toBe(434);
    expect(p.findings.some((f) => f.label === 'car')).toBe(true);
    expect(pipeline.backlog()).toEqual({ waiting: 0, inFlight: 0 });
  });

  it('frames trickling in faster than processed: never more than one waits, the last is processed, all are accounted for', async () => {
    const all: Promise<FrameOutcome>[] = [];
    let maxWaiting = 0;
    for (let i = 0; i < 200; i++) {
      all.push(pipeline.submit(frame('trickle', i)));
      maxWaiting = Math.max(maxWaiting, pipeline.backlog().waiting);
      await new Promise((r) => setImmediate(r));
    }
    const outcomes = await Promise.all(all);
    expect(maxWaiting).toBe(1);
    expect(outcomes.at(-1)!.status).toBe('processed');
    const s = pipeline.stats().trickle!;
    expect(s.submitted).toBe(200);
    expect(s.failed).toBe(0);
    expect(s.processed + s.skipped).toBe(200);
    expect(s.processed).toBe(outcomes.filter((o) => o.status === 'processed').length);
    // Processed frames come out in capture order.
    const times = outcomes.filter((o) => o.status === 'processed').map((o) => o.frame.capturedAtMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('keeps the newest frame of each vehicle', async () => {
    const a = Array.from({ length: 5 }, (_, i) => pipeline.submit(frame('uav-a', i)));
    const b = Array.from({ length: 5 }, (_, i) => pipeline.submit(frame('uav-b', 100 + i)));
    const [oa, ob] = await Promise.all([Promise.all(a), Promise.all(b)]);
    expect(oa.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'processed']);
    expect(ob.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'processed']);
  });

  it('a truncated JPEG fails with a message naming the problem; the next frame is processed', async () => {
    const bad = await pipeline.submit(frame('cut', 1, jpeg.slice(0, Math.floor(jpeg.length / 3))));
    expect(bad.status).toBe('failed');
    expect((bad as { error: string }).error).toMatch(/not a decodable image/);
    const good = await pipeline.submit(frame('cut', 2));
    expect(good.status).toBe('processed');
    expect(pipeline.stats().cut).toEqual({ submitted: 2, processed: 1, skipped: 0, failed: 1 });
  });

  it('a zero-byte image and a frame without a pose are refused with what is wrong', async () => {
    const empty = await pipeline.submit(frame('zero', 1, new Uint8Array(0)));
    expect(empty).toEqual({ status: 'failed', frame: null, error: 'frame/image: zero bytes' });
    const { pose: _pose, ...noPose } = frame('zero', 2);
    const bad = await pipeline.submit(noPose as unknown as Frame);
    expect(bad.status).toBe('failed');
    expect((bad as { error: string }).error).toMatch(/^frame.*pose/);
    expect(pipeline.stats().zero!.failed).toBe(2);
  });

  it('raw RGB whose size does not match its bytes is refused at the edge', async () => {
    const f = {
      ...frame('raw', 1),
      image: { kind: 'rgb' as const, bytes: new Uint8Array(10), width: 2, height: 2 },
    };
    const out = await pipeline.submit(f);
    expect(out).toMatchObject({
      status: 'failed',
      error: 'frame/image: raw RGB of 2x2 needs 12 bytes, got 10',
    });
  });
});

describe('pipeline with the image-analysis detectors', { timeout: 120_000 }, () => {
  it('runs them in the worker, frames of a vehicle in order, with no detector failing', async () => {
    const { pipeline: p, ready } = await startPipeline({ registry: null, workers: 1 });
    try {
      expect(ready.detectors.map((d) => d.name)).toEqual([
        'fire-colour',
        'construction-colour',
        'water-debris',
        'change',
      ]);
      expect(ready.detectors.every((d) => d.kind === 'image-analysis')).toBe(true);
      const first = await p.submit(frame('posed', 1));
      const second = await p.submit(frame('posed', 2));
      expect(first.status).toBe('processed');
      expect(second.status).toBe('processed');
      const out = second as Extract<FrameOutcome, { status: 'processed' }>;
      expect(out.errors).toEqual([]);
      const names = new Set(ready.detectors.map((d) => d.name));
      expect(
        out.findings.every((f) => names.has(f.detector.name) && f.detector.kind === 'image-analysis'),
      ).toBe(true);
    } finally {
      await p.close();
    }
  });
});
