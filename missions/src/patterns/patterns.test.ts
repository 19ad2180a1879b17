import { describe, expect, it } from 'vitest';
import { toMissionItems } from '../convert.ts';
import {
  bearingDeg,
  destination,
  distanceM,
  type LatLon,
  localPlane,
  pointInRing,
  pointSegmentDistance,
} from '../geo.ts';
import { MavCmd } from '../items.ts';
import { DOCK, squareNearDock } from '../testing/fixtures.ts';
import { validateRoute } from '../validate.ts';
import { footprint, lineSpacingM, STANDARD_CAMERA, triggerDistanceM } from './camera.ts';
import { planCorridor } from './corridor.ts';
import { planOrbit } from './orbit.ts';
import { planSurvey } from './survey.ts';

/** A square of side `side` metres centred `dist` m from the dock along `bearing`, edges north-south and east-west. */
function square(side: number, bearing = 0, dist = 0): LatLon[] {
  const corners = squareNearDock(side / 2, bearing, dist);
  return [...corners, corners[0]!];
}

/** Perpendicular distance in metres from p to the (infinite) line through a and b. */
function crossTrack(p: LatLon, a: LatLon, b: LatLon): number {
  const plane = localPlane(a);
  const [P, A, B] = [plane.toXY(p), plane.toXY(a), plane.toXY(b)];
  const len = Math.hypot(B.x - A.x, B.y - A.y);
  return Math.abs((B.x - A.x) * (A.y - P.y) - (A.x - P.x) * (B.y - A.y)) / len;
}

describe('camera geometry', () => {
  it('footprint and GSD of the 1-inch camera at 80 m', () => {
    // 80 m * 13.2 mm / 8.8 mm = 120 m across; 80 * 8.8 / 8.8 = 80 m along;
    // GSD = 13.2 mm * 80 m / (8.8 mm * 5472 px) = 2.193 cm/px.
    const fp = footprint(STANDARD_CAMERA, 80);
    expect(fp.acrossM).toBeCloseTo(120, 6);
    expect(fp.alongM).toBeCloseTo(80, 6);
    expect(fp.gsdCmPerPx).toBeCloseTo(2.193, 3);
    expect(lineSpacingM(STANDARD_CAMERA, 80, 0.7)).toBeCloseTo(36, 6);
    expect(triggerDistanceM(STANDARD_CAMERA, 80, 0.8)).toBeCloseTo(16, 6);
  });
});

