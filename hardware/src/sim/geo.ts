/**
 * Flat-earth geometry around a point: plenty for the few kilometres a simulated patrol covers.
 */

const EARTH_RADIUS_M = 6_371_000;
const DEG = Math.PI / 180;

/** Moves a point by north/east metres. */
export function offsetLatLon(lat: number, lon: number, northM: number, eastM: number): [number, number] {
  const dLat = northM / EARTH_RADIUS_M / DEG;
  const dLon = eastM / (EARTH_RADIUS_M * Math.cos(lat * DEG)) / DEG;
  return [lat + dLat, lon + dLon];
}

/** North/east metres from (lat0, lon0) to (lat1, lon1). */
export function northEastM(lat0: number, lon0: number, lat1: number, lon1: number): [number, number] {
  const north = (lat1 - lat0) * DEG * EARTH_RADIUS_M;
  const east = (lon1 - lon0) * DEG * EARTH_RADIUS_M * Math.cos(((lat0 + lat1) / 2) * DEG);
  return [north, east];
}

/** Horizontal distance in metres. */
export function distanceM(lat0: number, lon0: number, lat1: number, lon1: number): number {
  const [n, e] = northEastM(lat0, lon0, lat1, lon1);
  return Math.hypot(n, e);
}

/** Wraps an angle in radians to (-pi, pi]. */
export function wrapPi(a: number): number {
  let x = a % (2 * Math.PI);
  if (x > Math.PI) x -= 2 * Math.PI;
  if (x <= -Math.PI) x += 2 * Math.PI;
  return x;
}

/** Wraps an angle in radians to [0, 2pi). */
export function wrap2Pi(a: number): number {
  const x = a % (2 * Math.PI);
  return x < 0 ? x + 2 * Math.PI : x;
}
