/**
 * Sortie coverage: the share of the planned area that the camera's footprint actually saw.
 *
 * The planned area (a survey polygon, or a corridor around the planned path: `corridorRing`)
 * is rasterised into square cells on a local plane; each track sample's footprint
 * (`cameraFootprint`, from the sample's position and attitude, the gimbal and the lens) marks
 * the cells whose centres it contains. Between two samples the camera swept the ground, so
 * the convex hull of two consecutive footprints is marked too, as long as the vehicle flew
 * straight between them (heading change at most `maxSweepTurnDeg`) and they are at most
 * `maxSweepGapM` apart: a track at 1 Hz and 10 m/s then counts the strip between samples,
 * while a gap in the log (a lost link) or a turn does not invent coverage.
 *
 * The share is covered cells / planned cells; the cell size (default: the planned area's
 * diagonal / 200, at least 1 m) bounds the error to about one cell along the area's edge.
 */
import { type LatLon, localPlane, openRing, pointInRing, type XY } from '../geo.ts';
import { offsetPolyline } from '../patterns/corridor.ts';
import { itemPosition, type Route } from '../route.ts';
import {
  type CameraLens,
  type CameraPose,
  cameraFootprint,
  type GimbalAngles,
  type Ground,
} from './projection.ts';

export interface CoverageInput {
  /** The planned area's outline (open or closed ring), at least 3 points. */
  planned: readonly LatLon[];
  /** The flown track: position (MSL) and attitude per sample, in time order. */
  track: readonly CameraPose[];
  lens: CameraLens;
  /** The camera mount relative to the body (a nadir survey camera: pitch -90). */
  gimbal: GimbalAngles;
  ground: Ground;
  /** Cell size, metres (default: diagonal / 200, at least 1). */
  cellM?: number;
  /** Longest gap between consecutive samples swept as one strip, metres (default 60). */
  maxSweepGapM?: number;
  /** Largest heading change between consecutive samples swept as one strip, degrees (default 15). */
  maxSweepTurnDeg?: number;
}

export interface Coverage {
  /** Covered share of the planned area, 0..1. */
  share: number;
  plannedAreaM2: number;
  coveredAreaM2: number;
  cellM: number;
  /** Track samples whose footprint was used (samples seeing no ground are left out). */
  samplesUsed: number;
}

export type CoverageResult =
  | { ok: true; value: Coverage }
  | { ok: false; error: { code: 'InvalidArea' | 'InvalidTrack' | 'InvalidOption'; message: string } };

const MAX_CELLS = 250_000;

const fail = (code: 'InvalidArea' | 'InvalidTrack' | 'InvalidOption', message: string): CoverageResult => ({
  ok: false,
  error: { code, message },
});

/** The share of `planned` the camera saw along `track`. */
export function sortieCoverage(input: CoverageInput): CoverageResult {
  const ring = openRing(input.planned);
  if (ring.length < 3) return fail('InvalidArea', `planned: needs at least 3 points, got ${ring.length}`);
  if (ring.some((p) => !Number.isFinite(p.lat) || !Number.isFinite(p.lon)))
    return fail('InvalidArea', 'planned: every point needs a finite lat and lon');
  const bad = input.track.findIndex(
    (s) => ![s.lat, s.lon, s.altMslM, s.rollDeg, s.pitchDeg, s.yawDeg].every(Number.isFinite),
  );
  if (bad >= 0)
    return fail('InvalidTrack', `track[${bad}]: lat, lon, altMslM and attitude must be finite numbers`);
  if (input.cellM !== undefined && !(input.cellM > 0))
    return fail('InvalidOption', `cellM must be positive, got ${input.cellM}`);

  const plane = localPlane(ring[0]!);
  const area = ring.map((p) => plane.toXY(p));
  const box = bounds(area);
  const diagonal = Math.hypot(box.maxX - box.minX, box.maxY - box.minY);
  if (!(diagonal > 0)) return fail('InvalidArea', 'planned: the area has no extent');
  let cellM = input.cellM ?? Math.max(1, diagonal / 200);
  const cols = () => Math.ceil((box.maxX - box.minX) / cellM);
  const rows = () => Math.ceil((box.maxY - box.minY) / cellM);
  while (cols() * rows() > MAX_CELLS) cellM *= 1.5;
  const nx = Math.max(1, cols());
  const ny = Math.max(1, rows());

  // 1: planned cell, 2: planned and seen.
  const grid = new Uint8Array(nx * ny);
  let planned = 0;
  forCellsIn(area, box, cellM, nx, ny, (i) => {
    grid[i] = 1;
    planned++;
  });
  if (planned === 0) return fail('InvalidArea', 'planned: the area is smaller than one cell');

  const gap = input.maxSweepGapM ?? 60;
  const turn = input.maxSweepTurnDeg ?? 15;
  let covered = 0;
  const mark = (poly: XY[]) =>
    forCellsIn(
      poly,
      bounds(poly),
      cellM,
      nx,
      ny,
      (i) => {
        if (grid[i] === 1) {
          grid[i] = 2;
          covered++;
        }
      },
      box,
    );
  let prev: { poly: XY[]; at: XY; yawDeg: number } | null = null;
  let used = 0;
  for (const pose of input.track) {
    const fp = cameraFootprint({ pose, gimbal: input.gimbal, camera: input.lens }, input.ground);
    if (fp.ring.length < 3 || fp.clipped) {
      prev = null;
      continue;
    }
    used++;
    const poly = fp.ring.map((p) => plane.toXY(p));
    const at = plane.toXY(pose);
    mark(poly);
    if (
      prev &&
      Math.hypot(at.x - prev.at.x, at.y - prev.at.y) <= gap &&
      angleBetween(pose.yawDeg, prev.yawDeg) <= turn
    )
      mark(convexHull([...prev.poly, ...poly]));
    prev = { poly, at, yawDeg: pose.yawDeg };
  }
  const cellArea = cellM * cellM;
  return {
    ok: true,
    value: {
      share: covered / planned,
      plannedAreaM2: planned * cellArea,
      coveredAreaM2: covered * cellArea,
      cellM,
      samplesUsed: used,
    },
  };
}

