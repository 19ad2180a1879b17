/**
 * The sortie report's route drawing: planned area, planned path, flown track and findings in one
 * SVG, north up, scaled to fit a box with the same metres per pixel on both axes (an
 * equirectangular plane around the drawing's centre, right for the few kilometres of a
 * patrol). Pure; see report-geometry.test.ts.
 */

export interface LatLon {
  lat: number;
  lon: number;
}

export interface ReportDrawing {
  width: number;
  height: number;
  /** SVG path data ("M x y L x y ... Z" for the area). */
  area: string;
  path: string;
  track: string;
  points: Array<{ x: number; y: number }>;
  /** Metres per SVG unit, for a scale bar. */
  metresPerUnit: number;
}

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** Fits every given geometry into `width` x `height` with `pad` units of margin. */
export function reportDrawing(
  g: { area: LatLon[]; path: LatLon[]; track: LatLon[]; points: LatLon[] },
  width: number,
  height: number,
  pad = 16,
): ReportDrawing | null {
  const all = [...g.area, ...g.path, ...g.track, ...g.points];
  if (all.length === 0) return null;
  const lat0 = all.reduce((s, p) => s + p.lat, 0) / all.length;
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const xy = (p: LatLon) => ({ x: p.lon * kx, y: p.lat * M_PER_DEG });
  const pts = all.map(xy);
  const minX = Math.min(...pts.map((p) => p.x));
  const maxX = Math.max(...pts.map((p) => p.x));
  const minY = Math.min(...pts.map((p) => p.y));
  const maxY = Math.max(...pts.map((p) => p.y));
  // At least 50 m across, so one point (or a hover in place) is not drawn at a silly scale.
  const scale = Math.min(
    (width - 2 * pad) / Math.max(maxX - minX, 50),
    (height - 2 * pad) / Math.max(maxY - minY, 50),
  );
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const screen = (p: LatLon) => {
    const q = xy(p);
    return { x: width / 2 + (q.x - cx) * scale, y: height / 2 - (q.y - cy) * scale };
  };
  const line = (ps: LatLon[], close: boolean) =>
    ps.length === 0
      ? ''
      : ps
          .map(screen)
          .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`)
          .join(' ') + (close ? ' Z' : '');
  return {
    width,
    height,
    area: line(g.area, true),
    path: line(g.path, false),
    track: line(g.track, false),
    points: g.points.map(screen),
    metresPerUnit: 1 / scale,
  };
}
