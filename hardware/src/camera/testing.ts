/**
 * A scene with one planted marker and how to find it in a rendered image: for tests that check
 * where the simulated camera draws a known point (here and in other packages' tests).
 */
import { offsetLatLon } from '../sim/geo.ts';
import { type Scene, scenePixel } from './render.ts';

/** A grey scene 400 m square at 0.1 m/px around `centre`, with a red square `sizeM` wide at `marker`. */
export function sceneWithMarker(
  centre: { lat: number; lon: number },
  marker: { lat: number; lon: number },
  elevationMslM: number,
  sizeM = 1,
): Scene {
  const [north, west] = offsetLatLon(centre.lat, centre.lon, 200, -200);
  const [south, east] = offsetLatLon(centre.lat, centre.lon, -200, 200);
  const width = 4000;
  const height = 4000;
  const rgb = new Uint8Array(width * height * 3).fill(128);
  const scene: Scene = { rgb, width, height, bounds: { north, south, east, west }, elevationMslM };
  const c = scenePixel(scene, marker.lat, marker.lon);
  const half = sizeM * 5;
  for (let y = Math.round(c.y - half); y < Math.round(c.y + half); y++)
    for (let x = Math.round(c.x - half); x < Math.round(c.x + half); x++)
      rgb.set([255, 0, 0], (y * width + x) * 3);
  return scene;
}

/** The red pixels of an RGB image: their centroid, bounding box [x, y, w, h] and count. */
export function redPixels(
  rgb: Uint8Array,
  width: number,
): { u: number; v: number; n: number; box: [number, number, number, number] } {
  let [su, sv, n] = [0, 0, 0];
  let [x0, y0, x1, y1] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1];
  for (let i = 0, p = 0; i < rgb.length; i += 3, p++) {
    if (!(rgb[i]! > 200 && rgb[i + 1]! < 60)) continue;
    const x = p % width;
    const y = Math.floor(p / width);
    su += x + 0.5;
    sv += y + 0.5;
    n++;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  return { u: su / n, v: sv / n, n, box: [x0, y0, x1 - x0, y1 - y0] };
}
