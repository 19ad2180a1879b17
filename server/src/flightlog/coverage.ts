/**
 * A sortie's coverage (missions `sortieCoverage`): the share of its planned area the camera
 * saw. The planned area is the corridor a nadir footprint sweeps along the route as planned for
 * the flight (`planJson`, else the patrol route); the track gives position, altitude and
 * heading per point. The flight log stores no roll or pitch, so the camera is taken as
 * gimbal-stabilised (level vehicle, the configured gimbal angles); the ground is flat at the
 * take-off elevation (first point's MSL minus relative altitude).
 */
import {
  type CameraLens,
  type CameraPose,
  type GimbalAngles,
  type LatLon,
  parseAerieRoute,
  type Route,
  routeCoverageArea,
  routePath,
  sortieCoverage,
} from '@aerie/missions';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { patrolRoutes, sorties, trackPoints } from '../db/schema.ts';

export interface CoverageCamera {
  lens: CameraLens;
  gimbal: GimbalAngles;
}

/** The simulated fleet's camera: 70 degrees, 1280 x 720, straight down. */
export const DEFAULT_COVERAGE_CAMERA: CoverageCamera = {
  lens: { hfovDeg: 70, width: 1280, height: 720 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
};

export interface SortieCoverageFigures {
  share: number;
  plannedAreaM2: number;
}

function plannedRoute(planJson: string | null, routeJson: string | null): Route | null {
  for (const text of [planJson, routeJson]) {
    if (!text) continue;
    try {
      const parsed = parseAerieRoute(JSON.parse(text));
      if (parsed.ok) return parsed.route;
    } catch {
      // An unreadable plan: try the route.
    }
  }
  return null;
}

/** The planned path (waypoints) and area of a sortie's plan or route; empty lists without one. */
export function plannedAreaOf(
  planJson: string | null,
  routeJson: string | null,
  camera: CoverageCamera = DEFAULT_COVERAGE_CAMERA,
): { path: LatLon[]; area: LatLon[] } {
  const route = plannedRoute(planJson, routeJson);
  if (!route) return { path: [], area: [] };
  return { path: routePath(route), area: routeCoverageArea(route, camera.lens) };
}

/** Computes a sortie's coverage; null when it has no plan with a path or no track. */
export async function computeSortieCoverage(
  db: Db,
  sortieId: string,
  camera: CoverageCamera = DEFAULT_COVERAGE_CAMERA,
): Promise<SortieCoverageFigures | null> {
  const [row] = await db
    .select({ planJson: sorties.planJson, routeJson: patrolRoutes.routeJson })
    .from(sorties)
    .leftJoin(patrolRoutes, eq(patrolRoutes.id, sorties.routeId))
    .where(eq(sorties.id, sortieId))
    .limit(1);
  if (!row) return null;
  const planned = plannedAreaOf(row.planJson, row.routeJson, camera).area;
  if (planned.length < 3) return null;
  const points = await db
    .select({
      lat: trackPoints.latDeg,
      lon: trackPoints.lonDeg,
      altAmslM: trackPoints.altAmslM,
      altRelM: trackPoints.altRelM,
      headingDeg: trackPoints.headingDeg,
    })
    .from(trackPoints)
    .where(eq(trackPoints.sortieId, sortieId))
    .orderBy(asc(trackPoints.at));
  const first = points.find((p) => p.altRelM !== null);
  if (!first) return null;
  // Heights above the take-off point when the track has no MSL altitude.
  const groundMslM = first.altAmslM !== null ? first.altAmslM - first.altRelM! : 0;
  const track: CameraPose[] = points
    .filter((p) => p.altRelM !== null && p.altRelM > 1)
    .map((p) => ({
      lat: p.lat,
      lon: p.lon,
      altMslM: p.altAmslM ?? groundMslM + p.altRelM!,
      rollDeg: 0,
      pitchDeg: 0,
      yawDeg: p.headingDeg ?? 0,
    }));
  const result = sortieCoverage({
    planned,
    track,
    lens: camera.lens,
    gimbal: camera.gimbal,
    ground: { kind: 'flat', elevationMslM: groundMslM },
  });
  if (!result.ok) return null;
  return { share: result.value.share, plannedAreaM2: result.value.plannedAreaM2 };
}

/** Computes and stores a sortie's coverage (left null when there is nothing to compute). */
export async function storeSortieCoverage(db: Db, sortieId: string, camera?: CoverageCamera): Promise<void> {
  const c = await computeSortieCoverage(db, sortieId, camera);
  await db
    .update(sorties)
    .set({ coverageShare: c?.share ?? null, coveragePlannedM2: c?.plannedAreaM2 ?? null })
    .where(eq(sorties.id, sortieId));
}
