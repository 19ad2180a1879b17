/**
 * How far off a georeferenced point may be, in metres, from the uncertainty of the pose it was
 * computed from.
 *
 * Method: divided differences (the "central difference" form of sigma-point propagation). The
 * pure pixel -> ground function is evaluated with each uncertain input (north and east position,
 * altitude, roll, pitch, yaw, and the pixel itself) moved by plus and minus its one-sigma value;
 * half the difference of the two ground points is that input's one-sigma contribution, and the
 * contributions add as a 2x2 north/east covariance in square metres: C = sum d_i d_i^T. Using the
 * same function the georeferencing uses covers DEM and oblique views without a second,
 * hand-derived formula that could disagree with it, and stepping a whole sigma (not an
 * infinitesimal) lets the growth of the error towards the horizon show. When a ray one sigma away
 * no longer meets the ground (within `maxRangeM`), the fix fails: its error is unbounded.
 *
 * Attitude sigmas apply to the vehicle's roll, pitch and yaw and so also stand for the gimbal's
 * error (gimbal angles are relative to the body). The inputs are treated as independent; in a real
 * aircraft GNSS and heading errors are correlated over seconds, which is why fusing consecutive
 * frames keeps a floor (see the fusion module in inference).
 *
 * Timing: a frame's pose is interpolated from telemetry at the camera's capture time, and the
 * telemetry's time stamps are when it reached the ground station (radio, bridge and a busy
 * machine's event loop in between). When the view says how fast the pose was changing
 * (`poseRate`), the pose moved by that rate times `timingSigmaMs` is one more input: a moving or
 * turning aircraft (and a simulator at 4x real time moves four times as far per millisecond) has
 * a larger error than a hovering one. That part is the same for consecutive frames (the delay
 * is systematic), so it is also reported alone (`sharedM`) for fusion to keep as a floor.
 *
 * Box: the box centre stands for the object, but a detector's box around diffuse smoke can span
 * tens of metres, with the fire anywhere in it (issue 15: a flown ticket 21 m south of the fire,
 * stated error 1.3 m, was the centre of a smoke box reaching south over grey ground). With
 * `boxPx` the pixel sigma per axis grows to the box's size / sqrt(12); consecutive frames see the
 * same box, so that part is shared too.
 */
import { localPlane } from '../geo.ts';
import {
  type CameraView,
  type Ground,
  type GroundHit,
  pixelToGround,
  type RayOptions,
} from './projection.ts';

/** One-sigma uncertainties of the inputs. */
export interface PoseUncertainty {
  /** Horizontal position, per axis (north and east), metres. */
  horizontalSigmaM: number;
  /** Height of the camera above the ground (altitude and ground elevation together), metres. */
  altitudeSigmaM: number;
  /** Roll and pitch (vehicle and gimbal together), degrees. */
  tiltSigmaDeg: number;
  /** Yaw (heading), degrees. */
  yawSigmaDeg: number;
  /** Where in the image the object really is, per axis, pixels (box centre vs. the object's ground point). */
  pixelSigmaPx: number;
  /** How far off the pose's time may be from the frame's capture time, milliseconds (used with `poseRate`). */
  timingSigmaMs: number;
  /**
   * The detector's box around the object, pixels: the object (a fire under a smoke cloud) may be
   * anywhere in it, so the pixel sigma per axis is at least the box's size / sqrt(12) (uniform
   * over the box). Optional: a point with only `pixelSigmaPx` when absent.
   */
  boxPx?: { width: number; height: number };
}

/**
 * Defaults for a multirotor with a plain GNSS receiver and a stabilised gimbal:
 * - horizontal 1.5 m per axis: single-frequency GNSS without RTK (u-blox M8/M9 class, CEP ~2 m);
 * - altitude 1.0 m: barometric height above home drifts about a metre over a sortie, and "flat
 *   ground at the dock's elevation" is itself only that good on gently sloping land;
 * - tilt 0.5 deg: EKF roll/pitch plus gimbal stabilisation error;
 * - yaw 1.5 deg: magnetometer heading in a city (steel, power lines) is the weakest angle;
 * - pixel 2 px: the box centre is not exactly the object's ground point;
 * - timing 250 ms: telemetry is stamped on arrival at the bridge, after the link and, on a
 *   loaded machine, event-loop delays of a few hundred milliseconds; at 32 m/s (8 m/s at 4x
 *   speed) that alone is 8 m.
 * With RTK and a dual-antenna heading, pass smaller values.
 */
export const DEFAULT_POSE_UNCERTAINTY: PoseUncertainty = {
  horizontalSigmaM: 1.5,
  altitudeSigmaM: 1.0,
  tiltSigmaDeg: 0.5,
  yawSigmaDeg: 1.5,
  pixelSigmaPx: 2,
  timingSigmaMs: 250,
};

/** A symmetric 2x2 covariance on the local north/east plane, square metres. */
export interface Cov2 {
  nn: number;
  ne: number;
  ee: number;
}

export interface GroundError {
  covariance: Cov2;
  /** One-sigma semi-axes of the error ellipse, metres. */
  sigmaMajorM: number;
  sigmaMinorM: number;
  /** Direction of the major axis, degrees clockwise from north in [0, 180). */
  majorAxisBearingDeg: number;
  /** Radial root-mean-square error sqrt(sigma_n^2 + sigma_e^2), metres: the `errorM` a GeoFix carries. */
  errorM: number;
}

