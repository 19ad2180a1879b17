/**
 * Pinhole camera geometry for georeferencing findings and for rendering the simulated camera.
 *
 * Both directions go through one model so they agree exactly:
 *   pixel -> ray (camera frame) -> ray in local NED -> ground point (flat ground or a DEM) -> lat/lon
 *   lat/lon + elevation -> local NED -> camera frame -> pixel
 *
 * Conventions:
 * - Pixels are continuous coordinates with (0, 0) at the top-left corner of the top-left pixel,
 *   u to the right and v down; the centre of pixel (i, j) is (i + 0.5, j + 0.5) and the optical
 *   axis passes through (width / 2, height / 2). A box [x, y, w, h] has its centre at
 *   (x + w / 2, y + h / 2). Pixels are square: the focal length in pixels is
 *   fx = fy = (width / 2) / tan(hfov / 2); no lens distortion is modelled.
 * - The camera frame is right, down, forward (as OpenCV). With all gimbal angles zero the camera
 *   looks along the vehicle's nose, image right along the right wing.
 * - Gimbal angles are relative to the vehicle body (as in contracts/src/frame.ts), applied in the
 *   same yaw-pitch-roll order as the vehicle's attitude: gimbal pitch -90 looks straight down
 *   with the top of the image towards the nose.
 * - The local plane is the equirectangular east/north plane of ./geo.ts centred under the camera:
 *   within the few kilometres a camera sees, its error is centimetres. Altitudes are metres above
 *   mean sea level; flat ground is a given elevation (the dock's, or home's: see
 *   `flatGroundFromHome`), a DEM is a callback returning ground elevation at a lat/lon.
 */
import { type LatLon, type LocalPlane, localPlane } from '../geo.ts';
import {
  type Mat3,
  mulMat,
  mulVec,
  normalize,
  rotationZYX,
  toDeg,
  transpose,
  type Vec3,
} from './rotation.ts';

/** The vehicle's position and attitude when the frame was taken (a subset of the frame contract's pose). */
export interface CameraPose {
  lat: number;
  lon: number;
  altMslM: number;
  rollDeg: number;
  pitchDeg: number;
  yawDeg: number;
}

/** Gimbal attitude relative to the vehicle body, degrees. */
export interface GimbalAngles {
  pitchDeg: number;
  yawDeg: number;
  rollDeg: number;
}

/** Horizontal field of view and image size in pixels. */
export interface CameraLens {
  hfovDeg: number;
  width: number;
  height: number;
}

/**
 * How fast the pose changes around the frame's capture time, per second of real (wall-clock)
 * time: horizontal velocity in metres, attitude rates in degrees.
 */
export interface PoseRate {
  northMps: number;
  eastMps: number;
  upMps: number;
  rollDps: number;
  pitchDps: number;
  yawDps: number;
}

/** Everything the geometry needs about one frame; the contract's `FrameMeta` fits it as is. */
export interface CameraView {
  pose: CameraPose;
  gimbal: GimbalAngles;
  camera: CameraLens;
  /** How the pose was changing at capture; with it the error covers the pose's timing. */
  poseRate?: PoseRate;
}

/** Where the ground is: flat at one elevation, or a terrain model sampled by the caller. */
export type Ground =
  | { kind: 'flat'; elevationMslM: number }
  | {
      kind: 'dem';
      /** Ground elevation (metres above mean sea level) at a point, or undefined outside the model. */
      elevationMslM: (p: LatLon) => number | undefined;
      /** Ray-marching step along the ray, metres (default 2). Features narrower than this can be missed. */
      stepM?: number;
    };

/** Flat ground at the take-off point's elevation: `altMslM - altRelM` (PX4's relative altitude is above home). */
export function flatGroundFromHome(pose: { altMslM: number; altRelM: number }): Ground {
  return { kind: 'flat', elevationMslM: pose.altMslM - pose.altRelM };
}

export interface GroundPoint extends LatLon {
  elevationMslM: number;
}

export type GroundHitFailure = 'no-ground' | 'beyond-range' | 'below-ground' | 'no-terrain';

export type GroundHit =
  | {
      ok: true;
      point: GroundPoint;
      /** Metres north and east of the point under the camera. */
      northM: number;
      eastM: number;
      /** Distance along the ray from the camera to the ground, metres. */
      slantRangeM: number;
    }
  | { ok: false; reason: GroundHitFailure; message: string };

export type PixelHit =
  | {
      ok: true;
      u: number;
      v: number;
      /** Whether (u, v) lies inside the image. */
      inImage: boolean;
      /** Distance along the optical axis, metres. */
      depthM: number;
    }
  | { ok: false; reason: 'behind-camera'; message: string };

export interface RayOptions {
  /** Longest slant range accepted, metres (default 5000): rays grazing the horizon give no useful fix. */
  maxRangeM?: number;
}

