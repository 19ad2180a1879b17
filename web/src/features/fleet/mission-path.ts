/**
 * The focused vehicle's mission as the globe draws it: the positions of the mission items the
 * server uploaded for its running sortie (from the saved route, converted exactly as the
 * orchestrator converts it), and which of them the vehicle has reached. Pure: no Cesium, no
 * fetch.
 */
import { type Flavour, type Home, type MissionItemInt, type Route, toMissionItems } from '@aerie/missions';

export interface PathPoint {
  lon: number;
  lat: number;
  /** Metres above home. */
  heightM: number;
}

export interface MissionPath {
  points: PathPoint[];
  /** For each mission seq, the index in `points` of the last position at or before it. */
  seqToIndex: Map<number, number>;
}

/** The positions of a mission's items (items without a position keep the previous one). */
export function missionPath(items: readonly MissionItemInt[]): MissionPath {
  const points: PathPoint[] = [];
  const seqToIndex = new Map<number, number>();
  let lastHeight = 0;
  for (const item of items) {
    if (item.x !== 0 || item.y !== 0) {
      const heightM = Number.isFinite(item.z) && item.z > 0 ? item.z : lastHeight;
      lastHeight = heightM;
      points.push({ lat: item.x / 1e7, lon: item.y / 1e7, heightM });
    }
    seqToIndex.set(item.seq, points.length - 1);
  }
  return { points, seqToIndex };
}

/** The mission the vehicle flies for `route`, from `home`, in its autopilot's dialect. */
export function routeMissionPath(route: Route, flavour: Flavour, home: Home | undefined): MissionPath {
  const items = toMissionItems(route, { flavour, ...(home ? { home } : {}) });
  return missionPath(items.filter((i) => i.missionType === 0));
}

/** Index in the path of the waypoint being flown to (-1: not started or unknown). */
export function progressIndex(path: MissionPath, currentSeq: number | null | undefined): number {
  if (typeof currentSeq !== 'number') return -1;
  return path.seqToIndex.get(currentSeq) ?? -1;
}
