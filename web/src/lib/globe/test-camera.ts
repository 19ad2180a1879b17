/** A camera for the globe's unit tests, built as Cesium builds one (no WebGL needed). */
import { Cartesian3, Cartesian4, Math as CesiumMath, Matrix4, PerspectiveFrustum, Transforms } from 'cesium';
import { ecef, ScreenView } from './screen-view.ts';

export const WIDTH = 1440;
export const HEIGHT = 900;
export const HOME = { lon: 113.14, lat: 23.03 };

/**
 * A camera `heightM` above HOME looking straight down with north up on screen, as Cesium builds
 * one: a view matrix from position, direction and up, and a 60-degree perspective frustum.
 */
export function lookingDown(heightM: number, lon = HOME.lon, lat = HOME.lat): ScreenView {
  const eye = Cartesian3.fromDegrees(lon, lat, heightM);
  const enu = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(lon, lat, 0));
  const column = (i: number) => {
    const c = Matrix4.getColumn(enu, i, new Cartesian4());
    return new Cartesian3(c.x, c.y, c.z);
  };
  const east = column(0);
  const north = column(1);
  const up = column(2);
  const direction = Cartesian3.negate(up, new Cartesian3());
  const view = Matrix4.computeView(eye, direction, north, east, new Matrix4());
  const frustum = new PerspectiveFrustum({ fov: CesiumMath.toRadians(60), aspectRatio: WIDTH / HEIGHT });
  frustum.near = 1;
  frustum.far = 1e8;
  const vp = Matrix4.multiply(frustum.projectionMatrix, view, new Matrix4());
  const sv = new ScreenView();
  sv.set(Matrix4.toArray(vp), WIDTH, HEIGHT, [eye.x, eye.y, eye.z]);
  return sv;
}

/** ECEF of a position, as a tuple. */
export function at(lon: number, lat: number, heightM = 0): [number, number, number] {
  const out = new Float64Array(3);
  ecef(lon, lat, heightM, out);
  return [out[0]!, out[1]!, out[2]!];
}