describe('planSurvey', () => {
  it('500 m square at 80 m: 14 lines 36 m apart, photos every 16 m', () => {
    // By hand: footprint 120 m across, side overlap 70% -> spacing 120 * 0.3 = 36 m.
    // 500 m / 36 m = 13.9 -> 14 lines (centred: 13 gaps = 468 m, 16 m in from each edge).
    const r = planSurvey({ polygon: square(500), altM: 80, sideOverlap: 0.7, frontOverlap: 0.8 });
    if (!r.ok) throw new Error(r.error.message);
    const p = r.plan;
    expect(p.lineCount).toBe(14);
    expect(p.lines).toHaveLength(14);
    expect(p.triggerDistanceM).toBeCloseTo(16, 6);
    // Measured on the generated lines: spacing = footprint width * (1 - side overlap) within 1%.
    for (let k = 0; k + 1 < p.lines.length; k++) {
      const gap = crossTrack(p.lines[k + 1]!.start, p.lines[k]!.start, p.lines[k]!.end);
      expect(Math.abs(gap - 120 * 0.3) / 36).toBeLessThan(0.01);
    }
    // Lines span the square (each ~500 m long) and alternate direction (boustrophedon).
    for (const l of p.lines) expect(Math.abs(distanceM(l.start, l.end) - 500)).toBeLessThan(5);
    const b0 = bearingDeg(p.lines[0]!.start, p.lines[0]!.end);
    const b1 = bearingDeg(p.lines[1]!.start, p.lines[1]!.end);
    expect(Math.abs(((b0 - b1 + 360) % 360) - 180)).toBeLessThan(1);
    // The outer lines sit 16 m inside the edges: the swath (60 m each side) covers the square.
    const edge = square(500);
    const inset = crossTrack(p.lines[0]!.start, edge[0]!, edge[3]!);
    const insetOther = crossTrack(p.lines[0]!.start, edge[1]!, edge[2]!);
    expect(Math.min(inset, insetOther)).toBeCloseTo(16, 0);
    // ~32 photos per 500 m line: 1 + floor(500 / 16).
    expect(p.photoCount).toBeGreaterThanOrEqual(14 * 31);
    expect(p.photoCount).toBeLessThanOrEqual(14 * 33);
  });

  it('emits camera trigger items per line and a route that validates', () => {
    const r = planSurvey({ polygon: square(300, 0, 400), altM: 60, speedMps: 6, home: { ...DOCK } });
    if (!r.ok) throw new Error(r.error.message);
    const items = toMissionItems(r.plan.route, { flavour: 'px4' });
    expect(items[0]!.command).toBe(MavCmd.NavTakeoff);
    expect(items[1]).toMatchObject({ command: MavCmd.DoChangeSpeed, param2: 6 });
    expect(items[2]).toMatchObject({ command: MavCmd.DoGimbalManagerPitchYaw, param1: -90 });
    const triggers = items.filter((i) => i.command === MavCmd.DoSetCamTriggDist);
    expect(triggers).toHaveLength(2 * r.plan.lines.length);
    expect(triggers[0]!.param1).toBeCloseTo(r.plan.triggerDistanceM, 2);
    expect(triggers[1]!.param1).toBe(0);
    expect(items[items.length - 1]!.command).toBe(MavCmd.NavReturnToLaunch);
    expect(validateRoute(r.plan.route)).toEqual([]);
  });

  it('starts at the corner nearest the dock', () => {
    const area = square(500, 0, 1000);
    // Corners SW, SE, NE, NW; the dock 200 m outside each in turn.
    const outward = [225, 135, 45, 315];
    for (const corner of [0, 1, 2, 3]) {
      const dock = destination(area[corner]!, outward[corner]!, 200);
      const r = planSurvey({ polygon: area, altM: 80, home: { ...dock } });
      if (!r.ok) throw new Error(r.error.message);
      const lines = r.plan.lines;
      const ends = [lines[0]!, lines[lines.length - 1]!].flatMap((l) => [l.start, l.end]);
      const nearest = Math.min(...ends.map((p) => distanceM(dock, p)));
      expect(distanceM(dock, lines[0]!.start)).toBeCloseTo(nearest, 6);
      // Lines end on the edge and the outer line is 16 m in: ~200 + 16 * cos(45 deg) = 211 m away.
      expect(nearest).toBeGreaterThan(208);
      expect(nearest).toBeLessThan(215);
      // Still a lawnmower: each line starts where the previous one ended, one spacing across.
      for (let k = 0; k + 1 < r.plan.lines.length; k++)
        expect(distanceM(r.plan.lines[k]!.end, r.plan.lines[k + 1]!.start)).toBeCloseTo(36, 0);
    }
  });

  it('runs lines along the long side of a rotated rectangle (fewest turns)', () => {
    // 1000 x 200 m, long side on bearing 30 deg.
    const c = destination(DOCK, 45, 1000);
    const a = destination(destination(c, 30, -500), 120, -100);
    const b = destination(a, 30, 1000);
    const d = destination(b, 120, 200);
    const e = destination(a, 120, 200);
    const r = planSurvey({ polygon: [a, b, d, e], altM: 80 });
    if (!r.ok) throw new Error(r.error.message);
    expect(Math.abs(r.plan.angleDeg - 30)).toBeLessThan(0.5);
    // 200 / 36 = 5.6 -> 6 lines.
    expect(r.plan.lineCount).toBe(6);
    const forced = planSurvey({ polygon: [a, b, d, e], altM: 80, angleDeg: 120 });
    if (!forced.ok) throw new Error(forced.error.message);
    // Across the long side instead: 1000 / 36 = 27.8 -> 28 lines.
    expect(forced.plan.lineCount).toBe(28);
  });

  it('clips lines to a concave (U-shaped) polygon and stops the camera over the gap', () => {
    // U: 400 m wide, 400 m tall, with a 200 x 300 m notch cut from the top middle.
    const plane = localPlane(DOCK);
    const ring = [
      { x: -200, y: -200 },
      { x: 200, y: -200 },
      { x: 200, y: 200 },
      { x: 100, y: 200 },
      { x: 100, y: -100 },
      { x: -100, y: -100 },
      { x: -100, y: 200 },
      { x: -200, y: 200 },
    ];
    const r = planSurvey({ polygon: ring.map(plane.toLatLon), altM: 80, angleDeg: 90 });
    if (!r.ok) throw new Error(r.error.message);
    // East-west lines: those crossing the notch are split into two segments.
    expect(r.plan.lines.length).toBeGreaterThan(r.plan.lineCount);
    for (const l of r.plan.lines) {
      const s = plane.toXY(l.start);
      const e = plane.toXY(l.end);
      const mid = { x: (s.x + e.x) / 2, y: (s.y + e.y) / 2 };
      expect(pointInRing(mid, ring)).toBe(true);
      for (const p of [s, e]) {
        const onEdge = ring.some((q, i) => pointSegmentDistance(p, q, ring[(i + 1) % ring.length]!) < 0.5);
        expect(onEdge).toBe(true);
      }
    }
  });

  it('rejects bad input naming the field', () => {
    const e = (o: Parameters<typeof planSurvey>[0]) => {
      const r = planSurvey(o);
      return r.ok ? 'ok' : r.error.message;
    };
    expect(e({ polygon: square(100), altM: 0 })).toBe('altM: must be more than 0, got 0');
    expect(e({ polygon: square(100), altM: 50, sideOverlap: 1.2 })).toMatch(/^sideOverlap: /);
    expect(e({ polygon: square(100).slice(0, 2), altM: 50 })).toMatch(/^polygon: needs 3/);
    expect(e({ polygon: [{ lat: 95, lon: 0 }, ...square(100)], altM: 50 })).toBe(
      'polygon[0].lat: must be between -90 and 90, got 95',
    );
    // 5 km wide at 1 m: 5000 / 0.45 m = 11,112 lines.
    expect(e({ polygon: square(5000), altM: 1 })).toMatch(
      /^polygon: 1111\d lines of 0\.5 m spacing .* at most 400/,
    );
  });
});

