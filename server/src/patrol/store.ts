/**
 * Rows <-> the planning library's types: saved routes as `Route`, zones as `Zone`, schedules
 * as `PatrolSchedule`. Kept in one place so the REST routes, the scheduler and the
 * orchestrator read the database the same way.
 */
import {
  type PatrolSchedule,
  parseAerieRoute,
  type Route,
  type Zone,
  type ZoneGeometry,
} from '@aerie/missions';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { airspaceZones, patrolRoutes, type patrolSchedules } from '../db/schema.ts';

export type RouteRow = typeof patrolRoutes.$inferSelect;
export type ZoneRow = typeof airspaceZones.$inferSelect;
export type ScheduleRow = typeof patrolSchedules.$inferSelect;

/** The stored route; it was checked when saved, so a failure here is a bug or a manual edit. */
export function routeOf(row: Pick<RouteRow, 'id' | 'routeJson'>): Route {
  const parsed = parseAerieRoute(JSON.parse(row.routeJson));
  if (!parsed.ok) throw new Error(`stored route ${row.id} no longer parses: ${parsed.error.message}`);
  return parsed.route;
}

export function zoneOf(row: ZoneRow): Zone {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    geometry: JSON.parse(row.geometryJson) as ZoneGeometry,
    ...(row.floorM !== null ? { floorM: row.floorM } : {}),
    ...(row.ceilingM !== null ? { ceilingM: row.ceilingM } : {}),
  };
}

/** Every zone, as the validator and the fence builder take them. */
export async function loadZones(db: Db): Promise<Zone[]> {
  const rows = await db.select().from(airspaceZones);
  return rows.map(zoneOf);
}

export function scheduleOf(row: ScheduleRow): PatrolSchedule {
  return {
    id: row.id,
    kind: row.kind,
    ...(row.rrule !== null ? { rrule: row.rrule } : {}),
    ...(row.dtstart !== null ? { dtstart: row.dtstart } : {}),
    ...(row.runAt !== null ? { atMs: row.runAt.getTime() } : {}),
    tz: row.tz,
    windowS: row.windowS,
    priority: row.priority,
    enabled: row.enabled,
    effectiveFromMs: row.effectiveFrom.getTime(),
  };
}

export function dockIdsOf(row: Pick<ScheduleRow, 'dockIdsJson'>): string[] | null {
  return row.dockIdsJson ? (JSON.parse(row.dockIdsJson) as string[]) : null;
}

export async function findRoute(db: Db, id: string): Promise<RouteRow | undefined> {
  const [row] = await db.select().from(patrolRoutes).where(eq(patrolRoutes.id, id));
  return row;
}