export type GroundFix = (GroundHit & { ok: true }) & {
  /**
   * The error; `sharedM` is the radial one-sigma of the inputs consecutive frames share (the
   * pose's timing with a pose rate, the box's extent with `boxPx`; 0 without either).
   */
  error: GroundError & { sharedM: number };
};
export type GroundFixResult = GroundFix | (GroundHit & { ok: false });

/** Ellipse axes and radial error of a north/east covariance. */
export function describeCovariance(c: Cov2): GroundError {
  const mean = (c.nn + c.ee) / 2;
  const diff = (c.nn - c.ee) / 2;
  const r = Math.hypot(diff, c.ne);
  const major = Math.sqrt(Math.max(0, mean + r));
  const minor = Math.sqrt(Math.max(0, mean - r));
  const angle = (Math.atan2(2 * c.ne, c.nn - c.ee) / 2) * (180 / Math.PI);
  return {
    covariance: c,
    sigmaMajorM: major,
    sigmaMinorM: minor,
    majorAxisBearingDeg: (angle + 180) % 180,
    errorM: Math.sqrt(Math.max(0, c.nn + c.ee)),
  };
}

/**
 * The ground point at pixel (u, v) with its error. Fails when the ray fails, or when a ray one
 * sigma away does (a fix that tips over the horizon within its own error has no error estimate).
 */
export function groundFixWithError(
  view: CameraView,
  u: number,
  v: number,
  ground: Ground,
  uncertainty: Partial<PoseUncertainty> = {},
  options?: RayOptions,
): GroundFixResult {
  const sig = { ...DEFAULT_POSE_UNCERTAINTY, ...uncertainty };
  const base = pixelToGround(view, u, v, ground, options);
  if (!base.ok) return base;
  const plane = localPlane({ lat: view.pose.lat, lon: view.pose.lon });

  type Perturb = (view: CameraView, d: number) => [CameraView, number, number];
  const pose = (patch: (p: CameraView['pose'], d: number) => Partial<CameraView['pose']>): Perturb => {
    return (vw, d) => [{ ...vw, pose: { ...vw.pose, ...patch(vw.pose, d) } }, u, v];
  };
  // [perturbation, sigma]. Moving the camera north by d moves the fix north by d exactly, so
  // position could be added directly; going through the function keeps one code path for DEMs.
  const inputs: [Perturb, number][] = [
    [pose((_, d) => plane.toLatLon({ x: 0, y: d })), sig.horizontalSigmaM],
    [pose((_, d) => plane.toLatLon({ x: d, y: 0 })), sig.horizontalSigmaM],
    [pose((p, d) => ({ altMslM: p.altMslM + d })), sig.altitudeSigmaM],
    [pose((p, d) => ({ rollDeg: p.rollDeg + d })), sig.tiltSigmaDeg],
    [pose((p, d) => ({ pitchDeg: p.pitchDeg + d })), sig.tiltSigmaDeg],
    [pose((p, d) => ({ yawDeg: p.yawDeg + d })), sig.yawSigmaDeg],
  ];
  // Where in the image the object is: a point within a few pixels, or anywhere in its box.
  const shared = new Set<Perturb>();
  const pixel = (axis: 'u' | 'v', boxSizePx: number | undefined): [Perturb, number] => {
    const perturb: Perturb = axis === 'u' ? (vw, d) => [vw, u + d, v] : (vw, d) => [vw, u, v + d];
    const boxSigma = (boxSizePx ?? 0) / Math.sqrt(12);
    if (boxSigma > sig.pixelSigmaPx) shared.add(perturb);
    return [perturb, Math.max(sig.pixelSigmaPx, boxSigma)];
  };
  inputs.push(pixel('u', sig.boxPx?.width), pixel('v', sig.boxPx?.height));
  // The pose a timing error of d seconds away: moved and turned by its rates.
  const rate = view.poseRate;
  const timing: Perturb | null = rate
    ? pose((p, d) => ({
        ...plane.toLatLon({ x: rate.eastMps * d, y: rate.northMps * d }),
        altMslM: p.altMslM + rate.upMps * d,
        rollDeg: p.rollDeg + rate.rollDps * d,
        pitchDeg: p.pitchDeg + rate.pitchDps * d,
        yawDeg: p.yawDeg + rate.yawDps * d,
      }))
    : null;
  if (timing) {
    inputs.push([timing, sig.timingSigmaMs / 1000]);
    shared.add(timing);
  }
  const cov: Cov2 = { nn: 0, ne: 0, ee: 0 };
  const sharedCov: Cov2 = { nn: 0, ne: 0, ee: 0 };
  for (const [perturb, sigma] of inputs) {
    if (sigma === 0) continue;
    const [vp, up, vpx] = perturb(view, sigma);
    const [vm, um, vmx] = perturb(view, -sigma);
    const plus = pixelToGround(vp, up, vpx, ground, options);
    const minus = pixelToGround(vm, um, vmx, ground, options);
    if (!plus.ok) return plus;
    if (!minus.ok) return minus;
    const a = plane.toXY(plus.point);
    const b = plane.toXY(minus.point);
    const dn = (a.y - b.y) / 2;
    const de = (a.x - b.x) / 2;
    cov.nn += dn * dn;
    cov.ne += dn * de;
    cov.ee += de * de;
    if (shared.has(perturb)) {
      sharedCov.nn += dn * dn;
      sharedCov.ee += de * de;
    }
  }
  return { ...base, error: { ...describeCovariance(cov), sharedM: Math.sqrt(sharedCov.nn + sharedCov.ee) } };
}
