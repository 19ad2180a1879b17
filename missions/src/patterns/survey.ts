/**
 * Area survey ("lawnmower"): parallel lines over a polygon, spaced for the camera's side
 * overlap, with distance-triggered photos for the forward overlap.
 *
 * Lines run along the direction in which the polygon is narrowest (found from its edges:
 * the minimum width is always across one of the convex hull's edges), which gives the fewest
 * lines and turns; `angleDeg` overrides it. Lines are centred on the polygon's width so the
 * swaths overhang both sides equally. Each line is clipped to the polygon; a concave polygon
 * can cut one line into several segments, and the camera is stopped between them so no
 * photos are taken outside the area.
 */
import type { LatLon, XY } from '../geo.ts';
import { centroidOf, distanceM, localPlane, openRing, ringArea } from '../geo.ts';
import type { Home, Route, RouteItem } from '../route.ts';
import { type CameraSpec, footprint, STANDARD_CAMERA } from './camera.ts';

export interface SurveyOptions {
  /** The area, as a ring of positions (closed or open). */
  polygon: readonly LatLon[];
  /** Flight height above home, metres. */
  altM: number;
  camera?: CameraSpec;
  /** Side overlap between neighbouring lines, 0-1 (default 0.7). */
  sideOverlap?: number;
  /** Forward overlap between consecutive photos, 0-1 (default 0.8). */
  frontOverlap?: number;
  /** Line direction, degrees clockwise from north; default: the polygon's narrowest direction. */
  angleDeg?: number;
  /** Survey speed, m/s: adds a DO_CHANGE_SPEED item when given. */
  speedMps?: number;
  /** Extra distance flown beyond each end of a line, metres (default 0). */
  turnaroundM?: number;
  /** Camera pitch for the survey, degrees (default -90, straight down). */
  gimbalPitchDeg?: number;
  home?: Home;
  name?: string;
  /** Add take-off and RTL around the survey (default true). */
  takeoffAndReturn?: boolean;
}

export interface SurveyLine {
  start: LatLon;
  end: LatLon;
}

export interface SurveyPlan {
  route: Route;
  lines: SurveyLine[];
  /** Number of sweep lines across the polygon (a concave polygon may split one into several segments). */
  lineCount: number;
  lineSpacingM: number;
  triggerDistanceM: number;
  angleDeg: number;
  footprint: { acrossM: number; alongM: number };
  gsdCmPerPx: number;
  areaM2: number;
  /** Photos expected: segment lengths over the trigger distance, one at each segment start. */
  photoCount: number;
}

export type SurveyResult =
  | { ok: true; plan: SurveyPlan }
  | { ok: false; error: { code: 'InvalidSurvey'; message: string } };

const fail = (message: string): SurveyResult => ({ ok: false, error: { code: 'InvalidSurvey', message } });

const dirOf = (deg: number): XY => ({
  x: Math.sin((deg * Math.PI) / 180),
  y: Math.cos((deg * Math.PI) / 180),
});
const normalOf = (deg: number): XY => ({
  x: Math.cos((deg * Math.PI) / 180),
  y: -Math.sin((deg * Math.PI) / 180),
});
const dot = (a: XY, b: XY): number => a.x * b.x + a.y * b.y;

/** Width of the ring across lines of the given direction, metres. */
function widthAcross(ring: readonly XY[], deg: number): { min: number; max: number } {
  const n = normalOf(deg);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of ring) {
    const v = dot(p, n);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** The line direction (degrees from north, 0-180) across which the ring is narrowest. */
export function narrowestDirectionDeg(ring: readonly XY[]): number {
  let best = 0;
  let bestWidth = Number.POSITIVE_INFINITY;
  let bestLen = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    const deg = ((Math.atan2(b.x - a.x, b.y - a.y) * 180) / Math.PI + 360) % 180;
    const { min, max } = widthAcross(ring, deg);
    const w = max - min;
    // Ties (a rectangle's two long sides, a square's four) go to the longer edge.
    if (w < bestWidth - 1e-6 || (Math.abs(w - bestWidth) <= 1e-6 && len > bestLen)) {
      best = deg;
      bestWidth = w;
      bestLen = len;
    }
  }
  return best;
}

/** Segments of the sweep line v = c inside the ring, as [uStart, uEnd] pairs (ascending). */
function clipSweep(ring: readonly XY[], deg: number, c: number): [number, number][] {
  const d = dirOf(deg);
  const n = normalOf(deg);
  const us: number[] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const va = dot(a, n);
    const vb = dot(b, n);
    // Half-open test so a vertex exactly on the line is counted once.
    if ((va <= c && c < vb) || (vb <= c && c < va)) {
      const t = (c - va) / (vb - va);
      us.push(dot(a, d) + t * (dot(b, d) - dot(a, d)));
    }
  }
  us.sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < us.length; i += 2) if (us[i + 1]! - us[i]! > 1e-6) out.push([us[i]!, us[i + 1]!]);
  return out;
}

