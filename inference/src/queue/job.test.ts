import type { Frame, ImageFinding } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { decodeJob, encodeJob, outcomeToResult, resultToOutcome } from './job.ts';

const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250]);
const frame: Frame = {
  vehicleId: 'veh-1',
  sortieId: 'sortie-9',
  capturedAtMs: 1_700_000_000_000,
  pose: { lat: 23.03, lon: 113.14, altMslM: 72, altRelM: 60, rollDeg: 1, pitchDeg: -2, yawDeg: 30 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
  camera: { hfovDeg: 70, width: 1280, height: 720 },
  image: { kind: 'encoded', bytes },
};
const { image: _image, ...meta } = frame;
const finding: ImageFinding = {
  category: 'fire_smoke',
  label: 'flame',
  score: 0.8,
  box: [10, 20, 30, 40],
  detector: { name: 'fire-colour', version: '1.0.0', kind: 'image-analysis' },
};

describe('detection job', () => {
  it('round-trips a frame through JSON (as BullMQ stores it), bytes and place key intact', () => {
    const data = JSON.parse(JSON.stringify(encodeJob(frame, '115150:565700')));
    const back = decodeJob(data);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.placeKey).toBe('115150:565700');
    expect(back.frame.image).toEqual({ kind: 'encoded', bytes });
    const { image: _i, ...backMeta } = back.frame;
    expect(backMeta).toEqual(meta);
  });

  it('refuses raw RGB frames: the queue carries encoded images only', () => {
    expect(() =>
      encodeJob({ ...frame, image: { kind: 'rgb', bytes: new Uint8Array(3), width: 1, height: 1 } }),
    ).toThrow(/encoded/);
  });

  it.each([
    ['not an object', 'nothing', /^job/],
    ['a wrong version', { ...encodeJob(frame), v: 2 }, /job\/v/],
    [
      'a latitude out of range',
      { ...encodeJob(frame), frame: { ...meta, pose: { ...meta.pose, lat: 95 } } },
      /job\/frame\/pose\/lat/,
    ],
    ['an empty image', { ...encodeJob(frame), imageBase64: '' }, /job\/imageBase64/],
    ['an image that decodes to no bytes', { ...encodeJob(frame), imageBase64: '====' }, /zero bytes/],
    ['an unknown field', { ...encodeJob(frame), extra: 1 }, /job/],
  ])('names what is wrong in a job with %s', (_what, data, message) => {
    const r = decodeJob(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('an answer becomes the outcome for the frame the server sent, not an echo from the worker', () => {
    const detections = {
      width: 1280,
      height: 720,
      findings: [finding],
      errors: [],
      decodeMs: 3,
      detectMs: 40,
    };
    const result = outcomeToResult(
      { status: 'processed', frame: { ...meta, vehicleId: 'echo' }, ...detections },
      'w1',
    );
    expect(result).toEqual({ status: 'processed', worker: 'w1', ...detections });
    const outcome = resultToOutcome(JSON.parse(JSON.stringify(result)), meta);
    expect(outcome).toMatchObject({ status: 'processed', frame: meta, findings: [finding], worker: 'w1' });
    expect(resultToOutcome(outcomeToResult({ status: 'skipped', frame: meta }, 'w2'), meta)).toEqual({
      status: 'skipped',
      frame: meta,
      worker: 'w2',
    });
    expect(
      resultToOutcome(outcomeToResult({ status: 'failed', frame: null, error: 'bad JPEG' }, 'w3'), meta),
    ).toMatchObject({
      status: 'failed',
      error: 'worker w3: bad JPEG',
    });
  });

  it('an answer outside the finding contract fails the frame, naming the field, and files nothing', () => {
    const bad = {
      status: 'processed',
      worker: 'w1',
      width: 10,
      height: 10,
      findings: [{ ...finding, score: 7 }],
      errors: [],
      decodeMs: 0,
      detectMs: 0,
    };
    const o = resultToOutcome(bad, meta);
    expect(o.status).toBe('failed');
    if (o.status === 'failed') expect(o.error).toMatch(/^worker answer/);
    expect(resultToOutcome(undefined, meta).status).toBe('failed');
  });
});
