/**
 * Camera geometry for mapping: ground footprint, ground sample distance, line spacing from
 * side overlap and trigger distance from forward overlap, for a nadir (straight down) camera.
 */

/** A camera's sensor and lens. */
export interface CameraSpec {
  name?: string;
  sensorWidthMm: number;
  sensorHeightMm: number;
  focalLengthMm: number;
  imageWidthPx: number;
  imageHeightPx: number;
  /**
   * True (default) when the image's long side lies across the flight line, as QGroundControl's
   * "landscape" orientation: wider swaths, fewer lines.
   */
  landscape?: boolean;
}

/** A 1-inch 20 MP camera (13.2 x 8.8 mm, 8.8 mm lens, 5472 x 3648 px), as on DJI Phantom 4 Pro class aircraft. */
export const STANDARD_CAMERA: CameraSpec = {
  name: '1-inch 20 MP, 8.8 mm',
  sensorWidthMm: 13.2,
  sensorHeightMm: 8.8,
  focalLengthMm: 8.8,
  imageWidthPx: 5472,
  imageHeightPx: 3648,
  landscape: true,
};

export interface Footprint {
  /** Ground distance the image covers across the flight line, metres. */
  acrossM: number;
  /** Ground distance the image covers along the flight line, metres. */
  alongM: number;
  /** Ground sample distance, centimetres per pixel. */
  gsdCmPerPx: number;
}

/** The ground an image covers from `altM` metres above flat ground. */
export function footprint(camera: CameraSpec, altM: number): Footprint {
  const landscape = camera.landscape ?? true;
  const across = (altM * (landscape ? camera.sensorWidthMm : camera.sensorHeightMm)) / camera.focalLengthMm;
  const along = (altM * (landscape ? camera.sensorHeightMm : camera.sensorWidthMm)) / camera.focalLengthMm;
  const gsd = ((altM * camera.sensorWidthMm) / (camera.focalLengthMm * camera.imageWidthPx)) * 100;
  return { acrossM: across, alongM: along, gsdCmPerPx: gsd };
}

/** Distance between survey lines for the given side overlap (0-1). */
export function lineSpacingM(camera: CameraSpec, altM: number, sideOverlap: number): number {
  return footprint(camera, altM).acrossM * (1 - sideOverlap);
}

/** Distance between photos along a line for the given forward overlap (0-1). */
export function triggerDistanceM(camera: CameraSpec, altM: number, frontOverlap: number): number {
  return footprint(camera, altM).alongM * (1 - frontOverlap);
}

/** The height that gives the wanted ground sample distance (cm/px). */
export function altitudeForGsd(camera: CameraSpec, gsdCmPerPx: number): number {
  return (gsdCmPerPx / 100) * ((camera.focalLengthMm * camera.imageWidthPx) / camera.sensorWidthMm);
}
