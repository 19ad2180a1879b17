/**
 * What a detection job on the Redis queue carries, both ways, and the pure checks at each end.
 *
 * The frame's JPEG travels inside the job (base64 in BullMQ's JSON job data), not as a
 * reference into a media store: a detection frame lives only until it is analysed, at most two
 * jobs per vehicle exist (one active, one waiting), and a job removed or replaced takes its bytes
 * with it, so there is nothing to garbage-collect and no store every worker machine must reach.
 * The price is ~33 % on ~100 KB per frame on the wire to Redis. Evidence kept with a ticket is
 * written by the server from its own copy of the frame, never from the job.
 *
 * The worker checks the job with the frame contract (contracts/src/frame.ts) before touching
 * it; the server checks the worker's answer with the finding contract before filing anything.
 */
import { checkFrame, type Frame, FrameMeta, ImageFinding } from '@aerie/contracts';
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import type { FrameOutcome } from '../pipeline/pipeline.ts';

/** The BullMQ queue the server fills and `aerie inference-worker` processes drain. */
export const DETECTION_QUEUE = 'aerie-detection';
/** BullMQ job name of a frame to analyse. */
export const DETECTION_JOB = 'frame';

export const DetectionJobData = Type.Object(
  {
    v: Type.Literal(1),
    frame: FrameMeta,
    /** The encoded image (JPEG or PNG), base64. */
    imageBase64: Type.String({ minLength: 1 }),
    /** Place key for stateful detectors (persistence over frames of one place). */
    placeKey: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DetectionJobData = Static<typeof DetectionJobData>;

const DetectorErrorSchema = Type.Object({ detector: Type.String(), error: Type.String() });

/** What a worker answers for one job (the job's return value). */
export const DetectionJobResult = Type.Union([
  Type.Object({
    status: Type.Literal('processed'),
    worker: Type.String(),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    findings: Type.Array(ImageFinding),
    errors: Type.Array(DetectorErrorSchema),
    decodeMs: Type.Number({ minimum: 0 }),
    detectMs: Type.Number({ minimum: 0 }),
  }),
  Type.Object({ status: Type.Literal('skipped'), worker: Type.String() }),
  Type.Object({ status: Type.Literal('failed'), worker: Type.String(), error: Type.String() }),
]);
export type DetectionJobResult = Static<typeof DetectionJobResult>;

const firstError = (schema: TSchema, value: unknown, what: string) => {
  const e = Value.Errors(schema, value)[0];
  return `${what}${e?.instancePath ?? ''}: ${e?.message ?? 'does not match'}`;
};

/** Builds a job from an encoded frame; a raw RGB frame is refused (jobs carry JPEG/PNG only). */
export function encodeJob(frame: Frame, placeKey?: string): DetectionJobData {
  if (frame.image.kind !== 'encoded')
    throw new Error('detection job: only encoded (JPEG/PNG) frames go on the queue, got raw RGB');
  const { image, ...meta } = frame;
  return {
    v: 1,
    frame: meta,
    imageBase64: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength).toString(
      'base64',
    ),
    ...(placeKey !== undefined ? { placeKey } : {}),
  };
}

export type DecodedJob =
  | { ok: true; frame: Frame; placeKey: string | undefined }
  | { ok: false; error: string };

/** Checks job data from the queue and rebuilds the frame; the error names the bad field. */
export function decodeJob(data: unknown): DecodedJob {
  if (!Value.Check(DetectionJobData, data))
    return { ok: false, error: firstError(DetectionJobData, data, 'job') };
  const bytes = new Uint8Array(Buffer.from(data.imageBase64, 'base64'));
  const checked = checkFrame({ ...data.frame, image: { kind: 'encoded', bytes } });
  if (!checked.ok) return { ok: false, error: `job: ${checked.error.message}` };
  return { ok: true, frame: checked.frame, placeKey: data.placeKey };
}

/** A pipeline outcome as the job's return value (the frame's metadata stays with the server). */
export function outcomeToResult(outcome: FrameOutcome, worker: string): DetectionJobResult {
  if (outcome.status === 'processed') {
    const { status, width, height, findings, errors, decodeMs, detectMs } = outcome;
    return { status, worker, width, height, findings, errors, decodeMs, detectMs };
  }
  if (outcome.status === 'skipped') return { status: 'skipped', worker };
  return { status: 'failed', worker, error: outcome.error };
}

/**
 * A worker's answer as the pipeline outcome the detection loop handles, for the frame the
 * server sent (its own metadata, not an echo). An answer that does not match the contract is
 * a failed frame naming what is wrong: nothing of it is filed.
 */
export function resultToOutcome(result: unknown, frame: FrameMeta): FrameOutcome & { worker?: string } {
  if (!Value.Check(DetectionJobResult, result))
    return { status: 'failed', frame, error: firstError(DetectionJobResult, result, 'worker answer') };
  if (result.status === 'processed') {
    const { status: _s, worker, ...detections } = result;
    return { status: 'processed', frame, ...detections, worker };
  }
  if (result.status === 'skipped') return { status: 'skipped', frame, worker: result.worker };
  return {
    status: 'failed',
    frame,
    error: `worker ${result.worker}: ${result.error}`,
    worker: result.worker,
  };
}
