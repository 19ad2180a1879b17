/**
 * WGS-84 <-> GCJ-02, the datum shift Chinese map providers (AMap, Tencent) apply to their tiles
 * by law. Vehicles report WGS-84; over a GCJ-02 basemap they must be drawn where the basemap
 * puts the ground, so the globe shifts the tiles instead (see `lib/globe/imagery.ts`).
 *
 * The forward formula is the published one (Krasovsky 1940 ellipsoid, a = 6378245 m); it is
 * defined only inside a rectangle around China, and everything outside is returned unchanged.
 * There is no closed-form inverse: `gcj02ToWgs84` iterates the forward formula until the
 * round trip is within 1e-9 degrees (a few iterations; well under a millimetre).
 */

const A = 6378245.0;
const EE = 0.006693421622965943;

/** A point in degrees. */
export interface LonLat {
  lon: number;
  lat: number;
}

/** The rectangle the GCJ-02 shift applies to (outside it, the datums coincide). */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function shiftLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The GCJ-02 offset (degrees) at a WGS-84 point inside China. */
function delta(lon: number, lat: number): LonLat {
  const dLat0 = shiftLat(lon - 105, lat - 35);
  const dLon0 = shiftLon(lon - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  const s = Math.sin(radLat);
  const magic = 1 - EE * s * s;
  const sqrtMagic = Math.sqrt(magic);
  return {
    lat: (dLat0 * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
    lon: (dLon0 * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
  };
}

/** WGS-84 -> GCJ-02 (degrees). Unchanged outside China. */
export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return { lon, lat };
  const d = delta(lon, lat);
  return { lon: lon + d.lon, lat: lat + d.lat };
}

/** GCJ-02 -> WGS-84 (degrees), by fixed-point iteration of the forward shift. */
export function gcj02ToWgs84(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return { lon, lat };
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < 10; i++) {
    const g = wgs84ToGcj02(wLon, wLat);
    const eLon = g.lon - lon;
    const eLat = g.lat - lat;
    wLon -= eLon;
    wLat -= eLat;
    if (Math.abs(eLon) < 1e-9 && Math.abs(eLat) < 1e-9) break;
  }
  return { lon: wLon, lat: wLat };
}
