/**
 * Places an image finding on the ground: the ray through the centre of its box, from the frame's
 * pose, gimbal and lens (missions' camera geometry), to flat ground at the take-off point's
 * elevation or to a DEM, with an error estimate in metres from the pose uncertainty.
 *
 * The box centre stands for the object. For flat things seen from above (roofs, bare earth,
 * floating waste) that is right; for tall things seen obliquely (a smoke column, a crane) the
 * centre is above the ground contact and the fix lands beyond the object. The error counts the
 * object anywhere in its box (a smoke cloud's box can span tens of metres), and with a frame's
 * `poseRate` the error of its pose's timing (see missions' uncertainty).
 */
import type { FrameMeta, GeoFinding, ImageFinding } from '@aerie/contracts';
import {
  type Cov2,
  flatGroundFromHome,
  type Ground,
  groundFixWithError,
  type PoseUncertainty,
  type RayOptions,
} from '@aerie/missions';

export interface GeoreferenceOptions extends RayOptions {
  /** Where the ground is; default: flat at the take-off point (`altMslM - altRelM`). */
  ground?: Ground;
  uncertainty?: Partial<PoseUncertainty>;
  /**
   * The size of the image the box is in, when it differs from `camera.width/height` (a frame
   * downscaled before detection); boxes are scaled to the camera's pixels.
   */
  imageSize?: { width: number; height: number };
}

export type GeoreferenceResult =
  | {
      ok: true;
      finding: GeoFinding;
      covariance: Cov2;
      /** The part of the error consecutive frames share (pose timing, box extent; metres, one sigma). */
      sharedErrorM: number;
    }
  | { ok: false; error: { code: 'NoGroundFix'; message: string } };

export function georeferenceFinding(
  finding: ImageFinding,
  frame: FrameMeta,
  options: GeoreferenceOptions = {},
): GeoreferenceResult {
  const [x, y, w, h] = finding.box;
  const sx = options.imageSize ? frame.camera.width / options.imageSize.width : 1;
  const sy = options.imageSize ? frame.camera.height / options.imageSize.height : 1;
  const u = (x + w / 2) * sx;
  const v = (y + h / 2) * sy;
  const ground = options.ground ?? flatGroundFromHome(frame.pose);
  // The object may be anywhere in its box (in the camera's pixels).
  const boxPx = { width: w * sx, height: h * sy };
  const fix = groundFixWithError(frame, u, v, ground, { boxPx, ...options.uncertainty }, options);
  if (!fix.ok) {
    return {
      ok: false,
      error: {
        code: 'NoGroundFix',
        message: `${finding.label} at box [${finding.box.join(', ')}]: ${fix.message}`,
      },
    };
  }
  const geo: GeoFinding = {
    ...finding,
    vehicleId: frame.vehicleId,
    ...(frame.sortieId === undefined ? {} : { sortieId: frame.sortieId }),
    capturedAtMs: frame.capturedAtMs,
    location: { lat: fix.point.lat, lon: fix.point.lon, errorM: fix.error.errorM },
    frames: 1,
  };
  return { ok: true, finding: geo, covariance: fix.error.covariance, sharedErrorM: fix.error.sharedM };
}