/** Plans a lawnmower survey over a polygon. */
export function planSurvey(options: SurveyOptions): SurveyResult {
  const camera = options.camera ?? STANDARD_CAMERA;
  const side = options.sideOverlap ?? 0.7;
  const front = options.frontOverlap ?? 0.8;
  if (!(options.altM > 0)) return fail(`altM: must be more than 0, got ${options.altM}`);
  if (!(side >= 0 && side < 1))
    return fail(`sideOverlap: must be from 0 up to (not including) 1, got ${side}`);
  if (!(front >= 0 && front < 1))
    return fail(`frontOverlap: must be from 0 up to (not including) 1, got ${front}`);
  const pts = openRing(options.polygon);
  if (pts.length < 3) return fail(`polygon: needs 3 or more distinct vertices, got ${pts.length}`);
  for (const [i, p] of pts.entries()) {
    if (!(p.lat >= -90 && p.lat <= 90))
      return fail(`polygon[${i}].lat: must be between -90 and 90, got ${p.lat}`);
    if (!(p.lon >= -180 && p.lon <= 180))
      return fail(`polygon[${i}].lon: must be between -180 and 180, got ${p.lon}`);
  }
  const plane = localPlane(centroidOf(pts));
  const ring = pts.map(plane.toXY);
  const area = Math.abs(ringArea(ring));
  if (area < 1) return fail('polygon: encloses no area');

  const fp = footprint(camera, options.altM);
  const spacing = fp.acrossM * (1 - side);
  const trigger = fp.alongM * (1 - front);
  const angle =
    options.angleDeg !== undefined ? ((options.angleDeg % 180) + 180) % 180 : narrowestDirectionDeg(ring);
  const { min, max } = widthAcross(ring, angle);
  const width = max - min;
  const count = Math.max(1, Math.ceil(width / spacing - 1e-9));
  // A typo in the height (1 m instead of 100) must not build a mission no autopilot can hold.
  if (count > MAX_LINES)
    return fail(
      `polygon: ${count} lines of ${spacing.toFixed(1)} m spacing are needed across its ${Math.round(width)} m width; at most ${MAX_LINES} are planned (raise altM or lower sideOverlap)`,
    );
  const first = min + (width - (count - 1) * spacing) / 2;
  const d = dirOf(angle);
  const n = normalOf(angle);
  const at = (u: number, v: number): LatLon => plane.toLatLon({ x: u * d.x + v * n.x, y: u * d.y + v * n.y });
  const extra = options.turnaroundM ?? 0;

  const lines: SurveyLine[] = [];
  let photos = 0;
  for (let k = 0; k < count; k++) {
    const c = first + k * spacing;
    let segs = clipSweep(ring, angle, c);
    if (k % 2 === 1) segs = segs.map(([a, b]) => [b, a] as [number, number]).reverse();
    for (const [ua, ub] of segs) {
      const sign = ub >= ua ? 1 : -1;
      lines.push({ start: at(ua - sign * extra, c), end: at(ub + sign * extra, c) });
      photos += 1 + Math.floor(Math.abs(ub - ua) / trigger);
    }
  }
  if (lines.length === 0) return fail('polygon: no survey line fits inside it');
  if (options.home) startNearest(lines, options.home);

  const items: RouteItem[] = [];
  const wrap = options.takeoffAndReturn ?? true;
  if (wrap) items.push({ type: 'takeoff', altM: options.altM });
  if (options.speedMps) items.push({ type: 'speed', mps: options.speedMps });
  items.push({ type: 'gimbal', pitchDeg: options.gimbalPitchDeg ?? -90 });
  for (const line of lines) {
    items.push({ type: 'waypoint', ...line.start, altM: options.altM });
    items.push({ type: 'photo', distanceM: round2(trigger) });
    items.push({ type: 'waypoint', ...line.end, altM: options.altM });
    items.push({ type: 'photo', distanceM: 0 });
  }
  if (wrap) items.push({ type: 'rtl' });
  const route: Route = {
    name: options.name ?? 'survey',
    defaults: { altM: options.altM, speedMps: options.speedMps ?? 8 },
    items,
  };
  if (options.home) route.home = options.home;
  return {
    ok: true,
    plan: {
      route,
      lines,
      lineCount: count,
      lineSpacingM: spacing,
      triggerDistanceM: trigger,
      angleDeg: angle,
      footprint: { acrossM: fp.acrossM, alongM: fp.alongM },
      gsdCmPerPx: fp.gsdCmPerPx,
      areaM2: area,
      photoCount: photos,
    },
  };
}

/**
 * Starts the pattern at the corner nearest home: the same lines flown backwards, or from the
 * other side, are the same survey with a shorter flight out from the dock.
 */
function startNearest(lines: SurveyLine[], home: LatLon): void {
  const flip = (): void => {
    for (const l of lines) [l.start, l.end] = [l.end, l.start];
  };
  const options: [boolean, boolean][] = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  let best: [boolean, boolean] = [false, false];
  let bestD = Number.POSITIVE_INFINITY;
  for (const [rev, fl] of options) {
    const first = rev ? lines[lines.length - 1]! : lines[0]!;
    const start = rev !== fl ? first.end : first.start;
    const d = distanceM(home, start);
    if (d < bestD - 1e-6) {
      bestD = d;
      best = [rev, fl];
    }
  }
  if (best[0]) {
    lines.reverse();
    flip();
  }
  if (best[1]) flip();
}

/** Most sweep lines one survey plans. */
export const MAX_LINES = 400;

const round2 = (v: number): number => Math.round(v * 100) / 100;
