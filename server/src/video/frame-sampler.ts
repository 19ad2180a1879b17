/**
 * Frames to detection: from a vehicle's stream of captured images, one every 1/fps seconds
 * (default 2 fps), tagged with the pose at capture time (interpolated from telemetry, see
 * pose-track.ts) and checked against the frame contract, handed to a sink (the inference
 * pipeline's submit). A frame whose pose cannot be placed in time is dropped and counted,
 * never tagged with "the latest known" pose.
 */
import { type CameraIntrinsics, checkFrame, type Frame, type GimbalAttitude } from '@aerie/contracts';
import type { PoseAt } from './pose-track.ts';

export interface FrameSamplerOptions {
  vehicleId: string;
  /** Frames per second handed on; default 2. */
  fps?: number;
  camera: CameraIntrinsics;
  gimbal: GimbalAttitude;
  poseAt: (tMs: number) => PoseAt;
  sink: (frame: Frame) => void;
  sortieId?: () => string | undefined;
}

export class FrameSampler {
  private lastAtMs = Number.NEGATIVE_INFINITY;
  readonly counts = { offered: 0, sampled: 0, noPose: 0, bad: 0 };

  constructor(private readonly opts: FrameSamplerOptions) {
    const fps = opts.fps ?? 2;
    if (!(fps > 0 && fps <= 30)) throw new Error(`frame sampler: fps must be in (0, 30], got ${fps}`);
  }

  /** Offers one captured image (JPEG); returns whether it was handed on. */
  offer(jpeg: Uint8Array, capturedAtMs: number): boolean {
    this.counts.offered++;
    const periodMs = 1000 / (this.opts.fps ?? 2);
    // A little slack so a 12 fps source sampled at 2 fps takes every 6th frame, not every 7th.
    if (capturedAtMs - this.lastAtMs < periodMs * 0.9) return false;
    const pose = this.opts.poseAt(capturedAtMs);
    if (!pose.ok) {
      this.counts.noPose++;
      return false;
    }
    const sortieId = this.opts.sortieId?.();
    const candidate = {
      vehicleId: this.opts.vehicleId,
      ...(sortieId ? { sortieId } : {}),
      capturedAtMs,
      pose: pose.pose,
      gimbal: this.opts.gimbal,
      camera: this.opts.camera,
      image: { kind: 'encoded' as const, bytes: jpeg },
    };
    const checked = checkFrame(candidate);
    if (!checked.ok) {
      this.counts.bad++;
      return false;
    }
    this.lastAtMs = capturedAtMs;
    this.counts.sampled++;
    this.opts.sink(checked.frame);
    return true;
  }
}