/**
 * The corridor of half-width `halfWidthM` around a planned path, as a ring: the path offset to
 * the left, then back along the right (mitred corners, `offsetPolyline`). The planned area of
 * a waypoint route that has no survey polygon.
 */
export function corridorRing(path: readonly LatLon[], halfWidthM: number): LatLon[] {
  const pts = path.filter((p, i) => i === 0 || p.lat !== path[i - 1]!.lat || p.lon !== path[i - 1]!.lon);
  if (pts.length < 2 || !(halfWidthM > 0)) return [];
  const plane = localPlane(pts[0]!);
  const xy = pts.map((p) => plane.toXY(p));
  const left = offsetPolyline(xy, halfWidthM);
  const right = offsetPolyline(xy, -halfWidthM).reverse();
  return [...left, ...right].map((p) => plane.toLatLon(p));
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function bounds(pts: readonly XY[]): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const p of pts) {
    box.minX = Math.min(box.minX, p.x);
    box.minY = Math.min(box.minY, p.y);
    box.maxX = Math.max(box.maxX, p.x);
    box.maxY = Math.max(box.maxY, p.y);
  }
  return box;
}

/**
 * Calls `fn` with the index of every grid cell (origin `grid`'s min corner) whose centre lies in
 * `poly`, scanning only the cells under `box`.
 */
function forCellsIn(
  poly: readonly XY[],
  box: Box,
  cellM: number,
  nx: number,
  ny: number,
  fn: (i: number) => void,
  grid: Box = box,
): void {
  const i0 = Math.max(0, Math.floor((box.minX - grid.minX) / cellM));
  const i1 = Math.min(nx - 1, Math.ceil((box.maxX - grid.minX) / cellM));
  const j0 = Math.max(0, Math.floor((box.minY - grid.minY) / cellM));
  const j1 = Math.min(ny - 1, Math.ceil((box.maxY - grid.minY) / cellM));
  for (let j = j0; j <= j1; j++)
    for (let i = i0; i <= i1; i++) {
      const c = { x: grid.minX + (i + 0.5) * cellM, y: grid.minY + (j + 0.5) * cellM };
      if (pointInRing(c, poly)) fn(j * nx + i);
    }
}

/** Smallest difference between two headings, degrees (0..180). */
function angleBetween(a: number, b: number): number {
  const d = Math.abs(((((a - b) % 360) + 540) % 360) - 180);
  return d;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise. */
function convexHull(points: readonly XY[]): XY[] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const cross = (o: XY, a: XY, b: XY) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: XY[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: XY[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  upper.pop();
  lower.pop();
  return [...lower, ...upper];
}

/**
 * The planned area of a route that carries no survey polygon: the corridor around its flight
 * path as wide as a nadir camera's footprint at the route's (median waypoint) altitude. For a
 * lawnmower survey, whose lanes are at most a footprint apart, that is the surveyed area; for a
 * river patrol it is the strip the camera was meant to see. Empty when the route has fewer than
 * two positions.
 */
export function routeCoverageArea(route: Route, lens: Pick<CameraLens, 'hfovDeg'>): LatLon[] {
  const path = routePath(route);
  const alts: number[] = [];
  for (const item of route.items)
    if ((item.type === 'waypoint' || item.type === 'loiter') && typeof item.altM === 'number')
      alts.push(item.altM);
  if (path.length < 2) return [];
  alts.sort((a, b) => a - b);
  const altM = alts.length ? alts[Math.floor(alts.length / 2)]! : route.defaults.altM;
  return corridorRing(path, altM * Math.tan(((lens.hfovDeg / 2) * Math.PI) / 180));
}

/** The positions the route flies over (waypoints and loiters; not take-off or landing), in order. */
export function routePath(route: Route): LatLon[] {
  const path: LatLon[] = [];
  for (const item of route.items) {
    if (item.type === 'takeoff' || item.type === 'land') continue;
    const p = itemPosition(item);
    if (p) path.push(p);
  }
  return path;
}
