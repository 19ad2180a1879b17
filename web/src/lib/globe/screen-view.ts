/**
 * The camera of one frame as the globe's overlay sees it: earth-fixed (ECEF) points to CSS
 * pixels on the globe's canvas. Pure maths on a view-projection matrix (column-major, as
 * Cesium's `Matrix4`), so the overlay projects hundreds of trail points a frame without going
 * through Cesium's scene, and the tests need no WebGL.
 */
import { Cartesian3, Ellipsoid } from 'cesium';

/** A point on screen, CSS pixels from the canvas's top left. */
export interface ScreenPoint {
  x: number;
  y: number;
}

export class ScreenView {
  /** projection x view, column-major. */
  readonly matrix = new Float64Array(16);
  width = 0;
  height = 0;
  /** The camera's position (ECEF metres). */
  eyeX = 0;
  eyeY = 0;
  eyeZ = 0;

  /** Takes this frame's camera; returns true when it differs from the last one. */
  set(viewProjection: ArrayLike<number>, width: number, height: number, eye: ArrayLike<number>): boolean {
    let changed = width !== this.width || height !== this.height;
    for (let i = 0; i < 16; i++) {
      const v = viewProjection[i]!;
      if (v !== this.matrix[i]) {
        changed = true;
        this.matrix[i] = v;
      }
    }
    this.width = width;
    this.height = height;
    this.eyeX = eye[0]!;
    this.eyeY = eye[1]!;
    this.eyeZ = eye[2]!;
    return changed;
  }

  /**
   * Writes where the point is drawn into `out`. False (and `out` untouched) when the point is
   * behind the camera or on the far side of the earth, where nothing of it can be seen.
   */
  project(x: number, y: number, z: number, out: ScreenPoint): boolean {
    if (this.beyondHorizon(x, y, z)) return false;
    return this.projectAny(x, y, z, out);
  }

  /** `project` without the horizon test (for the far end of a short segment from a visible point). */
  projectAny(x: number, y: number, z: number, out: ScreenPoint): boolean {
    const m = this.matrix;
    const w = m[3]! * x + m[7]! * y + m[11]! * z + m[15]!;
    if (!(w > 1e-6)) return false;
    const cx = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
    const cy = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
    out.x = ((cx / w + 1) / 2) * this.width;
    out.y = ((1 - cy / w) / 2) * this.height;
    return true;
  }

  /** Metres from the camera. */
  distance(x: number, y: number, z: number): number {
    return Math.hypot(x - this.eyeX, y - this.eyeY, z - this.eyeZ);
  }

  /**
   * True when a point near the ground is on the far side of the earth from the camera: the
   * camera is below the plane tangent to the earth at the point (a sphere through the point
   * stands in for the ellipsoid, close enough for symbols drawn over everything).
   */
  beyondHorizon(x: number, y: number, z: number): boolean {
    return (this.eyeX - x) * x + (this.eyeY - y) * y + (this.eyeZ - z) * z < 0;
  }
}

/**
 * Cesium's `NearFarScalar` as its billboards apply it: `nearValue` at `nearM` from the camera
 * and closer, `farValue` at `farM` and farther, eased between (on squared distance, to the
 * power 0.2, as BillboardCollectionVS does), so symbols shrink quickly at first and then slowly.
 */
export function nearFarScale(
  distanceM: number,
  nearM: number,
  nearValue: number,
  farM: number,
  farValue: number,
): number {
  const t = (distanceM * distanceM - nearM * nearM) / (farM * farM - nearM * nearM);
  const eased = Math.min(1, Math.max(0, t)) ** 0.2;
  return nearValue + (farValue - nearValue) * eased;
}

/** Earth-fixed coordinates of a WGS-84 position (degrees, metres above the ellipsoid), into `out[at..at+2]`. */
export function ecef(lonDeg: number, latDeg: number, heightM: number, out: Float64Array, at = 0): void {
  const c = Cartesian3.fromDegrees(lonDeg, latDeg, heightM, Ellipsoid.WGS84, scratchCartesian);
  out[at] = c.x;
  out[at + 1] = c.y;
  out[at + 2] = c.z;
}
const scratchCartesian = new Cartesian3();

/** The earth-fixed unit vector pointing `headingDeg` clockwise from north, level, at a position. */
export function headingVector(lonDeg: number, latDeg: number, headingDeg: number, out: Float64Array): void {
  const lon = (lonDeg * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const h = (headingDeg * Math.PI) / 180;
  const east = [-Math.sin(lon), Math.cos(lon), 0];
  const north = [-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)];
  for (let i = 0; i < 3; i++) out[i] = north[i]! * Math.cos(h) + east[i]! * Math.sin(h);
}
