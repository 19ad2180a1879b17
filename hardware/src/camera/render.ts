/**
 * The simulated camera's picture: what a pinhole camera at a pose sees of a flat, georeferenced
 * scene. Pure: pixels in, pixels out, no I/O.
 *
 * Every output pixel's ray goes through missions' camera model (`cameraFor`: attitude composed
 * with the body-relative gimbal, hfov, image size) to flat ground at the scene's elevation. On
 * flat ground that mapping is a homography, so the ray direction is stepped linearly along each
 * row and each pixel costs one division; the result agrees with `groundToPixel` of the same
 * view, which is what the tests check (a marker planted at a known place lands where the
 * geometry predicts). Sampling is nearest-neighbour; sky and ground outside the scene get a
 * flat colour.
 */
import { type CameraView, cameraFor } from '@aerie/missions';

/** A north-up raster of the ground, equirectangular between its bounds (WGS-84 degrees). */
export interface Scene {
  /** Interleaved RGB, `width * height * 3` bytes, row 0 at the north edge. */
  rgb: Uint8Array;
  width: number;
  height: number;
  bounds: { north: number; south: number; east: number; west: number };
  /** Ground elevation, metres above mean sea level. */
  elevationMslM: number;
}

const SKY: readonly [number, number, number] = [150, 180, 215];
const OUTSIDE: readonly [number, number, number] = [92, 104, 84];

/** Where a lat/lon falls in the scene raster (continuous pixel coordinates). */
export function scenePixel(scene: Scene, lat: number, lon: number): { x: number; y: number } {
  const { north, south, east, west } = scene.bounds;
  return {
    x: ((lon - west) / (east - west)) * scene.width,
    y: ((north - lat) / (north - south)) * scene.height,
  };
}

/**
 * Renders the view into `out` (interleaved RGB, `camera.width * camera.height * 3` bytes; a new
 * buffer when omitted) and returns it.
 */
export function renderView(scene: Scene, view: CameraView, out?: Uint8Array): Uint8Array {
  const { width: w, height: h } = view.camera;
  const dst = out ?? new Uint8Array(w * h * 3);
  if (dst.length !== w * h * 3)
    throw new Error(`renderView: out must be ${w * h * 3} bytes, got ${dst.length}`);
  const cam = cameraFor(view);
  const heightM = view.pose.altMslM - scene.elevationMslM;
  // Scene pixel as a linear function of metres east/north of the point under the camera.
  const o = cam.plane.toLatLon({ x: 0, y: 0 });
  const e1 = cam.plane.toLatLon({ x: 1, y: 0 });
  const n1 = cam.plane.toLatLon({ x: 0, y: 1 });
  const p0 = scenePixel(scene, o.lat, o.lon);
  const pe = scenePixel(scene, e1.lat, e1.lon);
  const pn = scenePixel(scene, n1.lat, n1.lon);
  const xPerE = pe.x - p0.x;
  const xPerN = pn.x - p0.x;
  const yPerE = pe.y - p0.y;
  const yPerN = pn.y - p0.y;
  // Ray through a pixel centre: camToNed * [(u - cx) / f, (v - cy) / f, 1], linear in u and v.
  const m = cam.camToNed;
  const f = cam.focalPx;
  const cx = w / 2;
  const cy = h / 2;
  const src = scene.rgb;
  const sw = scene.width;
  const sh = scene.height;
  const du = 1 / f;
  const rn = m[0]![0]! * du;
  const re = m[1]![0]! * du;
  const rd = m[2]![0]! * du;
  let i = 0;
  for (let v = 0; v < h; v++) {
    const b = (v + 0.5 - cy) / f;
    const a0 = (0.5 - cx) / f;
    let dn = m[0]![0]! * a0 + m[0]![1]! * b + m[0]![2]!;
    let de = m[1]![0]! * a0 + m[1]![1]! * b + m[1]![2]!;
    let dd = m[2]![0]! * a0 + m[2]![1]! * b + m[2]![2]!;
    for (let u = 0; u < w; u++, i += 3, dn += rn, de += re, dd += rd) {
      if (dd <= 1e-9 || heightM <= 0) {
        dst[i] = SKY[0];
        dst[i + 1] = SKY[1];
        dst[i + 2] = SKY[2];
        continue;
      }
      const t = heightM / dd;
      const north = t * dn;
      const east = t * de;
      const x = Math.floor(p0.x + xPerE * east + xPerN * north);
      const y = Math.floor(p0.y + yPerE * east + yPerN * north);
      if (x < 0 || y < 0 || x >= sw || y >= sh) {
        dst[i] = OUTSIDE[0];
        dst[i + 1] = OUTSIDE[1];
        dst[i + 2] = OUTSIDE[2];
        continue;
      }
      const s = (y * sw + x) * 3;
      dst[i] = src[s]!;
      dst[i + 1] = src[s + 1]!;
      dst[i + 2] = src[s + 2]!;
    }
  }
  return dst;
}
