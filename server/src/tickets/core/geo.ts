/** Small geodesy for the ticket desk: distances and bounding boxes on a sphere (metres). */

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A latitude/longitude box that contains every point within `radiusM` of `p` (for an index query). */
export function boundingBox(
  p: { lat: number; lon: number },
  radiusM: number,
): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  // 1% margin: a parallel is not a great circle, so the east-west extent is a little wider.
  const dLat = ((radiusM * 1.01) / R) * (180 / Math.PI);
  const cos = Math.max(Math.cos(rad(p.lat)), 1e-6);
  const dLon = Math.min(180, dLat / cos);
  return { minLat: p.lat - dLat, maxLat: p.lat + dLat, minLon: p.lon - dLon, maxLon: p.lon + dLon };
}
