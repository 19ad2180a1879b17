/**
 * Rotations for camera geometry: 3-vectors and 3x3 matrices as plain tuples, and the
 * aerospace yaw-pitch-roll (Z-Y-X) rotation that PX4 uses for attitude.
 *
 * Frames: NED is local north, east, down; a body frame is forward, right, down (FRD). The
 * matrix from `rotationZYX(yaw, pitch, roll)` turns body-frame vectors into the parent frame:
 * R = Rz(yaw) * Ry(pitch) * Rx(roll), so yaw is clockwise from north seen from above, pitch
 * nose-up positive and roll right-wing-down positive.
 */

export type Vec3 = readonly [number, number, number];
/** Row-major 3x3 matrix. */
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export const toRad = (deg: number): number => (deg * Math.PI) / 180;
export const toDeg = (rad: number): number => (rad * 180) / Math.PI;

/** Body-to-parent rotation for yaw, pitch and roll in degrees (aerospace Z-Y-X order). */
export function rotationZYX(yawDeg: number, pitchDeg: number, rollDeg: number): Mat3 {
  const [cy, sy] = [Math.cos(toRad(yawDeg)), Math.sin(toRad(yawDeg))];
  const [cp, sp] = [Math.cos(toRad(pitchDeg)), Math.sin(toRad(pitchDeg))];
  const [cr, sr] = [Math.cos(toRad(rollDeg)), Math.sin(toRad(rollDeg))];
  return [
    [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
    [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
    [-sp, cp * sr, cp * cr],
  ];
}

export function mulMat(a: Mat3, b: Mat3): Mat3 {
  const row = (i: 0 | 1 | 2): Vec3 => [
    a[i][0] * b[0][0] + a[i][1] * b[1][0] + a[i][2] * b[2][0],
    a[i][0] * b[0][1] + a[i][1] * b[1][1] + a[i][2] * b[2][1],
    a[i][0] * b[0][2] + a[i][1] * b[1][2] + a[i][2] * b[2][2],
  ];
  return [row(0), row(1), row(2)];
}

export function transpose(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

export function mulVec(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

export function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Yaw, pitch and roll in degrees (aerospace Z-Y-X). */
export interface EulerDeg {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/**
 * The Z-Y-X angles of a rotation matrix (the inverse of `rotationZYX`). Looking straight down or
 * up (pitch +-90) yaw and roll turn about one axis: roll is then 0 and yaw carries the rotation,
 * so `rotationZYX` of the result is the same matrix.
 */
export function eulerZYXDeg(m: Mat3): EulerDeg {
  const s = Math.max(-1, Math.min(1, -m[2][0]));
  const pitchDeg = toDeg(Math.asin(s));
  if (Math.abs(s) > 1 - 1e-12) return { pitchDeg, rollDeg: 0, yawDeg: toDeg(Math.atan2(-m[0][1], m[1][1])) };
  return {
    pitchDeg,
    rollDeg: toDeg(Math.atan2(m[2][1], m[2][2])),
    yawDeg: toDeg(Math.atan2(m[1][0], m[0][0])),
  };
}

/**
 * An attitude (`child`, relative to NED) expressed relative to another (`parent`, e.g. the
 * vehicle's body): the angles such that `parent` composed with them is `child`. A camera's NED
 * attitude relative to its aircraft is the body-relative gimbal the camera geometry takes.
 */
export function relativeAttitudeDeg(parent: EulerDeg, child: EulerDeg): EulerDeg {
  return eulerZYXDeg(
    mulMat(
      transpose(rotationZYX(parent.yawDeg, parent.pitchDeg, parent.rollDeg)),
      rotationZYX(child.yawDeg, child.pitchDeg, child.rollDeg),
    ),
  );
}