describe('planCorridor', () => {
  const north = [DOCK, destination(DOCK, 0, 600), destination(destination(DOCK, 0, 600), 90, 400)];

  it('offsets both sides by the given distance, leg by leg', () => {
    const r = planCorridor({ line: north, altM: 40, offsetM: 50, photoDistanceM: 10 });
    if (!r.ok) throw new Error(r.error.message);
    const [left, right] = r.plan.paths;
    expect(r.plan.paths).toHaveLength(2);
    // Left of a northward leg is west; each offset leg lies 50 m from its centre leg.
    expect(left![0]!.lon).toBeLessThan(DOCK.lon);
    for (const path of [left!, [...right!].reverse()]) {
      for (let i = 0; i + 1 < path.length; i++) {
        for (const p of [path[i]!, path[i + 1]!]) {
          expect(crossTrack(p, north[i]!, north[i + 1]!)).toBeCloseTo(50, 0);
        }
      }
    }
    // Out on one side, back on the other: the way back ends beside the start.
    expect(distanceM(right![right!.length - 1]!, DOCK)).toBeCloseTo(50, 0);
    const items = toMissionItems(r.plan.route, { flavour: 'px4' });
    expect(items.filter((i) => i.command === MavCmd.DoSetCamTriggDist).map((i) => i.param1)).toEqual([
      10, 0, 10, 0,
    ]);
  });

  it('flies the centre line, or one side', () => {
    const c = planCorridor({ line: north, altM: 40 });
    expect(c.ok && c.plan.paths).toEqual([north]);
    const right = planCorridor({ line: north, altM: 40, offsetM: 30, side: 'right' });
    if (!right.ok) throw new Error(right.error.message);
    expect(right.plan.paths).toHaveLength(1);
    expect(right.plan.paths[0]![0]!.lon).toBeGreaterThan(DOCK.lon);
    expect(crossTrack(right.plan.paths[0]![0]!, north[0]!, north[1]!)).toBeCloseTo(30, 0);
  });

  it('rejects a line with one point', () => {
    const r = planCorridor({ line: [DOCK, DOCK], altM: 40 });
    expect(!r.ok && r.error.message).toBe('line: needs 2 or more distinct positions, got 1');
  });
});

describe('planOrbit', () => {
  it('puts every point on the circle, the camera turned to the centre and pitched at it', () => {
    const center = destination(DOCK, 45, 300);
    const r = planOrbit({ center, radiusM: 80, altM: 60, turns: 2, pointsPerTurn: 12 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.plan.points).toHaveLength(25);
    for (const p of r.plan.points) expect(Math.abs(distanceM(center, p) - 80) / 80).toBeLessThan(0.001);
    const wps = r.plan.route.items.filter((i) => i.type === 'waypoint');
    const gimbal = r.plan.route.items.find((i) => i.type === 'gimbal');
    // No waypoint yaw (the autopilots' defaults ignore it); the gimbal turns 90 deg to the inside.
    expect(gimbal).toEqual({ type: 'gimbal', pitchDeg: -36.9, yawDeg: 90 });
    const off = (a: number, b: number) => Math.abs(((((a - b) % 360) + 540) % 360) - 180);
    for (let k = 0; k + 1 < wps.length; k++) {
      const w = wps[k]!;
      const next = wps[k + 1]!;
      if (w.type !== 'waypoint' || next.type !== 'waypoint') continue;
      expect(w.yawDeg).toBeUndefined();
      // Nose towards the next waypoint (the autopilots' default) + the gimbal's 90 deg: the camera
      // looks at the centre within half the arc between two points (15 deg here), all the way.
      const camera = bearingDeg(w, next) + 90;
      expect(off(camera, bearingDeg(w, center))).toBeLessThan(15.1);
      expect(off(camera, bearingDeg(next, center))).toBeLessThan(15.1);
    }
    const ccw = planOrbit({ center, radiusM: 80, altM: 60, clockwise: false });
    if (!ccw.ok) throw new Error(ccw.error.message);
    expect(ccw.plan.route.items.find((i) => i.type === 'gimbal')).toMatchObject({ yawDeg: -90 });
    // atan(60 / 80) = 36.87 deg down.
    expect(r.plan.gimbalPitchDeg).toBeCloseTo(-36.87, 2);
    // Clockwise: the second point is ~30 deg clockwise of the first (north -> east).
    expect(bearingDeg(center, r.plan.points[1]!)).toBeCloseTo(30, 0);
    expect(validateRoute({ ...r.plan.route, home: { ...DOCK } })).toEqual([]);
  });

  it('rejects a zero radius', () => {
    const r = planOrbit({ center: DOCK, radiusM: 0, altM: 30 });
    expect(!r.ok && r.error.message).toBe('radiusM: must be more than 0, got 0');
  });
});
