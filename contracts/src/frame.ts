/**
 * The frame contract: one camera frame with the pose it was taken from.
 *
 * Shared by the simulated camera and the video ingest (producers) and by the inference
 * pipeline (consumer). The pose is the vehicle's at `capturedAtMs`, interpolated from
 * telemetry by timestamp, never "the latest known"; a frame whose pose cannot be placed in
 * time is not a frame for detection.
 *
 * Angles follow the aerospace convention PX4 uses: yaw clockwise from true north, pitch
 * nose-up positive, roll right-wing-down positive. Gimbal angles are relative to the
 * vehicle's body, pitch -90 looking straight down.
 */
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

export const FramePose = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  altMslM: Type.Number(),
  altRelM: Type.Number(),
  rollDeg: Type.Number(),
  pitchDeg: Type.Number(),
  yawDeg: Type.Number(),
});
export type FramePose = Static<typeof FramePose>;

/**
 * How fast the pose was changing at capture, per second of wall-clock time (metres north, east,
 * up; degrees of roll, pitch, yaw): the pose is interpolated from telemetry whose time stamps
 * are only so good, and a moving aircraft turns a timing error into a ground error.
 */
export const FramePoseRate = Type.Object({
  northMps: Type.Number(),
  eastMps: Type.Number(),
  upMps: Type.Number(),
  rollDps: Type.Number(),
  pitchDps: Type.Number(),
  yawDps: Type.Number(),
});
export type FramePoseRate = Static<typeof FramePoseRate>;

export const GimbalAttitude = Type.Object({
  pitchDeg: Type.Number({ minimum: -180, maximum: 180 }),
  yawDeg: Type.Number(),
  rollDeg: Type.Number(),
});
export type GimbalAttitude = Static<typeof GimbalAttitude>;

export const CameraIntrinsics = Type.Object({
  hfovDeg: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 180 }),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
});
export type CameraIntrinsics = Static<typeof CameraIntrinsics>;

/** Everything about a frame but its pixels: what travels as JSON. */
export const FrameMeta = Type.Object({
  vehicleId: Type.String({ minLength: 1 }),
  sortieId: Type.Optional(Type.String({ minLength: 1 })),
  capturedAtMs: Type.Number({ minimum: 0 }),
  pose: FramePose,
  poseRate: Type.Optional(FramePoseRate),
  gimbal: GimbalAttitude,
  camera: CameraIntrinsics,
});
export type FrameMeta = Static<typeof FrameMeta>;

/** Encoded pixels (JPEG or PNG) or raw interleaved RGB. */
export type FrameImage =
  | { kind: 'encoded'; bytes: Uint8Array }
  | { kind: 'rgb'; bytes: Uint8Array; width: number; height: number };

export interface Frame extends FrameMeta {
  image: FrameImage;
}

export type FrameCheck =
  | { ok: true; frame: Frame }
  | { ok: false; error: { code: 'BadFrame'; message: string } };

/** Checks a frame at a package edge; the message names the first field that is wrong. */
export function checkFrame(value: unknown): FrameCheck {
  const bad = (message: string): FrameCheck => ({ ok: false, error: { code: 'BadFrame', message } });
  if (typeof value !== 'object' || value === null) return bad('frame: not an object');
  const { image, ...meta } = value as Record<string, unknown>;
  if (!Value.Check(FrameMeta, meta)) {
    const first = Value.Errors(FrameMeta, meta)[0];
    return bad(`frame${first?.instancePath ?? ''}: ${first?.message ?? 'does not match the frame contract'}`);
  }
  const img = image as Partial<FrameImage> | undefined;
  if (!img || !(img.bytes instanceof Uint8Array)) return bad('frame/image: bytes missing');
  if (img.bytes.byteLength === 0) return bad('frame/image: zero bytes');
  if (img.kind === 'rgb') {
    const { width, height } = img as { width: number; height: number };
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      return bad('frame/image: raw RGB needs a positive integer width and height');
    }
    if (img.bytes.byteLength !== width * height * 3) {
      return bad(
        `frame/image: raw RGB of ${width}x${height} needs ${width * height * 3} bytes, got ${img.bytes.byteLength}`,
      );
    }
  } else if (img.kind !== 'encoded') {
    return bad("frame/image: kind must be 'encoded' or 'rgb'");
  }
  return { ok: true, frame: value as Frame };
}