export interface FootprintOptions extends RayOptions {
  /** Points sampled along each image edge (default 8); more follow the curve of a DEM footprint better. */
  samplesPerEdge?: number;
}

export interface GroundFootprint {
  /** The image outline on the ground, clockwise from the top-left corner, open (first point not repeated). */
  ring: GroundPoint[];
  /**
   * True when part of the image sees no ground within `maxRangeM` (above the horizon or too far):
   * those edge points are replaced by the point at `maxRangeM` in the ray's direction.
   */
  clipped: boolean;
}

export const DEFAULT_MAX_RANGE_M = 5000;

/** A camera fixed at one pose: the rotation and intrinsics are computed once, for per-pixel use. */
export interface Camera {
  readonly view: CameraView;
  /** Focal length in pixels (square pixels). */
  readonly focalPx: number;
  /** The camera-to-NED rotation (columns: image right, image down, optical axis, in NED). */
  readonly camToNed: Mat3;
  /** The local east/north plane centred under the camera. */
  readonly plane: LocalPlane;
  /** Unit ray through pixel (u, v) in local NED. */
  rayNed(u: number, v: number): Vec3;
  /** The pixel a local NED offset from the camera (metres) falls on. */
  nedToPixel(northM: number, eastM: number, downM: number): PixelHit;
  pixelToGround(u: number, v: number, ground: Ground, options?: RayOptions): GroundHit;
  groundToPixel(point: LatLon, elevationMslM: number): PixelHit;
  footprint(ground: Ground, options?: FootprintOptions): GroundFootprint;
}

/** Camera axes (right, down, forward) expressed in the body's forward-right-down axes at zero gimbal angles. */
const CAM_TO_MOUNT: Mat3 = [
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 0],
];

