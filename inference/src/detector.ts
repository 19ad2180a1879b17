/**
 * The plug-in interface every detector implements, ONNX model or image-analysis rule.
 *
 * A detector gets decoded pixels (interleaved RGB, 3 bytes per pixel, row-major, no padding)
 * and a little context about where they came from, and answers with findings whose boxes are
 * in that image's pixels. It must not keep a reference to `img.data` after the promise
 * settles: the pipeline may reuse the buffer.
 *
 * `ctx` lets stateful rules (persistence over consecutive frames, change against a baseline
 * of the same place) tell frames of one vehicle and one place apart; a detector that needs
 * none of it ignores it.
 */
import type { DetectorRef, FrameMeta, ImageFinding } from '@aerie/contracts';

/** Interleaved 8-bit RGB: `data.length === width * height * 3`. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DetectContext {
  /** The vehicle that took the frame (frames of one vehicle arrive in capture order). */
  vehicleId?: string;
  /** Capture time, ms since the epoch. */
  capturedAtMs?: number;
  /** A stable key for the place on the ground the frame shows (for baselines and persistence). */
  placeKey?: string;
  /** The frame's pose, gimbal and camera, when known (change detection registers by it). */
  frame?: FrameMeta;
}

export interface Detector {
  readonly ref: DetectorRef;
  detect(img: RgbImage, ctx: DetectContext): Promise<ImageFinding[]>;
  /** Frees native resources (ONNX sessions); optional for pure rules. */
  close?(): Promise<void>;
}

/** Checks an RgbImage's shape; the message says what is wrong. */
export function checkRgbImage(img: RgbImage): string | undefined {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    return `image size ${img.width}x${img.height} is not a positive integer size`;
  }
  if (img.data.length !== img.width * img.height * 3) {
    return `image of ${img.width}x${img.height} needs ${img.width * img.height * 3} RGB bytes, got ${img.data.length}`;
  }
  return undefined;
}