/** Builds the camera for one frame's pose, gimbal and lens. */
export function cameraFor(view: CameraView): Camera {
  const { pose, gimbal, camera } = view;
  const focalPx = camera.width / 2 / Math.tan((camera.hfovDeg * Math.PI) / 360);
  const cx = camera.width / 2;
  const cy = camera.height / 2;
  const bodyToNed = rotationZYX(pose.yawDeg, pose.pitchDeg, pose.rollDeg);
  const mountToBody = rotationZYX(gimbal.yawDeg, gimbal.pitchDeg, gimbal.rollDeg);
  const camToNed = mulMat(bodyToNed, mulMat(mountToBody, CAM_TO_MOUNT));
  const nedToCam = transpose(camToNed);
  const plane = localPlane({ lat: pose.lat, lon: pose.lon });

  const rayNed = (u: number, v: number): Vec3 =>
    normalize(mulVec(camToNed, [(u - cx) / focalPx, (v - cy) / focalPx, 1]));

  const nedToPixel = (northM: number, eastM: number, downM: number): PixelHit => {
    const [x, y, z] = mulVec(nedToCam, [northM, eastM, downM]);
    if (z <= 1e-9) return { ok: false, reason: 'behind-camera', message: 'the point is behind the camera' };
    const u = cx + (focalPx * x) / z;
    const v = cy + (focalPx * y) / z;
    return {
      ok: true,
      u,
      v,
      depthM: z,
      inImage: u >= 0 && u <= camera.width && v >= 0 && v <= camera.height,
    };
  };

  const hit = (ray: Vec3, t: number, elevationMslM: number): GroundHit => {
    const northM = ray[0] * t;
    const eastM = ray[1] * t;
    const ll = plane.toLatLon({ x: eastM, y: northM });
    return { ok: true, point: { ...ll, elevationMslM }, northM, eastM, slantRangeM: t };
  };

  const pixelToGround = (u: number, v: number, ground: Ground, options: RayOptions = {}): GroundHit => {
    const maxRangeM = options.maxRangeM ?? DEFAULT_MAX_RANGE_M;
    const ray = rayNed(u, v);
    const where = `the ray through pixel (${u.toFixed(1)}, ${v.toFixed(1)})`;
    const depressionDeg = toDeg(Math.asin(Math.max(-1, Math.min(1, ray[2]))));
    if (ground.kind === 'flat') {
      const heightM = pose.altMslM - ground.elevationMslM;
      if (heightM <= 0) {
        return {
          ok: false,
          reason: 'below-ground',
          message: `the camera at ${pose.altMslM.toFixed(1)} m is not above the ground at ${ground.elevationMslM.toFixed(1)} m`,
        };
      }
      if (ray[2] <= 1e-9) {
        return {
          ok: false,
          reason: 'no-ground',
          message: `${where} points ${(-depressionDeg).toFixed(1)} deg above the horizon and never meets the ground`,
        };
      }
      const t = heightM / ray[2];
      if (t > maxRangeM) {
        return {
          ok: false,
          reason: 'beyond-range',
          message: `${where} meets the ground ${t.toFixed(0)} m away, beyond the ${maxRangeM} m limit`,
        };
      }
      return hit(ray, t, ground.elevationMslM);
    }
    return marchDem(ray, ground, maxRangeM, where, depressionDeg);
  };

  /** Steps along the ray until it passes below the terrain, then bisects to the crossing. */
  const marchDem = (
    ray: Vec3,
    ground: Extract<Ground, { kind: 'dem' }>,
    maxRangeM: number,
    where: string,
    depressionDeg: number,
  ): GroundHit => {
    const stepM = ground.stepM ?? 2;
    const clearance = (t: number): number | undefined => {
      const ll = plane.toLatLon({ x: ray[1] * t, y: ray[0] * t });
      const elev = ground.elevationMslM(ll);
      return elev === undefined ? undefined : pose.altMslM - ray[2] * t - elev;
    };
    const noTerrain = (t: number): GroundHit => ({
      ok: false,
      reason: 'no-terrain',
      message: `${where} leaves the terrain model ${t.toFixed(0)} m from the camera`,
    });
    const start = clearance(0);
    if (start === undefined) return noTerrain(0);
    if (start <= 0) {
      return { ok: false, reason: 'below-ground', message: 'the camera is not above the terrain under it' };
    }
    let t0 = 0;
    for (let t1 = stepM; t0 < maxRangeM; t1 = Math.min(t1 + stepM, maxRangeM)) {
      const c1 = clearance(t1);
      if (c1 === undefined) return noTerrain(t1);
      if (c1 <= 0) {
        let [lo, hi] = [t0, t1];
        for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
          const mid = (lo + hi) / 2;
          const c = clearance(mid);
          if (c === undefined) return noTerrain(mid);
          if (c > 0) lo = mid;
          else hi = mid;
        }
        return hit(ray, hi, pose.altMslM - ray[2] * hi);
      }
      t0 = t1;
    }
    return ray[2] <= 0
      ? {
          ok: false,
          reason: 'no-ground',
          message: `${where} points ${(-depressionDeg).toFixed(1)} deg above the horizon and meets no terrain within ${maxRangeM} m`,
        }
      : { ok: false, reason: 'beyond-range', message: `${where} meets no terrain within ${maxRangeM} m` };
  };

  const groundToPixel = (point: LatLon, elevationMslM: number): PixelHit => {
    const { x, y } = plane.toXY(point);
    return nedToPixel(y, x, pose.altMslM - elevationMslM);
  };

  const footprint = (ground: Ground, options: FootprintOptions = {}): GroundFootprint => {
    const n = Math.max(1, Math.floor(options.samplesPerEdge ?? 8));
    const maxRangeM = options.maxRangeM ?? DEFAULT_MAX_RANGE_M;
    const { width: w, height: h } = camera;
    const edge: [number, number][] = [];
    for (let i = 0; i < n; i++) edge.push([(w * i) / n, 0]);
    for (let i = 0; i < n; i++) edge.push([w, (h * i) / n]);
    for (let i = 0; i < n; i++) edge.push([w - (w * i) / n, h]);
    for (let i = 0; i < n; i++) edge.push([0, h - (h * i) / n]);
    const ring: GroundPoint[] = [];
    let clipped = false;
    for (const [u, v] of edge) {
      const r = pixelToGround(u, v, ground, options);
      if (r.ok) {
        ring.push(r.point);
        continue;
      }
      if (r.reason !== 'no-ground' && r.reason !== 'beyond-range') continue;
      clipped = true;
      const ray = rayNed(u, v);
      const horiz = Math.hypot(ray[0], ray[1]);
      if (horiz < 1e-9) continue;
      const ll = plane.toLatLon({ x: (ray[1] / horiz) * maxRangeM, y: (ray[0] / horiz) * maxRangeM });
      const elevationMslM =
        ground.kind === 'flat' ? ground.elevationMslM : (ground.elevationMslM(ll) ?? Number.NaN);
      ring.push({ ...ll, elevationMslM });
    }
    return { ring, clipped };
  };

  return { view, focalPx, camToNed, plane, rayNed, nedToPixel, pixelToGround, groundToPixel, footprint };
}

/** One-off: the ground point seen at pixel (u, v). Build a `cameraFor(view)` to project many pixels. */
export function pixelToGround(
  view: CameraView,
  u: number,
  v: number,
  ground: Ground,
  options?: RayOptions,
): GroundHit {
  return cameraFor(view).pixelToGround(u, v, ground, options);
}

/** One-off: the pixel where a ground point appears. */
export function groundToPixel(view: CameraView, point: LatLon, elevationMslM: number): PixelHit {
  return cameraFor(view).groundToPixel(point, elevationMslM);
}

/** One-off: the image outline on the ground (for coverage). */
export function cameraFootprint(
  view: CameraView,
  ground: Ground,
  options?: FootprintOptions,
): GroundFootprint {
  return cameraFor(view).footprint(ground, options);
}
